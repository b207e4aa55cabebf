//! Reconciliation for cron jobs and return pages: callbacks are not guaranteed, so a shop
//! asks for the status itself, and can wait a bounded time for a customer to finish.

use crate::call::request_object;
use crate::error::{Error, ErrorKind, Result};
use crate::input::Fields;
use crate::Client;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// The longest wait a call may ask for: a return page must answer its visitor.
const MAX_WAIT_MS: u64 = 10 * 60 * 1000;

impl Client {
    /// The normalized status of a payment: `{"reference", "api"?}` →
    /// `{"reference", "status", "final", amounts...}`.
    pub fn reconcile(&self, request: &Value) -> Result<Value> {
        let payment = self.get_payment(request)?;
        Ok(summary(request, &payment, 1, false))
    }

    /// Polls until the payment leaves `pending` or `timeout_ms` passes, following the polling
    /// guidance: a first check after `initial_delay_ms` (default from the configuration,
    /// 5 s), then every `interval_ms` (default 2 s). A timeout is not an error: the answer
    /// says `timed_out: true` with the last status seen.
    pub fn wait_for_final_status(&self, request: &Value) -> Result<Value> {
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
        // Refuse a bad request now, not after the initial delay.
        crate::epayment::order_api(&request)?;
        self.target(&request, 1, 64)?;
        let deadline = Instant::now() + timeout;
        std::thread::sleep(initial.min(timeout));
        let mut polls = 0;
        loop {
            polls += 1;
            let payment = self.get_payment(&request)?;
            let is_final = payment
                .pointer("/normalized/final")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let remaining = deadline.saturating_duration_since(Instant::now());
            if is_final || remaining.is_zero() {
                return Ok(summary(&request, &payment, polls, !is_final));
            }
            std::thread::sleep(interval.min(remaining));
        }
    }
}

fn take_millis(
    object: &mut serde_json::Map<String, Value>,
    name: &str,
) -> Result<Option<Duration>> {
    let value = object.remove(name);
    let holder = json!({ name: value });
    let fields = Fields::new(
        holder.as_object().expect("built as an object"),
        "",
        ErrorKind::InvalidInput,
    );
    match fields.opt_u64(name)? {
        Some(ms) if ms > MAX_WAIT_MS => {
            Err(fields.error(name, format!("must be at most {MAX_WAIT_MS}")))
        }
        other => Ok(other.map(Duration::from_millis)),
    }
}

fn summary(request: &Value, payment: &Value, polls: u32, timed_out: bool) -> Value {
    let mut out = payment
        .get("normalized")
        .cloned()
        .unwrap_or_else(|| json!({}));
    out["reference"] = request.get("reference").cloned().unwrap_or(Value::Null);
    out["polls"] = json!(polls);
    out["timed_out"] = json!(timed_out);
    out
}
