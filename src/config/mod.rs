//! Client configuration: where to send requests, as whom, and how patiently.
//!
//! Parsed once at `vipps_client_new` so that every mistake surfaces there, with a message
//! naming the setting, instead of on the first payment.

pub(crate) mod base_url;
pub(crate) mod tls;

use crate::config::base_url::BaseUrl;
use crate::config::tls::TlsSettings;
use crate::error::{ErrorKind, Result};
use crate::json::input::{parse_object, Fields};
use crate::log::LogConfig;
use crate::secret::Secret;
use std::time::Duration;

/// The test environment (the merchant test portal's API).
pub const TEST_BASE_URL: &str = "https://apitest.vipps.no";
/// Production: real money.
pub const PRODUCTION_BASE_URL: &str = "https://api.vipps.no";
/// Where `vipps-sim` listens by default; used when no credentials are configured.
pub const SIM_BASE_URL: &str = "http://127.0.0.1:7878";
/// The simulator's client id (it accepts these test credentials).
pub const SIM_CLIENT_ID: &str = "sim-client-id";
/// The simulator's client secret.
pub const SIM_CLIENT_SECRET: &str = "sim-client-secret";
/// The simulator's subscription key.
pub const SIM_SUBSCRIPTION_KEY: &str = "sim-subscription-key";
/// The simulator's merchant serial number.
pub const SIM_MSN: &str = "123456";

const KNOWN_KEYS: &[&str] = &[
    "environment",
    "base_url",
    "client_id",
    "client_secret",
    "subscription_key",
    "merchant_serial_number",
    "system_name",
    "system_version",
    "plugin_name",
    "plugin_version",
    "timeouts",
    "retry",
    "proxy",
    "tls",
    "callback_secret",
    "webhook_secrets",
    "webhook_max_age_secs",
    "polling",
    "log",
];

/// Which Vipps MobilePay environment the client talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    /// `https://apitest.vipps.no`.
    Test,
    /// `https://api.vipps.no`: real money.
    Production,
    /// The local simulator: chosen when no credentials are configured.
    Sim,
    /// An explicit `base_url` (for example a simulator on another port).
    Custom,
}

impl Environment {
    /// The name used in the configuration and in `vipps_client_info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Test => "test",
            Environment::Production => "production",
            Environment::Sim => "sim",
            Environment::Custom => "custom",
        }
    }
}

/// The four `Vipps-System-*` headers: who is calling (each 1 to 30 characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SystemInfo {
    /// `Vipps-System-Name`: the shop platform (e.g. "woocommerce").
    pub system_name: String,
    /// `Vipps-System-Version`: its version.
    pub system_version: String,
    /// `Vipps-System-Plugin-Name`: the plugin on it.
    pub plugin_name: String,
    /// `Vipps-System-Plugin-Version`: the plugin's version.
    pub plugin_version: String,
}

impl SystemInfo {
    /// The configuration keys, in the order of the struct.
    pub const FIELDS: [&'static str; 4] = [
        "system_name",
        "system_version",
        "plugin_name",
        "plugin_version",
    ];

    /// Reads the four fields; each missing one falls back to `defaults` when given.
    pub fn read(fields: &Fields, defaults: Option<&SystemInfo>) -> Result<SystemInfo> {
        let defaults = defaults.map_or([None; 4], |d| d.values().map(Some));
        let mut values: [String; 4] = Default::default();
        for ((name, default), slot) in Self::FIELDS.iter().zip(defaults).zip(values.iter_mut()) {
            let value = match (fields.opt_str(name)?, default) {
                (Some(v), _) => v.to_owned(),
                (None, Some(d)) => d.to_owned(),
                (None, None) => {
                    return Err(fields.error(
                        name,
                        "is required (1 to 30 characters; it becomes a Vipps-System-* header)",
                    ))
                }
            };
            fields.check_len(name, &value, 1, 30)?;
            if value.chars().any(|c| c.is_control() || !c.is_ascii()) {
                return Err(fields.error(
                    name,
                    "must be printable ASCII (it is sent as an HTTP header)",
                ));
            }
            *slot = value;
        }
        let [system_name, system_version, plugin_name, plugin_version] = values;
        Ok(SystemInfo {
            system_name,
            system_version,
            plugin_name,
            plugin_version,
        })
    }

    fn values(&self) -> [&str; 4] {
        [
            &self.system_name,
            &self.system_version,
            &self.plugin_name,
            &self.plugin_version,
        ]
    }
}

