//! The inbound side: callbacks and webhooks that Vipps MobilePay sends to the shop.
//!
//! [`Client::handle_callback`] takes the request as the plugin received it (method, URL,
//! headers, raw body), recognizes what it is, verifies it, and answers with a normalized
//! event and the HTTP response the plugin should send back. A request that fails
//! verification is not an error: the plugin must answer the HTTP request either way, so the
//! answer says `verified: false`, why (for logs; never a secret), and which status to send.
//! Only mistakes of the plugin itself (bad `request_json`, NULL pointers) are errors.

mod checkout_callback;
mod ecom_callback;
mod epayment_webhook;
pub mod event;
mod express_shipping;
pub mod record;
pub mod request;
mod request_text;
mod shipping;
pub mod token;
mod untrusted;
pub mod webhook_signature;

use crate::callback_token;
use crate::error::Result;
use crate::json::answer::{Field, Object};
use crate::json::input::lenient;
use crate::log::Level;
use crate::Client;
use event::Event;
use request::InboundRequest;
pub use request::{Kind, MAX_BODY};
use serde::Deserialize;
use serde_json::Value;
use std::time::SystemTime;
use untrusted::shown;

/// What happened to one inbound request: the typed answer of `handle_callback`. Its JSON
/// form (serialize it, or [`Outcome::to_json`]) is `{"event", "response"}`.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// Verified: answer the sender with 200 (a shipping callback: with the plugin's options).
    Accepted {
        /// What the request says happened.
        event: Box<Event>,
        /// Shipping callbacks are answered later, with the plugin's options.
        awaiting_options: bool,
    },
    /// Not accepted: answer the sender with `status`; `reason` is for the plugin's log.
    Rejected {
        /// What the request was, when it could be told.
        kind: Option<Kind>,
        /// The reference it named (unverified; escaped for logs).
        reference: Option<String>,
        /// The HTTP status to answer with (400, 401, 405, 413).
        status: u16,
        /// Why, never quoting a secret.
        reason: String,
    },
}

impl Outcome {
    /// Accepts a verified event, unless its amounts are impossible (negative, or beyond any
    /// API's limit): a body the API cannot have sent is malformed, whoever signed it (found by
    /// fuzzing: a negative eCom amount was accepted and then refused by apply_event).
    fn ack(event: Event) -> Outcome {
        let negative_amount = event
            .amount
            .is_some_and(|a| !(0..=crate::model::status::MAX_AMOUNT).contains(&a));
        if negative_amount || event.amounts.is_some_and(|a| !a.is_plausible()) {
            return Outcome::bad_request(
                Some(event.kind),
                Some(&event.reference),
                "an amount is negative or beyond any API's limit".to_owned(),
            );
        }
        Outcome::Accepted {
            event: Box::new(event),
            awaiting_options: false,
        }
    }

    /// Attaches the parsed body to an accepted event as `raw`, moved rather than copied
    /// (the handlers only borrow it).
    fn with_raw(mut self, body: Value) -> Outcome {
        if let Outcome::Accepted { event, .. } = &mut self {
            event.raw = body;
        }
        self
    }

    fn shipping(event: Event) -> Outcome {
        Outcome::Accepted {
            event: Box::new(event),
            awaiting_options: true,
        }
    }

    /// A refusal. Its reference is unverified text and its reason may quote some: both are
    /// escaped and bounded here (issue 15, defect 7), as a guard behind the escaping of each
    /// quoted text where the reason is written.
    fn rejected(
        kind: Option<Kind>,
        reference: Option<&str>,
        status: u16,
        reason: String,
    ) -> Outcome {
        let reason = match untrusted::shown_at_most(&reason, MAX_REASON_CHARS) {
            std::borrow::Cow::Borrowed(_) => reason,
            std::borrow::Cow::Owned(safe) => safe,
        };
        Outcome::Rejected {
            kind,
            reference: reference.map(|r| shown(r).into_owned()),
            status,
            reason,
        }
    }

