//! `shipping_options_response`: the answer to a Checkout or eCom shipping callback, built from
//! the plugin's options. An `invalid_input` error or `{status, headers, body}` with `body` a
//! JSON text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use vipps_fuzz::{check_offline_error, client, round_trip};

fuzz_target!(|data: &[u8]| {
    let Ok(request) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    match client().shipping_options_response(&request) {
        Err(error) => {
            assert_eq!(error.kind, vipps::ErrorKind::InvalidInput, "{error}");
            check_offline_error(&error, data, "shipping_options_response");
        }
        Ok(answer) => {
            round_trip(&answer);
            assert_eq!(answer["status"], 200, "{answer}");
            let body = answer["body"].as_str().expect("body is a string");
            serde_json::from_str::<Value>(body).expect("body is JSON");
        }
    }
});
