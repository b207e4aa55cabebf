//! ePayment v1: create, read, events, capture, refund, cancel, and the test-only approve.
//! Checkout payments are ePayment payments with the same reference, so these calls serve both.

use crate::amount::{format_minor, read_amount, EPAYMENT_CURRENCIES, EPAYMENT_MAX_VALUE};
use crate::call::{
    object_or_empty, request_object, unreadable_answer, ApiCall, Auth, CallOptions, Expect,
};
use crate::ecom::EcomAction;
use crate::epayment_validation::{validate_create_payment, REFERENCE_MAX};
use crate::error::{Error, ErrorKind, Result};
use crate::idempotency::KeyHeader;
use crate::input::Fields;
use crate::status::read_epayment;
use crate::Client;
use serde_json::{json, Map, Value};

const PAYMENTS_PATH: &str = "/epayment/v1/payments";

/// Which API an order lives in; money calls take `"api": "epayment"` (the default) or
/// `"api": "ecom"` for legacy eCom v2 orders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OrderApi {
    Epayment,
    Ecom,
}

pub(crate) fn take_api(request: &mut Map<String, Value>) -> Result<OrderApi> {
    match request.remove("api") {
        None | Some(Value::Null) => Ok(OrderApi::Epayment),
        Some(Value::String(api)) if api == "epayment" => Ok(OrderApi::Epayment),
        Some(Value::String(api)) if api == "ecom" => Ok(OrderApi::Ecom),
        Some(other) => Err(Error::invalid_input(format!(
            "api must be \"epayment\" or \"ecom\", got {other}"
        ))),
    }
}

/// Which API a call on one order goes to, read without changing the request.
pub(crate) fn order_api(request: &Value) -> Result<OrderApi> {
    let mut probe = Map::new();
    if let Some(api) = request.get("api") {
        probe.insert("api".into(), api.clone());
    }
    take_api(&mut probe)
}

/// What a money call does, for its path and messages.
#[derive(Clone, Copy)]
enum Modification {
    Capture,
    Refund,
}

impl Modification {
    fn verb(self) -> &'static str {
        match self {
            Modification::Capture => "capture",
            Modification::Refund => "refund",
        }
    }
}

impl Client {
    /// Creates an ePayment payment (`CreatePaymentRequest`, unknown fields passed through).
    /// `data`: `reference`, `redirectUrl` (when the flow has one) and `idempotency_key`.
    pub fn create_payment(&self, request: &Value) -> Result<Value> {
        let mut body = request_object(request)?;
        let options = CallOptions::take(self, &mut body)?;
        validate_create_payment(&Fields::new(&body, "", ErrorKind::InvalidInput))?;
        let reference = body["reference"].as_str().unwrap_or_default().to_owned();
        let key = options.key(KeyHeader::IdempotencyKey)?;
        let answer = self.call(&ApiCall {
            method: "POST",
            path: PAYMENTS_PATH.to_owned(),
            body: Some(Value::Object(body)),
            auth: Auth::Bearer,
            options: &options,
            idempotency: Some((KeyHeader::IdempotencyKey, key.clone())),
            what: format!("creating payment {reference}"),
            expect: Expect::Object,
        })?;
        let mut data = object_or_empty(answer.body);
        data.insert("reference".into(), json!(reference));
        data.insert("idempotency_key".into(), json!(key));
        Ok(Value::Object(data))
    }

    /// Reads a payment (`{"reference"}`): the API's answer plus `normalized`.
    pub fn get_payment(&self, request: &Value) -> Result<Value> {
        if order_api(request)? == OrderApi::Ecom {
            return self.ecom_get_payment(request);
        }
        let (reference, options, _) = self.payment_target(request, "get_payment")?;
        let call = ApiCall {
            method: "GET",
            path: format!("{PAYMENTS_PATH}/{reference}"),
            body: None,
            auth: Auth::Bearer,
            options: &options,
            idempotency: None,
            what: format!("reading payment {reference}"),
            expect: Expect::Object,
        };
        self.call_normalized(&call, None)
    }

    /// The payment's event log (`{"reference"}`): `data.events`, oldest first, and
    /// `data.psp_reference`, the PSP reference of the authorization (null before it).
    pub fn get_payment_events(&self, request: &Value) -> Result<Value> {
        if order_api(request)? == OrderApi::Ecom {
            return self.ecom_events(request).map(with_psp_reference);
        }
        let (reference, options, _) = self.payment_target(request, "get_payment_events")?;
        let answer = self.call(&ApiCall {
            method: "GET",
            path: format!("{PAYMENTS_PATH}/{reference}/events"),
            body: None,
            auth: Auth::Bearer,
            options: &options,
            idempotency: None,
            what: format!("reading the events of payment {reference}"),
            expect: Expect::Array,
        })?;
        Ok(with_psp_reference(
            json!({"reference": reference, "events": answer.body}),
        ))
    }

    /// Captures `amount` (or `modificationAmount`) of an authorized payment:
    /// `{"reference", "amount": {"value", "currency"}, "idempotency_key"?}`.
    pub fn capture(&self, request: &Value) -> Result<Value> {
        if order_api(request)? == OrderApi::Ecom {
            return self.ecom_modify(request, EcomAction::Capture);
        }
        self.modify(request, Modification::Capture)
    }

    /// Refunds `amount` (or `modificationAmount`) of what was captured.
    pub fn refund(&self, request: &Value) -> Result<Value> {
        if order_api(request)? == OrderApi::Ecom {
            return self.ecom_modify(request, EcomAction::Refund);
        }
        self.modify(request, Modification::Refund)
    }

