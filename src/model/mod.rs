//! The domain model: what a payment is, independent of any API or transport. The normalized
//! status and its amounts, money in integer minor units, and order references.

pub(crate) mod amount;
pub(crate) mod country;
pub mod express_details;
pub(crate) mod reference;
pub mod status;
