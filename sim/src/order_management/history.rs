//! Who approved what: the phone number each payment was approved with, for the stand-in of
//! the customer's app (`GET /sim/app/{phoneNumber}`), which lists a user's payment history.
//!
//! The phone comes from, in this order: the approval itself (`customer.phoneNumber` of the
//! ePayment test approve, `phoneNumber` or `userInfo.phoneNumber` of `/_sim/payments/…/approve`,
//! the checkout page's phone field, the eCom `customerPhoneNumber` / `userInfo.mobileNumber`),
//! the payment's own `customer.phoneNumber` (ePayment) or `customerInfo.mobileNumber` (eCom),
//! the Checkout billing details, and finally [`DEFAULT_PHONE`].

use std::collections::HashMap;

/// The simulated user's phone when nothing names one (the Checkout defaults use it too).
pub const DEFAULT_PHONE: &str = "4791234567";

/// One approval, as the app's payment history shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Approval {
    /// MSISDN, digits only (`4791234567`).
    pub phone: String,
    pub reference: String,
    pub msn: String,
    pub at_ms: i64,
}

#[derive(Default)]
pub struct History {
    /// Oldest first.
    approvals: Vec<Approval>,
    /// `customer.phoneNumber` given when an ePayment payment was created, by reference.
    given_phones: HashMap<String, String>,
}

/// A phone number as an MSISDN: `+47 912 34 567`, `004791234567` and the Norwegian 8-digit
/// `91234567` all become `4791234567`. `None` when it is not a phone number.
pub fn msisdn(raw: &str) -> Option<String> {
    let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = compact
        .strip_prefix('+')
        .or_else(|| compact.strip_prefix("00"))
        .unwrap_or(&compact);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match digits.len() {
        8 => Some(format!("47{digits}")),
        10..=15 => Some(digits.to_string()),
        _ => None,
    }
}

impl History {
    /// Remembers the phone number an ePayment payment was created for.
    pub fn remember_given_phone(&mut self, reference: &str, phone: &str) {
        if let Some(p) = msisdn(phone) {
            self.given_phones.insert(reference.to_string(), p);
        }
    }

    pub fn given_phone(&self, reference: &str) -> Option<&str> {
        self.given_phones.get(reference).map(String::as_str)
    }

    /// Records an approval; candidates are tried in order, the first valid phone wins.
    pub fn record(&mut self, candidates: &[Option<&str>], reference: &str, msn: &str, at_ms: i64) {
        let phone = candidates
            .iter()
            .flatten()
            .find_map(|c| msisdn(c))
            .unwrap_or_else(|| DEFAULT_PHONE.to_string());
        self.approvals
            .retain(|a| a.reference != reference || a.msn != msn);
        self.approvals.push(Approval {
            phone,
            reference: reference.to_string(),
            msn: msn.to_string(),
            at_ms,
        });
    }

    /// The approvals made with this phone number, newest first.
    pub fn for_phone(&self, raw_phone: &str) -> Vec<Approval> {
        let Some(phone) = msisdn(raw_phone) else {
            return Vec::new();
        };
        self.approvals
            .iter()
            .rev()
            .filter(|a| a.phone == phone)
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_normalize_to_msisdn() {
        assert_eq!(msisdn("91234567").as_deref(), Some("4791234567"));
        assert_eq!(msisdn("+47 912 34 567").as_deref(), Some("4791234567"));
        assert_eq!(msisdn("004791234567").as_deref(), Some("4791234567"));
        assert_eq!(msisdn("4591234567").as_deref(), Some("4591234567"));
        assert_eq!(msisdn("1234"), None);
        assert_eq!(msisdn("47a1234567"), None);
    }

    #[test]
    fn the_first_valid_candidate_wins_and_history_is_newest_first() {
        let mut h = History::default();
        h.record(&[Some("bad"), None, Some("91234567")], "a", "123456", 1);
        h.record(&[None], "b", "123456", 2);
        h.record(&[Some("4798765432")], "c", "123456", 3);
        let refs: Vec<String> = h
            .for_phone("4791234567")
            .into_iter()
            .map(|a| a.reference)
            .collect();
        assert_eq!(refs, ["b", "a"]);
        assert_eq!(h.for_phone("98765432")[0].reference, "c");
        assert!(h.for_phone("nonsense").is_empty());
    }
}
