//! One normalized payment status, whichever API the payment lives in.
//!
//! A shop stores this status and the amounts beside it, and decides from `capturable` and
//! `refundable` which buttons to show, instead of interpreting three APIs' state machines.

use serde_json::{json, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Pending,
    Authorized,
    PartiallyCaptured,
    Captured,
    PartiallyRefunded,
    Refunded,
    Cancelled,
    Expired,
    Aborted,
    Failed,
}

impl Status {
    /// Every status, in the order of a payment's life (the closed states last).
    pub(crate) const ALL: [Status; 10] = [
        Status::Pending,
        Status::Authorized,
        Status::PartiallyCaptured,
        Status::Captured,
        Status::PartiallyRefunded,
        Status::Refunded,
        Status::Cancelled,
        Status::Expired,
        Status::Aborted,
        Status::Failed,
    ];

    /// The status named by `as_str`.
    pub fn parse(name: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Authorized => "authorized",
            Status::PartiallyCaptured => "partially_captured",
            Status::Captured => "captured",
            Status::PartiallyRefunded => "partially_refunded",
            Status::Refunded => "refunded",
            Status::Cancelled => "cancelled",
            Status::Expired => "expired",
            Status::Aborted => "aborted",
            Status::Failed => "failed",
        }
    }

    /// True when nothing more will happen to the payment without the merchant acting
    /// (no customer action is pending).
    pub fn is_final(self) -> bool {
        self != Status::Pending
    }
}

/// The largest amount the library accepts from a callback, a webhook or a stored record, in
/// minor units (10 billion NOK): far above any API's limit (ePayment 65 million, eCom an int32)
/// and small enough that sums of any number of operations saturate long before they wrap.
pub(crate) const MAX_AMOUNT: i64 = 1_000_000_000_000;

/// The amounts a shop needs, in minor units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Amounts {
    pub authorized: i64,
    pub captured: i64,
    pub refunded: i64,
    pub cancelled: i64,
}

impl Amounts {
    // Saturating: amounts come from other programs' JSON, and no input may make them wrap.
    pub fn capturable(&self) -> i64 {
        self.authorized
            .saturating_sub(self.captured)
            .saturating_sub(self.cancelled)
            .max(0)
    }

    pub fn refundable(&self) -> i64 {
        self.captured.saturating_sub(self.refunded).max(0)
    }

    /// Every amount between 0 and `MAX_AMOUNT`.
    pub fn is_plausible(&self) -> bool {
        [
            self.authorized,
            self.captured,
            self.refunded,
            self.cancelled,
        ]
        .iter()
        .all(|v| (0..=MAX_AMOUNT).contains(v))
    }

    /// Captured + refunded + cancelled: grows with every money operation, so it orders events
    /// of the same status (the rank rule of the README).
    pub fn progress(&self) -> i64 {
        self.captured
            .saturating_add(self.refunded)
            .saturating_add(self.cancelled)
    }