    /// Cancels what is left of a payment: before approval it ends the payment, after approval
    /// it releases the amount not captured. Refused after a full capture (refund instead).
    pub fn cancel(&self, request: &Value) -> Result<Value> {
        if order_api(request)? == OrderApi::Ecom {
            return self.ecom_modify(request, EcomAction::Cancel);
        }
        let (reference, options, _) = self.payment_target(request, "cancel")?;
        let key = options.key(KeyHeader::IdempotencyKey)?;
        let call = ApiCall {
            method: "POST",
            path: format!("{PAYMENTS_PATH}/{reference}/cancel"),
            body: None,
            auth: Auth::Bearer,
            options: &options,
            idempotency: Some((KeyHeader::IdempotencyKey, key.clone())),
            what: format!("cancelling payment {reference}"),
            expect: Expect::Object,
        };
        self.call_normalized(&call, Some(&key))
    }

    /// Approves a payment as the customer would, in the test environment only:
    /// `{"reference", "customer": {"phoneNumber"}?, "token"?}`.
    pub fn force_approve(&self, request: &Value) -> Result<Value> {
        if order_api(request)? == OrderApi::Ecom {
            return self.ecom_force_approve(request);
        }
        let (reference, options, body) = self.payment_target(request, "force_approve")?;
        if self.config.is_production() {
            // The endpoint does not exist in production; saying so here is clearer than a 404.
            return Err(Error::invalid_input("force_approve is for the test environment only; this client is configured for production"));
        }
        self.call(&ApiCall {
            method: "POST",
            path: format!("/epayment/v1/test/payments/{reference}/approve"),
            body: Some(Value::Object(body)),
            auth: Auth::Bearer,
            options: &options,
            idempotency: None,
            what: format!("force-approving payment {reference}"),
            expect: Expect::Nothing,
        })?;
        Ok(json!({"reference": reference, "approved": true}))
    }

    fn modify(&self, request: &Value, what: Modification) -> Result<Value> {
        let (reference, options, mut body) = self.payment_target(request, what.verb())?;
        let amount = match (body.remove("amount"), body.remove("modificationAmount")) {
            (Some(a), None) | (None, Some(a)) => a,
            (Some(_), Some(_)) => return Err(Error::invalid_input("give amount or modificationAmount, not both")),
            (None, None) => return Err(Error::invalid_input(format!("amount is required: the {} amount in minor units, e.g. {{\"value\": 49900, \"currency\": \"NOK\"}}", what.verb()))),
        };
        let holder = json!({ "amount": amount });
        let checked = read_amount(
            &Fields::new(
                holder.as_object().expect("built as an object"),
                "",
                ErrorKind::InvalidInput,
            ),
            "amount",
            Some(EPAYMENT_CURRENCIES),
            EPAYMENT_MAX_VALUE,
        )?;
        if checked.value == 0 {
            return Err(Error::invalid_input(format!(
                "amount.value must be more than 0 to {}",
                what.verb()
            )));
        }
        body.insert(
            "modificationAmount".into(),
            json!({"value": checked.value, "currency": checked.currency}),
        );
        let key = options.key(KeyHeader::IdempotencyKey)?;
        let call = ApiCall {
            method: "POST",
            path: format!("{PAYMENTS_PATH}/{reference}/{}", what.verb()),
            body: Some(Value::Object(body)),
            auth: Auth::Bearer,
            options: &options,
            idempotency: Some((KeyHeader::IdempotencyKey, key.clone())),
            what: format!(
                "{} of {} on payment {reference}",
                what.verb(),
                format_minor(checked.value, checked.currency)
            ),
            expect: Expect::Object,
        };
        self.call_normalized(&call, Some(&key))
    }

    /// Runs a call whose answer is a payment or a modification, and normalizes it. An answer
    /// without a known state or with impossible amounts cannot be read: never `failed`, but
    /// `unknown_outcome` for a money call (see `call::unreadable_answer`).
    fn call_normalized(&self, call: &ApiCall, key: Option<&str>) -> Result<Value> {
        let answer = self.call(call)?;
        let normalized = read_epayment(&answer.body)
            .map_err(|reason| unreadable_answer(call, Some(answer.status), &reason))?;
        Ok(with_normalized(answer.body, normalized.to_json(), key))
    }

    /// The reference, options and remaining fields of a call on one ePayment payment.
    fn payment_target(
        &self,
        request: &Value,
        operation: &str,
    ) -> Result<(String, CallOptions, Map<String, Value>)> {
        let mut object = request_object(request)?;
        if take_api(&mut object)? == OrderApi::Ecom {
            return Err(Error::internal(format!(
                "{operation} for an eCom order reached the ePayment path"
            )));
        }
        self.target(&Value::Object(object), 1, REFERENCE_MAX)
    }
}

/// Adds `psp_reference` to an events answer: the authorization's PSP reference (the
/// transaction id a shop shows), or null before the payment is authorized.
fn with_psp_reference(data: Value) -> Value {
    let mut data = object_or_empty(data);
    let events = data
        .get("events")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let psp_reference = crate::order_management::authorization_psp_reference(events);
    data.insert("psp_reference".into(), json!(psp_reference));
    Value::Object(data)
}

/// Adds `normalized` (and the idempotency key used) to a payment or modification answer.
fn with_normalized(body: Value, normalized: Value, key: Option<&str>) -> Value {
    let mut data = object_or_empty(body);
    data.insert("normalized".into(), normalized);
    if let Some(key) = key {
        data.insert("idempotency_key".into(), json!(key));
    }
    Value::Object(data)
}
