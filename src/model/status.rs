//! One normalized payment status, whichever API the payment lives in.
//!
//! A shop stores this status and the amounts beside it, and decides from `capturable` and
//! `refundable` which buttons to show, instead of interpreting three APIs' state machines.

use super::express_details::{ShippingDetails, ShippingView, UserDetails, UserView};
use crate::json::input::lenient;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Where a payment is in its life, the same for every API (README, "Statuses"). Written to
/// JSON as its [`Status::as_str`] name (`"partially_captured"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Created; the customer has not approved it yet.
    Pending,
    /// Approved: the amount is reserved, nothing captured.
    Authorized,
    /// Part of the authorized amount is captured.
    PartiallyCaptured,
    /// All of it is captured (or captured and the rest cancelled).
    Captured,
    /// Part of what was captured is refunded.
    PartiallyRefunded,
    /// All that was captured is refunded.
    Refunded,
    /// Cancelled by the merchant before any capture.
    Cancelled,
    /// The customer did not act in time.
    Expired,
    /// The customer aborted it (or it failed in the app).
    Aborted,
    /// The payment failed (an eCom reservation that did not succeed).
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

    /// The status's name, as the JSON answers and the README write it.
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

/// The amounts a shop needs, in minor units. (Fields in name order: the order they are written.)
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amounts {
    /// Reserved by the customer's approval.
    pub authorized: i64,
    /// Released by a cancel (never captured).
    pub cancelled: i64,
    /// Captured (money taken).
    pub captured: i64,
    /// Given back by refunds.
    pub refunded: i64,
}

