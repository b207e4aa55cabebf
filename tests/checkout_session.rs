//! Checkout v3 sessions through the library against vipps-sim.

mod common;

use common::{header, reference, session_request, Harness};
use serde_json::json;
use vipps::ErrorKind;

#[test]
fn create_and_read_a_session() {
    let h = Harness::start();
    let client = h.client_with(json!({"callback_secret": "a-secret-for-derived-tokens"}));
    let reference = reference("co-create");
    let created = client
        .create_session(&session_request(&reference, 49900))
        .unwrap();
    assert!(created["token"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(created["checkoutFrontendUrl"].as_str().is_some());
    assert!(created["pollingUrl"]
        .as_str()
        .unwrap()
        .ends_with(&reference));
    assert_eq!(created["reference"], reference.as_str());
    // The derived callback token was sent to the API and is the one the client recomputes.
    let token = created["callback_authorization_token"].as_str().unwrap();
    assert_eq!(
        Some(token.to_owned()),
        client.checkout_callback_token(&reference)
    );
    let sent = &h.requests("/checkout/v3/session")[0];
    let body: serde_json::Value = serde_json::from_str(sent["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["merchantInfo"]["callbackAuthorizationToken"], token);
    assert_eq!(body["type"], "PAYMENT", "type defaults to PAYMENT");
    assert!(
        body.get("idempotency_key").is_none(),
        "library keys are not forwarded"
    );

    let session = client
        .get_session(&json!({"reference": reference}))
        .unwrap();
    assert_eq!(session["reference"], reference.as_str());
    assert_eq!(session["normalized"]["status"], "pending");

    h.approve(&reference);
    let session = client
        .get_session(&json!({"reference": reference}))
        .unwrap();
    assert_eq!(session["sessionState"], "PaymentSuccessful");
    assert_eq!(session["normalized"]["status"], "authorized");
    assert_eq!(session["normalized"]["capturable"], 49900);
}

#[test]
fn every_request_carries_the_configured_headers() {
    let h = Harness::start();
    let client = h.client();
    let reference = reference("co-headers");
    client
        .create_session(&session_request(&reference, 1000))
        .unwrap();
    client
        .get_session(&json!({"reference": reference}))
        .unwrap();
    client
        .get_payment(&json!({"reference": reference}))
        .unwrap();
    // A per-call override replaces the configured value for that call only.
    client
        .get_payment(&json!({"reference": reference, "plugin_version": "9.9.9-override"}))
        .unwrap();

    let log = h.requests("/");
    assert!(log.len() >= 5, "token fetch + 4 calls: {log:?}");
    for (i, request) in log.iter().enumerate() {
        let path = request["path"].as_str().unwrap();
        assert_eq!(
            header(request, "Merchant-Serial-Number"),
            Some(vipps_sim::DEFAULT_MSN),
            "{path}"
        );
        assert_eq!(
            header(request, "Ocp-Apim-Subscription-Key"),
            Some(vipps_sim::DEFAULT_SUBSCRIPTION_KEY),
            "{path}"
        );
        assert_eq!(
            header(request, "Vipps-System-Name"),
            Some("acme-shop"),
            "{path}"
        );
        assert_eq!(
            header(request, "Vipps-System-Version"),
            Some("9.8.7"),
            "{path}"
        );
        assert_eq!(
            header(request, "Vipps-System-Plugin-Name"),
            Some("acme-vipps-plugin"),
            "{path}"
        );
        let expected_version = if i == log.len() - 1 {
            "9.9.9-override"
        } else {
            "1.2.3"
        };
        assert_eq!(
            header(request, "Vipps-System-Plugin-Version"),
            Some(expected_version),
            "{path}"
        );
        assert!(
            header(request, "User-Agent").is_some_and(|ua| ua.starts_with("vipps-rs/")),
            "{path}"
        );
    }
}

#[test]
fn invalid_requests_are_refused_before_sending() {
    let h = Harness::start();
    let client = h.client();
    let mut request = session_request("short", 1000);
    let err = client.create_session(&request).unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidInput);
    assert!(
        err.message.contains("transaction.reference"),
        "{}",
        err.message
    );
    request["transaction"]["reference"] = json!(reference("co-bad"));
    request["transaction"]["amount"]["value"] = json!(100.5);
    assert!(client
        .create_session(&request)
        .unwrap_err()
        .message
        .contains("transaction.amount.value must be an integer"));
    assert!(h.requests("/checkout").is_empty(), "nothing was sent");
}

#[test]
fn duplicate_reference_is_a_conflict_and_unknown_is_not_found() {
    let h = Harness::start();
    let client = h.client();
    let reference = reference("co-dup");
    client
        .create_session(&session_request(&reference, 1000))
        .unwrap();
    let err = client
        .create_session(&session_request(&reference, 1000))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Conflict, "{err}");
    assert_eq!(err.http_status, Some(409));
    assert!(err.problem.is_some());
    let err = client
        .get_session(&json!({"reference": "no-such-session"}))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound);
    assert_eq!(err.error_code.as_deref(), Some("Session-00100"));
}

#[test]
fn an_unpaid_session_can_be_updated_and_expired() {
    let h = Harness::start();
    let client = h.client();
    let reference = reference("co-expire");
    client
        .create_session(&session_request(&reference, 1000))
        .unwrap();
    client
        .update_session(&json!({"reference": reference, "transaction": {"amount": {"value": 2000, "currency": "NOK"}, "paymentDescription": "Updated order"}}))
        .unwrap();
    client
        .expire_session(&json!({"reference": reference}))
        .unwrap();
    let session = client
        .get_session(&json!({"reference": reference}))
        .unwrap();
    assert_eq!(session["sessionState"], "SessionExpired");
    assert_eq!(session["normalized"]["status"], "expired");
}
