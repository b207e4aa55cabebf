//! The C ABI: the only `unsafe` code of the library, and a thin layer over [`Client`].
//!
//! Every function catches panics and reports them as an `internal` error; NULL pointers and
//! invalid UTF-8 are `invalid_input`. Operations return a JSON envelope that the caller frees
//! with `vipps_string_free`: `{"ok":true,"data":{...}}` or `{"ok":false,"error":{...}}`.
#![allow(unsafe_code)]
#![allow(non_camel_case_types)]

use crate::error::{Error, Result};
use crate::Client;
use serde::Serialize;
use serde_json::Value;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Bumped whenever a function's signature or the envelope's meaning changes, so that a
/// binding can refuse a library it was not written for.
pub const VIPPS_ABI_VERSION: u32 = 1;

/// An opaque client handle. Thread-safe: one handle may be used from many threads at once.
/// It must not be freed while a call on it is still running.
pub struct vipps_client {
    client: Client,
}

/// The ABI version of this library (see `VIPPS_ABI_VERSION` in the README). A binding compares
/// it with the version it was written for and refuses to run on a mismatch.
#[no_mangle]
pub extern "C" fn vipps_abi_version() -> u32 {
    VIPPS_ABI_VERSION
}

/// The library version, e.g. "0.1.0". A static string: never free it.
#[no_mangle]
pub extern "C" fn vipps_version() -> *const c_char {
    static VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    VERSION.as_ptr().cast()
}

/// Creates a client from a JSON configuration (UTF-8, NUL-terminated).
///
/// Returns the handle, or NULL on error. On error, when `error_json_out` is not NULL,
/// `*error_json_out` receives an owned error envelope (free it with `vipps_string_free`);
/// on success it is set to NULL. Free the handle with `vipps_client_free`.
///
/// # Safety
/// `config_json` must be NULL or a NUL-terminated string; `error_json_out` must be NULL or
/// point to writable memory for one pointer.
#[no_mangle]
pub unsafe extern "C" fn vipps_client_new(
    config_json: *const c_char,
    error_json_out: *mut *mut c_char,
) -> *mut vipps_client {
    let outcome = catch_unwind(|| {
        let config = unsafe { read_str(config_json, "config_json") }?;
        Client::new(config)
    })
    .unwrap_or_else(|_| Err(caught_panic()));
    let (handle, error) = match outcome {
        Ok(client) => (
            Box::into_raw(Box::new(vipps_client { client })),
            std::ptr::null_mut(),
        ),
        Err(error) => (std::ptr::null_mut(), envelope::<Value>(Err(error))),
    };
    if !error_json_out.is_null() {
        unsafe { *error_json_out = error };
    } else if !error.is_null() {
        unsafe { vipps_string_free(error) };
    }
    handle
}

/// Frees a client. NULL is ignored. The handle must not be used afterwards.
///
/// # Safety
/// `client` must be NULL or a handle from `vipps_client_new` not freed before.
#[no_mangle]
pub unsafe extern "C" fn vipps_client_free(client: *mut vipps_client) {
    if !client.is_null() {
        let _ = catch_unwind(AssertUnwindSafe(|| drop(unsafe { Box::from_raw(client) })));
    }
}

/// Frees a string returned by this library. NULL is ignored.
///
/// # Safety
/// `s` must be NULL or an owned string returned by this library, not freed before.
#[no_mangle]
pub unsafe extern "C" fn vipps_string_free(s: *mut c_char) {
    if !s.is_null() {
        drop(unsafe { CString::from_raw(s) });
    }
}

/// Creates a Checkout v3 session. `request_json`: an InitiateSessionRequest plus optional
/// `idempotency_key`, `merchant_serial_number`, `system_name`, `system_version`,
/// `plugin_name`, `plugin_version`. Returns an owned envelope; `data` holds `token`,
/// `checkoutFrontendUrl`, `pollingUrl`, `reference`, `callback_authorization_token` and
/// `idempotency_key`.
///
/// # Safety
/// `client` must be NULL or a live handle; `request_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn vipps_create_session(
    client: *const vipps_client,
    request_json: *const c_char,
) -> *mut c_char {
    unsafe { run(client, request_json, Client::create_session) }
}

