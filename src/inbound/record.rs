//! The record a plugin stores per payment, and how events fold into it.
//!
//! Deliveries arrive late, twice, and out of order. The record is built so that the order does
//! not matter: it keeps the ids of the events it has seen (duplicates change nothing), the
//! largest running totals any event reported (totals only grow, so the largest is the newest),
//! the amounts of single operations by event id (ePayment webhooks: each capture, refund or
//! cancel counted once), and the closed state (aborted, expired, failed) if one was reported.
//! The status is computed from those, never copied from the last event, so a stale
//! `authorized` arriving after `captured` cannot move the payment back.

use super::event::rank;
use crate::error::{Error, ErrorKind, Result};
use crate::json::input::Fields;
use crate::model::status::{Amounts, Status};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// The record of one payment, as the plugin stores it between deliveries (the `record` of
/// [`Applied`]). Its JSON form adds what follows from it: the amounts, `status`, `rank`,
/// `progress`, `complete` and `gap` (README, "Callbacks and webhooks").
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Record {
    reference: Option<String>,
    currency: Option<String>,
    totals: Amounts,
    operations: BTreeMap<String, Amounts>,
    closed: Option<Status>,
    seen: Vec<String>,
    timestamp: Option<String>,
    /// The PSP reference of the authorization (the transaction id a shop shows), else the
    /// first one an event carried.
    psp_reference: Option<String>,
}

// Amounts above MAX_AMOUNT are refused: found by fuzzing, amounts near i64::MAX made the
// sums overflow (a panic in debug builds, wrong amounts in release).
use crate::model::status::MAX_AMOUNT;

fn read_amounts(f: &Fields) -> Result<Amounts> {
    let mut values = [0; 4];
    for (field, slot) in Amounts::NAMES.into_iter().zip(values.iter_mut()) {
        let value = f.opt_i64(field)?.unwrap_or(0);
        if value < 0 {
            return Err(f.error(field, "must not be negative"));
        }
        if value > MAX_AMOUNT {
            return Err(f.error(field, format!("must be at most {MAX_AMOUNT} minor units")));
        }
        *slot = value;
    }
    Ok(Amounts::from_values(values))
}

impl Record {
    fn read(f: &Fields) -> Result<Record> {
        let mut record = Record {
            reference: f.opt_str("reference")?.map(str::to_owned),
            currency: f.opt_str("currency")?.map(str::to_owned),
            timestamp: f.opt_str("timestamp")?.map(str::to_owned),
            psp_reference: f.opt_str("psp_reference")?.map(str::to_owned),
            ..Record::default()
        };
        if let Some(totals) = f.opt_object("totals")? {
            record.totals = read_amounts(&totals)?;
        }
        // An empty list stands for an empty map: PHP decodes JSON `{}` and `[]` to the same
        // empty array, so a record with no single operation yet comes back as `[]`.
        let no_operations = f.entries().any(|(name, value)| {
            name == "operations" && value.as_array().is_some_and(Vec::is_empty)
        });
        if let Some(ops) = (!no_operations)
            .then(|| f.opt_object("operations"))
            .transpose()?
            .flatten()
        {
            for (id, _) in ops.entries() {
                let op = ops.req_object(id)?;
                record.operations.insert(id.clone(), read_amounts(&op)?);
            }
        }
        if let Some(closed) = f.opt_str("closed")? {
            record.closed = Some(
                Status::parse(closed).ok_or_else(|| f.error("closed", "is not a known status"))?,
            );
        }
        for (i, id) in f.opt_array("seen")?.into_iter().flatten().enumerate() {
            let id = id
                .as_str()
                .ok_or_else(|| f.error(&format!("seen[{i}]"), "must be a string"))?;
            record.seen.push(id.to_owned());
        }
        Ok(record)
    }

    /// Each amount: the largest reported total, or the sum of the single operations when
    /// that is larger (both are lower bounds of the truth; together they reach it).
    pub fn amounts(&self) -> Amounts {
        let sums = self.operations.values().fold(Amounts::default(), |sum, a| {
            sum.zip_with(a, i64::saturating_add)
        });
        self.totals.zip_with(&sums, i64::max)
    }

    /// The status the deliveries seen so far show (never copied from the last event).
    pub fn status(&self) -> Status {
        let a = self.amounts();
        if a.authorized > 0 || a.captured > 0 {
            a.authorized_status()
        } else if let Some(closed) = self.closed {
            closed
        } else if a.cancelled > 0 {
            Status::Cancelled
        } else {
            Status::Pending
        }
    }

