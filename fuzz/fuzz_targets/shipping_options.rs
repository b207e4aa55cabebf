//! `shipping_options_response`: the answer to a Checkout, eCom or ePayment Express shipping
//! callback, built from the plugin's options. An `invalid_input` error or `{status, headers,
//! body}` with `body` a JSON text (or, for Express's `deliverable: false`, 400 and no body).
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
            let body = answer["body"].as_str().expect("body is a string");
            if answer["status"] == 400 {
                // ePayment Express: the shop cannot ship to the address.
                assert_eq!(request["kind"], "epayment_shipping", "{answer}");
                assert_eq!(request["deliverable"], false, "{answer}");
                assert_eq!(body, "", "{answer}");
            } else {
                assert_eq!(answer["status"], 200, "{answer}");
                serde_json::from_str::<Value>(body).expect("body is JSON");
            }
        }
    }
});