    fn unauthorized(kind: Kind, reference: Option<&str>, reason: String) -> Outcome {
        Outcome::rejected(Some(kind), reference, 401, reason)
    }

    fn bad_request(kind: Option<Kind>, reference: Option<&str>, reason: String) -> Outcome {
        Outcome::rejected(kind, reference, 400, reason)
    }

    /// The answer as JSON, as `handle_callback` returns it.
    pub fn to_json(&self) -> Value {
        self.answer().to_value()
    }

    /// `{"event": {...}, "response": {"status", "headers", "body"}}`.
    fn answer(&self) -> Object<'_> {
        let (event, status, headers, body) = match self {
            Outcome::Accepted {
                event,
                awaiting_options,
            } => {
                let (headers, body) = if *awaiting_options {
                    // The plugin builds the body with `shipping_options_response`.
                    let json = Object::with_capacity(1).field("Content-Type", "application/json");
                    (json, Field::Null)
                } else {
                    (Object::default(), Field::Str(""))
                };
                (event.answer(), 200, headers, body)
            }
            Outcome::Rejected {
                kind,
                reference,
                status,
                reason,
            } => {
                let event = Object::with_capacity(5)
                    .field("api", kind.map(Kind::api))
                    .field("kind", kind.map(Kind::as_str))
                    .field("reference", reference.as_deref())
                    .field("rejection", reason.as_str())
                    .field("verified", false);
                (event, *status, Object::default(), Field::Str(""))
            }
        };
        let response = Object::with_capacity(3)
            .field("body", body)
            .field("headers", headers)
            .field("status", i64::from(status));
        Object::with_capacity(2)
            .field("event", event)
            .field("response", response)
    }
}

/// The C ABI writes the answer straight to its envelope.
impl serde::Serialize for Outcome {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        self.answer().serialize(serializer)
    }
}

/// The longest rejection reason, in characters: room for the explanation and two quoted
/// untrusted texts of 200 characters each (`untrusted::shown`).
const MAX_REASON_CHARS: usize = 600;

/// A reference the plugin passed must be the one the request is about: a token or body for
/// another order must not be accepted for this one.
fn check_reference(request: &InboundRequest, reference: &str) -> std::result::Result<(), String> {
    match &request.reference {
        Some(expected) if expected != reference => Err(format!(
            "the request is about reference \"{}\", not the expected \"{}\"",
            shown(reference),
            shown(expected)
        )),
        _ => Ok(()),
    }
}

/// Recognizes the request: the `kind` hint, else headers, path and body.
fn detect(request: &InboundRequest, body: Option<&Value>) -> Option<Kind> {
    if let Some(kind) = request.kind_hint {
        return Some(kind);
    }
    let hmac = request
        .header("authorization")
        .is_some_and(|a| a.trim_start().starts_with("HMAC-SHA256"));
    if request.header("x-ms-content-sha256").is_some() || hmac {
        return Some(Kind::EpaymentWebhook);
    }
    if request.path.contains("/v2/consents/") {
        return Some(Kind::EcomConsentRemoval);
    }
    if request.path.contains("/v2/payments/") && request.path.ends_with("/shippingDetails") {
        return Some(Kind::EcomShippingDetails);
    }
    let has: Shape = body.map(lenient::decode).unwrap_or_default();
    if has.order_id && has.transaction_info {
        return Some(Kind::EcomCallback);
    }
    if has.session_id && has.session_state {
        return Some(Kind::CheckoutCallback);
    }
    if has.postal_code && has.country {
        return Some(Kind::CheckoutShipping);
    }
    // ePayment Express names its fields in PascalCase (docs/api-notes.md, "Express").
    if has.reference_pascal && has.post_code_pascal && has.country_pascal {
        return Some(Kind::EpaymentShipping);
    }
    None
}

