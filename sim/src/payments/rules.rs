//! The payment state machine and money rules (vipps-api-notes §2 "Rules").
//!
//! Every operation either changes the payment and appends exactly one event, or refuses and
//! changes nothing. Error codes are the ePayment domain codes placed in `extraDetails`.

use super::model::{EventName, Payment, PaymentEvent, PaymentState};
use crate::ids::Ids;

/// Why an operation was refused; becomes an HTTP 400 problem.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub title: &'static str,
    pub detail: String,
    pub code: Option<&'static str>,
}

fn refuse(title: &'static str, detail: impl Into<String>, code: Option<&'static str>) -> Refusal {
    Refusal {
        title,
        detail: detail.into(),
        code,
    }
}

/// When and under which idempotency key an operation happens.
pub struct Stamp<'a> {
    pub now_ms: i64,
    pub ids: &'a Ids,
    pub idempotency_key: Option<&'a str>,
}

impl Payment {
    fn record(&mut self, name: EventName, amount: i64, stamp: &Stamp) -> String {
        let psp = stamp.ids.digits(16);
        self.events.push(PaymentEvent {
            name,
            amount,
            psp_reference: psp.clone(),
            at_ms: stamp.now_ms,
            idempotency_key: stamp.idempotency_key.map(str::to_string),
            success: true,
        });
        psp
    }

    /// Records the creation event; called once when the payment is made.
    pub fn record_created(&mut self, stamp: &Stamp) {
        self.record(EventName::Created, self.amount, stamp);
    }

    /// Expiry is evaluated lazily: a `CREATED` payment past its deadline becomes `EXPIRED` the
    /// next time anyone looks at it. Returns whether it expired now.
    pub fn expire_if_due(&mut self, now_ms: i64, ids: &Ids) -> bool {
        match self.expires_at_ms {
            Some(deadline) if self.state == PaymentState::Created && now_ms >= deadline => {
                let stamp = Stamp {
                    now_ms: deadline,
                    ids,
                    idempotency_key: None,
                };
                self.state = PaymentState::Expired;
                self.record(EventName::Expired, self.amount, &stamp);
                true
            }
            _ => false,
        }
    }

    fn require_created(&self, action: &str) -> Result<(), Refusal> {
        if self.state == PaymentState::Created {
            Ok(())
        } else {
            Err(refuse(
                "Approve failed",
                format!(
                    "Cannot {action} a payment in state {}.",
                    self.state.as_str()
                ),
                None,
            ))
        }
    }

    /// The user approved: the full amount is reserved.
    pub fn authorize(&mut self, stamp: &Stamp) -> Result<(), Refusal> {
        self.require_created("approve")?;
        self.state = PaymentState::Authorized;
        self.authorized = self.amount;
        self.record(EventName::Authorized, self.amount, stamp);
        Ok(())
    }

    /// The user rejected (or aborted) the payment.
    pub fn abort(&mut self, stamp: &Stamp) -> Result<(), Refusal> {
        self.require_created("reject")?;
        self.state = PaymentState::Aborted;
        self.record(EventName::Aborted, self.amount, stamp);
        Ok(())
    }

    /// The payment ran out of time before the user acted.
    pub fn expire(&mut self, stamp: &Stamp) -> Result<(), Refusal> {
        self.require_created("expire")?;
        self.state = PaymentState::Expired;
        self.record(EventName::Expired, self.amount, stamp);
        Ok(())
    }

    pub fn capturable(&self) -> i64 {
        self.authorized - self.cancelled - self.captured
    }

    pub fn refundable(&self) -> i64 {
        self.captured - self.refunded
    }

    /// Captures part or all of the reserved amount. Returns the event's pspReference.
    pub fn capture(&mut self, value: i64, stamp: &Stamp) -> Result<String, Refusal> {
        if self.cancelled > 0 {
            return Err(refuse(
                "Cannot capture a cancelled payment",
                "The payment has been cancelled; nothing more can be captured.",
                Some("6070"),
            ));
        }
        if self.state != PaymentState::Authorized {
            return Err(refuse(
                "Cannot capture before reservation",
                format!(
                    "The payment is {} and has no reservation to capture.",
                    self.state.as_str()
                ),
                Some("6080"),
            ));
        }
        if value > self.capturable() {
            return Err(refuse(
                "Capture amount too high",
                format!(
                    "Requested capture of {value} exceeds the capturable amount {}.",
                    self.capturable()
                ),
                Some("6090"),
            ));
        }
        self.captured += value;
        self.captures.push(value);
        Ok(self.record(EventName::Captured, value, stamp))
    }

