//! Calls on one order, routed to the API it lives in: `"api": "epayment"` (the default) or
//! `"api": "ecom"` for legacy eCom v2 orders. The public read and money operations are here so
//! that each API's module holds only its own calls.

use crate::api::ecom::EcomAction;
use crate::api::payment::{Approved, Payment, PaymentEvents};
use crate::client::Typed;
use crate::error::{Error, Result};
use crate::http::call::CallOptions;
use crate::json::answer::to_json;
use crate::json::input::request_object;
use crate::Client;
use serde_json::{Map, Value};

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

impl OrderApi {
    /// The shortest reference (order id) the API takes, from its own rules.
    fn reference_min(self) -> usize {
        match self {
            OrderApi::Epayment => crate::api::epayment::validation::REFERENCE_MIN,
            OrderApi::Ecom => 1,
        }
    }

    /// The longest reference (order id) the API takes, from its own rules.
    fn reference_max(self) -> usize {
        match self {
            OrderApi::Epayment => crate::api::epayment::validation::REFERENCE_MAX,
            OrderApi::Ecom => crate::api::ecom::ORDER_ID_MAX,
        }
    }
}

impl Client {
    /// The target of a call on one existing order, picked the same way for every API: its
    /// reference (eCom also takes `orderId`), checked against that API's own length limits;
    /// the call options; and the remaining fields (the body, if the call has one). eCom also
    /// checks that the merchant serial number is one it takes.
    pub(crate) fn order_target(
        &self,
        request: &Value,
        api: OrderApi,
    ) -> Result<(String, CallOptions, Map<String, Value>)> {
        let mut object = request_object(request)?;
        object.remove("api");
        if api == OrderApi::Ecom {
            if let Some(order_id) = object.remove("orderId") {
                object.entry("reference").or_insert(order_id);
            }
        }
        let target = self.target(
            &Value::Object(object),
            api.reference_min(),
            api.reference_max(),
        )?;
        if api == OrderApi::Ecom {
            crate::api::ecom::check_options_msn(&target.1)?;
        }
        Ok(target)
    }

    /// Reads a payment (`{"reference", "api"?}`): the API's answer plus `normalized`
    /// (the JSON form of [`Typed::get_payment`]).
    pub fn get_payment(&self, request: &Value) -> Result<Value> {
        to_json(&self.typed().get_payment(request)?)
    }

    /// The payment's event log (`{"reference"}`): `data.events`, oldest first, and
    /// `data.psp_reference`, the PSP reference of the authorization (null before it).
    pub fn get_payment_events(&self, request: &Value) -> Result<Value> {
        to_json(&self.typed().get_payment_events(request)?)
    }

    /// Captures `amount` (or `modificationAmount`) of an authorized payment:
    /// `{"reference", "amount": {"value", "currency"}, "idempotency_key"?}`.
    pub fn capture(&self, request: &Value) -> Result<Value> {
        to_json(&self.typed().capture(request)?)
    }

    /// Refunds `amount` (or `modificationAmount`) of what was captured.
    pub fn refund(&self, request: &Value) -> Result<Value> {
        to_json(&self.typed().refund(request)?)
    }

    /// Cancels what is left of a payment: before approval it ends the payment, after approval
    /// it releases the amount not captured. Refused after a full capture (refund instead).
    pub fn cancel(&self, request: &Value) -> Result<Value> {
        to_json(&self.typed().cancel(request)?)
    }

    /// Approves a payment as the customer would, in the test environment only:
    /// `{"reference", "customer": {"phoneNumber"}?, "token"?}`.
    pub fn force_approve(&self, request: &Value) -> Result<Value> {
        to_json(&self.typed().force_approve(request)?)
    }
}

/// The calls on one order, typed: the same requests as the JSON methods of the same names.
impl Typed<'_> {
    /// Reads a payment: `{"reference", "api"?}` (`"api": "ecom"` for an eCom order).
    pub fn get_payment(&self, request: &Value) -> Result<Payment> {
        match order_api(request)? {
            OrderApi::Epayment => self.client.epayment_get_payment(request),
            OrderApi::Ecom => self.client.ecom_get_payment(request),
        }
    }

    /// The payment's event log, oldest first, with the authorization's PSP reference.
    pub fn get_payment_events(&self, request: &Value) -> Result<PaymentEvents> {
        match order_api(request)? {
            OrderApi::Epayment => self.client.epayment_get_payment_events(request),
            OrderApi::Ecom => self.client.ecom_events(request),
        }
    }

    /// Captures `amount` of an authorized payment (see [`Client::capture`]).
    pub fn capture(&self, request: &Value) -> Result<Payment> {
        match order_api(request)? {
            OrderApi::Epayment => self.client.epayment_capture(request),
            OrderApi::Ecom => self.client.ecom_modify(request, EcomAction::Capture),
        }
    }

    /// Refunds `amount` of what was captured (see [`Client::refund`]).
    pub fn refund(&self, request: &Value) -> Result<Payment> {
        match order_api(request)? {
            OrderApi::Epayment => self.client.epayment_refund(request),
            OrderApi::Ecom => self.client.ecom_modify(request, EcomAction::Refund),
        }
    }

    /// Approves a payment as the customer would, in the test environment only (see
    /// [`Client::force_approve`]).
    pub fn force_approve(&self, request: &Value) -> Result<Approved> {
        match order_api(request)? {
            OrderApi::Epayment => self.client.epayment_force_approve(request),
            OrderApi::Ecom => self.client.ecom_force_approve(request),
        }
    }

    /// Cancels what is left of a payment (see [`Client::cancel`]).
    pub fn cancel(&self, request: &Value) -> Result<Payment> {
        match order_api(request)? {
            OrderApi::Epayment => self.client.epayment_cancel(request),
            OrderApi::Ecom => self.client.ecom_modify(request, EcomAction::Cancel),
        }
    }
}
