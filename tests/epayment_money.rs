//! ePayment money operations: the full history, every refusal, lost responses, conflicts.

mod common;

use common::{payment_request, reference, session_request, Harness};
use serde_json::{json, Value};
use vipps::{Client, ErrorKind};

fn nok(value: i64) -> Value {
    json!({"value": value, "currency": "NOK"})
}

fn assert_status(answer: &Value, status: &str, amounts: [i64; 6]) {
    let n = &answer["normalized"];
    assert_eq!(n["status"], status, "{answer}");
    let names = [
        "authorized",
        "captured",
        "refunded",
        "cancelled",
        "capturable",
        "refundable",
    ];
    for (name, expected) in names.iter().zip(amounts) {
        assert_eq!(n[*name], expected, "{name} in {n}");
    }
}

fn authorized(h: &Harness, client: &Client, prefix: &str, value: i64) -> String {
    let reference = reference(prefix);
    client
        .create_payment(&payment_request(&reference, value))
        .unwrap();
    client
        .force_approve(&json!({"reference": reference, "customer": {"phoneNumber": "4791234567"}}))
        .unwrap();
    let _ = h;
    reference
}

#[test]
fn a_complete_history_keeps_status_and_amounts_right() {
    let h = Harness::start();
    let client = h.client();
    let reference = reference("ep-full");
    let created = client
        .create_payment(&payment_request(&reference, 10000))
        .unwrap();
    assert!(created["redirectUrl"].as_str().is_some());
    let get = || {
        client
            .get_payment(&json!({"reference": reference}))
            .unwrap()
    };
    assert_status(&get(), "pending", [0, 0, 0, 0, 0, 0]);

    client
        .force_approve(&json!({"reference": reference, "customer": {"phoneNumber": "4791234567"}}))
        .unwrap();
    assert_status(&get(), "authorized", [10000, 0, 0, 0, 10000, 0]);

    let r = client
        .capture(&json!({"reference": reference, "amount": nok(4000)}))
        .unwrap();
    assert_status(&r, "partially_captured", [10000, 4000, 0, 0, 6000, 4000]);
    let r = client
        .capture(&json!({"reference": reference, "modificationAmount": nok(6000)}))
        .unwrap();
    assert_status(&r, "captured", [10000, 10000, 0, 0, 0, 10000]);
    let r = client
        .refund(&json!({"reference": reference, "amount": nok(2500)}))
        .unwrap();
    assert_status(&r, "partially_refunded", [10000, 10000, 2500, 0, 0, 7500]);
    let r = client
        .refund(&json!({"reference": reference, "amount": nok(7500)}))
        .unwrap();
    assert_status(&r, "refunded", [10000, 10000, 10000, 0, 0, 0]);
    assert_status(&get(), "refunded", [10000, 10000, 10000, 0, 0, 0]);

    let events = client
        .get_payment_events(&json!({"reference": reference}))
        .unwrap();
    let names: Vec<&str> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "CREATED",
            "AUTHORIZED",
            "CAPTURED",
            "CAPTURED",
            "REFUNDED",
            "REFUNDED"
        ]
    );

    let summary = client.reconcile(&json!({"reference": reference})).unwrap();
    assert_eq!(summary["status"], "refunded");
    assert_eq!(summary["final"], true);
}

#[test]
fn cancel_before_after_authorization_and_after_partial_capture() {
    let h = Harness::start();
    let client = h.client();

    let before = reference("ep-cancel-before");
    client
        .create_payment(&payment_request(&before, 5000))
        .unwrap();
    let r = client.cancel(&json!({"reference": before})).unwrap();
    assert_eq!(r["state"], "TERMINATED");
    assert_eq!(r["normalized"]["status"], "cancelled");

    let after = authorized(&h, &client, "ep-cancel-after", 5000);
    let r = client.cancel(&json!({"reference": after})).unwrap();
    assert_status(&r, "cancelled", [5000, 0, 0, 5000, 0, 0]);

    let partial = authorized(&h, &client, "ep-cancel-partial", 5000);
    client
        .capture(&json!({"reference": partial, "amount": nok(2000)}))
        .unwrap();
    let r = client.cancel(&json!({"reference": partial})).unwrap();
    assert_status(&r, "captured", [5000, 2000, 0, 3000, 0, 2000]);
}