/// How long a call may take (`timeouts` in the configuration, in milliseconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// Time to establish a connection (TCP and TLS).
    pub connect: Duration,
    /// Time for one attempt, from sending to the end of the response body.
    pub request: Duration,
    /// Deadline for the whole call, retries and backoff included: a PHP request (30 s by
    /// default) must be left time to answer its own client.
    pub total: Duration,
}

/// How transient failures are retried (`retry` in the configuration); README "Retries".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first included (1 = no retries).
    pub max_attempts: u32,
    /// The first backoff; it doubles per attempt (with jitter).
    pub base_delay: Duration,
    /// The longest backoff between two attempts.
    pub max_delay: Duration,
}

/// How `wait_for_final_status` polls (the polling guidance: first after 5 s, then every 2 s).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Polling {
    /// Before the first read.
    pub initial_delay: Duration,
    /// Between reads.
    pub interval: Duration,
}

/// A client's whole configuration, checked (README "Configuration" describes each key).
#[derive(Clone, Debug)]
pub struct Config {
    /// Where the client talks to.
    pub environment: Environment,
    /// The API's base URL (`https://`, or `http://` to a loopback host only).
    pub base_url: BaseUrl,
    /// The merchant's client id (Access Token API).
    pub client_id: String,
    /// The merchant's client secret; never logged.
    pub client_secret: Secret,
    /// `Ocp-Apim-Subscription-Key`; never logged.
    pub subscription_key: Secret,
    /// The sales unit (4 to 6 digits).
    pub merchant_serial_number: String,
    /// The `Vipps-System-*` headers.
    pub system: SystemInfo,
    /// Connect, attempt and whole-call limits.
    pub timeouts: Timeouts,
    /// Retries of transient failures.
    pub retry: RetryPolicy,
    /// An HTTP(S) proxy URL, when one is configured.
    pub proxy: Option<String>,
    /// Which certificate authorities are trusted (`tls`).
    pub tls: TlsSettings,
    /// The secret callback tokens are derived from (Checkout, eCom, Express shipping).
    pub callback_secret: Option<Secret>,
    /// The webhook secrets signatures are checked with (several during a rotation).
    pub webhook_secrets: Vec<Secret>,
    /// How old a signed webhook may be.
    pub webhook_max_age: Duration,
    /// How `wait_for_final_status` polls.
    pub polling: Polling,
    /// Where log lines go, and from which level.
    pub log: LogConfig,
}

impl Config {
    /// Parses and checks a JSON configuration; every mistake is a `config` error naming the key.
    pub fn from_json(text: &str) -> Result<Config> {
        let map = parse_object(text, "configuration", ErrorKind::Config)?;
        let f = Fields::new(&map, "", ErrorKind::Config);
        if let Some(unknown) = map.keys().find(|k| !KNOWN_KEYS.contains(&k.as_str())) {
            return Err(f.error(
                unknown,
                format!("is not a known setting (known: {})", KNOWN_KEYS.join(", ")),
            ));
        }

        let credentials = [
            f.opt_str("client_id")?,
            f.opt_str("client_secret")?,
            f.opt_str("subscription_key")?,
        ];
        let environment_name = f.check_enum("environment", &["test", "production", "sim"])?;
        let explicit_base = f.opt_str("base_url")?;
        let no_credentials = credentials.iter().all(Option::is_none);

        let environment =
            match (environment_name, explicit_base) {
                (Some(_), Some(_)) => {
                    return Err(f.error(
                        "base_url",
                        "cannot be combined with environment; give one of them",
                    ))
                }
                (_, Some(_)) => Environment::Custom,
                (Some("production"), None) => Environment::Production,
                (Some("test"), None) => Environment::Test,
                (Some(_), None) => Environment::Sim,
                (None, None) if no_credentials => Environment::Sim,
                (None, None) => return Err(f.error(
                    "environment",
                    "is required with credentials: \"test\" or \"production\" (or give base_url)",
                )),
            };
        let base_url = BaseUrl::parse(match environment {
            Environment::Test => TEST_BASE_URL,
            Environment::Production => PRODUCTION_BASE_URL,
            Environment::Sim => SIM_BASE_URL,
            Environment::Custom => explicit_base.unwrap_or_default(),
        })?;

        let uses_sim_defaults =
            no_credentials && matches!(environment, Environment::Sim | Environment::Custom);
        let [client_id, client_secret, subscription_key] = if uses_sim_defaults {
            [SIM_CLIENT_ID, SIM_CLIENT_SECRET, SIM_SUBSCRIPTION_KEY]
        } else {
            let names = ["client_id", "client_secret", "subscription_key"];
            let mut out = [""; 3];
            for ((value, name), slot) in credentials.iter().zip(names).zip(out.iter_mut()) {
                let value = value.ok_or_else(|| f.error(name, "is required (or leave out all three credentials to use the local simulator)"))?;
                if value.trim().is_empty() {
                    return Err(f.error(name, "must not be empty"));
                }
                *slot = value;
            }
            out
        };

        let merchant_serial_number = match f.opt_str("merchant_serial_number")? {
            Some(msn) => msn.to_owned(),
            None if uses_sim_defaults => SIM_MSN.to_owned(),
            None => return Err(f.error("merchant_serial_number", "is required")),
        };
        check_msn(&f, "merchant_serial_number", &merchant_serial_number)?;

        Ok(Config {
            environment,
            base_url,
            client_id: client_id.to_owned(),
            client_secret: Secret::new(client_secret),
            subscription_key: Secret::new(subscription_key),
            merchant_serial_number,
            system: SystemInfo::read(&f, None)?,
            timeouts: read_timeouts(&f)?,
            retry: read_retry(&f)?,
            proxy: read_proxy(&f)?,
            tls: TlsSettings::read(&f)?,
            callback_secret: read_callback_secret(&f)?,
            webhook_secrets: read_webhook_secrets(&f)?,
            webhook_max_age: Duration::from_secs(f.opt_u64("webhook_max_age_secs")?.unwrap_or(300)),
            polling: read_polling(&f)?,
            log: LogConfig::read(&f)?,
        })
    }