/// Reads a Checkout session: `{"reference": "..."}`. `data` is the SessionResponse plus
/// `normalized` (status and amounts).
///
/// # Safety
/// As for `vipps_create_session`.
#[no_mangle]
pub unsafe extern "C" fn vipps_get_session(
    client: *const vipps_client,
    request_json: *const c_char,
) -> *mut c_char {
    unsafe { run(client, request_json, Client::get_session) }
}

/// Updates an unpaid Checkout session: `{"reference": "...", <fields to change>}`.
///
/// # Safety
/// As for `vipps_create_session`.
#[no_mangle]
pub unsafe extern "C" fn vipps_update_session(
    client: *const vipps_client,
    request_json: *const c_char,
) -> *mut c_char {
    unsafe { run(client, request_json, Client::update_session) }
}

/// Expires an unpaid Checkout session: `{"reference": "..."}`.
///
/// # Safety
/// As for `vipps_create_session`.
#[no_mangle]
pub unsafe extern "C" fn vipps_expire_session(
    client: *const vipps_client,
    request_json: *const c_char,
) -> *mut c_char {
    unsafe { run(client, request_json, Client::expire_session) }
}

/// Creates an ePayment payment: a CreatePaymentRequest plus the optional call keys.
/// `data`: `reference`, `redirectUrl` and `idempotency_key`.
///
/// # Safety
/// As for `vipps_create_session`.
#[no_mangle]
pub unsafe extern "C" fn vipps_create_payment(
    client: *const vipps_client,
    request_json: *const c_char,
) -> *mut c_char {
    unsafe { run(client, request_json, Client::create_payment) }
}

/// Reads a payment: `{"reference"}`. `data` is the API's payment plus `normalized`
/// (status, authorized, captured, refunded, cancelled, capturable, refundable).
///
/// # Safety
/// As for `vipps_create_session`.
#[no_mangle]
pub unsafe extern "C" fn vipps_get_payment(
    client: *const vipps_client,
    request_json: *const c_char,
) -> *mut c_char {
    unsafe { run(client, request_json, Client::get_payment) }
}

/// Reads a payment's event log: `{"reference"}` → `data.events`.
///
/// # Safety
/// As for `vipps_create_session`.
#[no_mangle]
pub unsafe extern "C" fn vipps_get_payment_events(
    client: *const vipps_client,
    request_json: *const c_char,
) -> *mut c_char {
    unsafe { run(client, request_json, Client::get_payment_events) }
}

/// Captures part or all of an authorized payment:
/// `{"reference", "amount": {"value", "currency"}, "idempotency_key"?}`. Reuse the returned
/// `idempotency_key` when retrying, so the capture happens once.
///
/// # Safety
/// As for `vipps_create_session`.
#[no_mangle]
pub unsafe extern "C" fn vipps_capture(
    client: *const vipps_client,
    request_json: *const c_char,
) -> *mut c_char {
    unsafe { run(client, request_json, Client::capture) }
}

/// Refunds part or all of what was captured; the same request shape as `vipps_capture`.
///
/// # Safety
/// As for `vipps_create_session`.
#[no_mangle]
pub unsafe extern "C" fn vipps_refund(
    client: *const vipps_client,
    request_json: *const c_char,
) -> *mut c_char {
    unsafe { run(client, request_json, Client::refund) }
}

/// Cancels what is left of a payment: `{"reference", "idempotency_key"?}`.
///
/// # Safety
/// As for `vipps_create_session`.
#[no_mangle]
pub unsafe extern "C" fn vipps_cancel(
    client: *const vipps_client,
    request_json: *const c_char,
) -> *mut c_char {
    unsafe { run(client, request_json, Client::cancel) }
}