#[test]
fn cancel_after_full_capture_is_refused_with_the_api_detail() {
    let h = Harness::start();
    let client = h.client();
    let reference = authorized(&h, &client, "ep-cancel-full", 5000);
    client
        .capture(&json!({"reference": reference, "amount": nok(5000)}))
        .unwrap();
    let err = client.cancel(&json!({"reference": reference})).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Api);
    assert_eq!(err.error_code.as_deref(), Some("6040"));
    assert!(!err.retryable);
    assert!(err.trace_id.is_some());
    assert!(err.problem.is_some());
    assert_eq!(h.ledger_entry(&reference)["cancelled"], 0);
}

#[test]
fn refusals_change_nothing() {
    let h = Harness::start();
    let client = h.client();

    let pending = reference("ep-refuse-pending");
    client
        .create_payment(&payment_request(&pending, 5000))
        .unwrap();
    let err = client
        .capture(&json!({"reference": pending, "amount": nok(1000)}))
        .unwrap_err();
    assert_eq!(
        err.error_code.as_deref(),
        Some("6080"),
        "capture before authorization: {err}"
    );

    let reference = authorized(&h, &client, "ep-refuse", 5000);
    let before = h.ledger_entry(&reference);
    let err = client
        .capture(&json!({"reference": reference, "amount": nok(5001)}))
        .unwrap_err();
    assert_eq!(
        err.error_code.as_deref(),
        Some("6090"),
        "over-capture: {err}"
    );
    let err = client
        .refund(&json!({"reference": reference, "amount": nok(1)}))
        .unwrap_err();
    assert!(
        matches!(err.error_code.as_deref(), Some("6020" | "6150")),
        "refund before capture: {err}"
    );
    assert_eq!(
        h.ledger_entry(&reference),
        before,
        "the ledger is unchanged"
    );

    client
        .capture(&json!({"reference": reference, "amount": nok(3000)}))
        .unwrap();
    let err = client
        .refund(&json!({"reference": reference, "amount": nok(3001)}))
        .unwrap_err();
    assert_eq!(
        err.error_code.as_deref(),
        Some("6150"),
        "over-refund: {err}"
    );
    let entry = h.ledger_entry(&reference);
    assert_eq!(
        (entry["captured"].as_i64(), entry["refunded"].as_i64()),
        (Some(3000), Some(0))
    );
}

#[test]
fn bad_money_input_is_refused_before_sending() {
    let h = Harness::start();
    let client = h.client();
    let reference = authorized(&h, &client, "ep-input", 5000);
    h.clear_requests();
    for (request, expected) in [
        (
            json!({"reference": reference, "amount": {"value": 10.5, "currency": "NOK"}}),
            "amount.value must be an integer",
        ),
        (
            json!({"reference": reference, "amount": {"value": 100, "currency": "SEK"}}),
            "amount.currency",
        ),
        (json!({"reference": reference}), "amount is required"),
        (
            json!({"reference": reference, "amount": nok(0)}),
            "more than 0",
        ),
        (
            json!({"reference": "../admin", "amount": nok(100)}),
            "reference may contain only",
        ),
        (
            json!({"reference": reference, "amount": nok(100), "api": "paypal"}),
            "api must be",
        ),
    ] {
        let err = client.capture(&request).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        assert!(err.message.contains(expected), "{}", err.message);
    }
    assert!(h.requests("/epayment").is_empty());
}

/// A response lost after the server processed the request is retried with the same key
/// and has exactly one effect.
#[test]
fn lost_responses_have_exactly_one_effect() {
    let h = Harness::start();
    let client = h.client();

    let reference = reference("ep-lost");
    h.fault(json!({"method": "POST", "path": "/epayment/v1/payments", "count": 1, "action": "process_then_drop"}));
    client
        .create_payment(&payment_request(&reference, 8000))
        .unwrap();
    assert_eq!(h.ledger_entry(&reference)["amount"], 8000);
    client
        .force_approve(&json!({"reference": reference, "customer": {"phoneNumber": "4791234567"}}))
        .unwrap();

    h.fault(json!({"method": "POST", "path": format!("/epayment/v1/payments/{reference}/capture"), "count": 1, "action": "process_then_drop"}));
    client
        .capture(&json!({"reference": reference, "amount": nok(3000)}))
        .unwrap();
    h.fault(json!({"method": "POST", "path": format!("/epayment/v1/payments/{reference}/refund"), "count": 1, "action": "process_then_drop"}));
    client
        .refund(&json!({"reference": reference, "amount": nok(1000)}))
        .unwrap();

    let entry = h.ledger_entry(&reference);
    assert_eq!(entry["captures"], json!([3000]), "{entry}");
    assert_eq!(entry["refunds"], json!([1000]), "{entry}");
    let (_, ledger) = h.control("GET", "/_sim/ledger", None);
    let created = ledger["payments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["reference"] == reference.as_str())
        .count();
    assert_eq!(created, 1);
}

#[test]
fn the_same_key_with_another_amount_is_a_conflict() {
    let h = Harness::start();
    let client = h.client();
    let reference = authorized(&h, &client, "ep-conflict", 5000);
    client.capture(&json!({"reference": reference, "amount": nok(1000), "idempotency_key": "capture-conflict-1"})).unwrap();
    // The same key and body again is a harmless replay.
    let replay = client.capture(&json!({"reference": reference, "amount": nok(1000), "idempotency_key": "capture-conflict-1"})).unwrap();
    assert_eq!(replay["normalized"]["captured"], 1000);
    let err = client.capture(&json!({"reference": reference, "amount": nok(2000), "idempotency_key": "capture-conflict-1"})).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Conflict, "{err}");
    assert_eq!(err.http_status, Some(409));
    assert!(!err.retryable);
    assert!(err.problem.is_some());
    assert_eq!(h.ledger_entry(&reference)["captures"], json!([1000]));
}

