//! The command line and environment of `vipps-check`, and the rule that it never runs against
//! production: the check creates, captures and refunds real payments.

use serde_json::{json, Value};

/// The simulator's default address (the same as the library's `"environment": "sim"`).
pub const DEFAULT_SIM_URL: &str = "http://127.0.0.1:7878";
const TEST_HOST: &str = "apitest.vipps.no";
const TEST_BASE_URL: &str = "https://apitest.vipps.no";

pub const USAGE: &str = "\
vipps-check: the go-live check in the Vipps MobilePay TEST environment (or against vipps-sim)

Usage: vipps-check [options]

Target (default: the simulator at http://127.0.0.1:7878, no credentials needed):
  --environment test|sim     test = https://apitest.vipps.no (needs the four credentials)
  --base-url URL             a simulator elsewhere on this machine (loopback only)
Credentials (the merchant's TEST keys; flags or environment variables):
  --client-id ID             VIPPS_CLIENT_ID
  --client-secret S          VIPPS_CLIENT_SECRET
  --subscription-key K       VIPPS_SUBSCRIPTION_KEY
  --msn N                    VIPPS_MSN (merchant serial number)
  --environment              VIPPS_ENVIRONMENT
Other:
  --phone N                  the test user's phone number for approving (ePayment, with country
                             code; default 4791234567; eCom uses the last 8 digits)
  --webhook-url URL          the https URL registered (and deleted again) in the webhook row
                             (default https://example.com/vipps-check/webhook)
  --system-name/--system-version/--plugin-name/--plugin-version  the Vipps-System-* headers
  --ecom                     also run the legacy eCom v2 pair
  --json                     print the report as JSON
  -h, --help                 this text

Exit codes: 0 every row passed; 1 a row failed; 2 refused (production, bad options).";

/// What the user asked for.
#[derive(Debug, Default)]
pub struct Options {
    pub environment: Option<String>,
    pub base_url: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub subscription_key: Option<String>,
    pub msn: Option<String>,
    pub phone: Option<String>,
    pub webhook_url: Option<String>,
    pub system: [Option<String>; 4],
    pub ecom: bool,
    pub json: bool,
    pub help: bool,
}

/// Where the check runs, once the production rule has been applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The simulator: its request log shows what went over the wire.
    Simulator,
    /// The real test environment: the wire cannot be seen from here.
    TestEnvironment,
}

/// Reads flags; an environment variable fills what a flag did not give.
pub fn parse(args: &[String], env: &dyn Fn(&str) -> Option<String>) -> Result<Options, String> {
    let mut o = Options::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = || -> Result<String, String> {
            match inline.clone() {
                Some(v) => Ok(v),
                None => it.next().cloned().ok_or(format!("{name} needs a value")),
            }
        };
        match name {
            "--environment" => o.environment = Some(value()?),
            "--base-url" => o.base_url = Some(value()?),
            "--client-id" => o.client_id = Some(value()?),
            "--client-secret" => o.client_secret = Some(value()?),
            "--subscription-key" => o.subscription_key = Some(value()?),
            "--msn" => o.msn = Some(value()?),
            "--phone" => o.phone = Some(value()?),
            "--webhook-url" => o.webhook_url = Some(value()?),
            "--system-name" => o.system[0] = Some(value()?),
            "--system-version" => o.system[1] = Some(value()?),
            "--plugin-name" => o.system[2] = Some(value()?),
            "--plugin-version" => o.system[3] = Some(value()?),
            "--ecom" => o.ecom = true,
            "--json" => o.json = true,
            "-h" | "--help" => o.help = true,
            other => return Err(format!("unknown option {other:?} (see --help)")),
        }
    }
    let fill = |slot: &mut Option<String>, var: &str| {
        if slot.is_none() {
            *slot = env(var).filter(|v| !v.is_empty());
        }
    };
    fill(&mut o.environment, "VIPPS_ENVIRONMENT");
    fill(&mut o.client_id, "VIPPS_CLIENT_ID");
    fill(&mut o.client_secret, "VIPPS_CLIENT_SECRET");
    fill(&mut o.subscription_key, "VIPPS_SUBSCRIPTION_KEY");
    fill(&mut o.msn, "VIPPS_MSN");
    Ok(o)
}

/// The host of an `http(s)://host[:port]/…` URL, lower-case, without brackets.
fn host_of(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        authority.split(':').next()?
    };
    Some(host.trim_end_matches('.').to_ascii_lowercase())
}

