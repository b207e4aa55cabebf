//! `apply_event` (`vipps::inbound::record::apply`): `{"record", "event"}` → `{"applied",
//! "reason", "record"}`, and the README's promises about it:
//! - the returned record is accepted back as a record;
//! - an event applied once is a duplicate the second time;
//! - with `"events": [...]` (a fuzz-only key: each one folded in, in order and reversed),
//!   the amounts do not depend on the order of delivery (for events with distinct ids).
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use vipps::inbound::record::apply;
use vipps::ErrorKind;

const AMOUNTS: [&str; 6] = [
    "authorized",
    "captured",
    "refunded",
    "cancelled",
    "capturable",
    "refundable",
];

fn fold(record: &Value, events: &[Value]) -> Option<Value> {
    let mut record = record.clone();
    for event in events {
        record = apply(&json!({"record": record, "event": event})).ok()?["record"].clone();
    }
    Some(record)
}

fuzz_target!(|data: &[u8]| {
    let Ok(request) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    match apply(&request) {
        Err(error) => assert_eq!(error.kind, ErrorKind::InvalidInput, "{error}"),
        Ok(answer) => {
            let record = &answer["record"];
            assert!(
                answer["applied"].is_boolean() && record.is_object(),
                "{answer}"
            );
            let reread = apply(&json!({"record": record, "event": {"verified": false}}))
                .unwrap_or_else(|e| panic!("apply refuses its own record: {e}\n{record}"));
            assert_eq!(
                &reread["record"], record,
                "reading a record back changes it"
            );
            if answer["applied"] == true {
                let again = apply(&json!({"record": record, "event": request["event"]}))
                    .unwrap_or_else(|e| panic!("a redelivery is refused: {e}"));
                assert_eq!(again["applied"], false, "a redelivery was applied: {again}");
                assert_eq!(&again["record"], record, "a redelivery changed the record");
            }
        }
    }
    if let Some(events) = request.get("events").and_then(Value::as_array) {
        let mut ids: Vec<&str> = events.iter().filter_map(|e| e["id"].as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.len() != events.len() {
            return;
        }
        let start = request.get("record").cloned().unwrap_or(Value::Null);
        let reversed: Vec<Value> = events.iter().rev().cloned().collect();
        if let (Some(a), Some(b)) = (fold(&start, events), fold(&start, &reversed)) {
            for field in AMOUNTS {
                assert_eq!(
                    a[field], b[field],
                    "{field} depends on the order of delivery:\n{a}\n{b}"
                );
            }
        }
    }
});