/// Test environment only: approves a payment as the customer would.
/// `{"reference", "customer": {"phoneNumber"}?}`. Refused for a production client.
///
/// # Safety
/// As for `vipps_create_session`.
#[no_mangle]
pub unsafe extern "C" fn vipps_force_approve(
    client: *const vipps_client,
    request_json: *const c_char,
) -> *mut c_char {
    unsafe { run(client, request_json, Client::force_approve) }
}

/// Userinfo API: the profile a customer shared with a payment (`profile.scope` at creation),
/// `GET /vipps-userinfo-api/userinfo/{sub}`: `{"sub"}` (the payment's `profile.sub`) → the
/// claims for the granted scopes (`name`, `email`, `phone_number`, `address`, `birthdate`, ...),
/// plus `sub`. Personal data: never logged.
///
/// # Safety
/// As for `vipps_create_session`.
#[no_mangle]
pub unsafe extern "C" fn vipps_get_userinfo(
    client: *const vipps_client,
    request_json: *const c_char,
) -> *mut c_char {
    unsafe { run(client, request_json, Client::get_userinfo) }
}

/// The normalized status of a payment: `{"reference"}` → `{"status", "final", amounts}`.
///
/// # Safety
/// As for `vipps_create_session`.
#[no_mangle]
pub unsafe extern "C" fn vipps_reconcile(
    client: *const vipps_client,
    request_json: *const c_char,
) -> *mut c_char {
    unsafe { run(client, request_json, Client::reconcile) }
}

/// Polls a payment until it is no longer pending or `timeout_ms` passes:
/// `{"reference", "timeout_ms", "initial_delay_ms"?, "interval_ms"?}`. Blocks the calling thread.
///
/// # Safety
/// As for `vipps_create_session`.
#[no_mangle]
pub unsafe extern "C" fn vipps_wait_for_final_status(
    client: *const vipps_client,
    request_json: *const c_char,
) -> *mut c_char {
    unsafe { run(client, request_json, Client::wait_for_final_status) }
}

/// Verifies and interprets a callback or webhook that Vipps MobilePay sent to the shop.
///
/// `request_json`: `{"method": "POST", "url": "<path and query as received, or an absolute
/// URL>", "headers": {"Name": "value" or ["values"]}, "kind"?: "checkout_callback" |
/// "checkout_shipping" | "epayment_webhook" | "ecom_callback" | "ecom_shipping_details" |
/// "ecom_consent_removal" | "epayment_shipping", "expected_token"?, "reference"?}`. `body`/`body_len`: the raw body
/// exactly as received (signatures cover these bytes); `body` may be NULL only when
/// `body_len` is 0. `data` is `{"event": {...}, "response": {"status", "headers", "body"}}`:
/// always send `response` back. A request that fails verification is not an error envelope:
/// `data.event.verified` is false, `data.event.rejection` says why, and the response is 401
/// (400 for a malformed body, 413 for one over 1 MiB).
///
/// # Safety
/// `client` must be NULL or a live handle; `request_json` NULL or a NUL-terminated string;
/// `body` NULL or readable for `body_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn vipps_handle_callback(
    client: *const vipps_client,
    request_json: *const c_char,
    body: *const u8,
    body_len: usize,
) -> *mut c_char {
    let body: Result<&[u8]> = match (body.is_null(), body_len) {
        (_, 0) => Ok(&[]),
        (true, _) => Err(Error::invalid_input("body is NULL but body_len is not 0")),
        (false, len) => Ok(unsafe { std::slice::from_raw_parts(body, len) }),
    };
    unsafe {
        run_text(client, request_json, move |client, request_json| {
            client.handle_callback_text(request_json, body?, std::time::SystemTime::now())
        })
    }
}

