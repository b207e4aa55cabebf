//! eCom v2 (legacy): initiate, capture, refund, cancel, details, status and the test approve.
//!
//! Old orders still live here and must be captured, refunded and cancelled; money calls reach
//! this module through `capture`/`refund`/`cancel`/`get_payment` with `"api": "ecom"`, so a
//! plugin uses one call for old and new orders. The idempotency key travels as `X-Request-Id`.

mod errors;
mod normalize;
mod order_id;
mod validation;

pub use order_id::make_order_id;

use crate::api::orders::OrderApi;
use crate::api::payment::{Approved, CallInfo, Payment, PaymentEvents};
use crate::client::Typed;
use crate::error::{Error, ErrorKind, Result};
use crate::http::call::{
    unreadable_answer, ApiAnswer, ApiCall, Auth, CallOptions, Expect, Operation,
};
use crate::http::idempotency::KeyHeader;
use crate::json::answer::to_json;
use crate::json::input::{object_field_mut, object_or_empty, one_field, request_object, Fields};
use crate::model::amount::format_minor;
use crate::Client;
use serde::Serialize;
use serde_json::{json, Map, Value};
pub(crate) use validation::ORDER_ID_MAX;
use validation::{check_ecom_msn, validate_initiate, MIN_AMOUNT};

// The operations of eCom v2 (legacy); the idempotency key travels as `X-Request-Id`.
const INITIATE: Operation = Operation {
    method: "POST",
    path: "/ecomm/v2/payments",
    auth: Auth::Bearer,
    key: Some(KeyHeader::RequestId),
    expect: Expect::Object,
    what: "initiating eCom order {}",
};
const STATUS: Operation = Operation {
    method: "GET",
    path: "/ecomm/v2/payments/{}/status",
    auth: Auth::Bearer,
    key: None,
    expect: Expect::Object,
    what: "reading the status of eCom order {}",
};
const DETAILS: Operation = Operation {
    method: "GET",
    path: "/ecomm/v2/payments/{}/details",
    auth: Auth::Bearer,
    key: None,
    expect: Expect::Object,
    what: "reading eCom order {}",
};
/// Capture, refund and cancel name the amount in their message when there is one (see `ecom_modify`).
const CAPTURE: Operation = Operation {
    method: "POST",
    path: "/ecomm/v2/payments/{}/capture",
    auth: Auth::Bearer,
    key: Some(KeyHeader::RequestId),
    expect: Expect::Object,
    what: "capture of eCom order {}",
};
const REFUND: Operation = Operation {
    method: "POST",
    path: "/ecomm/v2/payments/{}/refund",
    auth: Auth::Bearer,
    key: Some(KeyHeader::RequestId),
    expect: Expect::Object,
    what: "refund of eCom order {}",
};
/// eCom cancels with PUT.
const CANCEL: Operation = Operation {
    method: "PUT",
    path: "/ecomm/v2/payments/{}/cancel",
    auth: Auth::Bearer,
    key: Some(KeyHeader::RequestId),
    expect: Expect::Object,
    what: "cancel of eCom order {}",
};
const FORCE_APPROVE: Operation = Operation {
    method: "POST",
    path: "/ecomm/v2/integration-test/payments/{}/approve",
    auth: Auth::Bearer,
    key: None,
    expect: Expect::Nothing,
    what: "force-approving eCom order {}",
};

/// The three eCom money operations.
#[derive(Clone, Copy)]
pub(crate) enum EcomAction {
    Capture,
    Refund,
    Cancel,
}

impl EcomAction {
    fn operation(self) -> &'static Operation {
        match self {
            EcomAction::Capture => &CAPTURE,
            EcomAction::Refund => &REFUND,
            EcomAction::Cancel => &CANCEL,
        }
    }

    fn verb(self) -> &'static str {
        match self {
            EcomAction::Capture => "capture",
            EcomAction::Refund => "refund",
            EcomAction::Cancel => "cancel",
        }
    }
}

