//! Reconciliation for cron jobs and return pages: callbacks are not guaranteed, so a shop
//! asks for the status itself, and can wait a bounded time for a customer to finish.

use crate::error::{Error, ErrorKind, Result};
use crate::json::input::{object_or_empty, one_field, request_object, Fields};
use crate::Client;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// The longest wait a call may ask for: a return page must answer its visitor.
const MAX_WAIT_MS: u64 = 10 * 60 * 1000;

impl Client {
    /// The normalized status of a payment: `{"reference", "api"?}` →
    /// `{"reference", "status", "final", amounts..., "psp_reference", "event"}`. `event` is the
    /// status as an event for `apply_event` (made by `poll_event`), so what polling learns folds
    /// into the same record as the webhooks, by the same rank rule.
    pub fn reconcile(&self, request: &Value) -> Result<Value> {
        let payment = self.get_payment(request)?;
        Ok(summary(request, &payment, 1, false))
    }

    /// Polls until the payment leaves `pending` or `timeout_ms` passes, following the polling
    /// guidance: a first check after `initial_delay_ms` (default from the configuration,
    /// 5 s), then every `interval_ms` (default 2 s).
    ///
    /// The wait ends within `timeout_ms`: every poll's deadline is the earlier of its own
    /// `total_ms` and the end of the wait. The first check happens no later than
    /// `first_check_by` before the end (a long `initial_delay_ms` is shortened), so a wait
    /// always makes at least one real check. A timeout is not an error: the answer says
    /// `timed_out: true` with the last status seen, also when the last poll found no answer
    /// in the time left (a `timeout` error). Only when no poll ever got an answer is the
    /// timeout an error. Any other error ends the wait as that error.
    pub fn wait_for_final_status(&self, request: &Value) -> Result<Value> {
        let started = Instant::now();
        let mut object = request_object(request)?;
        let timeout = take_millis(&mut object, "timeout_ms")?.ok_or_else(|| {
            Error::invalid_input("timeout_ms is required (how long to wait, in milliseconds)")
        })?;
        let initial = take_millis(&mut object, "initial_delay_ms")?
            .unwrap_or(self.config.polling.initial_delay);
        let interval = take_millis(&mut object, "interval_ms")?
            .unwrap_or(self.config.polling.interval)
            .max(Duration::from_millis(1));
        let request = Value::Object(object);
        // Refuse a bad request now, not after the initial delay, with the order's own API's rules.
        self.order_target(&request, crate::api::orders::order_api(&request)?)?;
        let end = crate::deadline::from_now(timeout.saturating_sub(started.elapsed()));
        sleep_until(
            end,
            initial.min(timeout.saturating_sub(first_check_by(timeout))),
        );
        let mut last_seen = None;
        let mut polls = 0;
        loop {
            polls += 1;
            let payment = match crate::deadline::within(end, || self.get_payment(&request)) {
                Ok(payment) => payment,
                Err(error) if error.kind == ErrorKind::Timeout => {
                    return match last_seen {
                        Some(payment) => Ok(summary(&request, &payment, polls, true)),
                        None => Err(error),
                    };
                }
                Err(error) => return Err(error),
            };
            let is_final = payment
                .pointer("/normalized/final")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if is_final {
                return Ok(summary(&request, &payment, polls, false));
            }
            sleep_until(end, interval);
            if Instant::now() >= end {
                return Ok(summary(&request, &payment, polls, true));
            }
            last_seen = Some(payment);
        }
    }
}

/// How long before the end of a wait its first check starts at the latest: half the wait,
/// at most one second, so that the check has time to get its answer.
fn first_check_by(timeout: Duration) -> Duration {
    (timeout / 2).min(Duration::from_secs(1))
}

/// Sleeps `duration`, or until `end` if that comes first.
fn sleep_until(end: Instant, duration: Duration) {
    std::thread::sleep(duration.min(end.saturating_duration_since(Instant::now())));
}

fn take_millis(
    object: &mut serde_json::Map<String, Value>,
    name: &str,
) -> Result<Option<Duration>> {
    let value = object.remove(name);
    let holder = one_field(name, value.unwrap_or(Value::Null));
    let fields = Fields::new(&holder, "", ErrorKind::InvalidInput);
    match fields.opt_u64(name)? {
        Some(ms) if ms > MAX_WAIT_MS => {
            Err(fields.error(name, format!("must be at most {MAX_WAIT_MS}")))
        }
        other => Ok(other.map(Duration::from_millis)),
    }
}

fn summary(request: &Value, payment: &Value, polls: u32, timed_out: bool) -> Value {
    let normalized = payment.get("normalized").cloned().unwrap_or(Value::Null);
    let reference = request.get("reference").cloned().unwrap_or(Value::Null);
    let psp_reference = psp_reference(payment);
    let event = poll_event(
        reference.as_str().unwrap_or_default(),
        &normalized,
        psp_reference.as_deref(),
    );
    let mut out = object_or_empty(normalized);
    out.insert("event".into(), event);
    out.insert("reference".into(), reference);
    out.insert("psp_reference".into(), json!(psp_reference));
    out.insert("polls".into(), json!(polls));
    out.insert("timed_out".into(), json!(timed_out));
    Value::Object(out)
}

/// The PSP reference of the payment's authorization, the transaction id a shop shows: ePayment
/// (and Checkout) answer it as `pspReference`; an eCom order has it as the `transactionId` of
/// its RESERVE (or, for a direct sale, SALE) log entry.
fn psp_reference(payment: &Value) -> Option<String> {
    if let Some(psp) = payment.get("pspReference").and_then(Value::as_str) {
        return Some(psp.to_owned());
    }
    let log = payment.get("transactionLogHistory")?.as_array()?;
    ["RESERVE", "SALE"].iter().find_map(|operation| {
        log.iter()
            .filter(|entry| entry.get("operation").and_then(Value::as_str) == Some(operation))
            .filter(|entry| entry.get("operationSuccess").and_then(Value::as_bool) != Some(false))
            .find_map(|entry| entry.get("transactionId").and_then(Value::as_str))
            .map(str::to_owned)
    })
}

/// A polled status as an event `apply_event` folds: `kind: "poll"`, running totals
/// (`amounts.basis: "total"`, compared by rank and progress like Checkout and eCom callbacks),
/// and an `id` made of the status and the amounts, so polling the same state twice is a
/// duplicate and a new state is new. It is `verified`: it is the API's own answer to this client.
pub(crate) fn poll_event(
    reference: &str,
    normalized: &Value,
    psp_reference: Option<&str>,
) -> Value {
    let amount = |field: &str| normalized.get(field).and_then(Value::as_i64).unwrap_or(0);
    let status = normalized
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or("pending");
    let (authorized, captured, refunded, cancelled) = (
        amount("authorized"),
        amount("captured"),
        amount("refunded"),
        amount("cancelled"),
    );
    let parsed = crate::model::status::Status::parse(status);
    json!({
        "kind": "poll",
        "verified": true,
        "reference": reference,
        "id": format!("poll:{reference}:{status}:{authorized}:{captured}:{refunded}:{cancelled}"),
        "status": status,
        "final": parsed.map(crate::model::status::Status::is_final),
        "rank": parsed.map(crate::model::status::rank),
        "progress": captured.saturating_add(refunded).saturating_add(cancelled),
        "currency": normalized.get("currency"),
        "psp_reference": psp_reference,
        "timestamp": null,
        "amounts": {"basis": "total", "authorized": authorized, "captured": captured,
                    "refunded": refunded, "cancelled": cancelled},
    })
}