    /// Why the deliveries seen so far cannot be all there were: one was lost or is still on
    /// its way (webhooks are retried for days; a dropped one may never come). The status of
    /// such a record is a guess, so it says so and the plugin reconciles by polling.
    pub fn gap(&self) -> Option<&'static str> {
        let a = self.amounts();
        if a.refunded > a.captured {
            Some("more refunded than captured: a capture event is missing")
        } else if a.captured > 0 && a.authorized == 0 {
            Some("captured without an authorization: the authorization event is missing")
        } else if a.authorized > 0 && a.captured.saturating_add(a.cancelled) > a.authorized {
            Some("more captured and cancelled than authorized: an authorization event is missing")
        } else if a.authorized > 0
            && a.cancelled > 0
            && a.captured.saturating_add(a.cancelled) < a.authorized
        {
            Some("a cancel releases all that was not captured, yet some is unaccounted for: a capture event is missing")
        } else {
            None
        }
    }

    /// The payment's reference (of the first event, or as stored).
    pub fn reference(&self) -> Option<&str> {
        self.reference.as_deref()
    }

    /// The PSP reference of the authorization, else the first one an event carried.
    pub fn psp_reference(&self) -> Option<&str> {
        self.psp_reference.as_deref()
    }
}

/// The JSON form of a [`Record`], in name order (the C ABI writes it straight to its envelope).
#[derive(Serialize)]
struct RecordJson<'a> {
    authorized: i64,
    cancelled: i64,
    capturable: i64,
    captured: i64,
    closed: Option<Status>,
    complete: bool,
    currency: Option<&'a str>,
    #[serde(rename = "final")]
    is_final: bool,
    gap: Option<&'static str>,
    operations: &'a BTreeMap<String, Amounts>,
    progress: i64,
    psp_reference: Option<&'a str>,
    rank: u32,
    reference: Option<&'a str>,
    refundable: i64,
    refunded: i64,
    seen: &'a [String],
    status: Status,
    timestamp: Option<&'a str>,
    totals: &'a Amounts,
}

impl Serialize for Record {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        let a = self.amounts();
        let status = self.status();
        let gap = self.gap();
        RecordJson {
            authorized: a.authorized,
            cancelled: a.cancelled,
            capturable: a.capturable(),
            captured: a.captured,
            closed: self.closed,
            complete: gap.is_none(),
            currency: self.currency.as_deref(),
            is_final: status.is_final(),
            gap,
            operations: &self.operations,
            progress: a.progress(),
            psp_reference: self.psp_reference.as_deref(),
            rank: rank(status),
            reference: self.reference.as_deref(),
            refundable: a.refundable(),
            refunded: a.refunded,
            seen: &self.seen,
            status,
            timestamp: self.timestamp.as_deref(),
            totals: &self.totals,
        }
        .serialize(serializer)
    }
}

/// What folding one event answers: whether it changed the record, why, and the record to
/// store. Its JSON form is `{"applied", "reason", "record"}`.
#[derive(Clone, Debug, Serialize)]
pub struct Applied {
    /// True when the event changed the record's status or amounts.
    pub applied: bool,
    /// Why (`"applied"`, a duplicate, stale, not verified), for logs.
    pub reason: &'static str,
    /// The record to store, whether or not the event changed it.
    pub record: Record,
}

impl Applied {
    fn new(applied: bool, reason: &'static str, record: Record) -> Result<Applied> {
        Ok(Applied {
            applied,
            reason,
            record,
        })
    }
}

impl crate::Client {
    /// Folds a verified event into the record the plugin stores for the payment; see
    /// [`apply`].
    pub fn apply_event(&self, request: &Value) -> Result<Value> {
        apply(request)
    }
}

impl crate::Typed<'_> {
    /// Folds a verified event into the stored record, typed: the [`Applied`] that
    /// [`crate::Client::apply_event`] answers as JSON.
    pub fn apply_event(&self, request: &Value) -> Result<Applied> {
        fold(request)
    }
}

/// `{"record": <the stored record or null>, "event": <an event from handle_callback>}` →
/// `{"applied": bool, "reason": "...", "record": <the record to store>}`.
pub fn apply(request: &Value) -> Result<Value> {
    let applied = fold(request)?;
    serde_json::to_value(applied)
        .map_err(|e| Error::internal(format!("the applied record did not serialize: {e}")))
}

