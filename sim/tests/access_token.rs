mod common;

use common::*;
use serde_json::json;
use vipps_sim::{SimOptions, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_SUBSCRIPTION_KEY};

#[test]
fn token_has_all_seven_string_fields() {
    let h = start();
    let r = h.call(
        "POST",
        "/accesstoken/get",
        &[
            ("client_id", DEFAULT_CLIENT_ID),
            ("client_secret", DEFAULT_CLIENT_SECRET),
            ("Ocp-Apim-Subscription-Key", DEFAULT_SUBSCRIPTION_KEY),
        ],
        None,
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type"),
        Some("application/json;charset=UTF-8")
    );
    let v = r.json();
    for field in [
        "token_type",
        "expires_in",
        "ext_expires_in",
        "expires_on",
        "not_before",
        "resource",
        "access_token",
    ] {
        assert!(v[field].is_string(), "{field} must be a string: {v}");
    }
    assert_eq!(v["token_type"], "Bearer");
    assert_eq!(v["expires_in"], "3600");
    assert_eq!(v["ext_expires_in"], "0");
    assert_eq!(v["resource"], "00000002-0000-0000-c000-000000000000");
    let on: i64 = v["expires_on"].as_str().unwrap().parse().unwrap();
    let before: i64 = v["not_before"].as_str().unwrap().parse().unwrap();
    assert_eq!(on - before, 3600);
    assert_eq!(v["access_token"].as_str().unwrap().split('.').count(), 3);
}

#[test]
fn wrong_credentials_are_401_and_missing_ones_400() {
    let h = start();
    let wrong = h.call(
        "POST",
        "/accesstoken/get",
        &[
            ("client_id", DEFAULT_CLIENT_ID),
            ("client_secret", "nope"),
            ("Ocp-Apim-Subscription-Key", DEFAULT_SUBSCRIPTION_KEY),
        ],
        None,
    );
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.json()["status"], 401);
    let missing = h.call(
        "POST",
        "/accesstoken/get",
        &[("client_id", DEFAULT_CLIENT_ID)],
        None,
    );
    assert_eq!(missing.status, 400);
    assert_eq!(
        h.control("GET", "/_sim/stats", None).json()["token_fetches"],
        0
    );
}

#[test]
fn token_expires_on_the_simulated_clock() {
    let h = start();
    let e = h.epayment();
    assert_eq!(e.create("token-expiry-1", 1000, "k1").status, 201);
    assert_eq!(e.get("token-expiry-1").status, 200);

    let r = h.control(
        "POST",
        "/_sim/clock/advance",
        Some(json!({"seconds": 3599})),
    );
    assert!(r.json()["now"].is_string());
    assert_eq!(
        e.get("token-expiry-1").status,
        200,
        "still valid one second before expiry"
    );
    h.control("POST", "/_sim/clock/advance", Some(json!({"seconds": 1})));
    let expired = e.get("token-expiry-1");
    assert_eq!(expired.status, 401);
    assert_eq!(
        expired.header("content-type"),
        Some("application/problem+json")
    );

    let fresh = h.epayment();
    assert_eq!(fresh.get("token-expiry-1").status, 200);
    assert_eq!(
        h.control("GET", "/_sim/stats", None).json()["token_fetches"],
        2
    );
}

#[test]
fn bearer_and_subscription_key_are_both_required() {
    let h = start_with(SimOptions {
        token_lifetime_secs: 60,
        ..SimOptions::default()
    });
    let e = h.epayment();
    let path = "/epayment/v1/payments/unknown-ref-1";
    let no_bearer = h.call(
        "GET",
        path,
        &[
            ("Ocp-Apim-Subscription-Key", DEFAULT_SUBSCRIPTION_KEY),
            ("Merchant-Serial-Number", "123456"),
        ],
        None,
    );
    assert_eq!(no_bearer.status, 401);
    let raw_token = e.bearer.trim_start_matches("Bearer ").to_string();
    let without_prefix = h.call(
        "GET",
        path,
        &[
            ("Authorization", &raw_token),
            ("Ocp-Apim-Subscription-Key", DEFAULT_SUBSCRIPTION_KEY),
            ("Merchant-Serial-Number", "123456"),
        ],
        None,
    );
    assert_eq!(without_prefix.status, 401);
    let wrong_key = h.call(
        "GET",
        path,
        &[
            ("Authorization", &e.bearer),
            ("Ocp-Apim-Subscription-Key", "x"),
            ("Merchant-Serial-Number", "123456"),
        ],
        None,
    );
    assert_eq!(wrong_key.status, 401);
    assert_eq!(e.get("unknown-ref-1").status, 404);
    // The configured lifetime applies.
    h.control("POST", "/_sim/clock/advance", Some(json!({"seconds": 60})));
    assert_eq!(e.get("unknown-ref-1").status, 401);
}

#[test]
fn merchant_serial_number_is_checked() {
    let h = start();
    let e = h.epayment();
    let with_msn = |msn: &str| {
        h.call(
            "GET",
            "/epayment/v1/payments/unknown-ref-1",
            &[
                ("Authorization", &e.bearer),
                ("Ocp-Apim-Subscription-Key", DEFAULT_SUBSCRIPTION_KEY),
                ("Merchant-Serial-Number", msn),
            ],
            None,
        )
        .status
    };
    assert_eq!(with_msn("12a"), 400);
    assert_eq!(with_msn("1234567"), 400);
    assert_eq!(with_msn("654321"), 403);
    assert_eq!(with_msn("123456"), 404);
    let missing = h.call(
        "GET",
        "/epayment/v1/payments/unknown-ref-1",
        &[
            ("Authorization", &e.bearer),
            ("Ocp-Apim-Subscription-Key", DEFAULT_SUBSCRIPTION_KEY),
        ],
        None,
    );
    assert_eq!(missing.status, 400);
}