/// Builds the HTTP answer to a shipping callback from the plugin's options:
/// `{"kind": "checkout_shipping" | "ecom_shipping_details", "options": [{"id", "brand",
/// "amount": {"value", "currency"}, "priority", "isDefault", "title"?, "description"?,
/// "type"?}], "order_id"?, "address_id"?}` (eCom needs the last two), or for ePayment Express
/// `{"kind": "epayment_shipping", "groups": [<shipping group>], "currency"?}` (or
/// `"deliverable": false` for a 400). `data`: `{"status": 200, "headers": {...}, "body":
/// "<JSON text>"}`.
///
/// # Safety
/// As for `vipps_create_session`.
#[no_mangle]
pub unsafe extern "C" fn vipps_shipping_options_response(
    client: *const vipps_client,
    request_json: *const c_char,
) -> *mut c_char {
    unsafe { run(client, request_json, Client::shipping_options_response) }
}

/// Folds a verified event into the record the plugin stores per payment:
/// `{"record": <stored record or null>, "event": <data.event of vipps_handle_callback>}` →
/// `{"applied", "reason", "record"}`. Duplicates and stale deliveries change nothing.
///
/// # Safety
/// As for `vipps_create_session`.
#[no_mangle]
pub unsafe extern "C" fn vipps_apply_event(
    client: *const vipps_client,
    request_json: *const c_char,
) -> *mut c_char {
    unsafe {
        run_with(client, request_json, |_, request| {
            crate::inbound::record::fold(request)
        })
    }
}

/// Registers a webhook: `{"url", "events": ["epayments.payment.captured.v1", ...]}` →
/// `{"id", "secret", "url", "events"}`. The secret is shown only once.
///
/// # Safety
/// As for `vipps_create_session`.
#[no_mangle]
pub unsafe extern "C" fn vipps_register_webhook(
    client: *const vipps_client,
    request_json: *const c_char,
) -> *mut c_char {
    unsafe { run(client, request_json, Client::register_webhook) }
}

/// Lists the registered webhooks: `{}` → `{"webhooks": [{"id", "url", "events"}]}`.
///
/// # Safety
/// As for `vipps_create_session`.
#[no_mangle]
pub unsafe extern "C" fn vipps_list_webhooks(
    client: *const vipps_client,
    request_json: *const c_char,
) -> *mut c_char {
    unsafe { run(client, request_json, Client::list_webhooks) }
}

/// Deletes a webhook: `{"id"}` → `{"id", "deleted": true}`.
///
/// # Safety
/// As for `vipps_create_session`.
#[no_mangle]
pub unsafe extern "C" fn vipps_delete_webhook(
    client: *const vipps_client,
    request_json: *const c_char,
) -> *mut c_char {
    unsafe { run(client, request_json, Client::delete_webhook) }
}

/// Makes sure one webhook delivers `events` to `url`, given the state stored from the last
/// answer: `{"url", "events", "current"?}` → `{"id", "secret", "url", "events", "changed",
/// "removed", "remove_errors"}`. Registers only when needed, then deletes the registrations
/// for the same URL whose secret is unknown. Store the answer; hold a lock around the call.
///
/// # Safety
/// As for `vipps_create_session`.
#[no_mangle]
pub unsafe extern "C" fn vipps_ensure_webhook(
    client: *const vipps_client,
    request_json: *const c_char,
) -> *mut c_char {
    unsafe { run(client, request_json, Client::ensure_webhook) }
}

/// Initiates a legacy eCom v2 payment: an initiate body (`merchantInfo`, `transaction`,
/// `customerInfo`) plus the optional call keys. `data`: `orderId`, `url`, `auth_token` (the
/// callbacks' Authorization value) and `idempotency_key` (sent as `X-Request-Id`). Capture,
/// refund, cancel, get and force-approve of eCom orders use the ordinary functions with
/// `"api": "ecom"`.
///
/// # Safety
/// As for `vipps_create_session`.
#[no_mangle]
pub unsafe extern "C" fn vipps_ecom_initiate(
    client: *const vipps_client,
    request_json: *const c_char,
) -> *mut c_char {
    unsafe { run(client, request_json, Client::ecom_initiate) }
}

