//! The Vipps MobilePay APIs, one folder or file per API: what each operation sends, checks
//! before sending, and adds to the answer. Every operation runs through [`crate::http`].

pub(crate) mod checkout;
pub mod ecom;
pub(crate) mod epayment;
pub mod order_management;
pub(crate) mod orders;
pub mod payment;
pub(crate) mod reconcile;
pub(crate) mod userinfo;
pub(crate) mod webhook_ensure;
pub mod webhooks;
