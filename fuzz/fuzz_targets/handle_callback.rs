//! Inbound callbacks and webhooks: `Client::handle_callback` with the request description and
//! the raw body from the input (split at the first NUL byte: `request_json \0 body`), for a
//! client with a callback secret and two webhook secrets, at a fixed time so that the signed
//! seeds verify.
//!
//! Checks: only a bad `request_json` is an error (`invalid_input`); every other request is
//! answered with one of the documented statuses; a refusal never names a secret; and a
//! verified event is one that `apply_event` accepts, once (a second delivery is a duplicate).
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use vipps::ErrorKind;
use vipps_fuzz::{assert_no_secret, client, now, round_trip};

fuzz_target!(|data: &[u8]| {
    let (request, body) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    let Ok(request) = serde_json::from_slice::<Value>(request) else {
        return;
    };
    let answer = match client().handle_callback_at(&request, body, now()) {
        Ok(answer) => answer,
        Err(error) => {
            assert_eq!(error.kind, ErrorKind::InvalidInput, "{error}");
            assert_no_secret(&error.to_json().to_string(), data, "handle_callback error");
            return;
        }
    };
    let text = round_trip(&answer);
    let event = &answer["event"];
    let status = answer["response"]["status"]
        .as_u64()
        .expect("response.status is a number");
    let verified = event["verified"]
        .as_bool()
        .expect("event.verified is a boolean");
    if verified {
        assert_eq!(status, 200, "{text}");
        assert!(
            event["id"].is_string() && event["kind"].is_string(),
            "{text}"
        );
        assert_no_secret(&text, data, "an accepted event");
        let first = vipps::inbound::record::apply(&json!({"record": null, "event": event}))
            .unwrap_or_else(|e| panic!("apply_event refuses a verified event: {e}\n{text}"));
        let again =
            vipps::inbound::record::apply(&json!({"record": first["record"], "event": event}))
                .unwrap_or_else(|e| panic!("apply_event refuses its own record: {e}\n{first}"));
        assert_eq!(
            again["applied"], false,
            "a redelivery changed the record: {again}"
        );
    } else {
        assert!([400, 401, 405, 413].contains(&status), "{text}");
        let rejection = event["rejection"].as_str().expect("a refusal says why");
        assert_no_secret(rejection, data, "a rejection");
        assert_no_secret(&text, data, "a refusal");
    }
});
