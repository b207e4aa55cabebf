//! The configuration: `Config::from_json` and `Client::from_config` (what `Client::new` and
//! `vipps_client_new` do) on arbitrary text. Errors are `config` errors that never repeat a
//! credential or secret of the input; a valid configuration builds a client.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use vipps::config::Config;
use vipps::log::{Level, Sink};
use vipps::{Client, ErrorKind};

const SECRET_FIELDS: [&str; 3] = ["client_secret", "subscription_key", "callback_secret"];

/// The secret values of the input, each long enough that a coincidental match with another
/// value is unlikely, and appearing in no other string value of the input.
fn secret_values(text: &str) -> Vec<String> {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) else {
        return Vec::new();
    };
    let mut secrets: Vec<String> = SECRET_FIELDS
        .iter()
        .filter_map(|name| map.get(*name).and_then(Value::as_str).map(str::to_owned))
        .collect();
    if let Some(Value::Array(items)) = map.get("webhook_secrets") {
        secrets.extend(items.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    let mut others = Vec::new();
    collect_strings(&Value::Object(map.clone()), &mut others, true);
    secrets.retain(|s| {
        s.len() >= 8
            && !others.iter().any(|o| o.contains(s.as_str()))
            && !map.keys().any(|k| k.contains(s.as_str()))
    });
    secrets
}

/// Every string value (and key) except the secret fields' own values.
fn collect_strings(value: &Value, out: &mut Vec<String>, top: bool) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out, false)),
        Value::Object(map) => {
            for (k, v) in map {
                out.push(k.clone());
                if top && (SECRET_FIELDS.contains(&k.as_str()) || k == "webhook_secrets") {
                    continue;
                }
                collect_strings(v, out, false);
            }
        }
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let secrets = secret_values(text);
    let check = |what: &str, shown: &str| {
        for secret in &secrets {
            assert!(
                !shown.contains(secret.as_str()),
                "a secret of the configuration appears in {what}: {shown}"
            );
        }
    };
    match Config::from_json(text) {
        Err(error) => {
            assert_eq!(error.kind, ErrorKind::Config, "{error}");
            check(
                "the error",
                &format!("{error} {error:?} {}", error.to_json()),
            );
        }
        Ok(mut config) => {
            check("Debug of the configuration", &format!("{config:?}"));
            // Creating the client opens the log file: keep the fuzzer from creating files
            // wherever the input says.
            if matches!(config.log.sink, Sink::File(_)) {
                config.log.level = Level::Off;
            }
            match Client::from_config(config) {
                Ok(client) => check("Debug of the client", &format!("{client:?}")),
                Err(error) => {
                    assert_eq!(error.kind, ErrorKind::Config, "{error}");
                    check(
                        "the error",
                        &format!("{error} {error:?} {}", error.to_json()),
                    );
                }
            }
        }
    }
});