impl Amounts {
    /// The amounts' names, in the order of [`Amounts::values`].
    pub const NAMES: [&'static str; 4] = ["authorized", "captured", "refunded", "cancelled"];

    /// The four amounts, in the order of [`Amounts::NAMES`]: to go over them all at once.
    pub fn values(&self) -> [i64; 4] {
        [
            self.authorized,
            self.captured,
            self.refunded,
            self.cancelled,
        ]
    }

    /// The amounts of [`Amounts::values`], in the same order.
    pub fn from_values([authorized, captured, refunded, cancelled]: [i64; 4]) -> Amounts {
        Amounts {
            authorized,
            cancelled,
            captured,
            refunded,
        }
    }

    /// Each amount of `self` combined with the same amount of `other`.
    pub fn zip_with(&self, other: &Amounts, combine: impl Fn(i64, i64) -> i64) -> Amounts {
        let mut combined = self.values();
        for (ours, theirs) in combined.iter_mut().zip(other.values()) {
            *ours = combine(*ours, theirs);
        }
        Amounts::from_values(combined)
    }

    /// What may still be captured: authorized, less captured and cancelled.
    // Saturating: amounts come from other programs' JSON, and no input may make them wrap.
    pub fn capturable(&self) -> i64 {
        self.authorized
            .saturating_sub(self.captured)
            .saturating_sub(self.cancelled)
            .max(0)
    }

    /// What may still be refunded: captured, less refunded.
    pub fn refundable(&self) -> i64 {
        self.captured.saturating_sub(self.refunded).max(0)
    }

    /// Every amount between 0 and `MAX_AMOUNT`.
    pub fn is_plausible(&self) -> bool {
        self.values().iter().all(|v| (0..=MAX_AMOUNT).contains(v))
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

/// The normalized status of one payment, whichever API it lives in: what `normalized` holds
/// in the answers of `get_payment`, `capture`, `refund` and `cancel`.
///
/// Written to JSON flat, with what follows from it (`final`, `capturable`, `refundable`):
///
/// ```
/// use vipps::status::{Amounts, Normalized, Status};
/// let normalized = Normalized {
///     status: Status::PartiallyCaptured,
///     currency: Some("NOK".into()),
///     amount: 49900,
///     amounts: Amounts { authorized: 49900, captured: 10000, ..Amounts::default() },
///     shipping_details: None,
///     user_details: None,
/// };
/// assert_eq!(normalized.amounts.capturable(), 39900);
/// let json = serde_json::to_value(&normalized).unwrap();
/// assert_eq!(json["status"], "partially_captured");
/// assert_eq!(json["capturable"], 39900);
/// assert_eq!(json["final"], true);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Normalized {
    /// The status.
    pub status: Status,
    /// The payment's currency (ISO 4217), when the answer names one.
    pub currency: Option<String>,
    /// The amount the payment was created for.
    pub amount: i64,
    /// What happened to the money so far.
    pub amounts: Amounts,
    /// ePayment Express: the customer's shipping choice, when the payment has one.
    pub shipping_details: Option<ShippingDetails>,
    /// ePayment Express: the profile the customer shared, when the payment has one.
    pub user_details: Option<UserDetails>,
}

impl Normalized {
    /// The status as JSON (the same as serializing it).
    pub fn to_json(&self) -> Value {
        // A plain struct of numbers, strings and options always serializes.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// The JSON form of [`Normalized`]: flat, in name order.
#[derive(Serialize)]
struct NormalizedJson<'a> {
    amount: i64,
    authorized: i64,
    cancelled: i64,
    capturable: i64,
    captured: i64,
    currency: Option<&'a str>,
    #[serde(rename = "final")]
    is_final: bool,
    refundable: i64,
    refunded: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    shipping_details: Option<&'a ShippingDetails>,
    status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_details: Option<&'a UserDetails>,
}

impl Serialize for Normalized {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let a = &self.amounts;
        NormalizedJson {
            amount: self.amount,
            authorized: a.authorized,
            cancelled: a.cancelled,
            capturable: a.capturable(),
            captured: a.captured,
            currency: self.currency.as_deref(),
            is_final: self.status.is_final(),
            refundable: a.refundable(),
            refunded: a.refunded,
            // Only an Express payment has them; other answers keep their shape.
            shipping_details: self.shipping_details.as_ref(),
            status: self.status,
            user_details: self.user_details.as_ref(),
        }
        .serialize(serializer)
    }
}

/// Stands for an amount that is present but impossible (not a whole number of minor units,
/// or beyond [`MAX_AMOUNT`]): negative, so every plausibility check refuses it. Reading such
/// an amount as 0 would make a garbled body look like a payment with no money in it.
pub(crate) const IMPOSSIBLE_AMOUNT: i64 = -1;

/// Reads a minor-unit number: `None` when absent, null or not a number; a whole number (also
/// written with a fraction, `49900.0`, as older eCom documents declare callback amounts as
/// double) as itself; any other number (`1.5`, `1e20`, beyond i64) as [`IMPOSSIBLE_AMOUNT`].
pub(crate) fn minor_number(value: Option<&Value>) -> Option<i64> {
    let number = value?.as_number()?;
    let whole = number.as_i64().or_else(|| {
        let f = number.as_f64()?;
        (f.fract() == 0.0 && f.abs() <= MAX_AMOUNT as f64).then_some(f as i64)
    });
    Some(whole.unwrap_or(IMPOSSIBLE_AMOUNT))
}

/// A money object of an answer (`{"value", "currency"}`), decoded leniently.
#[derive(Deserialize, Default)]
#[serde(default)]
struct MoneyView {
    /// Kept as JSON, to tell a missing value (0) from an impossible one.
    value: Option<Value>,
    #[serde(deserialize_with = "lenient::text")]
    currency: Option<String>,
}

/// Minor units of an amount: a missing or null one is 0, anything else that is not a whole
/// number of minor units is impossible (never 0).
fn minor(money: &Option<MoneyView>) -> i64 {
    match money.as_ref().and_then(|m| m.value.as_ref()) {
        None => 0,
        Some(value) => minor_number(Some(value)).unwrap_or(IMPOSSIBLE_AMOUNT),
    }
}

/// An ePayment-style `aggregate`, decoded leniently.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct AggregateView {
    #[serde(deserialize_with = "lenient::object")]
    authorized_amount: Option<MoneyView>,
    #[serde(deserialize_with = "lenient::object")]
    captured_amount: Option<MoneyView>,
    #[serde(deserialize_with = "lenient::object")]
    refunded_amount: Option<MoneyView>,
    #[serde(deserialize_with = "lenient::object")]
    cancelled_amount: Option<MoneyView>,
}

impl AggregateView {
    fn amounts(&self) -> Amounts {
        // In the order of `Amounts::values`.
        Amounts::from_values(
            [
                &self.authorized_amount,
                &self.captured_amount,
                &self.refunded_amount,
                &self.cancelled_amount,
            ]
            .map(minor),
        )
    }
}

/// What the status is made of in an ePayment payment or modification answer, or a Checkout
/// session's `paymentDetails` (also in a session callback's view): decoded once, leniently.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct PaymentView {
    #[serde(deserialize_with = "lenient::text")]
    state: Option<String>,
    #[serde(deserialize_with = "lenient::object")]
    amount: Option<MoneyView>,
    #[serde(deserialize_with = "lenient::object")]
    aggregate: Option<AggregateView>,
    /// ePayment Express only.
    #[serde(rename = "shippingDetails", deserialize_with = "lenient::object")]
    shipping_details: Option<ShippingView>,
    /// ePayment Express (and profile sharing) only.
    #[serde(rename = "userDetails", deserialize_with = "lenient::object")]
    user_details: Option<UserView>,
}

