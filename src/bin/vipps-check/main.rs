//! `vipps-check`: the go-live check of the eCom checklist ("flow to go live"), run in the test
//! environment or against vipps-sim, never in production. See README "Go-live check".

mod flows;
mod options;
mod report;
mod wire;

use std::io::Write;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use options::Target;
use report::{Report, Row};

/// Refused (production, unknown host) or unusable options.
const EXIT_REFUSED: u8 = 2;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parsed = options::parse(&args, &|name| std::env::var(name).ok());
    let opts = match parsed {
        Ok(o) if o.help => return output(&format!("{}\n", options::USAGE), ExitCode::SUCCESS),
        Ok(o) => o,
        Err(e) => return refuse(&e),
    };
    let (target, config) = match options::target(&opts) {
        Ok(t) => t,
        Err(e) => return refuse(&e),
    };
    let client = match vipps::Client::new(&config.to_string()) {
        Ok(c) => c,
        Err(e) => return refuse(&format!("configuration: {e}")),
    };
    let report = run(&opts, target, &client);
    let text = if opts.json {
        format!("{:#}\n", report.to_json())
    } else {
        report.to_text()
    };
    let code = if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    };
    output(&text, code)
}

/// Writes to stdout; a closed pipe or a full disk is reported, not a panic (as `println!`
/// would), and fails the run: a report nobody can keep is no proof.
fn output(text: &str, code: ExitCode) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => code,
        Err(e) => {
            eprintln!("vipps-check: could not write to stdout: {e}");
            ExitCode::FAILURE
        }
    }
}

fn refuse(message: &str) -> ExitCode {
    eprintln!("vipps-check: {message}");
    ExitCode::from(EXIT_REFUSED)
}

fn run(opts: &options::Options, target: Target, client: &vipps::Client) -> Report {
    let config = client.config();
    let base_url = config.base_url.as_str().to_owned();
    let now = SystemTime::now();
    let millis = now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    let mut report = Report {
        target: match target {
            Target::Simulator => "simulator".into(),
            Target::TestEnvironment => "test environment".into(),
        },
        base_url: base_url.clone(),
        msn: config.merchant_serial_number.clone(),
        started_at: httpdate::fmt_http_date(now),
        orders: Vec::new(),
        rows: Vec::new(),
    };
    // Against the simulator, remember where its request log stands so only this run is read.
    let since = match target {
        Target::Simulator => Some(wire::last_seq(&base_url)),
        Target::TestEnvironment => None,
    };
    let flow = flows::Run {
        client,
        stamp: format!("{millis}-{}", std::process::id() % 100_000),
        phone: opts.phone.clone().unwrap_or_else(|| "4791234567".into()),
        webhook_url: opts
            .webhook_url
            .clone()
            .unwrap_or_else(|| "https://example.com/vipps-check/webhook".into()),
    };

    let (row, refunded) = flow.epayment_refund();
    report.rows.push(row);
    let (row, cancelled) = flow.epayment_cancel();
    report.rows.push(row);
    let refunded_reference = refunded.as_ref().map(|o| o.reference.clone());
    report.orders.extend(refunded);
    report.orders.extend(cancelled);
    if opts.ecom {
        for (row, order) in [flow.ecom_refund(), flow.ecom_cancel()] {
            report.rows.push(row);
            report.orders.extend(order);
        }
    }
    report
        .rows
        .push(flow.receipt(refunded_reference.as_deref()));
    report.rows.push(flow.webhook());
    report
        .rows
        .push(headers_row(&base_url, since, &config.system));
    report
}

/// Against the simulator: read what it received. Against the test environment the wire cannot
/// be seen from here, so the row says what the library was configured to send, and no more.
fn headers_row(
    base_url: &str,
    since: Option<Result<u64, String>>,
    system: &vipps::config::SystemInfo,
) -> Row {
    let name = "vipps_system_headers";
    let expected = [
        system.system_name.clone(),
        system.system_version.clone(),
        system.plugin_name.clone(),
        system.plugin_version.clone(),
    ];
    let shown = format!(
        "Vipps-System-Name {:?}, -Version {:?}, -Plugin-Name {:?}, -Plugin-Version {:?}",
        system.system_name, system.system_version, system.plugin_name, system.plugin_version
    );
    match since {
        None => Row {
            name,
            passed: true,
            detail: format!("set on every request by the library configuration ({shown}); not observed on the wire: this command cannot see what reached the test environment"),
        },
        Some(Err(e)) => Row {
            name,
            passed: false,
            detail: format!("could not read the simulator's request log: {e}"),
        },
        Some(Ok(since)) => match wire::check_headers(base_url, since, &expected) {
            Ok(count) => Row {
                name,
                passed: true,
                detail: format!(
                    "observed on all {count} requests the simulator received ({shown})"
                ),
            },
            Err(e) => Row {
                name,
                passed: false,
                detail: e,
            },
        },
    }
}