/// Which of the fields that tell the kinds apart a body has (whatever their values, `null`
/// too): a body is recognized by its shape, then read by its handler.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Shape {
    #[serde(deserialize_with = "lenient::present")]
    order_id: bool,
    #[serde(deserialize_with = "lenient::present")]
    transaction_info: bool,
    #[serde(deserialize_with = "lenient::present")]
    session_id: bool,
    #[serde(deserialize_with = "lenient::present")]
    session_state: bool,
    #[serde(deserialize_with = "lenient::present")]
    postal_code: bool,
    #[serde(deserialize_with = "lenient::present")]
    country: bool,
    #[serde(rename = "Reference", deserialize_with = "lenient::present")]
    reference_pascal: bool,
    #[serde(rename = "PostCode", deserialize_with = "lenient::present")]
    post_code_pascal: bool,
    #[serde(rename = "Country", deserialize_with = "lenient::present")]
    country_pascal: bool,
}

impl Client {
    /// Verifies and interprets an inbound callback or webhook.
    ///
    /// `request`: `{"method", "url" (path and query as received, or an absolute URL),
    /// "headers": {name: value or [values]}, "kind"?, "expected_token"? (needs "reference"),
    /// "reference"?, "host"? (the webhook's registered host)}`;
    /// `body`: the raw body bytes. Returns `{"event": {...}, "response": {"status",
    /// "headers", "body"}}` (see the README, "Callbacks and webhooks").
    pub fn handle_callback(&self, request: &Value, body: &[u8]) -> Result<Value> {
        self.handle_callback_at(request, body, SystemTime::now())
    }

