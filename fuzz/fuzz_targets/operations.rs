//! Every Client operation on arbitrary JSON, offline. The first byte picks the operation
//! (`a` = 0, `b` = 1, ... in the seeds), the rest is the request. An answer is an error of
//! kind `invalid_input` (refused before sending), `network` or `timeout` (sent to a closed
//! port), or, for the operations that need no network, an ok answer; never `internal`, never
//! a secret.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use vipps::{Client, Result};
use vipps_fuzz::{check_offline_error, client, round_trip};

type Operation = fn(&Client, &Value) -> Result<Value>;

const OPERATIONS: [(&str, Operation); 25] = [
    ("create_session", Client::create_session),
    ("get_session", Client::get_session),
    ("update_session", Client::update_session),
    ("expire_session", Client::expire_session),
    ("create_payment", Client::create_payment),
    ("get_payment", Client::get_payment),
    ("get_payment_events", Client::get_payment_events),
    ("capture", Client::capture),
    ("refund", Client::refund),
    ("cancel", Client::cancel),
    ("force_approve", Client::force_approve),
    ("reconcile", Client::reconcile),
    ("wait_for_final_status", Client::wait_for_final_status),
    ("ecom_initiate", Client::ecom_initiate),
    ("ecom_status", Client::ecom_status),
    ("register_webhook", Client::register_webhook),
    ("list_webhooks", Client::list_webhooks),
    ("delete_webhook", Client::delete_webhook),
    (
        "shipping_options_response",
        Client::shipping_options_response,
    ),
    ("apply_event", Client::apply_event),
    ("add_receipt", Client::add_receipt),
    ("get_order", Client::get_order),
    ("set_category", Client::set_category),
    ("upload_image", Client::upload_image),
    // The receipt builder needs no client (vipps_build_receipt).
    ("build_receipt", |_, request| {
        vipps::order_management::build_receipt(request)
    }),
];

/// Operations that answer without the network.
const OFFLINE: [&str; 3] = ["shipping_options_response", "apply_event", "build_receipt"];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (name, operation) = OPERATIONS[selector.wrapping_sub(b'a') as usize % OPERATIONS.len()];
    let Ok(mut request) = serde_json::from_slice::<Value>(rest) else {
        return;
    };
    if name == "wait_for_final_status" {
        // The caller chooses how long to wait (up to 10 minutes, slept before the first
        // poll): keep each run short.
        for key in ["timeout_ms", "initial_delay_ms", "interval_ms"] {
            if request
                .get(key)
                .and_then(Value::as_u64)
                .is_some_and(|ms| ms > 5)
            {
                request[key] = Value::from(5);
            }
        }
    }
    match operation(client(), &request) {
        Ok(answer) => {
            assert!(
                OFFLINE.contains(&name),
                "{name} answered without a server: {answer}"
            );
            let text = round_trip(&answer);
            vipps_fuzz::assert_no_secret(&text, data, name);
        }
        Err(error) => check_offline_error(&error, data, name),
    }
});