/// The deprecated eCom `/status` of an order: `{"reference"}` → the API's answer plus
/// `normalized_status`.
///
/// # Safety
/// As for `vipps_create_session`.
#[no_mangle]
pub unsafe extern "C" fn vipps_ecom_status(
    client: *const vipps_client,
    request_json: *const c_char,
) -> *mut c_char {
    unsafe { run(client, request_json, Client::ecom_status) }
}

/// Makes an order id that follows the orderId recommendations:
/// `{"prefix", "order_number", "msn"?, "attempt"?}` → `{"order_id"}`. Needs no client.
///
/// # Safety
/// `request_json` must be NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn vipps_make_order_id(request_json: *const c_char) -> *mut c_char {
    unsafe { run_without_client(request_json, crate::ecom::make_order_id) }
}

/// Derives a stable idempotency key from `{"reference", "operation", "attempt"?, "api"?}`
/// (operation: create, session, initiate, capture, refund or cancel; attempt from 1;
/// api "epayment" or "ecom" for the header's limit) → `{"idempotency_key"}`. The same input
/// gives the same key in every process, so a plugin can store the inputs before a money call
/// and retry after a crash with the same key. Needs no client.
///
/// # Safety
/// `request_json` must be NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn vipps_idempotency_key(request_json: *const c_char) -> *mut c_char {
    unsafe { run_without_client(request_json, crate::idempotency_key) }
}

/// Order Management: adds a payment's receipt, `POST /order-management/v2/{paymentType}/receipts/{orderId}`.
/// `{"reference" (or "orderId"), "paymentType"?: "ECOM" | "RECURRING", "orderLines",
/// "bottomLine", "payment_amount"?: {"value", "currency"}}` → `{"order_id", "payment_type",
/// "created", "already_existed"}`. Checked before sending (with `payment_amount`, the lines must
/// add up to it); a receipt the order already has (409) is success with `"created": false`.
///
/// # Safety
/// As for `vipps_create_session`.
#[no_mangle]
pub unsafe extern "C" fn vipps_add_receipt(
    client: *const vipps_client,
    request_json: *const c_char,
) -> *mut c_char {
    unsafe { run(client, request_json, Client::add_receipt) }
}

/// Order Management: what is stored for an order, `GET /order-management/v2/{paymentType}/{orderId}`:
/// `{"reference" (or "orderId"), "paymentType"?}` → `{"category", "receipt", "order_id",
/// "payment_type"}`.
///
/// # Safety
/// As for `vipps_create_session`.
#[no_mangle]
pub unsafe extern "C" fn vipps_get_order(
    client: *const vipps_client,
    request_json: *const c_char,
) -> *mut c_char {
    unsafe { run(client, request_json, Client::get_order) }
}

/// Order Management: the link the app shows with a payment,
/// `PUT /order-management/v2/{paymentType}/categories/{orderId}`: `{"reference" (or "orderId"),
/// "paymentType"?, "category": "GENERAL" | "RECEIPT" | "ORDER_CONFIRMATION" | "DELIVERY" |
/// "TICKET" | "BOOKING", "orderDetailsUrl", "imageId"?}`.
///
/// # Safety
/// As for `vipps_create_session`.
#[no_mangle]
pub unsafe extern "C" fn vipps_set_category(
    client: *const vipps_client,
    request_json: *const c_char,
) -> *mut c_char {
    unsafe { run(client, request_json, Client::set_category) }
}

/// Order Management: uploads an image for categories, `POST /order-management/v1/images`:
/// `{"src": "<base64 PNG or JPEG, at most 2,000,000 bytes>", "imageId"?}` → `{"image_id",
/// "bytes", "created", "already_existed"}`. The id defaults to the hex SHA-256 of the bytes, so
/// a repeated upload is the API's 409, answered as success.
///
/// # Safety
/// As for `vipps_create_session`.
#[no_mangle]
pub unsafe extern "C" fn vipps_upload_image(
    client: *const vipps_client,
    request_json: *const c_char,
) -> *mut c_char {
    unsafe { run(client, request_json, Client::upload_image) }
}

