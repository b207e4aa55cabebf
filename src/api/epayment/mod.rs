//! ePayment v1: create, read, events, capture, refund, cancel, and the test-only approve.
//! Checkout payments are ePayment payments with the same reference, so these calls serve both.

pub(crate) mod errors;
pub(crate) mod express;
pub(crate) mod user_flow;
pub(crate) mod validation;

use crate::api::epayment::validation::validate_create_payment;
use crate::api::orders::{order_api, OrderApi};
use crate::api::payment::{Approved, CallInfo, Payment, PaymentEvents};
use crate::client::Typed;
use crate::error::{Error, ErrorKind, Result};
use crate::http::call::{unreadable_answer, ApiCall, Auth, CallOptions, Expect, Operation};
use crate::http::idempotency::KeyHeader;
use crate::json::answer::to_json;
use crate::json::input::{one_field, request_object, Fields};
use crate::model::amount::{format_minor, read_amount, EPAYMENT_CURRENCIES, EPAYMENT_MAX_VALUE};
use crate::model::status::read_epayment;
use crate::Client;
use serde_json::{json, Map, Value};

// The operations of ePayment v1.
const CREATE: Operation = Operation {
    method: "POST",
    path: "/epayment/v1/payments",
    auth: Auth::Bearer,
    key: Some(KeyHeader::IdempotencyKey),
    expect: Expect::Object,
    what: "creating payment {}",
};
const GET: Operation = Operation {
    method: "GET",
    path: "/epayment/v1/payments/{}",
    auth: Auth::Bearer,
    key: None,
    expect: Expect::Object,
    what: "reading payment {}",
};
const EVENTS: Operation = Operation {
    method: "GET",
    path: "/epayment/v1/payments/{}/events",
    auth: Auth::Bearer,
    key: None,
    expect: Expect::Array,
    what: "reading the events of payment {}",
};
/// Capture and refund: their message names the amount too (see `modify`).
const CAPTURE: Operation = Operation {
    method: "POST",
    path: "/epayment/v1/payments/{}/capture",
    auth: Auth::Bearer,
    key: Some(KeyHeader::IdempotencyKey),
    expect: Expect::Object,
    what: "capture on payment {}",
};
const REFUND: Operation = Operation {
    method: "POST",
    path: "/epayment/v1/payments/{}/refund",
    auth: Auth::Bearer,
    key: Some(KeyHeader::IdempotencyKey),
    expect: Expect::Object,
    what: "refund on payment {}",
};
const CANCEL: Operation = Operation {
    method: "POST",
    path: "/epayment/v1/payments/{}/cancel",
    auth: Auth::Bearer,
    key: Some(KeyHeader::IdempotencyKey),
    expect: Expect::Object,
    what: "cancelling payment {}",
};
/// The test environment's approve: it answers with no body worth reading.
const FORCE_APPROVE: Operation = Operation {
    method: "POST",
    path: "/epayment/v1/test/payments/{}/approve",
    auth: Auth::Bearer,
    key: None,
    expect: Expect::Nothing,
    what: "force-approving payment {}",
};

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
    pub(crate) fn epayment_create(&self, request: &Value) -> Result<CallInfo> {
        let mut body = request_object(request)?;
        let options = CallOptions::take(self, &mut body)?;
        let reference = validate_create_payment(&Fields::new(&body, "", ErrorKind::InvalidInput))?;
        let shipping_token = self.fill_shipping_token(&mut body, &reference)?;
        let call = CREATE.call(&reference, &options, Some(Value::Object(body)))?;
        let answer = self.call(&call)?;
        let mut info = CallInfo::new(answer.body, &reference, call.key());
        // Express with dynamic options: the token its shipping callbacks will carry.
        info.shipping_callback_token = shipping_token;
        Ok(info)
    }

    /// Reads an ePayment payment: the API's answer plus `normalized`.
    pub(crate) fn epayment_get_payment(&self, request: &Value) -> Result<Payment> {
        let (reference, options, _) = self.payment_target(request, "get_payment")?;
        self.call_normalized(&GET.call(&reference, &options, None)?)
    }

    /// An ePayment payment's event log: `data.events`, oldest first.
    pub(crate) fn epayment_get_payment_events(&self, request: &Value) -> Result<PaymentEvents> {
        let (reference, options, _) = self.payment_target(request, "get_payment_events")?;
        let answer = self.call(&EVENTS.call(&reference, &options, None)?)?;
        // An array: the call expects one (`Expect::Array`).
        let events = match answer.body {
            Value::Array(events) => events,
            _ => Vec::new(),
        };
        Ok(PaymentEvents::new(reference, events))
    }

    /// Captures the explicit amount of an authorized ePayment payment.
    pub(crate) fn epayment_capture(&self, request: &Value) -> Result<Payment> {
        self.modify(request, Modification::Capture)
    }

    /// Refunds the explicit amount of what was captured.
    pub(crate) fn epayment_refund(&self, request: &Value) -> Result<Payment> {
        self.modify(request, Modification::Refund)
    }

    /// Cancels what is left of an ePayment payment.
    pub(crate) fn epayment_cancel(&self, request: &Value) -> Result<Payment> {
        let (reference, options, _) = self.payment_target(request, "cancel")?;
        self.call_normalized(&CANCEL.call(&reference, &options, None)?)
    }

    /// Approves an ePayment payment as the customer would, in the test environment only.
    pub(crate) fn epayment_force_approve(&self, request: &Value) -> Result<Approved> {
        let (reference, options, body) = self.payment_target(request, "force_approve")?;
        if self.config.is_production() {
            // The endpoint does not exist in production; saying so here is clearer than a 404.
            return Err(Error::invalid_input("force_approve is for the test environment only; this client is configured for production"));
        }
        validation::validate_force_approve(&Fields::new(&body, "", ErrorKind::InvalidInput))?;
        self.call(&FORCE_APPROVE.call(&reference, &options, Some(Value::Object(body)))?)?;
        Ok(Approved::new(reference))
    }

    fn modify(&self, request: &Value, what: Modification) -> Result<Payment> {
        let (reference, options, mut body) = self.payment_target(request, what.verb())?;
        let amount = match (body.remove("amount"), body.remove("modificationAmount")) {
            (Some(a), None) | (None, Some(a)) => a,
            (Some(_), Some(_)) => return Err(Error::invalid_input("give amount or modificationAmount, not both")),
            (None, None) => return Err(Error::invalid_input(format!("amount is required: the {} amount in minor units, e.g. {{\"value\": 49900, \"currency\": \"NOK\"}}", what.verb()))),
        };
        let holder = one_field("amount", amount);
        let checked = read_amount(
            &Fields::new(&holder, "", ErrorKind::InvalidInput),
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
        let operation = match what {
            Modification::Capture => &CAPTURE,
            Modification::Refund => &REFUND,
        };
        let mut call = operation.call(&reference, &options, Some(Value::Object(body)))?;
        call.what = format!(
            "{} of {} on payment {reference}",
            what.verb(),
            format_minor(checked.value, checked.currency)
        );
        self.call_normalized(&call)
    }

    /// Runs a call whose answer is a payment or a modification, and normalizes it. An answer
    /// without a known state or with impossible amounts cannot be read: never `failed`, but
    /// `unknown_outcome` for a money call (see `call::unreadable_answer`).
    fn call_normalized(&self, call: &ApiCall) -> Result<Payment> {
        let answer = self.call(call)?;
        let normalized = read_epayment(&answer.body)
            .map_err(|reason| unreadable_answer(call, Some(answer.status), &reason))?;
        Ok(Payment::new(answer.body, Some(normalized), call.key()))
    }

    /// The reference, options and remaining fields of a call on one ePayment payment.
    fn payment_target(
        &self,
        request: &Value,
        operation: &str,
    ) -> Result<(String, CallOptions, Map<String, Value>)> {
        if order_api(request)? == OrderApi::Ecom {
            return Err(Error::internal(format!(
                "{operation} for an eCom order reached the ePayment path"
            )));
        }
        self.order_target(request, OrderApi::Epayment)
    }
}

impl Client {
    /// Creates an ePayment payment (`CreatePaymentRequest`, unknown fields passed through).
    /// `data`: `reference`, `redirectUrl` (when the flow has one) and `idempotency_key`.
    pub fn create_payment(&self, request: &Value) -> Result<Value> {
        to_json(&self.typed().create_payment(request)?)
    }
}

/// ePayment v1, typed: the same requests as the JSON methods of the same names.
impl Typed<'_> {
    /// Creates an ePayment payment (see [`Client::create_payment`]).
    pub fn create_payment(&self, request: &Value) -> Result<CallInfo> {
        self.client.epayment_create(request)
    }
}
