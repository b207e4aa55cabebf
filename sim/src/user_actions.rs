//! What the simulated user does in the app or on the checkout page: approve, reject, or let the
//! payment expire. Used by `/_sim/payments/...`, the ePayment test approve endpoint, and the
//! HTML pages. Each action emits its event, webhooks and (for Checkout) the session callback.

use crate::checkout::defaults;
use crate::payments::{views, Refusal, Stamp};
use crate::state::Sim;
use serde_json::Value;
use std::sync::Arc;

/// Details the user "shares" when approving a Checkout session; plausible defaults fill the rest.
#[derive(Clone, Debug, Default)]
pub struct ApproveDetails {
    pub user_info: Option<Value>,
    pub shipping_details: Option<Value>,
    pub billing_details: Option<Value>,
    /// `Wallet` (default) or `Card`.
    pub payment_method: Option<String>,
    /// The phone number the user approves with (shown in the app's payment history).
    pub phone_number: Option<String>,
}

impl ApproveDetails {
    /// Reads `{"userInfo":…, "shippingDetails":…, "billingDetails":…, "paymentMethod":…,
    /// "phoneNumber":…}`.
    pub fn from_json(v: &Value) -> ApproveDetails {
        let field = |k: &str| v.get(k).filter(|x| x.is_object()).cloned();
        ApproveDetails {
            user_info: field("userInfo"),
            shipping_details: field("shippingDetails"),
            billing_details: field("billingDetails"),
            payment_method: v
                .get("paymentMethod")
                .and_then(Value::as_str)
                .map(str::to_string),
            phone_number: v
                .get("phoneNumber")
                .and_then(Value::as_str)
                .map(str::to_string),
        }
    }
}

#[derive(Debug)]
pub enum ActionError {
    NotFound,
    Refused(Refusal),
}

#[derive(Clone, Copy)]
enum Action {
    Approve,
    Reject,
    Expire,
}

/// Authorizes a `CREATED` payment (ePayment payment or Checkout session). Returns the payment
/// as `GetPaymentResponse`.
pub fn approve_payment(
    sim: &Arc<Sim>,
    reference: &str,
    details: ApproveDetails,
) -> Result<Value, ActionError> {
    act(sim, reference, Action::Approve, details)
}

/// The user rejects: ePayment `ABORTED`; a Checkout session becomes `PaymentTerminated`.
pub fn reject_payment(sim: &Arc<Sim>, reference: &str) -> Result<Value, ActionError> {
    act(sim, reference, Action::Reject, ApproveDetails::default())
}

/// The payment times out: `EXPIRED`; a Checkout session becomes `SessionExpired`.
pub fn expire_payment(sim: &Arc<Sim>, reference: &str) -> Result<Value, ActionError> {
    act(sim, reference, Action::Expire, ApproveDetails::default())
}

/// Records that the user opened the Checkout page (session state `PaymentInitiated`).
pub fn mark_session_initiated(sim: &Arc<Sim>, reference: &str) -> bool {
    let mut store = sim.store();
    match store.sessions.get_mut(reference) {
        Some(s) => {
            s.initiated = true;
            true
        }
        None => false,
    }
}

fn act(
    sim: &Arc<Sim>,
    reference: &str,
    action: Action,
    details: ApproveDetails,
) -> Result<Value, ActionError> {
    let mut txn = sim.txn();
    let stamp = Stamp {
        now_ms: sim.now_ms(),
        ids: &sim.ids,
        idempotency_key: None,
    };
    if txn.payment(reference).is_none() {
        // Not an ePayment payment or Checkout session: maybe an eCom order.
        drop(txn);
        return ecom_fallback(sim, reference, action, &details);
    }
    if matches!(action, Action::Approve)
        && crate::epayment::express::awaits_choice(txn.store(), reference)
    {
        // Express needs the customer's address and shipping choice (the landing page, or
        // `/_sim/epayment/{reference}/express/approve`); the test approve does not support it.
        return Err(ActionError::Refused(crate::payments::Refusal {
            title: "Express not supported",
            detail: format!(
                "Payment {reference} is an Express payment: the customer must choose an address and a shipping option (the landing page, or POST /_sim/epayment/{reference}/express/approve); the test approve endpoint does not support Express."
            ),
            code: None,
        }));
    }
    let payment = txn.payment(reference).ok_or(ActionError::NotFound)?;
    let outcome = match action {
        Action::Approve => payment.authorize(&stamp),
        Action::Reject => payment.abort(&stamp),
        Action::Expire => payment.expire(&stamp),
    };
    outcome.map_err(ActionError::Refused)?;
    if matches!(action, Action::Approve) && payment.profile_scope.is_some() {
        payment.profile_sub = Some(sim.ids.uuid());
    }
    let view = views::get_payment(payment);
    let msn = payment.msn.clone();
    if matches!(action, Action::Approve) {
        let store = txn.store();
        let phone_in = |v: &Option<Value>| {
            v.as_ref()
                .and_then(|x| x.get("phoneNumber"))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let mut candidates = vec![
            details.phone_number.clone(),
            phone_in(&details.user_info),
            store
                .order_management
                .history
                .given_phone(reference)
                .map(str::to_string),
        ];
        if let Some(session) = store.sessions.get_mut(reference) {
            defaults::fill_on_approve(sim, session, details);
            candidates.push(phone_in(&session.billing_details));
            candidates.push(phone_in(&session.shipping_details));
        }
        let candidates: Vec<Option<&str>> = candidates.iter().map(Option::as_deref).collect();
        store
            .order_management
            .history
            .record(&candidates, reference, &msn, sim.now_ms());
    }
    Ok(view)
}

/// The same user action on the eCom v2 order with this orderId (`userInfo` and
/// `shippingDetails` of an approval become the express user details and address).
fn ecom_fallback(
    sim: &Arc<Sim>,
    order_id: &str,
    action: Action,
    details: &ApproveDetails,
) -> Result<Value, ActionError> {
    use crate::ecom::actions::ApproveInput;
    use crate::ecom::control::{user_action, UserAction};
    let (action, input) = match action {
        Action::Approve => (
            UserAction::Approve,
            ApproveInput::from_details(
                details.user_info.as_ref(),
                details.shipping_details.as_ref(),
            ),
        ),
        Action::Reject => (UserAction::Reject, ApproveInput::default()),
        Action::Expire => (UserAction::Expire, ApproveInput::default()),
    };
    user_action(sim, order_id, action, input)
}