/// Builds a receipt's `orderLines` and `bottomLine` from a shop's lines, with the tax rounding
/// of the README's "Receipts": `{"amount": {"value", "currency"}, "lines": [{"name", "id",
/// "quantity"?, "unit_price" | "total_amount", "tax_rate" (basis points) | "tax_percentage",
/// "discount"?, "is_shipping"?, "is_return"?, "quantity_unit"?, "product_url"?}],
/// "bottom_line"?}`. Refuses lines that do not add up to `amount`. Needs no client.
///
/// # Safety
/// `request_json` must be NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn vipps_build_receipt(request_json: *const c_char) -> *mut c_char {
    unsafe { run_without_client(request_json, crate::order_management::build_receipt) }
}

/// Runs a JSON operation that needs no client: checks the pointer, parses the request,
/// catches panics and wraps the outcome in an envelope.
///
/// # Safety
/// `request_json` must be NULL or a NUL-terminated string.
unsafe fn run_without_client(
    request_json: *const c_char,
    operation: fn(&Value) -> Result<Value>,
) -> *mut c_char {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let text = unsafe { read_str(request_json, "request_json") }?;
        let request: Value = serde_json::from_str(text)
            .map_err(|e| Error::invalid_input(format!("request_json is not valid JSON: {e}")))?;
        operation(&request)
    }))
    .unwrap_or_else(|_| Err(caught_panic()));
    envelope(outcome)
}

/// Runs one JSON operation: checks the pointers, parses the request, catches panics and
/// wraps the outcome in an envelope.
///
/// # Safety
/// `client` must be NULL or a live handle; `request_json` NULL or a NUL-terminated string.
pub(crate) unsafe fn run(
    client: *const vipps_client,
    request_json: *const c_char,
    operation: fn(&Client, &Value) -> Result<Value>,
) -> *mut c_char {
    unsafe { run_with(client, request_json, operation) }
}

/// [`run`] for an operation that needs more than the request (a closure).
///
/// # Safety
/// As for [`run`].
pub(crate) unsafe fn run_with<T: Serialize>(
    client: *const vipps_client,
    request_json: *const c_char,
    operation: impl FnOnce(&Client, &Value) -> Result<T>,
) -> *mut c_char {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let client =
            unsafe { client.as_ref() }.ok_or_else(|| Error::invalid_input("client is NULL"))?;
        let text = unsafe { read_str(request_json, "request_json") }?;
        let request = crate::json::input::parse_request_json(text)?;
        operation(&client.client, &request)
    }))
    .unwrap_or_else(|_| Err(caught_panic()));
    envelope(outcome)
}

/// [`run`] for an operation that reads the request text itself (`handle_callback`).
///
/// # Safety
/// As for [`run`].
pub(crate) unsafe fn run_text<T: Serialize>(
    client: *const vipps_client,
    request_json: *const c_char,
    operation: impl FnOnce(&Client, &str) -> Result<T>,
) -> *mut c_char {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let client =
            unsafe { client.as_ref() }.ok_or_else(|| Error::invalid_input("client is NULL"))?;
        let text = unsafe { read_str(request_json, "request_json") }?;
        operation(&client.client, text)
    }))
    .unwrap_or_else(|_| Err(caught_panic()));
    envelope(outcome)
}

/// The one message of every caught panic, whichever function caught it.
const PANIC_MESSAGE: &str =
    "a panic inside the library was caught; the call had no effect it reported";

fn caught_panic() -> Error {
    Error::internal(PANIC_MESSAGE)
}

/// Borrows a C string as UTF-8.
///
/// # Safety
/// `ptr` must be NULL or a NUL-terminated string valid for the returned lifetime.
unsafe fn read_str<'a>(ptr: *const c_char, name: &str) -> Result<&'a str> {
    if ptr.is_null() {
        return Err(Error::invalid_input(format!("{name} is NULL")));
    }
    unsafe { CStr::from_ptr(ptr) }.to_str().map_err(|e| {
        Error::invalid_input(format!(
            "{name} is not valid UTF-8 (byte {})",
            e.valid_up_to()
        ))
    })
}

