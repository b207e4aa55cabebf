//! Hand-parsed command line of the `vipps-sim` binary.

use vipps_sim::{SimOptions, DEFAULT_PORT};

pub const USAGE: &str = "\
usage: vipps-sim [options]

  --port N              port on 127.0.0.1 (default 7878; 0 = any free port)
  --client-id ID        accepted client_id (default sim-client-id)
  --client-secret S     accepted client_secret (default sim-client-secret)
  --subscription-key K  accepted Ocp-Apim-Subscription-Key (default sim-subscription-key)
  --msn N               accepted Merchant-Serial-Number; repeatable (default 123456)
  --token-lifetime SECS access token lifetime in simulated seconds (default 3600)
  --seed N              seed of the id generator (default 1)
  --customer-timeout S  an ePayment payment nobody acts on expires after S simulated
                        seconds (default 300; 0 = never)
  --reservation-days N  days a reservation can be captured or cancelled (default 180)
  --rate-limits         apply the documented per-reference rate limits (default off)
  --tls                 serve HTTPS (base URL https://127.0.0.1:PORT) with a certificate for
                        127.0.0.1 and localhost from a CA made at start; needs --ca-out
  --ca-out FILE         with --tls: where to write that CA's certificate (PEM), for clients
                        to trust (the library: \"tls\": {\"ca_file\": FILE})
  --help                this text

The base URL is printed as the first line of stdout.";

pub enum Command {
    Run(SimOptions, Option<Https>),
    Help,
}

/// `--tls --ca-out FILE`.
pub struct Https {
    pub ca_out: String,
}

pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut opts = SimOptions {
        port: DEFAULT_PORT,
        ..SimOptions::default()
    };
    let mut msns: Vec<String> = Vec::new();
    let mut tls = false;
    let mut ca_out: Option<String> = None;
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Ok(Command::Help);
        }
        if flag == "--rate-limits" {
            opts.rate_limits = true;
            continue;
        }
        if flag == "--tls" {
            tls = true;
            continue;
        }
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--port" => opts.port = number(&flag, &value()?)?,
            "--client-id" => opts.client_id = value()?,
            "--client-secret" => opts.client_secret = value()?,
            "--subscription-key" => opts.subscription_key = value()?,
            "--msn" => msns.push(value()?),
            "--token-lifetime" => opts.token_lifetime_secs = number(&flag, &value()?)?,
            "--seed" => opts.seed = number(&flag, &value()?)?,
            "--customer-timeout" => {
                let secs: u64 = number(&flag, &value()?)?;
                opts.customer_timeout_secs = (secs > 0).then_some(secs);
            }
            "--reservation-days" => opts.reservation_days = number(&flag, &value()?)?,
            "--ca-out" => ca_out = Some(value()?),
            other => return Err(format!("unknown option {other}")),
        }
    }
    if !msns.is_empty() {
        opts.merchant_serial_numbers = msns;
    }
    let https = match (tls, ca_out) {
        (true, Some(ca_out)) => Some(Https { ca_out }),
        (true, None) => return Err("--tls needs --ca-out FILE (clients must trust its CA)".into()),
        (false, Some(_)) => return Err("--ca-out is only for --tls".into()),
        (false, None) => None,
    };
    Ok(Command::Run(opts, https))
}

fn number<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{flag} expects a number, got {text:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<SimOptions, String> {
        match parse(args.iter().map(|s| s.to_string()))? {
            Command::Run(o, _) => Ok(o),
            Command::Help => Err("help".into()),
        }
    }

    #[test]
    fn parses_flags_and_defaults() {
        let o = run(&[]).unwrap();
        assert_eq!(o.port, 7878);
        let o = run(&[
            "--port", "0", "--msn", "1111", "--msn", "2222", "--seed", "9",
        ])
        .unwrap();
        assert_eq!((o.port, o.seed), (0, 9));
        assert_eq!(o.merchant_serial_numbers, ["1111", "2222"]);
        assert!(run(&["--port", "x"]).is_err());
        assert!(run(&["--bogus"]).is_err());
        assert!(run(&["--port"]).is_err());
        assert_eq!(run(&["--help"]).err().as_deref(), Some("help"));
    }

    #[test]
    fn tls_needs_a_file_for_its_ca() {
        let https = |args: &[&str]| match parse(args.iter().map(|s| s.to_string())) {
            Ok(Command::Run(_, https)) => Ok(https.map(|h| h.ca_out)),
            Ok(Command::Help) => Err("help".to_owned()),
            Err(e) => Err(e),
        };
        assert_eq!(https(&[]), Ok(None));
        assert_eq!(
            https(&["--tls", "--ca-out", "/tmp/ca.pem"]),
            Ok(Some("/tmp/ca.pem".to_owned()))
        );
        assert!(https(&["--tls"]).unwrap_err().contains("--ca-out"));
        assert!(https(&["--ca-out", "x"]).unwrap_err().contains("--tls"));
    }
}
