//! The normalized event every verified inbound request becomes, and its rank.
//!
//! Deliveries come late, twice, or out of order (webhooks are retried for days, Checkout
//! callbacks up to 3 times, and polling runs beside them). Each event therefore carries what a
//! plugin needs to decide whether it is newer than what it stored: `rank`, `progress` and
//! `timestamp` (see "Callbacks and webhooks" in the README, and [`super::record`]).

use super::request::Kind;
use crate::json::answer::Object;
use crate::model::status::{Amounts, Status};
use serde_json::{Map, Value};

// The rank belongs to the status (the model); its public path here is kept.
pub use crate::model::status::rank;

/// What an event's amounts mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// Running totals of the payment (a Checkout session body, an eCom callback).
    Total,
    /// The amount of this one operation (an ePayment webhook): a capture webhook says how
    /// much this capture took, not how much is captured in all.
    Operation,
}

impl Basis {
    /// The basis's name in JSON (`amounts.basis`).
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Total => "total",
            Basis::Operation => "operation",
        }
    }
}

/// A verified event: what `handle_callback` made of one callback or webhook (`data.event`).
/// `id` is stable across redeliveries of the same event.
#[derive(Clone, Debug)]
pub struct Event {
    /// What the request was (its API follows: [`Event::api`]).
    pub kind: Kind,
    /// The payment's reference (eCom: the order id).
    pub reference: String,
    /// Stable across redeliveries: a record keeps the ids it has applied.
    pub id: String,
    /// The raw event name: ePayment webhook `name`, Checkout `sessionState`, eCom `status`.
    pub name: String,
    /// The raw payment state where the body has one (Checkout `paymentDetails.state`).
    pub state: Option<String>,
    /// The normalized status this event shows, when it shows one.
    pub status: Option<Status>,
    /// What `amounts` mean: running totals, or one operation's amount.
    pub basis: Basis,
    /// The currency of the amounts, when the body names one.
    pub currency: Option<String>,
    /// The amounts the event reports, when it reports any.
    pub amounts: Option<Amounts>,
    /// The payment's amount (Checkout, eCom), or this operation's amount (ePayment).
    pub amount: Option<i64>,
    /// When the API says the event happened (RFC 3339), where the body has it.
    pub timestamp: Option<String>,
    /// False when the API reports that the operation failed (ePayment `success: false`).
    pub success: bool,
    /// Extra fields for this kind (e.g. the shipping address).
    pub extra: Map<String, Value>,
    /// The body as received (parsed).
    pub raw: Value,
}

impl Event {
    /// The API the event came from: `"checkout"`, `"epayment"` or `"ecom"`.
    pub fn api(&self) -> &'static str {
        self.kind.api()
    }

    /// The rank of the event's status (see [`rank`]), when it shows one.
    pub fn rank(&self) -> Option<u32> {
        self.status.map(rank)
    }

    /// captured + refunded + cancelled: grows with every money operation, so between two
    /// events of the same rank the one with more progress is newer.
    pub fn progress(&self) -> Option<i64> {
        (self.basis == Basis::Total)
            .then_some(self.amounts?)
            .map(|a| a.progress())
    }

    /// An event that says something happened but carries no payment state or amounts (a
    /// consent removal, a shipping request). `raw` is attached by the dispatcher.
    pub(crate) fn notice(
        kind: Kind,
        reference: String,
        id: String,
        name: &str,
        extra: Map<String, Value>,
    ) -> Event {
        Event {
            kind,
            reference,
            id,
            name: name.to_owned(),
            state: None,
            status: None,
            basis: Basis::Total,
            currency: None,
            amounts: None,
            amount: None,
            timestamp: None,
            success: true,
            extra,
            raw: Value::Null,
        }
    }

    /// The event as JSON, as `handle_callback` answers it.
    pub fn to_json(&self) -> Value {
        self.answer().to_value()
    }

    /// The event as the answer carries it (`data.event` of `handle_callback`).
    pub(crate) fn answer(&self) -> Object<'_> {
        // Pushed in key order, so writing them sorted costs one pass (see answer::Object).
        let mut out = Object::with_capacity(18 + self.extra.len());
        out.push("amount", self.amount);
        let amounts = self.amounts.map(|a| {
            Object::with_capacity(7)
                .field("authorized", a.authorized)
                .field("basis", self.basis.as_str())
                .field("cancelled", a.cancelled)
                .field("capturable", a.capturable())
                .field("captured", a.captured)
                .field("refundable", a.refundable())
                .field("refunded", a.refunded)
        });
        out.push("amounts", amounts);
        out.push("api", self.api());
        out.push("currency", self.currency.as_deref());
        out.push("final", self.status.map(Status::is_final));
        out.push("id", self.id.as_str());
        out.push("kind", self.kind.as_str());
        out.push("name", self.name.as_str());
        out.push("progress", self.progress());
        out.push("rank", self.rank());
        out.push("reference", self.reference.as_str());
        out.push("state", self.state.as_deref());
        out.push("status", self.status.map(Status::as_str));
        out.push("success", self.success);
        out.push("timestamp", self.timestamp.as_deref());
        out.push("verified", true);
        for (key, value) in &self.extra {
            out.push(key, value);
        }
        out.push("raw", &self.raw);
        out
    }
}

/// Puts each field that is there (`Some`) into `into` under its name: the fields of a body
/// an event passes on as they came.
pub(crate) fn pass_on<'a>(
    into: &mut Map<String, Value>,
    fields: impl IntoIterator<Item = (&'a str, Option<Value>)>,
) {
    for (name, value) in fields {
        if let Some(value) = value {
            into.insert(name.into(), value);
        }
    }
}

/// Reads a minor-unit amount that may be an integer, or an integral number written with a
/// fraction (`49900.0`; older eCom documents declare callback amounts as double).
///
/// A number that is not a whole number of minor units within range (`1.5`, `1e20`) is
/// impossible, never 0: it reads as a negative amount, so that `Outcome::ack` refuses the
/// body with 400 exactly as it refuses a negative amount (issue 15, defect 9).
pub fn minor_units(value: Option<&Value>) -> Option<i64> {
    crate::model::status::minor_number(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ranks_grow_along_a_payment_and_closed_states_are_last() {
        let life = [
            Status::Pending,
            Status::Authorized,
            Status::PartiallyCaptured,
            Status::Captured,
            Status::PartiallyRefunded,
            Status::Refunded,
        ];
        for pair in life.windows(2) {
            assert!(rank(pair[0]) < rank(pair[1]), "{pair:?}");
        }
        for closed in [
            Status::Cancelled,
            Status::Aborted,
            Status::Expired,
            Status::Failed,
        ] {
            assert!(rank(closed) > rank(Status::Refunded));
            assert_eq!(Status::parse(closed.as_str()), Some(closed));
        }
        assert_eq!(minor_units(Some(&json!(49900.0))), Some(49900));
        for kind in Kind::ALL {
            assert_eq!(json!(kind), json!(kind.as_str()));
        }
        assert_eq!(minor_units(Some(&json!("100"))), None);
        assert_eq!(minor_units(None), None);
        for impossible in [json!(499.5), json!(1e20), json!(-0.5), json!(u64::MAX)] {
            let read = minor_units(Some(&impossible));
            assert!(read.is_some_and(|v| v < 0), "{impossible} read as {read:?}");
        }
    }
}