    /// Whether calls move real money (test-only operations are refused).
    pub fn is_production(&self) -> bool {
        self.environment == Environment::Production
    }
}

/// A merchant serial number: 4 to 6 digits.
pub fn check_msn(f: &Fields, name: &str, msn: &str) -> Result<()> {
    if !(4..=6).contains(&msn.len()) || !msn.bytes().all(|b| b.is_ascii_digit()) {
        return Err(f.error(name, format!("must be 4 to 6 digits, got {msn:?}")));
    }
    Ok(())
}

fn millis(f: &Fields, name: &str, default: u64, min: u64, max: u64) -> Result<Duration> {
    let value = f.opt_u64(name)?.unwrap_or(default);
    if value < min || value > max {
        return Err(f.error(
            name,
            format!("must be between {min} and {max} milliseconds, got {value}"),
        ));
    }
    Ok(Duration::from_millis(value))
}

fn read_timeouts(f: &Fields) -> Result<Timeouts> {
    let empty = serde_json::Map::new();
    let t = f
        .opt_object("timeouts")?
        .unwrap_or_else(|| Fields::new(&empty, "timeouts", ErrorKind::Config));
    let timeouts = Timeouts {
        connect: millis(&t, "connect_ms", 3_000, 1, 60_000)?,
        request: millis(&t, "request_ms", 10_000, 1, 120_000)?,
        total: millis(&t, "total_ms", 20_000, 1, 600_000)?,
    };
    if timeouts.connect > timeouts.request || timeouts.request > timeouts.total {
        return Err(t.error("", "must satisfy connect_ms <= request_ms <= total_ms"));
    }
    Ok(timeouts)
}

fn read_retry(f: &Fields) -> Result<RetryPolicy> {
    let empty = serde_json::Map::new();
    let r = f
        .opt_object("retry")?
        .unwrap_or_else(|| Fields::new(&empty, "retry", ErrorKind::Config));
    let max_attempts = r.opt_u64("max_attempts")?.unwrap_or(4);
    if !(1..=10).contains(&max_attempts) {
        return Err(r.error(
            "max_attempts",
            format!("must be 1 to 10, got {max_attempts}"),
        ));
    }
    let policy = RetryPolicy {
        max_attempts: max_attempts as u32,
        base_delay: millis(&r, "base_delay_ms", 200, 0, 60_000)?,
        max_delay: millis(&r, "max_delay_ms", 2_000, 0, 120_000)?,
    };
    if policy.base_delay > policy.max_delay {
        return Err(r.error("base_delay_ms", "must not exceed max_delay_ms"));
    }
    Ok(policy)
}

fn read_polling(f: &Fields) -> Result<Polling> {
    let empty = serde_json::Map::new();
    let p = f
        .opt_object("polling")?
        .unwrap_or_else(|| Fields::new(&empty, "polling", ErrorKind::Config));
    Ok(Polling {
        initial_delay: millis(&p, "initial_delay_ms", 5_000, 0, 600_000)?,
        interval: millis(&p, "interval_ms", 2_000, 1, 600_000)?,
    })
}