impl Client {
    /// Initiates an eCom v2 payment (regular or express). `merchantInfo.merchantSerialNumber`
    /// defaults to the configured MSN; without `merchantInfo.authToken` one is derived from
    /// `callback_secret` and the order id (or made at random) and returned as `auth_token`.
    pub fn ecom_initiate(&self, request: &Value) -> Result<Value> {
        to_json(&self.typed().ecom_initiate(request)?)
    }

    /// The deprecated `/status` of an order, with its normalized status name (the JSON form
    /// of [`Typed::ecom_status`]).
    pub fn ecom_status(&self, request: &Value) -> Result<Value> {
        to_json(&self.typed().ecom_status(request)?)
    }

    /// An order's `/details` with `normalized` (the same status and amounts as ePayment).
    pub(crate) fn ecom_get_payment(&self, request: &Value) -> Result<Payment> {
        let (order_id, options, _) = self.ecom_target(request)?;
        self.ecom_details(&order_id, &options)
    }

    /// The eCom order's log as events, oldest first like ePayment's (`/details` lists it newest
    /// first): `{"reference", "events": [transactionLogHistory entries]}`.
    pub(crate) fn ecom_events(&self, request: &Value) -> Result<PaymentEvents> {
        let (order_id, options, _) = self.ecom_target(request)?;
        let (_, _, mut log) = self.ecom_details_and_log(&order_id, &options)?;
        log.reverse();
        Ok(PaymentEvents::new(order_id, log))
    }

    /// An order's `/details` with its normalized status; an answer whose amounts are
    /// impossible is unreadable (the status is unknown), like ePayment's.
    fn ecom_details(&self, order_id: &str, options: &CallOptions) -> Result<Payment> {
        let (call, answer, _) = self.ecom_details_and_log(order_id, options)?;
        let normalized = normalize::read_details(&answer.body)
            .map_err(|reason| unreadable_answer(&call, Some(answer.status), &reason))?;
        Ok(Payment::new(answer.body, Some(normalized), None))
    }