    /// Refunds part or all of what has been captured. Returns the event's pspReference.
    pub fn refund(&mut self, value: i64, stamp: &Stamp) -> Result<String, Refusal> {
        if self.captured == 0 {
            return Err(refuse(
                "Cannot refund before capture",
                "Nothing has been captured on this payment, so nothing can be refunded.",
                Some("6020"),
            ));
        }
        if value > self.refundable() {
            return Err(refuse(
                "Not enough refundable",
                format!(
                    "Requested refund of {value} exceeds the refundable amount {}.",
                    self.refundable()
                ),
                Some("6150"),
            ));
        }
        self.refunded += value;
        self.refunds.push(value);
        Ok(self.record(EventName::Refunded, value, stamp))
    }

    /// Cancels whatever has not been captured. Before authorization the payment is
    /// terminated; after it the state stays `AUTHORIZED` and the remainder is released.
    /// Returns the event's pspReference (the payment's own when nothing was left to cancel).
    pub fn cancel(&mut self, stamp: &Stamp) -> Result<String, Refusal> {
        match self.state {
            PaymentState::Created => {
                self.state = PaymentState::Terminated;
                self.cancelled = self.amount;
                Ok(self.record(EventName::Terminated, self.amount, stamp))
            }
            PaymentState::Authorized => {
                if self.captured >= self.authorized {
                    return Err(refuse(
                        "Cannot cancel a captured payment",
                        "The payment is fully captured; refund it instead.",
                        Some("6040"),
                    ));
                }
                if self.cancelled > 0 {
                    // Already cancelled: cancelling again changes nothing.
                    return Ok(self.psp_reference.clone());
                }
                let remaining = self.authorized - self.captured;
                self.cancelled = remaining;
                Ok(self.record(EventName::Cancelled, remaining, stamp))
            }
            other => Err(refuse(
                "Cannot cancel payment",
                format!(
                    "The payment is {} and can no longer be cancelled.",
                    other.as_str()
                ),
                None,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payments::model::Api;

    fn payment(amount: i64) -> Payment {
        Payment {
            reference: "ref-12345".into(),
            msn: "123456".into(),
            api: Api::Epayment,
            currency: "NOK".into(),
            amount,
            state: PaymentState::Created,
            psp_reference: "1".into(),
            method: "WALLET".into(),
            user_flow: "WEB_REDIRECT".into(),
            redirect_url: None,
            created_at_ms: 0,
            expires_at_ms: None,
            profile_scope: None,
            profile_sub: None,
            metadata: None,
            description: None,
            authorized: 0,
            captured: 0,
            refunded: 0,
            cancelled: 0,
            captures: vec![],
            refunds: vec![],
            events: vec![],
        }
    }

    fn code(r: Result<String, Refusal>) -> Option<&'static str> {
        r.err().and_then(|e| e.code)
    }

    #[test]
    fn capture_and_refund_follow_the_limits() {
        let ids = Ids::new(1);
        let s = Stamp {
            now_ms: 0,
            ids: &ids,
            idempotency_key: None,
        };
        let mut p = payment(1000);
        assert_eq!(code(p.capture(1, &s)), Some("6080"));
        assert_eq!(code(p.refund(1, &s)), Some("6020"));
        p.authorize(&s).unwrap();
        assert_eq!(code(p.capture(1001, &s)), Some("6090"));
        p.capture(400, &s).unwrap();
        p.capture(600, &s).unwrap();
        assert_eq!(code(p.capture(1, &s)), Some("6090"));
        assert_eq!(code(p.cancel(&s)), Some("6040"));
        assert_eq!(code(p.refund(1001, &s)), Some("6150"));
        p.refund(1000, &s).unwrap();
        assert_eq!(
            (p.captured, p.refunded, p.state),
            (1000, 1000, PaymentState::Authorized)
        );
        assert_eq!(p.events.len(), 4);
    }

    #[test]
    fn cancel_before_and_after_authorization() {
        let ids = Ids::new(1);
        let s = Stamp {
            now_ms: 0,
            ids: &ids,
            idempotency_key: None,
        };
        let mut p = payment(1000);
        p.cancel(&s).unwrap();
        assert_eq!((p.state, p.cancelled), (PaymentState::Terminated, 1000));
        assert_eq!(p.events.last().map(|e| e.name), Some(EventName::Terminated));
        assert!(p.cancel(&s).is_err());

        let mut q = payment(1000);
        q.authorize(&s).unwrap();
        q.capture(300, &s).unwrap();
        q.cancel(&s).unwrap();
        assert_eq!((q.state, q.cancelled), (PaymentState::Authorized, 700));
        assert_eq!(code(q.capture(1, &s)), Some("6070"));
    }

    #[test]
    fn expiry_only_hits_created_payments_past_their_deadline() {
        let ids = Ids::new(1);
        let mut p = payment(1000);
        p.expires_at_ms = Some(100);
        assert!(!p.expire_if_due(99, &ids));
        assert!(p.expire_if_due(100, &ids));
        assert_eq!(p.state, PaymentState::Expired);
        assert!(!p.expire_if_due(200, &ids));
    }
}
