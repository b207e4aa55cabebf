//! Checkout v3: sessions (create, get, update, expire).
//!
//! Capture, refund and cancel of a Checkout payment go through ePayment with the same
//! reference; see `epayment`.

pub(crate) mod validation;

use crate::api::checkout::validation::{validate_session_request, REFERENCE_MAX, REFERENCE_MIN};
use crate::api::payment::{CallInfo, Payment};
use crate::callback_token;
use crate::client::Typed;
use crate::error::{ErrorKind, Result};
use crate::http::call::{unreadable_answer, Auth, CallOptions, Expect, Operation};
use crate::http::idempotency::KeyHeader;
use crate::json::answer::to_json;
use crate::json::input::{object_field_mut, request_object, Fields};
use crate::model::status::read_checkout_session;
use crate::Client;
use serde_json::{json, Map, Value};

// The operations of Checkout v3 (it authenticates with client keys, not a bearer token).
const CREATE: Operation = Operation {
    method: "POST",
    path: "/checkout/v3/session",
    auth: Auth::ClientKeys,
    key: Some(KeyHeader::IdempotencyKey),
    expect: Expect::Object,
    what: "creating Checkout session {}",
};
const GET: Operation = Operation {
    method: "GET",
    path: "/checkout/v3/session/{}",
    auth: Auth::ClientKeys,
    key: None,
    expect: Expect::Object,
    what: "reading Checkout session {}",
};
/// Update and expire may answer with no body.
const UPDATE: Operation = Operation {
    method: "PATCH",
    path: "/checkout/v3/session/{}",
    auth: Auth::ClientKeys,
    key: Some(KeyHeader::IdempotencyKey),
    expect: Expect::ObjectOrEmpty,
    what: "updating Checkout session {}",
};
const EXPIRE: Operation = Operation {
    method: "POST",
    path: "/checkout/v3/session/{}/expire",
    auth: Auth::ClientKeys,
    key: Some(KeyHeader::IdempotencyKey),
    expect: Expect::ObjectOrEmpty,
    what: "expiring Checkout session {}",
};

impl Client {
    /// Creates a Checkout session. The request is an `InitiateSessionRequest` (unknown fields
    /// pass through) plus the optional call keys (`idempotency_key`, `merchant_serial_number`,
    /// `system_*`). `type` defaults to `PAYMENT`. Without `merchantInfo.callbackAuthorizationToken`
    /// one is derived from `callback_secret` and the reference (or made at random when no secret
    /// is configured); the answer returns it as `callback_authorization_token`.
    pub fn create_session(&self, request: &Value) -> Result<Value> {
        to_json(&self.typed().create_session(request)?)
    }

    /// Reads a session (`{"reference": ...}`) and adds `normalized`: the status and amounts.
    pub fn get_session(&self, request: &Value) -> Result<Value> {
        to_json(&self.typed().get_session(request)?)
    }

    /// Updates a session that is not paid yet: `{"reference": ..., <fields to change>}`.
    pub fn update_session(&self, request: &Value) -> Result<Value> {
        to_json(&self.typed().update_session(request)?)
    }

    /// Ends a session that is not paid, so the customer can no longer pay it.
    pub fn expire_session(&self, request: &Value) -> Result<Value> {
        to_json(&self.typed().expire_session(request)?)
    }

    /// The token the session callback for `reference` must carry, when it is derived.
    pub fn checkout_callback_token(&self, reference: &str) -> Option<String> {
        self.config
            .callback_secret
            .as_ref()
            .map(|s| callback_token::derive(s, "checkout", reference))
    }
}

/// Checkout v3, typed: the same requests as the JSON methods of the same names.
impl Typed<'_> {
    /// Creates a Checkout session (see [`Client::create_session`]).
    pub fn create_session(&self, request: &Value) -> Result<CallInfo> {
        let client = self.client;
        let mut body = request_object(request)?;
        let options = CallOptions::take(client, &mut body)?;
        body.entry("type").or_insert_with(|| json!("PAYMENT"));
        let reference = validate_session_request(&Fields::new(&body, "", ErrorKind::InvalidInput))?;
        let token = client.session_callback_token(&mut body, &reference)?;
        let call = CREATE.call(&reference, &options, Some(Value::Object(body)))?;
        let answer = client.call(&call).map_err(|mut error| {
            // Checkout's Idempotency-Key is optional and newer than the API: where it is not
            // replayed, the retry tells that the first attempt created the session.
            if error.kind == ErrorKind::UnknownOutcome {
                error.message.push_str(
                    ". If the retry answers conflict (duplicate reference), the session was \
                     created: read it with get_session",
                );
            }
            error
        })?;
        let mut data = CallInfo::new(answer.body, &reference, call.key());
        data.callback_authorization_token = Some(token);
        Ok(data)
    }

    /// Reads a session (`{"reference"}`): its answer and its normalized status.
    pub fn get_session(&self, request: &Value) -> Result<Payment> {
        let client = self.client;
        let (reference, options, _) = client.target(request, REFERENCE_MIN, REFERENCE_MAX)?;
        let call = GET.call(&reference, &options, None)?;
        let answer = client.call(&call)?;
        // A session without a known state cannot be read: an error, never `failed`.
        let normalized = read_checkout_session(&answer.body)
            .map_err(|reason| unreadable_answer(&call, Some(answer.status), &reason))?;
        Ok(Payment::new(answer.body, Some(normalized), None))
    }

    /// Updates a session that is not paid yet (see [`Client::update_session`]).
    pub fn update_session(&self, request: &Value) -> Result<CallInfo> {
        let client = self.client;
        let (reference, options, body) = client.target(request, REFERENCE_MIN, REFERENCE_MAX)?;
        let f = Fields::new(&body, "", ErrorKind::InvalidInput);
        if let Some(transaction) = f.opt_object("transaction")? {
            if transaction.opt_object("amount")?.is_some() {
                crate::model::amount::read_amount(&transaction, "amount", None, i32::MAX as i64)?;
            }
            if let Some(description) = transaction.opt_str("paymentDescription")? {
                transaction.check_len("paymentDescription", description, 3, 100)?;
            }
        }
        let call = UPDATE.call(&reference, &options, Some(Value::Object(body)))?;
        let answer = client.call(&call)?;
        Ok(CallInfo::new(answer.body, &reference, call.key()))
    }

    /// Ends a session that is not paid (see [`Client::expire_session`]).
    pub fn expire_session(&self, request: &Value) -> Result<CallInfo> {
        let client = self.client;
        let (reference, options, _) = client.target(request, REFERENCE_MIN, REFERENCE_MAX)?;
        let call = EXPIRE.call(&reference, &options, None)?;
        let answer = client.call(&call)?;
        Ok(CallInfo::new(answer.body, &reference, call.key()))
    }
}

impl Client {
    fn session_callback_token(
        &self,
        body: &mut Map<String, Value>,
        reference: &str,
    ) -> Result<String> {
        let info = object_field_mut(body, "merchantInfo")?;
        if let Some(given) = info
            .get("callbackAuthorizationToken")
            .and_then(Value::as_str)
        {
            return Ok(given.to_owned());
        }
        let token = match self.checkout_callback_token(reference) {
            Some(token) => token,
            None => callback_token::random()?,
        };
        info.insert("callbackAuthorizationToken".into(), json!(token));
        Ok(token)
    }
}