    /// An order's `/details` and its log (`transactionLogHistory`, newest first), read once.
    fn ecom_details_and_log<'a>(
        &self,
        order_id: &str,
        options: &'a CallOptions,
    ) -> Result<(ApiCall<'a>, ApiAnswer, Vec<Value>)> {
        let call = DETAILS.call(order_id, options, None)?;
        let answer = self.call(&call).map_err(errors::explain)?;
        // Without its log the order's state is unknown: an error, never `failed` or `pending`.
        let Some(log) = normalize::log(&answer.body) else {
            let reason = "it has no transactionLogHistory";
            return Err(unreadable_answer(&call, Some(answer.status), reason));
        };
        Ok((call, answer, log))
    }

    /// Capture (full when `amount` is absent), refund, or cancel (`shouldReleaseRemainingFunds`
    /// to release what a partial capture left) an eCom order.
    pub(crate) fn ecom_modify(&self, request: &Value, action: EcomAction) -> Result<Payment> {
        let (order_id, options, mut rest) = self.ecom_target(request)?;
        let f = Fields::new(&rest, "", ErrorKind::InvalidInput);
        let text = match f.opt_str("transactionText")? {
            Some(text) => text.to_owned(),
            None => format!("{} of order {order_id}", capitalized(action.verb())),
        };
        f.check_len("transactionText", &text, 1, 100)?;
        let amount = ecom_amount(&mut rest, action)?;
        let mut transaction = Map::new();
        if let Some(value) = amount {
            transaction.insert("amount".into(), json!(value));
        }
        transaction.insert("transactionText".into(), json!(text));
        let mut body = Map::new();
        body.insert(
            "merchantInfo".into(),
            json!({"merchantSerialNumber": options.msn}),
        );
        body.insert("transaction".into(), Value::Object(transaction));
        if let EcomAction::Cancel = action {
            let release = Fields::new(&rest, "", ErrorKind::InvalidInput)
                .opt_bool("shouldReleaseRemainingFunds")?;
            body.insert(
                "shouldReleaseRemainingFunds".into(),
                json!(release.unwrap_or(false)),
            );
        }
        let mut call = action
            .operation()
            .call(&order_id, &options, Some(Value::Object(body)))?;
        if let Some(value) = amount {
            call.what = format!(
                "{} of {} on eCom order {order_id}",
                action.verb(),
                format_minor(value, "NOK")
            );
        }
        let answer = self.call(&call).map_err(errors::explain)?;
        let mut data = Payment::new(answer.body, None, call.key());
        // The modification answer lacks the authorized and cancelled amounts: read /details for
        // the normalized view. The money call has succeeded either way, so a failed read is
        // reported beside the data, never as the call's error. The read shares the call's
        // deadline (`options.deadline`): with no time left it is a `timeout`, reported so too.
        match self.ecom_details(&order_id, &options) {
            Ok(details) => data.normalized = details.normalized,
            Err(error) => data.normalized_error = Some(error),
        }
        Ok(data)
    }

    /// The integration-test approve endpoint (test environment only).
    pub(crate) fn ecom_force_approve(&self, request: &Value) -> Result<Approved> {
        let (order_id, options, body) = self.ecom_target(request)?;
        if self.config.is_production() {
            return Err(Error::invalid_input("force_approve is for the test environment only; this client is configured for production"));
        }
        let f = Fields::new(&body, "", ErrorKind::InvalidInput);
        if let Some(phone) = f.opt_str("customerPhoneNumber")? {
            if !validation::is_ecom_phone(phone) {
                return Err(f.error("customerPhoneNumber", "must be 8 digits (e.g. 91234567)"));
            }
        }
        self.call(&FORCE_APPROVE.call(&order_id, &options, Some(Value::Object(body)))?)
            .map_err(errors::explain)?;
        Ok(Approved::new(order_id))
    }

    /// The order id (`reference` or `orderId`), options and remaining fields of an eCom call.
    pub(crate) fn ecom_target(
        &self,
        request: &Value,
    ) -> Result<(String, CallOptions, Map<String, Value>)> {
        self.order_target(request, OrderApi::Ecom)
    }
}

/// The deprecated `/status` of an eCom order. JSON: the API's answer, with
/// `normalized_status` beside its fields.
#[derive(Clone, Debug, Serialize)]
pub struct EcomStatus {
    /// The API's answer, as it came.
    #[serde(flatten)]
    pub answer: Map<String, Value>,
    /// Its `transactionInfo.status` normalized; `None` for a status this library does not
    /// know (never read as `failed`).
    pub normalized_status: Option<crate::model::status::Status>,
}

/// eCom takes only 5 or 6 digit merchant serial numbers: the configured or per-call one must be.
pub(crate) fn check_options_msn(options: &CallOptions) -> Result<()> {
    let holder = one_field("merchantSerialNumber", json!(options.msn));
    check_ecom_msn(
        &Fields::new(&holder, "", ErrorKind::InvalidInput),
        &options.msn,
    )
}

