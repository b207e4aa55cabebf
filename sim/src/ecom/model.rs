//! An eCom v2 order: what it was initiated with, where it stands, its money and its log, plus
//! the store of all orders (keyed by MSN and orderId: an orderId is unique per MSN only).

use super::idempotency::RequestIds;
use super::validation::ValidInitiate;
use serde_json::Value;
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaymentType {
    Regular,
    Express,
}

/// The order status as `/status` reports it (and the ledger's `state`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Initiate,
    Reserve,
    Capture,
    Refund,
    /// Cancelled by the merchant before reservation, or timed out.
    Cancel,
    /// Cancelled by the merchant after reservation (the reservation is released).
    Void,
    /// Rejected by the user in the app.
    Rejected,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Initiate => "INITIATE",
            Status::Reserve => "RESERVE",
            Status::Capture => "CAPTURE",
            Status::Refund => "REFUND",
            Status::Cancel => "CANCEL",
            Status::Void => "VOID",
            Status::Rejected => "REJECTED",
        }
    }

    /// Ended without money moving: cancelled by the merchant, the user, or a timeout.
    pub fn is_cancelled(self) -> bool {
        matches!(self, Status::Cancel | Status::Void | Status::Rejected)
    }
}

/// `transactionLogHistory[].operation`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    Initiate,
    Reserve,
    Capture,
    Refund,
    Cancel,
    Void,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Initiate => "INITIATE",
            Operation::Reserve => "RESERVE",
            Operation::Capture => "CAPTURE",
            Operation::Refund => "REFUND",
            Operation::Cancel => "CANCEL",
            Operation::Void => "VOID",
        }
    }
}

#[derive(Clone, Debug)]
pub struct LogEntry {
    pub operation: Operation,
    pub amount: i64,
    pub request_id: String,
    pub at_ms: i64,
    pub transaction_id: String,
    pub transaction_text: String,
}

#[derive(Clone, Debug)]
pub struct EcomOrder {
    pub msn: String,
    /// The validated initiate request, kept whole rather than copied field by field: nothing
    /// changes it after initiation (the order's progress is in the fields below).
    pub initiate: ValidInitiate,
    pub created_at_ms: i64,
    pub status: Status,
    /// Reserved in øre (for express: amount + the chosen shipping cost).
    pub reserved: i64,
    pub captured: i64,
    pub refunded: i64,
    /// Released by a merchant cancel (before reservation: the whole amount).
    pub cancelled: i64,
    pub captures: Vec<i64>,
    pub refunds: Vec<i64>,
    /// Oldest first (views render it newest first).
    pub log: Vec<LogEntry>,
    /// Express: the user's details and the chosen shipping, set on approval.
    pub user_details: Option<Value>,
    pub shipping_details: Option<Value>,
    /// An express approval is waiting for the merchant's shipping details.
    pub approving: bool,
}

impl EcomOrder {
    pub fn is_express(&self) -> bool {
        self.initiate.payment_type == PaymentType::Express
    }

    /// What is still reserved and may be captured.
    pub fn remaining_to_capture(&self) -> i64 {
        if self.reserved == 0
            || matches!(
                self.status,
                Status::Void | Status::Cancel | Status::Rejected
            )
        {
            return 0;
        }
        (self.reserved - self.captured - self.cancelled).max(0)
    }

    pub fn remaining_to_refund(&self) -> i64 {
        (self.captured - self.refunded).max(0)
    }

    /// The transaction id of the initiation, reused by the reservation (as in the guide's log).
    pub fn initiate_transaction_id(&self) -> &str {
        self.log
            .first()
            .map(|e| e.transaction_id.as_str())
            .unwrap_or("")
    }

    pub fn last_entry(&self) -> Option<&LogEntry> {
        self.log.last()
    }
}

/// (merchant serial number, orderId)
pub type OrderKey = (String, String);

#[derive(Default)]
pub struct EcomStore {
    pub orders: HashMap<OrderKey, EcomOrder>,
    pub request_ids: RequestIds,
}

impl EcomStore {
    pub fn get_mut(&mut self, msn: &str, order_id: &str) -> Option<&mut EcomOrder> {
        self.orders
            .get_mut(&(msn.to_string(), order_id.to_string()))
    }

    /// The key of an order found by orderId alone (for the control API and the landing page,
    /// which know no MSN): the one of the first configured MSN that has it.
    pub fn find(&self, order_id: &str, msns: &[String]) -> Option<OrderKey> {
        msns.iter()
            .map(|m| (m.clone(), order_id.to_string()))
            .find(|k| self.orders.contains_key(k))
            .or_else(|| {
                let mut keys: Vec<&OrderKey> =
                    self.orders.keys().filter(|(_, o)| o == order_id).collect();
                keys.sort();
                keys.first().map(|k| (*k).clone())
            })
    }
}
