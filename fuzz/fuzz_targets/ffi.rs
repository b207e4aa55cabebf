//! The C ABI itself: every `extern "C"` entry point that takes JSON, called with the fuzz
//! input as the C string (any bytes, non-UTF-8 included; the string ends at the first NUL as
//! in C). The first byte picks the function (`a` = 0, ... in the seeds; bit 7 set passes a
//! NULL request, bit 6 a NULL client); for `vipps_handle_callback` the bytes after the first
//! NUL are the body. Every answer must be a non-NULL, UTF-8 JSON envelope with a boolean `ok`,
//! freed with `vipps_string_free`; a caught panic (`internal`) is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use std::ffi::{c_char, CStr, CString};
use std::sync::OnceLock;
use vipps::ffi::*;

type Operation = unsafe extern "C" fn(*const vipps_client, *const c_char) -> *mut c_char;

const OPERATIONS: [(&str, Operation); 20] = [
    ("create_session", vipps_create_session),
    ("get_session", vipps_get_session),
    ("update_session", vipps_update_session),
    ("expire_session", vipps_expire_session),
    ("create_payment", vipps_create_payment),
    ("get_payment", vipps_get_payment),
    ("get_payment_events", vipps_get_payment_events),
    ("capture", vipps_capture),
    ("refund", vipps_refund),
    ("cancel", vipps_cancel),
    ("force_approve", vipps_force_approve),
    ("reconcile", vipps_reconcile),
    ("ecom_initiate", vipps_ecom_initiate),
    ("ecom_status", vipps_ecom_status),
    ("register_webhook", vipps_register_webhook),
    ("list_webhooks", vipps_list_webhooks),
    ("delete_webhook", vipps_delete_webhook),
    ("shipping_options_response", vipps_shipping_options_response),
    ("apply_event", vipps_apply_event),
    // wait_for_final_status sleeps as long as the request asks (up to 10 minutes): it is
    // fuzzed through the Rust API by the `operations` target, with the waits capped.
    ("reconcile", vipps_reconcile),
];

/// Selectors past the operations.
const CLIENT_NEW: usize = OPERATIONS.len();
const HANDLE_CALLBACK: usize = CLIENT_NEW + 1;
const MAKE_ORDER_ID: usize = CLIENT_NEW + 2;
const CHOICES: usize = CLIENT_NEW + 3;

struct Handle(*mut vipps_client);
// The handle is thread-safe by contract (one client shared across threads).
unsafe impl Send for Handle {}
unsafe impl Sync for Handle {}

fn handle() -> *const vipps_client {
    static HANDLE: OnceLock<Handle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let config = CString::new(vipps_fuzz::offline_config()).unwrap();
            let client = unsafe { vipps_client_new(config.as_ptr(), std::ptr::null_mut()) };
            assert!(!client.is_null());
            Handle(client)
        })
        .0
}

/// Reads, checks and frees an envelope.
fn take(envelope: *mut c_char, what: &str, input: &[u8]) -> Value {
    assert!(!envelope.is_null(), "{what} returned NULL");
    let text = unsafe { CStr::from_ptr(envelope) }
        .to_str()
        .unwrap_or_else(|_| panic!("{what} returned non-UTF-8"))
        .to_owned();
    unsafe { vipps_string_free(envelope) };
    let value: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {text}"));
    let ok = value["ok"]
        .as_bool()
        .unwrap_or_else(|| panic!("{what}: no boolean ok: {text}"));
    if !ok {
        let kind = value["error"]["kind"]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: no error kind: {text}"));
        assert!(
            kind != "internal",
            "{what}: an internal error (a bug, e.g. a caught panic): {text}"
        );
    }
    vipps_fuzz::assert_no_secret(&text, input, what);
    value
}

/// A configuration that would make the client write a log file where the input says.
fn writes_a_file(config: &[u8]) -> bool {
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(config) else {
        return false;
    };
    map.get("log")
        .and_then(|log| log.get("file"))
        .and_then(Value::as_str)
        .is_some_and(|f| f != "stderr")
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let null_request = selector & 0x80 != 0;
    let null_client = selector & 0x40 != 0;
    let choice = (selector & 0x3f).wrapping_sub(b'a' & 0x3f) as usize % CHOICES;
    // The C string: the bytes up to the first NUL (what C would see).
    let text_end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
    let text = CString::new(&rest[..text_end]).expect("no interior NUL");
    let request = if null_request {
        std::ptr::null()
    } else {
        text.as_ptr()
    };
    let client = if null_client {
        std::ptr::null()
    } else {
        handle()
    };
    match choice {
        CLIENT_NEW => {
            if !null_request && writes_a_file(text.as_bytes()) {
                return;
            }
            let mut error: *mut c_char = std::ptr::null_mut();
            let created = unsafe { vipps_client_new(request, &mut error) };
            if created.is_null() {
                let envelope = take(error, "vipps_client_new", data);
                assert_eq!(envelope["ok"], false);
            } else {
                assert!(error.is_null(), "an error envelope with a client");
                unsafe { vipps_client_free(created) };
            }
        }
        HANDLE_CALLBACK => {
            let body = rest.get(text_end + 1..).unwrap_or(&[]);
            // body == NULL with a length must be refused, not read.
            let (ptr, len) = match (null_client && null_request, body.is_empty()) {
                (true, _) => (std::ptr::null(), body.len()),
                (false, true) => (std::ptr::null(), 0),
                (false, false) => (body.as_ptr(), body.len()),
            };
            let client = if null_client && null_request {
                handle()
            } else {
                client
            };
            let request = if null_client && null_request {
                text.as_ptr()
            } else {
                request
            };
            take(
                unsafe { vipps_handle_callback(client, request, ptr, len) },
                "vipps_handle_callback",
                data,
            );
        }
        MAKE_ORDER_ID => {
            take(
                unsafe { vipps_make_order_id(request) },
                "vipps_make_order_id",
                data,
            );
        }
        n => {
            let (name, operation) = OPERATIONS[n];
            take(unsafe { operation(client, request) }, name, data);
        }
    }
});