/// The amount of an eCom money call in øre: `{"value", "currency": "NOK"}` or a plain integer.
/// Only a capture WITHOUT an amount captures everything (the eCom API's own meaning of no
/// amount); 0 is refused like on ePayment, since a "capture 0" meaning "capture it all" would
/// move money nobody asked for. A refund needs an amount; a cancel takes none.
fn ecom_amount(rest: &mut Map<String, Value>, action: EcomAction) -> Result<Option<i64>> {
    let raw = rest
        .remove("amount")
        .or_else(|| rest.remove("modificationAmount"));
    let value = match raw {
        None | Some(Value::Null) => None,
        Some(Value::Object(amount)) => {
            let f = Fields::new(&amount, "amount", ErrorKind::InvalidInput);
            if let Some(currency) = f.opt_str("currency")? {
                if currency != "NOK" {
                    return Err(f.error(
                        "currency",
                        format!("must be NOK for the eCom API, got {currency:?}"),
                    ));
                }
            }
            Some(f.req_i64("value")?)
        }
        Some(other) => {
            let holder = one_field("amount", other);
            Some(Fields::new(&holder, "", ErrorKind::InvalidInput).req_i64("amount")?)
        }
    };
    match (action, value) {
        (EcomAction::Cancel, Some(_)) => Err(Error::invalid_input(
            "amount is not used by an eCom cancel: it always cancels the whole remaining amount",
        )),
        (EcomAction::Refund, None) => Err(Error::invalid_input(
            "amount is required for an eCom refund (øre, at least 100)",
        )),
        (_, Some(0)) => {
            let hint = match action {
                EcomAction::Capture => "; leave amount out to capture the whole remaining amount",
                _ => "",
            };
            Err(Error::invalid_input(format!(
                "amount.value must be more than 0 to {} (øre, at least {MIN_AMOUNT}){hint}",
                action.verb()
            )))
        }
        (_, None) => Ok(None),
        (_, Some(v)) if !(MIN_AMOUNT..=i32::MAX as i64).contains(&v) => {
            Err(Error::invalid_input(format!(
                "amount.value must be {MIN_AMOUNT} to {} øre ({} to {}) for the eCom API, got {v} ({})",
                i32::MAX,
                format_minor(MIN_AMOUNT, "NOK"),
                format_minor(i32::MAX as i64, "NOK"),
                format_minor(v, "NOK")
            )))
        }
        (_, Some(v)) => Ok(Some(v)),
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// eCom v2, typed: the same requests as the JSON methods of the same names.
impl Typed<'_> {
    /// The deprecated `/status` of an eCom order: `{"reference" (or "orderId")}`.
    ///
    /// ```no_run
    /// # let client = vipps::Client::new(r#"{"system_name":"acme","system_version":"1.0",
    /// #     "plugin_name":"acme-vipps","plugin_version":"1.0"}"#)?;
    /// let seen = client.typed().ecom_status(&serde_json::json!({"orderId": "acme-10001"}))?;
    /// println!("{:?}", seen.normalized_status);
    /// # Ok::<(), vipps::Error>(())
    /// ```
    pub fn ecom_status(&self, request: &Value) -> Result<EcomStatus> {
        let client = self.client;
        let (order_id, options, _) = client.ecom_target(request)?;
        let answer = client
            .call(&STATUS.call(&order_id, &options, None)?)
            .map_err(errors::explain)?;
        Ok(EcomStatus {
            normalized_status: normalize::status_of(&answer.body),
            answer: object_or_empty(answer.body),
        })
    }

    /// Initiates an eCom v2 payment (see [`Client::ecom_initiate`]).
    pub fn ecom_initiate(&self, request: &Value) -> Result<CallInfo> {
        let client = self.client;
        let mut body = request_object(request)?;
        let options = CallOptions::take(client, &mut body)?;
        if let Some(info) = body.get_mut("merchantInfo").and_then(Value::as_object_mut) {
            info.entry("merchantSerialNumber")
                .or_insert_with(|| json!(options.msn));
        }
        // The spec requires customerInfo even when no phone number is known; an empty object is
        // what a plugin would send, so it is filled in rather than refused.
        body.entry("customerInfo").or_insert_with(|| json!({}));
        let order_id = validate_initiate(&Fields::new(&body, "", ErrorKind::InvalidInput))?;
        let info = object_field_mut(&mut body, "merchantInfo")?;
        let auth_token = match info.get("authToken").and_then(Value::as_str) {
            Some(token) => token.to_owned(),
            None => {
                let token = match client.ecom_auth_token(&order_id) {
                    Some(token) => token,
                    None => crate::callback_token::random()?,
                };
                info.insert("authToken".into(), json!(token));
                token
            }
        };
        let call = INITIATE.call(&order_id, &options, Some(Value::Object(body)))?;
        let answer = client.call(&call).map_err(errors::explain)?;
        let mut data = CallInfo::new(answer.body, &order_id, call.key());
        data.auth_token = Some(auth_token);
        Ok(data)
    }
}
