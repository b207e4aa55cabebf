//! No configured secret, and no access token, appears in an error, a log line or Debug output,
//! whatever goes wrong.

mod common;

use common::{payment_request, reference, Harness};
use serde_json::json;
use vipps_sim::SimOptions;

const CLIENT_SECRET: &str = "CLIENT-SECRET-d1st1nct1ve-7c1e";
const SUBSCRIPTION_KEY: &str = "SUBSCRIPTION-KEY-d1st1nct1ve-99aa";
const CALLBACK_SECRET: &str = "CALLBACK-SECRET-d1st1nct1ve-5b5b";
const WEBHOOK_SECRET: &str = "WEBHOOK-SECRET-d1st1nct1ve-3f3f";

#[test]
fn secrets_stay_out_of_errors_logs_and_debug() {
    let h = Harness::with_options(SimOptions {
        client_secret: CLIENT_SECRET.into(),
        subscription_key: SUBSCRIPTION_KEY.into(),
        ..SimOptions::default()
    });
    let log_path = std::env::temp_dir().join(format!("vipps-secrets-{}.log", std::process::id()));
    let _ = std::fs::remove_file(&log_path);
    let settings = |secret: &str| {
        json!({"client_id": vipps_sim::DEFAULT_CLIENT_ID, "client_secret": secret, "subscription_key": SUBSCRIPTION_KEY,
               "merchant_serial_number": vipps_sim::DEFAULT_MSN, "callback_secret": CALLBACK_SECRET,
               "webhook_secrets": [WEBHOOK_SECRET], "log": {"level": "debug", "file": log_path.to_str().unwrap()},
               "retry": {"max_attempts": 2, "base_delay_ms": 1, "max_delay_ms": 5}})
    };
    let client = h.client_with(settings(CLIENT_SECRET));
    let wrong = h.client_with(settings(&format!("{CLIENT_SECRET}-wrong")));

    let mut seen = Vec::new();
    // Success paths (token fetch, create, capture) write debug lines with the token in use.
    let reference = reference("secrets");
    client
        .create_payment(&payment_request(&reference, 5000))
        .unwrap();
    h.approve(&reference);
    client
        .capture(&json!({"reference": reference, "amount": {"value": 100, "currency": "NOK"}}))
        .unwrap();
    // Every error path we can provoke.
    let errors = vec![
        wrong
            .get_payment(&json!({"reference": reference}))
            .unwrap_err(),
        client
            .get_payment(&json!({"reference": "does-not-exist-1"}))
            .unwrap_err(),
        client
            .capture(
                &json!({"reference": reference, "amount": {"value": 999999, "currency": "NOK"}}),
            )
            .unwrap_err(),
        client
            .capture(&json!({"reference": reference, "amount": {"value": 1.5, "currency": "NOK"}}))
            .unwrap_err(),
        client
            .create_payment(&payment_request(&reference, 5000))
            .unwrap_err(),
        vipps::Client::new(
            &json!({"environment": "production", "client_id": "x", "client_secret": CLIENT_SECRET})
                .to_string(),
        )
        .unwrap_err(),
    ];
    h.fault(json!({"method": "*", "path": format!("/epayment/v1/payments/{reference}"), "count": 5, "action": "respond", "status": 503}));
    let mut errors = errors;
    errors.push(
        client
            .get_payment(&json!({"reference": reference}))
            .unwrap_err(),
    );
    for error in &errors {
        seen.push(format!("{error} {error:?} {}", error.to_json()));
    }
    seen.push(format!("{client:?}"));
    seen.push(format!("{:?}", client.config()));
    seen.push(std::fs::read_to_string(&log_path).expect("the debug log was written"));
    let _ = std::fs::remove_file(&log_path);

    let token = h
        .requests("/epayment")
        .iter()
        .find_map(|r| r["headers"]["authorization"].as_str().map(str::to_owned))
        .unwrap();
    let token = token.trim_start_matches("Bearer ").to_owned();
    let all = seen.join("\n");
    assert!(all.contains("retry"), "the log has retry lines: {all}");
    for secret in [
        CLIENT_SECRET,
        SUBSCRIPTION_KEY,
        CALLBACK_SECRET,
        WEBHOOK_SECRET,
        token.as_str(),
    ] {
        assert!(!all.contains(secret), "{secret} leaked:\n{all}");
    }
}