    /// [`Client::handle_callback`] with the current time given (webhook dates are checked
    /// against it).
    pub fn handle_callback_at(
        &self,
        request: &Value,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Value> {
        self.handle_callback_outcome(request, body, now)
            .map(|outcome| outcome.to_json())
    }

    /// [`Client::handle_callback_at`] before it becomes JSON (the C ABI serializes it
    /// directly). Rust users: [`crate::Typed::handle_callback`].
    pub(crate) fn handle_callback_outcome(
        &self,
        request: &Value,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Outcome> {
        let request = InboundRequest::parse(request, body)?;
        Ok(self.inbound_logged(&request, now))
    }

    /// [`Client::handle_callback_outcome`] from the request's JSON text, as the C ABI gets
    /// it: read without a `Value` tree when it can be (see `request_text`).
    pub(crate) fn handle_callback_text(
        &self,
        request_json: &str,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Outcome> {
        let value;
        let request = match request_text::read(request_json, body) {
            Some(request) => request?,
            None => {
                value = crate::json::input::parse_request_json(request_json)?;
                InboundRequest::parse(&value, body)?
            }
        };
        Ok(self.inbound_logged(&request, now))
    }

    /// [`Client::inbound`], logging what it refused.
    fn inbound_logged(&self, request: &InboundRequest, now: SystemTime) -> Outcome {
        let outcome = self.inbound(request, now);
        if let Outcome::Rejected {
            kind,
            status,
            reason,
            ..
        } = &outcome
        {
            self.logger.log(
                Level::Warn,
                // The reason is escaped already (`Outcome::rejected`); the method and path
                // are as the plugin passed them.
                format!(
                    "inbound {} {} refused ({status}, {}): {reason}",
                    shown(&request.method),
                    shown(&request.path),
                    kind.map_or("unknown kind", Kind::as_str)
                ),
            );
        }
        outcome
    }

    fn inbound(&self, request: &InboundRequest, now: SystemTime) -> Outcome {
        let hint = request.kind_hint;
        if request.body.len() > MAX_BODY {
            return Outcome::rejected(
                hint,
                None,
                413,
                format!(
                    "the body has {} bytes; at most {MAX_BODY} are accepted",
                    request.body.len()
                ),
            );
        }
        let parsed: Option<Value> = serde_json::from_slice(request.body).ok();
        let Some(kind) = detect(request, parsed.as_ref()) else {
            return Outcome::bad_request(
                None,
                None,
                "not a recognized Vipps MobilePay callback or webhook (pass kind to say which it is)".into(),
            );
        };
        if kind == Kind::EcomConsentRemoval {
            return ecom_callback::consent_removal(self, request);
        }
        if request.body.is_empty() {
            return Outcome::bad_request(Some(kind), None, "the body is empty".into());
        }
        let Some(body) = parsed.filter(Value::is_object) else {
            return Outcome::bad_request(Some(kind), None, "the body is not a JSON object".into());
        };
        // Webhook signatures cover the method, so a wrong one fails there.
        if kind != Kind::EpaymentWebhook && request.method != "POST" {
            return Outcome::rejected(
                Some(kind),
                None,
                405,
                format!(
                    "{} is sent with POST, got {}",
                    kind.as_str(),
                    shown(&request.method)
                ),
            );
        }
        let outcome = match kind {
            Kind::CheckoutCallback => checkout_callback::handle(self, request, &body),
            Kind::CheckoutShipping => shipping::checkout(self, request, &body),
            Kind::EpaymentWebhook => epayment_webhook::handle(self, request, &body, now),
            Kind::EcomCallback => ecom_callback::handle(self, request, &body),
            Kind::EcomShippingDetails => shipping::ecom(self, request, &body),
            Kind::EpaymentShipping => express_shipping::handle(self, request, &body),
            // Answered above, before the body checks a consent removal (no body) would fail.
            Kind::EcomConsentRemoval => ecom_callback::consent_removal(self, request),
        };
        outcome.with_raw(body)
    }

    /// The `authToken` to send when initiating an eCom payment for `order_id`, derived from
    /// `callback_secret` so its callbacks can be verified without storing it. `None` when no
    /// secret is configured.
    pub fn ecom_auth_token(&self, order_id: &str) -> Option<String> {
        self.config
            .callback_secret
            .as_ref()
            .map(|s| callback_token::derive(s, "ecom", order_id))
    }
}

impl crate::Typed<'_> {
    /// Verifies and interprets an inbound callback or webhook, typed: the [`Outcome`] that
    /// [`Client::handle_callback`] answers as JSON. `now` checks webhook dates.
    ///
    /// ```
    /// use vipps::inbound::{Kind, Outcome};
    /// use vipps::Status;
    /// use serde_json::json;
    /// let client = vipps::Client::new(&json!({"system_name": "acme", "system_version": "1.0",
    ///     "plugin_name": "acme-vipps", "plugin_version": "1.0",
    ///     "callback_secret": "a long random secret of the shop"}).to_string())?;
    /// // The session was created with this token as its callbackAuthorizationToken.
    /// let token = client.checkout_callback_token("acme-order-10001").unwrap();
    /// let request = json!({"method": "POST", "url": "/vipps/callback",
    ///                      "headers": {"Authorization": token}});
    /// let body = json!({"reference": "acme-order-10001", "sessionId": "s-1",
    ///     "sessionState": "PaymentSuccessful", "paymentDetails": {"state": "AUTHORIZED",
    ///     "amount": {"value": 49900, "currency": "NOK"},
    ///     "aggregate": {"authorizedAmount": {"value": 49900, "currency": "NOK"}}}});
    /// let now = std::time::SystemTime::now();
    /// let outcome = client.typed().handle_callback(&request, body.to_string().as_bytes(), now)?;
    /// let Outcome::Accepted { event, .. } = &outcome else { panic!("{:?}", outcome) };
    /// assert_eq!((event.kind, event.status), (Kind::CheckoutCallback, Some(Status::Authorized)));
    ///
    /// // Fold it into the record the shop stores (none yet).
    /// let applied = client.typed().apply_event(&json!({"record": null, "event": event.to_json()}))?;
    /// assert!(applied.applied);
    /// assert_eq!(applied.record.status(), Status::Authorized);
    /// assert_eq!(applied.record.amounts().capturable(), 49900);
    /// # Ok::<(), vipps::Error>(())
    /// ```
    pub fn handle_callback(
        &self,
        request: &Value,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Outcome> {
        self.client.handle_callback_outcome(request, body, now)
    }
}