fn read_proxy(f: &Fields) -> Result<Option<String>> {
    let Some(proxy) = f.opt_str("proxy")? else {
        return Ok(None);
    };
    let known_scheme = ["http://", "https://", "socks4://", "socks5://"]
        .iter()
        .any(|s| proxy.starts_with(s));
    if !known_scheme {
        return Err(f.error(
            "proxy",
            "must be a URL starting with http://, https://, socks4:// or socks5://",
        ));
    }
    Ok(Some(proxy.to_owned()))
}

fn read_callback_secret(f: &Fields) -> Result<Option<Secret>> {
    let Some(secret) = f.opt_str("callback_secret")? else {
        return Ok(None);
    };
    if secret.len() < 16 {
        // A short secret makes derived callback tokens guessable.
        return Err(f.error("callback_secret", "must be at least 16 characters"));
    }
    Ok(Some(Secret::new(secret)))
}

fn read_webhook_secrets(f: &Fields) -> Result<Vec<Secret>> {
    let Some(items) = f.opt_array("webhook_secrets")? else {
        return Ok(Vec::new());
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match item.as_str() {
            Some(s) if !s.is_empty() => Ok(Secret::new(s)),
            _ => Err(f.error(
                &format!("webhook_secrets[{i}]"),
                "must be a non-empty string",
            )),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SYSTEM: &str = r#""system_name":"acme-shop","system_version":"1.0","plugin_name":"acme-vipps","plugin_version":"2.3.4""#;

    fn parse(extra: &str) -> Result<Config> {
        let sep = if extra.is_empty() { "" } else { "," };
        Config::from_json(&format!("{{{SYSTEM}{sep}{extra}}}"))
    }

    #[test]
    fn no_credentials_means_the_local_simulator() {
        let config = parse("").unwrap();
        assert_eq!(config.environment, Environment::Sim);
        assert_eq!(config.base_url.as_str(), SIM_BASE_URL);
        assert_eq!(config.client_id, SIM_CLIENT_ID);
        assert_eq!(config.merchant_serial_number, SIM_MSN);
        assert_eq!(config.timeouts.total, Duration::from_secs(20));
    }

    #[test]
    fn production_needs_every_credential() {
        let err =
            parse(r#""environment":"production","client_id":"a","client_secret":"b""#).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Config);
        assert!(
            err.message.contains("subscription_key is required"),
            "{}",
            err.message
        );
        let ok = parse(r#""environment":"production","client_id":"a","client_secret":"b","subscription_key":"c","merchant_serial_number":"123456""#).unwrap();
        assert!(ok.is_production());
        assert_eq!(ok.base_url.as_str(), PRODUCTION_BASE_URL);
    }

    #[test]
    fn system_headers_are_required_and_bounded() {
        let err = Config::from_json("{}").unwrap_err();
        assert!(
            err.message.contains("system_name is required"),
            "{}",
            err.message
        );
        let long = "x".repeat(31);
        let err = Config::from_json(&format!(r#"{{"system_name":"{long}","system_version":"1","plugin_name":"p","plugin_version":"1"}}"#)).unwrap_err();
        assert!(
            err.message.contains("1 to 30 characters"),
            "{}",
            err.message
        );
    }

    #[test]
    fn mistakes_are_named() {
        assert!(parse(r#""tiemouts":{}"#)
            .unwrap_err()
            .message
            .contains("tiemouts is not a known setting"));
        assert!(parse(r#""merchant_serial_number":"12a""#)
            .unwrap_err()
            .message
            .contains("4 to 6 digits"));
        assert!(parse(r#""timeouts":{"total_ms":"5"}"#)
            .unwrap_err()
            .message
            .contains("timeouts.total_ms must be an integer"));
        assert!(parse(r#""base_url":"http://example.com""#)
            .unwrap_err()
            .message
            .contains("loopback"));
        assert!(parse(r#""callback_secret":"short""#)
            .unwrap_err()
            .message
            .contains("at least 16"));
        assert!(parse(r#""proxy":"localhost:3128""#)
            .unwrap_err()
            .message
            .contains("proxy must be a URL"));
        assert!(parse(r#""environment":"prod""#)
            .unwrap_err()
            .message
            .contains("environment must be one of"));
    }

    #[test]
    fn debug_output_hides_secrets() {
        let config = parse(r#""environment":"test","client_id":"id-1","client_secret":"CLIENT-SECRET-XYZ","subscription_key":"SUBKEY-XYZ","merchant_serial_number":"1234","callback_secret":"CALLBACK-SECRET-0123456789""#).unwrap();
        let debug = format!("{config:?}");
        for secret in [
            "CLIENT-SECRET-XYZ",
            "SUBKEY-XYZ",
            "CALLBACK-SECRET-0123456789",
        ] {
            assert!(!debug.contains(secret), "{secret} leaked into Debug");
        }
    }
}