impl PaymentView {
    /// The raw payment state (`paymentDetails.state`).
    pub(crate) fn state(&self) -> Option<&str> {
        self.state.as_deref()
    }

    /// The payment's amount in minor units as [`minor_number`] reads it: `None` when absent
    /// or null, [`IMPOSSIBLE_AMOUNT`] when not a whole number of minor units.
    pub(crate) fn amount_value(&self) -> Option<i64> {
        minor_number(self.amount.as_ref().and_then(|m| m.value.as_ref()))
    }

    fn amounts(&self) -> Amounts {
        self.aggregate
            .as_ref()
            .map(AggregateView::amounts)
            .unwrap_or_default()
    }

    fn normalized(&self, status: Status) -> Normalized {
        Normalized {
            status,
            currency: self.amount.as_ref().and_then(|a| a.currency.clone()),
            amount: minor(&self.amount),
            amounts: self.amounts(),
            shipping_details: self.shipping_details.as_ref().map(ShippingView::details),
            user_details: self.user_details.as_ref().map(UserView::details),
        }
    }
}

/// What the status is made of in a Checkout `SessionResponse`, decoded once, leniently.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct SessionView {
    #[serde(deserialize_with = "lenient::text")]
    session_state: Option<String>,
    #[serde(deserialize_with = "lenient::object")]
    payment_details: Option<PaymentView>,
}

/// Reads an ePayment-style `aggregate` object.
pub fn amounts_from_aggregate(aggregate: Option<&Value>) -> Amounts {
    aggregate
        .map(|a| lenient::decode::<AggregateView>(a).amounts())
        .unwrap_or_default()
}

/// The status of an ePayment `state`, `None` for a state this library does not know.
fn epayment_status(state: Option<&str>, amounts: &Amounts) -> Option<Status> {
    Some(match state? {
        "AUTHORIZED" => amounts.authorized_status(),
        // The customer aborted (or the payment failed in the app).
        "ABORTED" => Status::Aborted,
        "EXPIRED" => Status::Expired,
        // The merchant cancelled before the customer approved (the spec: "The merchant has
        // terminated the payment via the cancelPayment endpoint").
        "TERMINATED" => Status::Cancelled,
        "CREATED" => Status::Pending,
        _ => return None,
    })
}

/// Normalizes an ePayment payment (`GetPaymentResponse` or `ModificationResponse`).
///
/// Lenient, for bodies already known to be readable: a missing or unknown `state` reads as
/// `pending` (nothing final is claimed), never `failed`. The library's own calls use
/// [`read_epayment`], which refuses such a body instead.
pub fn from_epayment(payment: &Value) -> Normalized {
    let view: PaymentView = lenient::decode(payment);
    let status = epayment_status(view.state.as_deref(), &view.amounts()).unwrap_or(Status::Pending);
    view.normalized(status)
}

/// Reads an ePayment payment or modification answer, refusing what cannot be read: not an
/// object, no known `state`, no `aggregate`, or an amount that is not a whole number of minor
/// units within range. `Err` says what is wrong, for the caller's "unknown outcome" error.
pub fn read_epayment(payment: &Value) -> Result<Normalized, String> {
    if !payment.is_object() {
        return Err("it is not a JSON object".into());
    }
    let view: PaymentView = lenient::decode(payment);
    let status = epayment_status(view.state.as_deref(), &view.amounts())
        .ok_or("it has no known payment state")?;
    if view.aggregate.is_none() {
        return Err("it has no aggregate amounts".into());
    }
    plausible(view.normalized(status))
}

