mod common;

use common::*;
use serde_json::json;

#[test]
fn same_key_same_body_replays_the_first_response_without_a_second_capture() {
    let h = start();
    let e = h.epayment();
    e.authorized("order-idem-1", 10_000);
    let first = e.modify("order-idem-1", "capture", Some(3_000), "cap-key");
    let second = e.modify("order-idem-1", "capture", Some(3_000), "cap-key");
    assert_eq!(first.status, 200);
    assert_eq!(second.status, first.status);
    assert_eq!(
        second.body, first.body,
        "a replay returns the first body byte for byte"
    );
    assert_eq!(h.ledger_entry("order-idem-1")["captures"], json!([3000]));
}

#[test]
fn same_key_different_body_is_a_409_and_changes_nothing() {
    let h = start();
    let e = h.epayment();
    e.authorized("order-idem-2", 10_000);
    assert_eq!(
        e.modify("order-idem-2", "capture", Some(3_000), "k").status,
        200
    );
    let conflict = e.modify("order-idem-2", "capture", Some(4_000), "k");
    assert_eq!(conflict.status, 409);
    assert!(conflict.json()["detail"]
        .as_str()
        .unwrap()
        .contains("already exists"));
    assert_eq!(h.ledger_entry("order-idem-2")["captures"], json!([3000]));
}

#[test]
fn a_4xx_stays_a_4xx_for_its_key() {
    let h = start();
    let e = h.epayment();
    assert_eq!(e.create("order-idem-3", 10_000, "c").status, 201);
    let early = e.modify("order-idem-3", "capture", Some(1_000), "early");
    assert_eq!(early.error_code().as_deref(), Some("6080"));
    h.control("POST", "/_sim/payments/order-idem-3/approve", None);
    let replay = e.modify("order-idem-3", "capture", Some(1_000), "early");
    assert_eq!(
        (replay.status, replay.body.as_str()),
        (400, early.body.as_str())
    );
    assert_eq!(h.ledger_entry("order-idem-3")["captured"], 0);
    // A new key is processed afresh.
    assert_eq!(
        e.modify("order-idem-3", "capture", Some(1_000), "later")
            .status,
        200
    );
}

#[test]
fn create_replays_and_keys_are_scoped_per_operation() {
    let h = start();
    let e = h.epayment();
    let a = e.create("order-idem-4", 1_000, "same-key");
    let b = e.create("order-idem-4", 1_000, "same-key");
    assert_eq!((a.status, b.status), (201, 201));
    assert_eq!(a.body, b.body);
    assert_eq!(e.events("order-idem-4").json().as_array().unwrap().len(), 1);
    // Different body under the same key: conflict, not a duplicate-reference answer.
    assert_eq!(e.create("order-idem-4", 2_000, "same-key").status, 409);

    h.control("POST", "/_sim/payments/order-idem-4/approve", None);
    // The same key on a different operation is a different record.
    assert_eq!(
        e.modify("order-idem-4", "capture", Some(500), "same-key")
            .status,
        200
    );
    assert_eq!(
        e.modify("order-idem-4", "refund", Some(500), "same-key")
            .status,
        200
    );
    let l = h.ledger_entry("order-idem-4");
    assert_eq!(
        (l["captured"].clone(), l["refunded"].clone()),
        (json!(500), json!(500))
    );
}
