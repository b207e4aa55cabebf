//! One payment, one status: a Checkout payment that the merchant cancelled before approval is
//! `cancelled` through both `get_payment` (ePayment `TERMINATED`) and `get_session` (Checkout
//! `TERMINATED` with a cancelled amount); one the customer aborted is `aborted` through both
//! (ePayment `ABORTED`, Checkout `TERMINATED` with nothing cancelled). `get_session` said
//! `aborted` for the merchant's cancel.

mod common;

use common::{reference, session_request, Harness};
use serde_json::json;

fn statuses(client: &vipps::Client, reference: &str) -> (String, String) {
    let payment = client
        .get_payment(&json!({"reference": reference}))
        .unwrap();
    let session = client
        .get_session(&json!({"reference": reference}))
        .unwrap();
    (
        payment["normalized"]["status"].as_str().unwrap().to_owned(),
        session["normalized"]["status"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn get_session_and_get_payment_agree_on_a_terminated_payment() {
    let h = Harness::start();
    let client = h.client();

    let cancelled = reference("term-cancel");
    client
        .create_session(&session_request(&cancelled, 5000))
        .unwrap();
    client.cancel(&json!({"reference": cancelled})).unwrap();
    assert_eq!(h.ledger_entry(&cancelled)["state"], "TERMINATED");
    let (payment, session) = statuses(&client, &cancelled);
    assert_eq!(
        (payment.as_str(), session.as_str()),
        ("cancelled", "cancelled")
    );

    let aborted = reference("term-abort");
    client
        .create_session(&session_request(&aborted, 5000))
        .unwrap();
    let (status, body) = h.control(
        "POST",
        &format!("/_sim/payments/{aborted}/reject"),
        Some(json!({})),
    );
    assert_eq!(status, 200, "{body}");
    let (payment, session) = statuses(&client, &aborted);
    assert_eq!((payment.as_str(), session.as_str()), ("aborted", "aborted"));
}
