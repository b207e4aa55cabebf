//! The configuration: `Config::from_json` and `Client::from_config` (what `Client::new` and
//! `vipps_client_new` do) on arbitrary text. Errors are `config` errors; a valid configuration
//! builds a client; and no error or Debug output shows a secret of the input.
//!
//! The secret check is differential: the same input with every secret replaced by `Q`s of the
//! same length is described too, and a secret leaks only if it appears in the description of
//! the real input and not in that of the masked one (so a secret that happens to be a word of
//! a fixed message, e.g. "plugin_name", is no false alarm).
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};
use vipps::config::Config;
use vipps::log::{Level, Sink};
use vipps::{Client, ErrorKind};

const SECRET_FIELDS: [&str; 3] = ["client_secret", "subscription_key", "callback_secret"];

/// Every error, and the Debug output, of creating a client from `text`.
fn describe(text: &str) -> String {
    let shown = |error: &vipps::Error| format!("{error} {error:?} {}", error.to_json());
    match Config::from_json(text) {
        Err(error) => {
            assert_eq!(error.kind, ErrorKind::Config, "{error}");
            shown(&error)
        }
        Ok(mut config) => {
            let debug = format!("{config:?}");
            // Creating the client opens the log file: keep the fuzzer from creating files
            // wherever the input says.
            if matches!(config.log.sink, Sink::File(_)) {
                config.log.level = Level::Off;
            }
            match Client::from_config(config) {
                Ok(client) => format!("{debug} {client:?}"),
                Err(error) => {
                    assert_eq!(error.kind, ErrorKind::Config, "{error}");
                    format!("{debug} {}", shown(&error))
                }
            }
        }
    }
}

/// The secret values of a configuration object, and the object with each one masked.
fn secrets_and_masked(map: &Map<String, Value>) -> (Vec<String>, Map<String, Value>) {
    let mask = |s: &str| Value::String("Q".repeat(s.chars().count()));
    let mut masked = map.clone();
    let mut secrets = Vec::new();
    for name in SECRET_FIELDS {
        if let Some(Value::String(s)) = map.get(name) {
            secrets.push(s.clone());
            masked.insert(name.into(), mask(s));
        }
    }
    if let Some(Value::Array(items)) = masked.get_mut("webhook_secrets") {
        for item in items.iter_mut() {
            if let Value::String(s) = item {
                secrets.push(s.clone());
                *item = mask(s);
            }
        }
    }
    secrets.retain(|s| s.chars().count() >= 4 && !s.chars().all(|c| c == 'Q'));
    (secrets, masked)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let description = describe(text);
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) else {
        return;
    };
    let (secrets, masked) = secrets_and_masked(&map);
    if secrets.iter().any(|s| description.contains(s.as_str())) {
        let masked_description = describe(&Value::Object(masked).to_string());
        for secret in &secrets {
            assert!(
                !description.contains(secret.as_str())
                    || masked_description.contains(secret.as_str()),
                "the secret {secret:?} of the configuration appears in: {description}"
            );
        }
    }
});