fn is_loopback(host: &str) -> bool {
    host == "localhost" || host == "::1" || host.starts_with("127.")
}

/// Decides the target and refuses production. Only two targets are allowed: the test
/// environment by name (or its own URL) and a simulator on a loopback address. Any other base
/// URL is refused too, since this command cannot tell a proxy in front of production from one
/// in front of the test environment.
pub fn target(o: &Options) -> Result<(Target, Value), String> {
    let env = o.environment.as_deref().map(str::to_ascii_lowercase);
    if env.as_deref() == Some("production") {
        return Err("refused: vipps-check runs only in the test environment or against the simulator, never in production (it creates, captures and refunds payments); use --environment test with the merchant's TEST keys".into());
    }
    let base_url = match (env.as_deref(), o.base_url.as_deref()) {
        (Some("test"), Some(_)) => {
            return Err("give --environment test or --base-url, not both".into())
        }
        (Some("test"), None) => TEST_BASE_URL.to_owned(),
        (Some("sim") | None, url) => url.unwrap_or(DEFAULT_SIM_URL).to_owned(),
        (Some(other), _) => {
            return Err(format!(
                "unknown environment {other:?}: \"test\" or \"sim\""
            ))
        }
    };
    let host =
        host_of(&base_url).ok_or(format!("--base-url {base_url:?} is not an http(s) URL"))?;
    let target = if is_loopback(&host) {
        Target::Simulator
    } else if host == TEST_HOST && base_url.starts_with("https://") {
        Target::TestEnvironment
    } else {
        return Err(format!("refused: {host} is not the test environment ({TEST_HOST}) or a local simulator; vipps-check never runs against production or an unknown host"));
    };
    let credentials = [&o.client_id, &o.client_secret, &o.subscription_key];
    let given = credentials.iter().filter(|c| c.is_some()).count();
    if target == Target::TestEnvironment && (given < 3 || o.msn.is_none()) {
        return Err("the test environment needs the merchant's TEST client id, client secret, subscription key and MSN (flags or VIPPS_* variables)".into());
    }
    if given != 0 && given != 3 {
        return Err("give all three credentials (client id, client secret, subscription key) or none (the simulator's defaults)".into());
    }
    let mut config = json!({
        "base_url": base_url,
        "system_name": o.system[0].clone().unwrap_or_else(|| "vipps-check".into()),
        "system_version": o.system[1].clone().unwrap_or_else(|| vipps::VERSION.into()),
        "plugin_name": o.system[2].clone().unwrap_or_else(|| "vipps-check".into()),
        "plugin_version": o.system[3].clone().unwrap_or_else(|| vipps::VERSION.into()),
        "polling": {"initial_delay_ms": 0, "interval_ms": 500},
    });
    let fields = [
        ("client_id", &o.client_id),
        ("client_secret", &o.client_secret),
        ("subscription_key", &o.subscription_key),
        ("merchant_serial_number", &o.msn),
    ];
    for (name, value) in fields {
        if let (Some(value), Some(map)) = (value, config.as_object_mut()) {
            map.insert(name.into(), Value::String(value.clone()));
        }
    }
    Ok((target, config))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide(args: &[&str]) -> Result<Target, String> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        target(&parse(&args, &|_| None)?).map(|(t, _)| t)
    }

    #[test]
    fn production_and_unknown_hosts_are_refused() {
        for args in [
            &["--environment", "production"][..],
            &["--environment=PRODUCTION"],
            &["--base-url", "https://api.vipps.no"],
            &["--base-url", "https://API.vipps.no./"],
            &["--base-url", "https://proxy.example.com"],
            &["--base-url", "https://apitest.vipps.no.evil.example"],
        ] {
            let err = decide(args).unwrap_err();
            assert!(err.starts_with("refused"), "{args:?}: {err}");
        }
    }

    #[test]
    fn the_test_environment_and_loopback_are_allowed() {
        assert_eq!(decide(&[]).unwrap(), Target::Simulator);
        assert_eq!(
            decide(&["--base-url", "http://localhost:9999"]).unwrap(),
            Target::Simulator
        );
        let test = [
            "--environment",
            "test",
            "--client-id",
            "a",
            "--client-secret",
            "b",
            "--subscription-key",
            "c",
            "--msn",
            "123456",
        ];
        assert_eq!(decide(&test).unwrap(), Target::TestEnvironment);
        assert!(decide(&test[..8]).unwrap_err().contains("MSN"));
    }
}
