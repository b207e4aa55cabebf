//! The eCom state machine (guide "Payment states", "Cancel", "Capture", "Refund", "Errors").
//!
//! INITIATE → RESERVE (user approves) → CAPTURE (partial or full, repeatable) → REFUND (partial
//! or full, repeatable). A merchant cancel in INITIATE is CANCEL; in RESERVE it is VOID (the
//! reservation is released); after a partial capture only with `shouldReleaseRemainingFunds`
//! (logged as VOID of the released rest). A user rejection is REJECTED (log: CANCEL); a timeout
//! is CANCEL. A refused request changes nothing.

use super::errors::EcomError;
use super::model::{EcomOrder, LogEntry, Operation, Status};
use crate::ids::Ids;

pub struct Stamp<'a> {
    pub now_ms: i64,
    pub ids: &'a Ids,
    /// The `X-Request-Id` of the request ("" when none).
    pub request_id: &'a str,
}

impl Stamp<'_> {
    pub fn transaction_id(&self) -> String {
        self.ids.digits(10)
    }
}

fn not_allowed(order: &EcomOrder) -> EcomError {
    EcomError::vipps(
        "91",
        format!(
            "Transaction is not allowed: order '{}' is {}.",
            order.initiate.order_id,
            order.status.as_str()
        ),
    )
}

impl EcomOrder {
    pub fn record(
        &mut self,
        operation: Operation,
        amount: i64,
        text: &str,
        transaction_id: String,
        stamp: &Stamp,
    ) -> LogEntry {
        let entry = LogEntry {
            operation,
            amount,
            request_id: stamp.request_id.to_string(),
            at_ms: stamp.now_ms,
            transaction_id,
            transaction_text: text.to_string(),
        };
        self.log.push(entry.clone());
        entry
    }

    /// Whether the user may still act (approve or reject) on the order.
    pub fn check_user_can_act(&self) -> Result<(), EcomError> {
        match self.status {
            Status::Initiate => Ok(()),
            s if s.is_cancelled() && self.reserved == 0 => Err(not_allowed(self)),
            _ => Err(EcomError::vipps(
                "92",
                format!(
                    "Transaction already processed: order '{}' is {}.",
                    self.initiate.order_id,
                    self.status.as_str()
                ),
            )),
        }
    }

    /// The user approves: RESERVE of the amount plus `shipping_cost` øre (express).
    pub fn reserve(&mut self, shipping_cost: i64, stamp: &Stamp) -> Result<LogEntry, EcomError> {
        self.check_user_can_act()?;
        self.approving = false;
        self.status = Status::Reserve;
        self.reserved = self.initiate.amount.saturating_add(shipping_cost);
        let id = self.initiate_transaction_id().to_string();
        let text = self.initiate.transaction_text.clone();
        Ok(self.record(Operation::Reserve, self.reserved, &text, id, stamp))
    }

    /// The user rejects in the app: REJECTED, logged as CANCEL (guide "Payment states").
    pub fn user_reject(&mut self, stamp: &Stamp) -> Result<LogEntry, EcomError> {
        self.end_unreserved(Status::Rejected, stamp)
    }

    /// The user does not act in time: CANCEL.
    pub fn time_out(&mut self, stamp: &Stamp) -> Result<LogEntry, EcomError> {
        self.end_unreserved(Status::Cancel, stamp)
    }

    fn end_unreserved(&mut self, status: Status, stamp: &Stamp) -> Result<LogEntry, EcomError> {
        self.check_user_can_act()?;
        self.approving = false;
        self.status = status;
        let (amount, text) = (self.initiate.amount, self.initiate.transaction_text.clone());
        let id = stamp.transaction_id();
        Ok(self.record(Operation::Cancel, amount, &text, id, stamp))
    }

    /// Captures `amount` øre, or everything still reserved when `None` or 0.
    pub fn capture(
        &mut self,
        amount: Option<i64>,
        text: &str,
        stamp: &Stamp,
    ) -> Result<LogEntry, EcomError> {
        if self.status.is_cancelled() {
            return Err(not_allowed(self));
        }
        if self.status == Status::Initiate {
            return Err(EcomError::payment(
                "62",
                "The amount you tried to capture is not reserved. The user must first accept the payment.",
            ));
        }
        let remaining = self.remaining_to_capture();
        let amount = amount.filter(|a| *a > 0).unwrap_or(remaining);
        if amount == 0 || amount > remaining {
            return Err(EcomError::payment(
                "61",
                format!(
                    "Captured amount exceeds the reserved amount: {amount} requested, {remaining} remaining to capture."
                ),
            ));
        }
        self.captured += amount;
        self.captures.push(amount);
        self.status = Status::Capture;
        let id = stamp.transaction_id();
        Ok(self.record(Operation::Capture, amount, text, id, stamp))
    }

    /// Refunds `amount` øre of what was captured and not yet refunded.
    pub fn refund(
        &mut self,
        amount: i64,
        text: &str,
        stamp: &Stamp,
    ) -> Result<LogEntry, EcomError> {
        if self.captured == 0 {
            return Err(if self.status.is_cancelled() {
                EcomError::payment("73", "Cannot refund a cancelled order.")
            } else {
                EcomError::payment(
                    "72",
                    "Cannot refund a reserved order (only captured orders). Cancel instead.",
                )
            });
        }
        let remaining = self.remaining_to_refund();
        if amount > remaining {
            return Err(EcomError::payment(
                "71",
                format!(
                    "Cannot refund more than the captured amount: {amount} requested, {remaining} remaining to refund."
                ),
            ));
        }
        self.refunded += amount;
        self.refunds.push(amount);
        self.status = Status::Refund;
        let id = stamp.transaction_id();
        Ok(self.record(Operation::Refund, amount, text, id, stamp))
    }

    /// The merchant cancels. See the module comment for the outcomes.
    pub fn merchant_cancel(
        &mut self,
        release_remaining: bool,
        text: &str,
        stamp: &Stamp,
    ) -> Result<LogEntry, EcomError> {
        if self.status.is_cancelled() && !(self.status == Status::Void && self.captured > 0) {
            return Err(not_allowed(self));
        }
        if self.status == Status::Initiate {
            self.approving = false;
            self.status = Status::Cancel;
            self.cancelled = self.initiate.amount;
            let id = stamp.transaction_id();
            return Ok(self.record(Operation::Cancel, self.initiate.amount, text, id, stamp));
        }
        let remaining = self.remaining_to_capture();
        if self.captured == 0 {
            self.status = Status::Void;
            self.cancelled = remaining;
            let id = stamp.transaction_id();
            return Ok(self.record(Operation::Void, remaining, text, id, stamp));
        }
        if remaining == 0 || !release_remaining {
            let why = if remaining == 0 {
                "the order is fully captured (or its remainder already released); refund instead"
            } else {
                "it is partially captured; send shouldReleaseRemainingFunds: true to release the rest"
            };
            return Err(EcomError::payment(
                "51",
                format!("Cannot cancel an already captured order: {why}."),
            ));
        }
        self.status = Status::Void;
        self.cancelled += remaining;
        let id = stamp.transaction_id();
        Ok(self.record(Operation::Void, remaining, text, id, stamp))
    }
}