/// The owned JSON envelope for an outcome.
pub(crate) fn envelope<T: Serialize>(outcome: Result<T>) -> *mut c_char {
    let mut out = Vec::with_capacity(1024);
    match outcome {
        Ok(data) => {
            out.extend_from_slice(b"{\"data\":");
            let _ = serde_json::to_writer(&mut out, &data);
            out.extend_from_slice(b",\"ok\":true}");
        }
        Err(error) => {
            out.extend_from_slice(b"{\"error\":");
            let _ = serde_json::to_writer(&mut out, &error.to_json());
            out.extend_from_slice(b",\"ok\":false}");
        }
    }
    // serde_json escapes NUL as \u0000, so the text never has an interior NUL.
    CString::new(out)
        .map(CString::into_raw)
        .unwrap_or(std::ptr::null_mut())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn take(ptr: *mut c_char) -> Value {
        assert!(!ptr.is_null());
        let text = unsafe { CStr::from_ptr(ptr) }.to_str().unwrap().to_owned();
        unsafe { vipps_string_free(ptr) };
        serde_json::from_str(&text).unwrap()
    }

    fn client() -> *mut vipps_client {
        let config = CString::new(
            r#"{"system_name":"t","system_version":"1","plugin_name":"p","plugin_version":"1"}"#,
        )
        .unwrap();
        let handle = unsafe { vipps_client_new(config.as_ptr(), std::ptr::null_mut()) };
        assert!(!handle.is_null());
        handle
    }

    #[test]
    fn a_panic_inside_an_operation_becomes_an_internal_error() {
        let handle = client();
        let request = CString::new("{}").unwrap();
        let envelope = take(unsafe {
            run(handle, request.as_ptr(), |_, _| {
                panic!("forced for the test")
            })
        });
        assert_eq!(envelope["ok"], false);
        assert_eq!(envelope["error"]["kind"], "internal");
        // The client still works after the panic.
        let envelope =
            take(unsafe { run(handle, request.as_ptr(), |_, _| Ok(json!({"alive": true}))) });
        assert_eq!(envelope["data"]["alive"], true);
        unsafe { vipps_client_free(handle) };
    }

    #[test]
    fn bad_pointers_and_bad_json_are_invalid_input() {
        let handle = client();
        let cases: Vec<(*const vipps_client, Option<&[u8]>, &str)> = vec![
            (std::ptr::null(), Some(b"{}\0"), "client is NULL"),
            (handle, None, "request_json is NULL"),
            (handle, Some(b"{not json\0"), "not valid JSON"),
            (handle, Some(b"[1]\0"), "must be a JSON object"),
            (handle, Some(b"{\"a\":\"\xff\xfe\"}\0"), "not valid UTF-8"),
        ];
        for (client, request, expected) in cases {
            let ptr = request.map_or(std::ptr::null(), |r| r.as_ptr().cast());
            let envelope = take(unsafe { vipps_get_session(client, ptr) });
            assert_eq!(envelope["error"]["kind"], "invalid_input", "{expected}");
            let message = envelope["error"]["message"].as_str().unwrap();
            assert!(message.contains(expected), "{message}");
        }
        unsafe { vipps_client_free(handle) };
    }

    #[test]
    fn client_new_reports_config_errors_through_the_out_param() {
        let mut error: *mut c_char = std::ptr::null_mut();
        let config = CString::new(r#"{"environment":"production"}"#).unwrap();
        let handle = unsafe { vipps_client_new(config.as_ptr(), &mut error) };
        assert!(handle.is_null());
        let envelope = take(error);
        assert_eq!(envelope["error"]["kind"], "config");
        let handle = unsafe { vipps_client_new(std::ptr::null(), std::ptr::null_mut()) };
        assert!(handle.is_null());
        unsafe { vipps_client_free(std::ptr::null_mut()) };
        unsafe { vipps_string_free(std::ptr::null_mut()) };
    }
}