/// [`apply`] before its answer becomes a `Value` (the C ABI serializes it directly).
pub(crate) fn fold(request: &Value) -> Result<Applied> {
    let map = crate::json::input::request_map(request)?;
    let f = Fields::new(map, "", ErrorKind::InvalidInput);
    let mut record = match f.opt_object("record")? {
        Some(r) => Record::read(&r)?,
        None => Record::default(),
    };
    let event = f.req_object("event")?;
    if event.opt_bool("verified")? != Some(true) {
        return Applied::new(false, "the event is not verified", record);
    }
    let id = event.req_str("id")?;
    let reference = event.req_str("reference")?;
    match &record.reference {
        Some(stored) if !stored.is_empty() && !reference.is_empty() && stored != reference => {
            return Err(Error::invalid_input(format!(
                "event.reference \"{}\" is not the record's reference \"{}\"",
                super::untrusted::shown(reference),
                super::untrusted::shown(stored)
            )))
        }
        Some(stored) if !stored.is_empty() => {}
        _ => record.reference = Some(reference.to_owned()),
    }
    if record.seen.iter().any(|s| s == id) {
        return Applied::new(false, "duplicate: this event was applied before", record);
    }
    let before = (!record.seen.is_empty()).then(|| (record.status(), record.amounts()));
    record.seen.push(id.to_owned());

    let status = match event.opt_str("status")? {
        Some(s) => {
            Some(Status::parse(s).ok_or_else(|| event.error("status", "is not a known status"))?)
        }
        None => None,
    };
    let amounts = match event.opt_object("amounts")? {
        Some(a) => Some((
            a.check_enum("basis", &["total", "operation"])?
                .unwrap_or("total"),
            read_amounts(&a)?,
        )),
        None => None,
    };
    match amounts {
        Some(("operation", a)) => {
            record.operations.insert(id.to_owned(), a);
        }
        Some((_, a)) => record.totals = record.totals.zip_with(&a, i64::max),
        None => {}
    }
    let moved_money =
        amounts.is_some_and(|(_, a)| a.authorized > 0 || a.captured > 0 || a.cancelled > 0);
    if let Some(s) = status {
        let closing = matches!(
            s,
            Status::Aborted | Status::Expired | Status::Failed | Status::Cancelled
        );
        if closing && !moved_money && record.closed.is_none() {
            record.closed = Some(s);
        }
    }
    if record.currency.is_none() {
        record.currency = event.opt_str("currency")?.map(str::to_owned);
    }
    if let Some(psp) = event.opt_str("psp_reference")? {
        // A poll reads the payment's own PSP reference: it wins over a webhook's, which may be
        // a capture's when the authorization's delivery was lost.
        let authoritative =
            status == Some(Status::Authorized) || event.opt_str("kind")? == Some("poll");
        if record.psp_reference.is_none() || authoritative {
            record.psp_reference = Some(psp.to_owned());
        }
    }
    if let Some(ts) = event.opt_str("timestamp")? {
        let newer = match (&record.timestamp, crate::json::rfc3339::parse(ts)) {
            (None, _) => true,
            (Some(old), Some(new)) => {
                !matches!(crate::json::rfc3339::parse(old), Some(old) if new <= old)
            }
            (Some(_), None) => false,
        };
        if newer {
            record.timestamp = Some(ts.to_owned());
        }
    }
    let after = Some((record.status(), record.amounts()));
    let (applied, reason) = if after != before {
        (true, "applied")
    } else {
        (
            false,
            "stale: the record already shows everything this event says",
        )
    };
    Applied::new(applied, reason, record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_list_of_operations_reads_as_none() {
        // PHP decodes the record's empty `operations` object to an array, `[]` when encoded again.
        let stored = serde_json::json!({"reference": "r-1", "operations": [], "seen": ["a"],
            "totals": {"authorized": 100, "captured": 0, "refunded": 0, "cancelled": 0}});
        let record = Record::read(&Fields::new(
            stored.as_object().unwrap(),
            "record",
            ErrorKind::InvalidInput,
        ))
        .unwrap();
        assert!(record.operations.is_empty());
        assert_eq!(record.totals.authorized, 100);
        let not_empty = serde_json::json!({"operations": [{"authorized": 1}]});
        assert!(Record::read(&Fields::new(
            not_empty.as_object().unwrap(),
            "record",
            ErrorKind::InvalidInput
        ))
        .is_err());
    }
    use serde_json::json;

    fn webhook(name: &str, psp: &str, value: i64) -> Value {
        let field = match name {
            "AUTHORIZED" => "authorized",
            "CAPTURED" => "captured",
            "REFUNDED" => "refunded",
            _ => "cancelled",
        };
        let mut amounts = json!({"basis": "operation", "authorized": 0, "captured": 0, "refunded": 0, "cancelled": 0});
        amounts[field] = json!(value);
        json!({"verified": true, "id": format!("epayment:r-1:{name}:{psp}"), "reference": "r-1",
               "status": "captured", "amounts": amounts, "timestamp": "2024-01-01T10:00:00Z"})
    }

    fn fold(events: &[Value]) -> Value {
        let mut record = Value::Null;
        for e in events {
            record = apply(&json!({"record": record, "event": e})).unwrap()["record"].clone();
        }
        record
    }

    /// Regression (found by the fault soak): with the capture webhook lost, a refund made the
    /// record claim `refunded` with nothing captured, ranked above the true state.
    #[test]
    fn a_record_with_a_missing_delivery_says_it_is_incomplete() {
        let lost_capture = fold(&[
            webhook("AUTHORIZED", "p1", 1800),
            webhook("REFUNDED", "p3", 15),
        ]);
        assert_eq!(lost_capture["complete"], false, "{lost_capture}");
        assert!(
            lost_capture["gap"].as_str().unwrap().contains("capture"),
            "{lost_capture}"
        );
        let lost_authorization = fold(&[webhook("CAPTURED", "p2", 500)]);
        assert_eq!(
            lost_authorization["complete"], false,
            "{lost_authorization}"
        );
        let whole = fold(&[
            webhook("AUTHORIZED", "p1", 1800),
            webhook("CAPTURED", "p2", 700),
            webhook("REFUNDED", "p3", 15),
        ]);
        assert_eq!(whole["complete"], true, "{whole}");
        assert_eq!(whole["gap"], Value::Null);
        // A cancel releases all that was not captured: a capture missing before it shows.
        let lost_before_cancel = fold(&[
            webhook("AUTHORIZED", "p1", 3260),
            webhook("CANCELLED", "p5", 3080),
        ]);
        assert_eq!(
            lost_before_cancel["complete"], false,
            "{lost_before_cancel}"
        );
        let cancelled_rest = fold(&[
            webhook("AUTHORIZED", "p1", 3260),
            webhook("CAPTURED", "p2", 180),
            webhook("CANCELLED", "p5", 3080),
        ]);
        assert_eq!(cancelled_rest["complete"], true, "{cancelled_rest}");
        // A cancel before authorization (TERMINATED) is complete: nothing was authorized.
        let terminated = fold(&[webhook("CANCELLED", "p4", 1800)]);
        assert_eq!(terminated["complete"], true, "{terminated}");
    }

    #[test]
    fn operations_fold_to_the_same_record_in_any_order_and_with_duplicates() {
        let events = [
            webhook("AUTHORIZED", "p1", 1000),
            webhook("CAPTURED", "p2", 400),
            webhook("CANCELLED", "p3", 600),
            webhook("REFUNDED", "p4", 100),
        ];
        let expected = fold(&events);
        assert_eq!(expected["status"], "partially_refunded");
        assert_eq!(
            (
                &expected["captured"],
                &expected["cancelled"],
                &expected["refundable"],
                &expected["capturable"]
            ),
            (&json!(400), &json!(600), &json!(300), &json!(0))
        );
        let shuffled = [
            &events[3], &events[1], &events[1], &events[0], &events[2], &events[3],
        ];
        let got = fold(&shuffled.map(Clone::clone));
        for key in ["status", "authorized", "captured", "refunded", "cancelled"] {
            assert_eq!(got[key], expected[key], "{key}");
        }
    }

    #[test]
    fn unverified_and_foreign_events_are_not_applied() {
        let mut e = webhook("AUTHORIZED", "p1", 1000);
        e["verified"] = json!(false);
        let out = apply(&json!({"event": e})).unwrap();
        assert_eq!(out["applied"], false);
        let record = fold(&[webhook("AUTHORIZED", "p1", 1000)]);
        let mut other = webhook("CAPTURED", "p2", 1);
        other["reference"] = json!("r-2");
        let err = apply(&json!({"record": record, "event": other})).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput);
    }
}
