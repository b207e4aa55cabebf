//! Reconciliation for cron jobs and return pages: callbacks are not guaranteed, so a shop
//! asks for the status itself, and can wait a bounded time for a customer to finish.

use crate::api::payment::Payment;
use crate::client::Typed;
use crate::error::{Error, ErrorKind, Result};
use crate::json::answer::to_json;
use crate::json::input::{one_field, request_object, Fields};
use crate::model::status::{rank, Amounts, Normalized, Status};
use crate::Client;
use serde::Serialize;
use serde_json::Value;
use std::time::{Duration, Instant};

/// The longest wait a call may ask for: a return page must answer its visitor.
const MAX_WAIT_MS: u64 = 10 * 60 * 1000;

impl Client {
    /// The normalized status of a payment: `{"reference", "api"?}` →
    /// `{"reference", "status", "final", amounts..., "psp_reference", "event"}` (the JSON form
    /// of [`Typed::reconcile`]). `event` is the status as an event for `apply_event`, so what
    /// polling learns folds into the same record as the webhooks, by the same rank rule.
    pub fn reconcile(&self, request: &Value) -> Result<Value> {
        to_json(&self.typed().reconcile(request)?)
    }

    /// Polls until the payment leaves `pending` or `timeout_ms` passes (the JSON form of
    /// [`Typed::wait_for_final_status`]).
    pub fn wait_for_final_status(&self, request: &Value) -> Result<Value> {
        to_json(&self.typed().wait_for_final_status(request)?)
    }
}

/// Reconciliation, typed.
impl Typed<'_> {
    /// The normalized status of a payment: `{"reference", "api"?}`.
    ///
    /// ```no_run
    /// # let client = vipps::Client::new(r#"{"system_name":"acme","system_version":"1.0",
    /// #     "plugin_name":"acme-vipps","plugin_version":"1.0"}"#)?;
    /// let seen = client.typed().reconcile(&serde_json::json!({"reference": "acme-order-10001"}))?;
    /// println!("{:?}, PSP reference {:?}", seen.normalized.status, seen.psp_reference);
    /// # Ok::<(), vipps::Error>(())
    /// ```
    pub fn reconcile(&self, request: &Value) -> Result<Reconciled> {
        let order = self.order_named(request)?;
        let payment = self.get_payment(request)?;
        Reconciled::new(order, payment, 1, false)
    }

    /// The order a request names, checked with its own API's rules: its `reference`, or for
    /// eCom its `orderId` (the answer names the order however the request named it).
    fn order_named(&self, request: &Value) -> Result<String> {
        let api = crate::api::orders::order_api(request)?;
        Ok(self.client.order_target(request, api)?.0)
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
    pub fn wait_for_final_status(&self, request: &Value) -> Result<Reconciled> {
        let client = self.client;
        let started = Instant::now();
        let mut object = request_object(request)?;
        let timeout = take_millis(&mut object, "timeout_ms")?.ok_or_else(|| {
            Error::invalid_input("timeout_ms is required (how long to wait, in milliseconds)")
        })?;
        let initial = take_millis(&mut object, "initial_delay_ms")?
            .unwrap_or(client.config.polling.initial_delay);
        let interval = take_millis(&mut object, "interval_ms")?
            .unwrap_or(client.config.polling.interval)
            .max(Duration::from_millis(1));
        let request = Value::Object(object);
        // Refuse a bad request now, not after the initial delay, with the order's own API's rules.
        let order = self.order_named(&request)?;
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
                        Some(payment) => Reconciled::new(order, payment, polls, true),
                        None => Err(error),
                    };
                }
                Err(error) => return Err(error),
            };
            let is_final = payment
                .normalized
                .as_ref()
                .is_some_and(|n| n.status.is_final());
            if is_final {
                return Reconciled::new(order, payment, polls, false);
            }
            sleep_until(end, interval);
            if Instant::now() >= end {
                return Reconciled::new(order, payment, polls, true);
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

/// A payment's status as reconciliation found it. JSON: the fields of `normalized`, flat,
/// with `reference`, `psp_reference`, `event`, `polls` and `timed_out` beside them.
#[derive(Clone, Debug, Serialize)]
pub struct Reconciled {
    /// The normalized status.
    #[serde(flatten)]
    pub normalized: Normalized,
    /// The status as an event for `apply_event` (`kind: "poll"`).
    pub event: PollEvent,
    /// The order the request named: its `reference`, or an eCom order's `orderId`.
    pub reference: String,
    /// The PSP reference of the authorization, the transaction id a shop shows.
    pub psp_reference: Option<String>,
    /// How many times the payment was read.
    pub polls: u32,
    /// True when the wait ended before the payment left `pending`.
    pub timed_out: bool,
}

impl Reconciled {
    fn new(order: String, payment: Payment, polls: u32, timed_out: bool) -> Result<Reconciled> {
        // A payment read always has its status; only an eCom money call may lack it.
        let normalized = payment
            .normalized
            .ok_or_else(|| Error::internal("a payment was read without its status"))?;
        let psp_reference = payment.psp_reference;
        let event = PollEvent::new(&order, &normalized, psp_reference.as_deref());
        Ok(Reconciled {
            normalized,
            event,
            reference: order,
            psp_reference,
            polls,
            timed_out,
        })
    }
}

/// A polled status as an event `apply_event` folds: `kind: "poll"`, running totals
/// (`amounts.basis: "total"`, compared by rank and progress like Checkout and eCom callbacks),
/// and an `id` made of the status and the amounts, so polling the same state twice is a
/// duplicate and a new state is new. It is `verified`: it is the API's own answer to this client.
#[derive(Clone, Debug, Serialize)]
pub struct PollEvent {
    /// Always `"poll"`.
    pub kind: &'static str,
    /// Always true: the API's own answer to this client.
    pub verified: bool,
    /// The payment's reference.
    pub reference: String,
    /// `poll:<reference>:<status>:<authorized>:<captured>:<refunded>:<cancelled>`.
    pub id: String,
    /// The status polled.
    pub status: Status,
    /// Whether the status is final.
    #[serde(rename = "final")]
    pub is_final: bool,
    /// The status's rank.
    pub rank: u32,
    /// captured + refunded + cancelled.
    pub progress: i64,
    /// The payment's currency.
    pub currency: Option<String>,
    /// The PSP reference of the authorization.
    pub psp_reference: Option<String>,
    /// Always `None`: a poll has no time of its own.
    pub timestamp: Option<String>,
    /// The running totals.
    pub amounts: PollAmounts,
}

/// The running totals of a [`PollEvent`] (`basis: "total"`).
#[derive(Clone, Debug, Serialize)]
pub struct PollAmounts {
    /// Always `"total"`: running totals, not one operation's amount.
    pub basis: &'static str,
    /// The totals.
    #[serde(flatten)]
    pub amounts: Amounts,
}

impl PollEvent {
    fn new(reference: &str, normalized: &Normalized, psp_reference: Option<&str>) -> PollEvent {
        let status = normalized.status;
        let amounts = normalized.amounts;
        let [authorized, captured, refunded, cancelled] = amounts.values();
        PollEvent {
            kind: "poll",
            verified: true,
            reference: reference.to_owned(),
            id: format!(
                "poll:{reference}:{}:{authorized}:{captured}:{refunded}:{cancelled}",
                status.as_str()
            ),
            status,
            is_final: status.is_final(),
            rank: rank(status),
            progress: amounts.progress(),
            currency: normalized.currency.clone(),
            psp_reference: psp_reference.map(str::to_owned),
            timestamp: None,
            amounts: PollAmounts {
                basis: "total",
                amounts,
            },
        }
    }
}
