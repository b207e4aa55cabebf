//! `make_order_id`: `{"prefix", "order_number", "msn"?, "attempt"?}` → `{"order_id"}`, which
//! must follow the orderId recommendations the function promises: only `a-zA-Z0-9-`, at most
//! 50 characters, not digits only, no leading zero.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(request) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    match vipps::ecom::make_order_id(&request) {
        Err(error) => assert_eq!(error.kind, vipps::ErrorKind::InvalidInput, "{error}"),
        Ok(answer) => {
            let id = answer["order_id"].as_str().expect("order_id is a string");
            assert!(!id.is_empty() && id.len() <= 50, "{id:?}");
            assert!(
                id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'),
                "{id:?}"
            );
            assert!(
                !id.bytes().all(|b| b.is_ascii_digit()),
                "digits only: {id:?}"
            );
            assert!(!id.starts_with('0'), "leading zero: {id:?}");
        }
    }
});