/// `normalized` when its amounts are whole minor units within `0..=MAX_AMOUNT`; otherwise why not,
/// for the caller's "unreadable answer" error.
pub(crate) fn plausible(normalized: Normalized) -> Result<Normalized, String> {
    if normalized.amounts.is_plausible() && (0..=MAX_AMOUNT).contains(&normalized.amount) {
        Ok(normalized)
    } else {
        Err("an amount in it is not a whole number of minor units in range".into())
    }
}

/// The status of a Checkout session, `None` for states this library does not know.
///
/// Checkout's payment state has only CREATED, AUTHORIZED and TERMINATED: its TERMINATED
/// covers ePayment's ABORTED (the customer aborted, or an error) and TERMINATED (the merchant
/// cancelled). They are told apart by the cancelled amount, which only a merchant's cancel
/// sets, so that `get_session` and `get_payment` agree: cancelled by the merchant is
/// `cancelled`, ended by the customer is `aborted` (README, "Statuses").
fn checkout_status(session: Option<&str>, payment: Option<&str>, a: &Amounts) -> Option<Status> {
    Some(match (session, payment) {
        (_, Some("AUTHORIZED")) => a.authorized_status(),
        (Some("SessionExpired"), _) => Status::Expired,
        (_, Some("TERMINATED")) if a.cancelled > 0 => Status::Cancelled,
        (Some("PaymentTerminated"), _) | (_, Some("TERMINATED")) => Status::Aborted,
        (Some("SessionCreated" | "PaymentInitiated" | "PaymentSuccessful"), _) => Status::Pending,
        _ => return None,
    })
}

/// Normalizes a Checkout `SessionResponse` (also the body of a session callback).
///
/// Lenient like [`from_epayment`]: a missing or unknown state reads as `pending`, never
/// `failed`. `get_session` uses [`read_checkout_session`].
pub fn from_checkout_session(session: &Value) -> Normalized {
    let view: SessionView = lenient::decode(session);
    checkout_normalized(view.session_state.as_deref(), view.payment_details.as_ref())
}

/// [`from_checkout_session`] from a session's fields already decoded (a session callback's
/// view holds them).
pub(crate) fn checkout_normalized(
    session_state: Option<&str>,
    payment_details: Option<&PaymentView>,
) -> Normalized {
    let none = PaymentView::default();
    let details = payment_details.unwrap_or(&none);
    let status = checkout_status(session_state, details.state.as_deref(), &details.amounts())
        .unwrap_or(Status::Pending);
    // Checkout's Express details live in the session, not in `normalized`.
    Normalized {
        shipping_details: None,
        user_details: None,
        ..details.normalized(status)
    }
}

/// Reads a Checkout `SessionResponse`, refusing what cannot be read (not an object, no known
/// `sessionState`, impossible amounts).
pub fn read_checkout_session(session: &Value) -> Result<Normalized, String> {
    if !session.is_object() {
        return Err("it is not a JSON object".into());
    }
    let view: SessionView = lenient::decode(session);
    if view.session_state.is_none() {
        return Err("it has no sessionState".into());
    }
    let details = view.payment_details.unwrap_or_default();
    let status = checkout_status(
        view.session_state.as_deref(),
        details.state.as_deref(),
        &details.amounts(),
    )
    .ok_or("it has no known session state")?;
    plausible(details.normalized(status))
}