#[test]
fn force_approve_is_refused_in_production_before_sending() {
    let config = json!({"environment": "production", "client_id": "id", "client_secret": "secret", "subscription_key": "key",
                        "merchant_serial_number": "123456", "system_name": "s", "system_version": "1", "plugin_name": "p", "plugin_version": "1"});
    let client = Client::new(&config.to_string()).unwrap();
    let started = std::time::Instant::now();
    let err = client
        .force_approve(&json!({"reference": "order-123456"}))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidInput);
    assert!(
        err.message.contains("test environment only"),
        "{}",
        err.message
    );
    // No network was touched: a request would have ended in a `network` error (this machine
    // has no route out) after a connect attempt; the bound is loose for a loaded CI machine.
    assert!(started.elapsed() < std::time::Duration::from_millis(1000));
}

#[test]
fn a_paid_checkout_session_is_captured_and_refunded_through_epayment() {
    let h = Harness::start();
    let client = h.client();
    let reference = reference("ep-checkout");
    client
        .create_session(&session_request(&reference, 30000))
        .unwrap();
    h.approve(&reference);
    let r = client
        .capture(&json!({"reference": reference, "amount": nok(30000)}))
        .unwrap();
    assert_status(&r, "captured", [30000, 30000, 0, 0, 0, 30000]);
    let r = client
        .refund(&json!({"reference": reference, "amount": nok(5000)}))
        .unwrap();
    assert_status(&r, "partially_refunded", [30000, 30000, 5000, 0, 0, 25000]);
    let session = client
        .get_session(&json!({"reference": reference}))
        .unwrap();
    assert_eq!(session["normalized"]["status"], "partially_refunded");
}

#[test]
fn waiting_for_a_final_status_polls_until_the_customer_acts() {
    let h = Harness::start();
    let client = h.client();
    let reference = reference("ep-wait");
    client
        .create_payment(&payment_request(&reference, 5000))
        .unwrap();
    let timed_out = client
        .wait_for_final_status(
            &json!({"reference": reference, "timeout_ms": 150, "interval_ms": 30}),
        )
        .unwrap();
    assert_eq!(timed_out["timed_out"], true);
    assert_eq!(timed_out["status"], "pending");
    assert!(timed_out["polls"].as_u64().unwrap() >= 2);

    let base = h.base_url().to_owned();
    let approver = std::thread::spawn({
        let reference = reference.clone();
        move || {
            std::thread::sleep(std::time::Duration::from_millis(200));
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .build()
                .into();
            agent
                .post(format!("{base}/_sim/payments/{reference}/approve"))
                .send("{}")
                .unwrap();
        }
    });
    let done = client
        .wait_for_final_status(
            &json!({"reference": reference, "timeout_ms": 5000, "interval_ms": 50}),
        )
        .unwrap();
    approver.join().unwrap();
    assert_eq!(done["timed_out"], false);
    assert_eq!(done["status"], "authorized");
}

#[test]
fn waiting_refuses_a_bad_request_before_the_initial_delay() {
    let h = Harness::start();
    let client = h.client();
    let started = std::time::Instant::now();
    let err = client
        .wait_for_final_status(
            &json!({"reference": "../bad", "timeout_ms": 5000, "initial_delay_ms": 3000}),
        )
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidInput);
    assert!(
        started.elapsed() < std::time::Duration::from_millis(500),
        "refused after {:?}",
        started.elapsed()
    );
}
