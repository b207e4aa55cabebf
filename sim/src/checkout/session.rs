//! A Checkout v3 session. Its money lives in the ePayment payment with the same reference;
//! the session adds what the Checkout API knows beyond that.

use serde_json::Value;

#[derive(Clone, Debug)]
pub struct Session {
    pub reference: String,
    pub session_id: String,
    /// The token returned at creation; the checkout page finds the session by it.
    pub token: String,
    pub msn: String,
    pub callback_url: String,
    /// Sent back raw as `Authorization` on the session callback.
    pub callback_token: String,
    pub return_url: String,
    pub description: String,
    pub order_summary: Option<Value>,
    /// The request as received (for pages that want to show more of it).
    pub request: Value,
    /// The user opened the checkout page: `PaymentInitiated` while still unpaid.
    pub initiated: bool,
    /// `Wallet` or `Card`, once paid.
    pub payment_method: Option<String>,
    pub user_info: Option<Value>,
    pub shipping_details: Option<Value>,
    pub billing_details: Option<Value>,
    pub custom_consent_provided: Option<bool>,
}