    /// The status of an authorized payment, from what has happened to its money.
    pub fn authorized_status(&self) -> Status {
        if self.refunded > 0 {
            if self.refundable() == 0 {
                Status::Refunded
            } else {
                Status::PartiallyRefunded
            }
        } else if self.captured > 0 {
            if self.capturable() == 0 {
                Status::Captured
            } else {
                Status::PartiallyCaptured
            }
        } else if self.cancelled > 0 {
            Status::Cancelled
        } else {
            Status::Authorized
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Normalized {
    pub status: Status,
    pub currency: Option<String>,
    /// The amount the payment was created for.
    pub amount: i64,
    pub amounts: Amounts,
}

impl Normalized {
    pub fn to_json(&self) -> Value {
        json!({
            "status": self.status.as_str(),
            "final": self.status.is_final(),
            "currency": self.currency,
            "amount": self.amount,
            "authorized": self.amounts.authorized,
            "captured": self.amounts.captured,
            "refunded": self.amounts.refunded,
            "cancelled": self.amounts.cancelled,
            "capturable": self.amounts.capturable(),
            "refundable": self.amounts.refundable(),
        })
    }
}

fn minor(value: Option<&Value>) -> i64 {
    // Amounts appear as {"value": n, "currency": c}; a missing or null one is 0.
    value
        .and_then(|v| v.get("value"))
        .and_then(Value::as_i64)
        .unwrap_or(0)
}

/// Reads an ePayment-style `aggregate` object.
pub fn amounts_from_aggregate(aggregate: Option<&Value>) -> Amounts {
    let field = |name: &str| minor(aggregate.and_then(|a| a.get(name)));
    Amounts {
        authorized: field("authorizedAmount"),
        captured: field("capturedAmount"),
        refunded: field("refundedAmount"),
        cancelled: field("cancelledAmount"),
    }
}

/// Normalizes an ePayment payment (`GetPaymentResponse` or `ModificationResponse`).
pub fn from_epayment(payment: &Value) -> Normalized {
    let amounts = amounts_from_aggregate(payment.get("aggregate"));
    let status = match payment
        .get("state")
        .and_then(Value::as_str)
        .unwrap_or_default()
    {
        "AUTHORIZED" => amounts.authorized_status(),
        "ABORTED" => Status::Aborted,
        "EXPIRED" => Status::Expired,
        // Merchant cancelled before the customer approved.
        "TERMINATED" => Status::Cancelled,
        "CREATED" => Status::Pending,
        _ => Status::Failed,
    };
    Normalized {
        status,
        currency: payment
            .pointer("/amount/currency")
            .and_then(Value::as_str)
            .map(str::to_owned),
        amount: minor(payment.get("amount")),
        amounts,
    }
}

/// Normalizes a Checkout `SessionResponse` (also the body of a session callback).
pub fn from_checkout_session(session: &Value) -> Normalized {
    let details = session.get("paymentDetails");
    let amounts = amounts_from_aggregate(details.and_then(|d| d.get("aggregate")));
    let payment_state = details.and_then(|d| d.get("state")).and_then(Value::as_str);
    let status = match (
        session.get("sessionState").and_then(Value::as_str),
        payment_state,
    ) {
        (_, Some("AUTHORIZED")) => amounts.authorized_status(),
        (Some("SessionExpired"), _) => Status::Expired,
        (Some("PaymentTerminated"), _) | (_, Some("TERMINATED")) => Status::Aborted,
        (Some("SessionCreated" | "PaymentInitiated" | "PaymentSuccessful"), _) | (None, _) => {
            Status::Pending
        }
        _ => Status::Failed,
    };
    Normalized {
        status,
        currency: details
            .and_then(|d| d.pointer("/amount/currency"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        amount: minor(details.and_then(|d| d.get("amount"))),
        amounts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nok(v: i64) -> Value {
        json!({"value": v, "currency": "NOK"})
    }

    fn payment(state: &str, auth: i64, cap: i64, refd: i64, canc: i64) -> Value {
        json!({"state": state, "amount": nok(1000), "aggregate": {
            "authorizedAmount": nok(auth), "capturedAmount": nok(cap),
            "refundedAmount": nok(refd), "cancelledAmount": nok(canc)}})
    }

    #[test]
    fn epayment_history_maps_to_statuses_and_amounts() {
        let cases = [
            (payment("CREATED", 0, 0, 0, 0), "pending", 0, 0),
            (payment("AUTHORIZED", 1000, 0, 0, 0), "authorized", 1000, 0),
            (
                payment("AUTHORIZED", 1000, 400, 0, 0),
                "partially_captured",
                600,
                400,
            ),
            (payment("AUTHORIZED", 1000, 1000, 0, 0), "captured", 0, 1000),
            (
                payment("AUTHORIZED", 1000, 1000, 300, 0),
                "partially_refunded",
                0,
                700,
            ),
            (payment("AUTHORIZED", 1000, 1000, 1000, 0), "refunded", 0, 0),
            (payment("AUTHORIZED", 1000, 0, 0, 1000), "cancelled", 0, 0),
            (payment("AUTHORIZED", 1000, 400, 0, 600), "captured", 0, 400),
            (payment("TERMINATED", 0, 0, 0, 1000), "cancelled", 0, 0),
            (payment("ABORTED", 0, 0, 0, 0), "aborted", 0, 0),
            (payment("EXPIRED", 0, 0, 0, 0), "expired", 0, 0),
        ];
        for (input, status, capturable, refundable) in cases {
            let n = from_epayment(&input);
            assert_eq!(n.status.as_str(), status, "{input}");
            assert_eq!(n.amounts.capturable(), capturable, "{input}");
            assert_eq!(n.amounts.refundable(), refundable, "{input}");
        }
    }

    #[test]
    fn checkout_sessions_map_to_statuses() {
        let session = |state: &str, pstate: Option<&str>| {
            let mut s = json!({"sessionState": state});
            if let Some(p) = pstate {
                s["paymentDetails"] = json!({"state": p, "amount": nok(1000), "aggregate": {"authorizedAmount": nok(1000)}});
            }
            s
        };
        assert_eq!(
            from_checkout_session(&session("SessionCreated", None)).status,
            Status::Pending
        );
        assert_eq!(
            from_checkout_session(&session("PaymentInitiated", Some("CREATED"))).status,
            Status::Pending
        );
        assert_eq!(
            from_checkout_session(&session("PaymentSuccessful", Some("AUTHORIZED"))).status,
            Status::Authorized
        );
        assert_eq!(
            from_checkout_session(&session("PaymentTerminated", Some("TERMINATED"))).status,
            Status::Aborted
        );
        assert_eq!(
            from_checkout_session(&session("SessionExpired", None)).status,
            Status::Expired
        );
        let n = from_checkout_session(&session("PaymentSuccessful", Some("AUTHORIZED")));
        assert_eq!((n.amount, n.amounts.capturable()), (1000, 1000));
    }
}
