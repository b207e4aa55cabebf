//! The payment ledger entry shared by ePayment payments and Checkout sessions (a Checkout
//! session creates an ePayment payment underneath, with the same reference).

use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaymentState {
    Created,
    Aborted,
    Expired,
    Authorized,
    Terminated,
}

impl PaymentState {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentState::Created => "CREATED",
            PaymentState::Aborted => "ABORTED",
            PaymentState::Expired => "EXPIRED",
            PaymentState::Authorized => "AUTHORIZED",
            PaymentState::Terminated => "TERMINATED",
        }
    }
}

/// Which API created the payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Api {
    Epayment,
    Checkout,
}

impl Api {
    pub fn as_str(self) -> &'static str {
        match self {
            Api::Epayment => "epayment",
            Api::Checkout => "checkout",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventName {
    Created,
    Aborted,
    Expired,
    Cancelled,
    Captured,
    Refunded,
    Authorized,
    Terminated,
}

impl EventName {
    pub fn as_str(self) -> &'static str {
        match self {
            EventName::Created => "CREATED",
            EventName::Aborted => "ABORTED",
            EventName::Expired => "EXPIRED",
            EventName::Cancelled => "CANCELLED",
            EventName::Captured => "CAPTURED",
            EventName::Refunded => "REFUNDED",
            EventName::Authorized => "AUTHORIZED",
            EventName::Terminated => "TERMINATED",
        }
    }

    /// The Webhooks API event type this event is delivered as.
    pub fn webhook_event_type(self) -> String {
        format!(
            "epayments.payment.{}.v1",
            self.as_str().to_ascii_lowercase()
        )
    }
}

/// One entry of `GET /epayment/v1/payments/{reference}/events`.
#[derive(Clone, Debug)]
pub struct PaymentEvent {
    pub name: EventName,
    pub amount: i64,
    pub psp_reference: String,
    pub at_ms: i64,
    pub idempotency_key: Option<String>,
    pub success: bool,
}

#[derive(Clone, Debug)]
pub struct Payment {
    pub reference: String,
    pub msn: String,
    pub api: Api,
    pub currency: String,
    /// The payment amount in minor units.
    pub amount: i64,
    pub state: PaymentState,
    pub psp_reference: String,
    /// `WALLET` or `CARD`.
    pub method: String,
    pub user_flow: String,
    pub redirect_url: Option<String>,
    pub created_at_ms: i64,
    /// When a `CREATED` payment expires (ePayment `expiresAt`, Checkout session lifetime).
    pub expires_at_ms: Option<i64>,
    pub profile_scope: Option<String>,
    pub profile_sub: Option<String>,
    pub metadata: Option<Value>,
    pub description: Option<String>,
    pub authorized: i64,
    pub captured: i64,
    pub refunded: i64,
    pub cancelled: i64,
    pub captures: Vec<i64>,
    pub refunds: Vec<i64>,
    pub events: Vec<PaymentEvent>,
}
