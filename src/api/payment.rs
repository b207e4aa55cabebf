//! The typed answers of the calls on one payment (`get_payment`, `capture`, `refund`,
//! `cancel`, `get_payment_events`): the API's own answer, decoded once, with what the library
//! adds beside it. The JSON methods serialize these; nothing reads their JSON back.

use crate::api::order_management::authorization_psp_reference;
use crate::error::Error;
use crate::json::input::lenient;
use crate::model::status::Normalized;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

/// A payment as a call on it answered. Its JSON form is the API's answer with `normalized`
/// (and `idempotency_key`, `normalized_error` where there is one) added beside its fields.
///
/// ```no_run
/// # let client = vipps::Client::new(r#"{"system_name":"acme","system_version":"1.0",
/// #     "plugin_name":"acme-vipps","plugin_version":"1.0"}"#)?;
/// let payment = client.typed().get_payment(&serde_json::json!({"reference": "acme-order-10001"}))?;
/// if let Some(normalized) = &payment.normalized {
///     println!("{:?}: {} may still be captured", normalized.status, normalized.amounts.capturable());
/// }
/// # Ok::<(), vipps::Error>(())
/// ```
#[derive(Clone, Debug, Serialize)]
pub struct Payment {
    /// The API's answer, as it came: an ePayment payment or modification, an eCom order's
    /// `/details` or modification answer.
    #[serde(flatten)]
    pub answer: Map<String, Value>,
    /// The normalized status. `None` only after an eCom money call whose follow-up read of the
    /// order failed: the money call succeeded, and `normalized_error` says why the read did not.
    pub normalized: Option<Normalized>,
    /// Why the eCom follow-up read failed, when it did.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "error_as_json"
    )]
    pub normalized_error: Option<Error>,
    /// The idempotency key the call used (money calls): retry with the same key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    /// The PSP reference of the authorization (the transaction id a shop shows), read once
    /// from the answer: ePayment's `pspReference`, an eCom log's RESERVE (or SALE) entry.
    #[serde(skip)]
    pub psp_reference: Option<String>,
}

impl Payment {
    /// Decodes what the library needs of an API's answer (an object; anything else reads as
    /// an empty one, as the calls have checked it is one).
    pub(crate) fn new(answer: Value, normalized: Option<Normalized>, key: Option<&str>) -> Self {
        let psp_reference = lenient::decode::<PaymentView>(&answer).psp_reference();
        let answer = crate::json::input::object_or_empty(answer);
        Payment {
            answer,
            normalized,
            normalized_error: None,
            idempotency_key: key.map(str::to_owned),
            psp_reference,
        }
    }
}

/// What a payment answer says of its PSP reference, decoded once, leniently.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct PaymentView {
    #[serde(deserialize_with = "lenient::text")]
    psp_reference: Option<String>,
    #[serde(deserialize_with = "lenient::list")]
    transaction_log_history: Option<Vec<HistoryEntry>>,
}

impl PaymentView {
    /// ePayment (and Checkout) answer it as `pspReference`; an eCom order's `/details` has it
    /// in its log (`transactionLogHistory`).
    fn psp_reference(self) -> Option<String> {
        self.psp_reference.or_else(|| {
            self.transaction_log_history
                .and_then(|log| authorization_psp_reference(&log))
        })
    }
}

/// One entry of a payment's history as an API answers it, decoded once, leniently (a field of
/// the wrong type is absent): an ePayment event (`name`, `success`, `pspReference`) or an eCom
/// log entry (`operation`, `operationSuccess`, `transactionId`, `amount`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct HistoryEntry {
    #[serde(deserialize_with = "lenient::text")]
    pub name: Option<String>,
    #[serde(deserialize_with = "lenient::boolean")]
    pub success: Option<bool>,
    #[serde(deserialize_with = "lenient::text")]
    pub psp_reference: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    pub operation: Option<String>,
    #[serde(deserialize_with = "lenient::boolean")]
    pub operation_success: Option<bool>,
    #[serde(deserialize_with = "lenient::text")]
    pub transaction_id: Option<String>,
    #[serde(deserialize_with = "lenient::integer")]
    pub amount: Option<i64>,
}

impl HistoryEntry {
    /// An eCom log entry of `operation`.
    pub fn is(&self, operation: &str) -> bool {
        self.operation.as_deref() == Some(operation)
    }
}

fn error_as_json<S: Serializer>(error: &Option<Error>, serializer: S) -> Result<S::Ok, S::Error> {
    error.as_ref().map(Error::to_json).serialize(serializer)
}

/// A payment's event log, oldest first, and the PSP reference of its authorization (`None`
/// before it is authorized). JSON: `{"reference", "events", "psp_reference"}`.
#[derive(Clone, Debug, Serialize)]
pub struct PaymentEvents {
    /// The payment's reference (eCom: the order id).
    pub reference: String,
    /// The API's events (ePayment) or log entries (eCom), oldest first, as they came.
    pub events: Vec<Value>,
    /// The PSP reference of the authorization.
    pub psp_reference: Option<String>,
}

impl PaymentEvents {
    pub(crate) fn new(reference: String, events: Vec<Value>) -> Self {
        let entries: Vec<HistoryEntry> = events.iter().map(lenient::decode).collect();
        let psp_reference = authorization_psp_reference(&entries);
        PaymentEvents {
            reference,
            events,
            psp_reference,
        }
    }
}

/// What the library adds to the answer of a call that creates or changes a payment or a
/// session (`create_payment`, `create_session`, `update_session`, `expire_session`,
/// `ecom_initiate`): the reference the call was about and the idempotency key it used, beside
/// the API's own fields.
#[derive(Clone, Debug, Serialize)]
pub struct CallInfo {
    /// The API's answer, as it came (an empty map when it had no body).
    #[serde(flatten)]
    pub answer: Map<String, Value>,
    /// The reference (eCom: the order id) the call was about.
    pub reference: String,
    /// The idempotency key the call used: retry a failed call with this key.
    pub idempotency_key: Option<String>,
    /// Checkout's `create_session`: the session's `callbackAuthorizationToken` (given, or
    /// derived from `callback_secret`), to check its callbacks with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_authorization_token: Option<String>,
    /// eCom's `ecom_initiate`: the `authToken` its callbacks carry (given, or derived).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_token: Option<String>,
    /// ePayment Express with dynamic shipping options: the token its shipping callbacks carry
    /// (given, or derived from `callback_secret`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_callback_token: Option<String>,
}

impl CallInfo {
    pub(crate) fn new(answer: Value, reference: &str, key: Option<&str>) -> Self {
        CallInfo {
            answer: crate::json::input::object_or_empty(answer),
            reference: reference.to_owned(),
            idempotency_key: key.map(str::to_owned),
            callback_authorization_token: None,
            auth_token: None,
            shipping_callback_token: None,
        }
    }
}

/// A payment approved as the customer would (`force_approve`, test environment only). JSON:
/// `{"reference", "approved": true}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Approved {
    /// The payment's reference (eCom: the order id).
    pub reference: String,
    /// Always true: an approval that failed is an error.
    pub approved: bool,
}

impl Approved {
    pub(crate) fn new(reference: String) -> Approved {
        Approved {
            reference,
            approved: true,
        }
    }
}
