//! Checkout v3: sessions (create, get, update, expire).
//!
//! Capture, refund and cancel of a Checkout payment go through ePayment with the same
//! reference; see `epayment`.

pub(crate) mod validation;

use crate::api::checkout::validation::{validate_session_request, REFERENCE_MAX, REFERENCE_MIN};
use crate::callback_token;
use crate::error::{ErrorKind, Result};
use crate::http::call::{unreadable_answer, ApiCall, Auth, CallOptions, Expect};
use crate::http::idempotency::KeyHeader;
use crate::json::input::{object_field_mut, object_or_empty, request_object, Fields};
use crate::model::status::read_checkout_session;
use crate::Client;
use serde_json::{json, Map, Value};

const SESSION_PATH: &str = "/checkout/v3/session";

impl Client {
    /// Creates a Checkout session. The request is an `InitiateSessionRequest` (unknown fields
    /// pass through) plus the optional call keys (`idempotency_key`, `merchant_serial_number`,
    /// `system_*`). `type` defaults to `PAYMENT`. Without `merchantInfo.callbackAuthorizationToken`
    /// one is derived from `callback_secret` and the reference (or made at random when no secret
    /// is configured); the answer returns it as `callback_authorization_token`.
    pub fn create_session(&self, request: &Value) -> Result<Value> {
        let mut body = request_object(request)?;
        let options = CallOptions::take(self, &mut body)?;
        body.entry("type").or_insert_with(|| json!("PAYMENT"));
        let reference = validate_session_request(&Fields::new(&body, "", ErrorKind::InvalidInput))?;
        let token = self.session_callback_token(&mut body, &reference)?;
        let key = options.key(KeyHeader::IdempotencyKey)?;
        let answer = self
            .call(&ApiCall {
                method: "POST",
                path: SESSION_PATH.to_owned(),
                body: Some(Value::Object(body)),
                auth: Auth::ClientKeys,
                options: &options,
                idempotency: Some((KeyHeader::IdempotencyKey, key.clone())),
                what: format!("creating Checkout session {reference}"),
                expect: Expect::Object,
            })
            .map_err(|mut error| {
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
        let mut data = object_or_empty(answer.body);
        data.insert("reference".into(), json!(reference));
        data.insert("callback_authorization_token".into(), json!(token));
        data.insert("idempotency_key".into(), json!(key));
        Ok(Value::Object(data))
    }

    /// Reads a session (`{"reference": ...}`) and adds `normalized`: the status and amounts.
    pub fn get_session(&self, request: &Value) -> Result<Value> {
        let (reference, options, _) = self.target(request, REFERENCE_MIN, REFERENCE_MAX)?;
        let call = ApiCall {
            method: "GET",
            path: format!("{SESSION_PATH}/{reference}"),
            body: None,
            auth: Auth::ClientKeys,
            options: &options,
            idempotency: None,
            what: format!("reading Checkout session {reference}"),
            expect: Expect::Object,
        };
        let answer = self.call(&call)?;
        // A session without a known state cannot be read: an error, never `failed`.
        let normalized = read_checkout_session(&answer.body)
            .map_err(|reason| unreadable_answer(&call, Some(answer.status), &reason))?
            .to_json();
        let mut data = object_or_empty(answer.body);
        data.insert("normalized".into(), normalized);
        Ok(Value::Object(data))
    }

    /// Updates a session that is not paid yet: `{"reference": ..., <fields to change>}`.
    pub fn update_session(&self, request: &Value) -> Result<Value> {
        let (reference, options, body) = self.target(request, REFERENCE_MIN, REFERENCE_MAX)?;
        let f = Fields::new(&body, "", ErrorKind::InvalidInput);
        if let Some(transaction) = f.opt_object("transaction")? {
            if transaction.opt_object("amount")?.is_some() {
                crate::model::amount::read_amount(&transaction, "amount", None, i32::MAX as i64)?;
            }
            if let Some(description) = transaction.opt_str("paymentDescription")? {
                transaction.check_len("paymentDescription", description, 3, 100)?;
            }
        }
        let key = options.key(KeyHeader::IdempotencyKey)?;
        let answer = self.call(&ApiCall {
            method: "PATCH",
            path: format!("{SESSION_PATH}/{reference}"),
            body: Some(Value::Object(body)),
            auth: Auth::ClientKeys,
            options: &options,
            idempotency: Some((KeyHeader::IdempotencyKey, key.clone())),
            what: format!("updating Checkout session {reference}"),
            expect: Expect::ObjectOrEmpty,
        })?;
        Ok(with_reference(answer.body, &reference, &key))
    }

    /// Ends a session that is not paid, so the customer can no longer pay it.
    pub fn expire_session(&self, request: &Value) -> Result<Value> {
        let (reference, options, _) = self.target(request, REFERENCE_MIN, REFERENCE_MAX)?;
        let key = options.key(KeyHeader::IdempotencyKey)?;
        let answer = self.call(&ApiCall {
            method: "POST",
            path: format!("{SESSION_PATH}/{reference}/expire"),
            body: None,
            auth: Auth::ClientKeys,
            options: &options,
            idempotency: Some((KeyHeader::IdempotencyKey, key.clone())),
            what: format!("expiring Checkout session {reference}"),
            expect: Expect::ObjectOrEmpty,
        })?;
        Ok(with_reference(answer.body, &reference, &key))
    }

    /// The token the session callback for `reference` must carry, when it is derived.
    pub fn checkout_callback_token(&self, reference: &str) -> Option<String> {
        self.config
            .callback_secret
            .as_ref()
            .map(|s| callback_token::derive(s, "checkout", reference))
    }

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

fn with_reference(body: Value, reference: &str, key: &str) -> Value {
    let mut data = object_or_empty(body);
    data.insert("reference".into(), json!(reference));
    data.insert("idempotency_key".into(), json!(key));
    Value::Object(data)
}