/// The rank of a status: it only grows along a payment's life.
///
/// `pending` 0 < `authorized` 10 < `partially_captured` 20 < `captured` 30 <
/// `partially_refunded` 40 < `refunded` 50 < the closed states 60 (`cancelled`, `aborted`,
/// `expired`, `failed`). A closed state is one in which no money moved and none can move any
/// more: a payment cancelled *after a partial capture* is `captured` (status.rs), not
/// `cancelled`, so the refunds that may follow it still rank higher.
pub fn rank(status: Status) -> u32 {
    match status {
        Status::Pending => 0,
        Status::Authorized => 10,
        Status::PartiallyCaptured => 20,
        Status::Captured => 30,
        Status::PartiallyRefunded => 40,
        Status::Refunded => 50,
        Status::Cancelled | Status::Aborted | Status::Expired | Status::Failed => 60,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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

    #[test]
    fn a_merchant_cancel_is_cancelled_and_a_customer_abort_aborted_in_both_apis() {
        // Cancelled by the merchant before approval: ePayment TERMINATED with the amount
        // cancelled; the session shows TERMINATED with the same aggregate.
        let cancelled = payment("TERMINATED", 0, 0, 0, 1000);
        let session = json!({"sessionState": "PaymentTerminated", "paymentDetails": cancelled});
        assert_eq!(from_epayment(&cancelled).status, Status::Cancelled);
        assert_eq!(from_checkout_session(&session).status, Status::Cancelled);
        // Aborted by the customer: ePayment ABORTED, Checkout TERMINATED with nothing cancelled.
        let aborted = payment("ABORTED", 0, 0, 0, 0);
        let mut session = json!({"sessionState": "PaymentTerminated", "paymentDetails": aborted});
        session["paymentDetails"]["state"] = json!("TERMINATED");
        assert_eq!(from_epayment(&aborted).status, Status::Aborted);
        assert_eq!(from_checkout_session(&session).status, Status::Aborted);
    }

    #[test]
    fn a_body_that_cannot_be_read_is_refused_never_failed() {
        let unreadable = [
            json!(null),
            json!([]),
            json!({}),
            json!({"state": "SOMETHING_NEW", "aggregate": {}}),
            json!({"state": "AUTHORIZED"}),
        ];
        for body in &unreadable {
            assert!(read_epayment(body).is_err(), "{body}");
            assert_ne!(from_epayment(body).status, Status::Failed, "{body}");
        }
        let mut garbled = payment("AUTHORIZED", 1000, 400, 0, 0);
        for bad in [json!(1.5), json!(1e20), json!("400"), json!(u64::MAX)] {
            garbled["aggregate"]["capturedAmount"]["value"] = bad.clone();
            assert!(read_epayment(&garbled).is_err(), "{bad}");
        }
        assert!(read_epayment(&payment("AUTHORIZED", 1000, 400, 0, 0)).is_ok());
        for session in [
            json!({}),
            json!({"sessionState": "SessionStarted"}),
            json!(7),
        ] {
            assert!(read_checkout_session(&session).is_err(), "{session}");
            assert_ne!(from_checkout_session(&session).status, Status::Failed);
        }
        assert!(read_checkout_session(&json!({"sessionState": "SessionCreated"})).is_ok());
    }

    #[test]
    fn fields_of_the_wrong_shape_read_as_absent_never_as_values() {
        // An array where an object belongs is not read by position (a typed decode could).
        let mut body = payment("AUTHORIZED", 1000, 400, 0, 0);
        body["amount"] = json!([49900, "NOK"]);
        body["aggregate"]["capturedAmount"] = json!([400]);
        let n = from_epayment(&body);
        assert_eq!((n.amount, n.currency, n.amounts.captured), (0, None, 0));
        body["aggregate"] = json!([{"authorizedAmount": nok(1000)}]);
        assert_eq!(
            read_epayment(&body),
            Err("it has no aggregate amounts".into())
        );
        assert_eq!(from_epayment(&body).amounts, Amounts::default());
        let session =
            json!({"sessionState": 5, "paymentDetails": payment("AUTHORIZED", 9, 0, 0, 0)});
        assert_eq!(
            read_checkout_session(&session),
            Err("it has no sessionState".into())
        );
    }

    #[test]
    fn statuses_are_written_by_their_names() {
        for status in Status::ALL {
            assert_eq!(json!(status), json!(status.as_str()));
            assert_eq!(
                serde_json::from_value(json!(status.as_str())).ok(),
                Some(status)
            );
        }
        let n = from_epayment(&payment("AUTHORIZED", 1000, 400, 100, 0));
        let keys: Vec<String> = n.to_json().as_object().unwrap().keys().cloned().collect();
        let written = serde_json::to_string(&n).unwrap();
        assert_eq!(written, n.to_json().to_string(), "written in name order");
        assert_eq!(keys.len(), 10, "{written}");
    }

    #[test]
    fn minor_numbers_are_whole_or_impossible() {
        let cases = [
            (json!(0), Some(0)),
            (json!(49900), Some(49900)),
            (json!(49900.0), Some(49900)),
            (json!(1.5), Some(IMPOSSIBLE_AMOUNT)),
            (json!(1e20), Some(IMPOSSIBLE_AMOUNT)),
            (json!(u64::MAX), Some(IMPOSSIBLE_AMOUNT)),
            (json!("100"), None),
            (json!(null), None),
        ];
        for (value, expected) in cases {
            assert_eq!(minor_number(Some(&value)), expected, "{value}");
        }
    }
}
