//! The documented ePayment rate limits (docs/api-notes.md, "Rate limiting" in the ePayment API
//! guide): create, capture, cancel and refund 5 calls per minute per `reference` + MSN; get
//! payment and get event log 120 per minute per `reference` + subscription key. A call over the
//! limit gets 429 with `Retry-After` (whole seconds until the oldest counted call leaves the
//! one-minute window) and an RFC 7807 problem, and is not counted.
//!
//! Counted on the simulated clock, so a test moves past a limit with `/_sim/clock/advance`.
//! Off unless `SimOptions::rate_limits` or `POST /_sim/rate-limits {"enabled": true}`, so the
//! suites that call one reference many times (soak, faults) are not slowed.

use crate::json_body::parse_object;
use crate::problem;
use crate::reply::Reply;
use crate::state::Sim;
use crate::MAX_BODY_BYTES;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

const WINDOW_MS: i64 = 60_000;

/// The operations with a limit of their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Limited {
    Create,
    Capture,
    Cancel,
    Refund,
    GetPayment,
    GetEvents,
}

impl Limited {
    /// Calls per minute for one reference.
    pub fn per_minute(self) -> usize {
        match self {
            Limited::GetPayment | Limited::GetEvents => 120,
            _ => 5,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Limited::Create => "create",
            Limited::Capture => "capture",
            Limited::Cancel => "cancel",
            Limited::Refund => "refund",
            Limited::GetPayment => "get payment",
            Limited::GetEvents => "get event log",
        }
    }

    /// Gets are counted per subscription key, the money calls per MSN.
    fn counted_by(self) -> &'static str {
        match self {
            Limited::GetPayment | Limited::GetEvents => "ocp-apim-subscription-key",
            _ => "merchant-serial-number",
        }
    }
}

type Key = (Limited, String, String);

#[derive(Default)]
pub struct RateLimiter {
    enabled: AtomicBool,
    calls: Mutex<HashMap<Key, VecDeque<i64>>>,
}

impl RateLimiter {
    pub fn new(enabled: bool) -> RateLimiter {
        RateLimiter {
            enabled: AtomicBool::new(enabled),
            calls: Mutex::default(),
        }
    }

    pub fn enabled(&self) -> bool {
        self.enabled.load(Ordering::Relaxed)
    }

    /// Switches the limits; the counts start over either way.
    pub fn set_enabled(&self, enabled: bool) {
        self.enabled.store(enabled, Ordering::Relaxed);
        self.clear();
    }

    pub fn clear(&self) {
        self.calls.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// Counts a call at `now_ms`, or says how many seconds to wait when over the limit.
    pub fn admit(&self, op: Limited, who: &str, reference: &str, now_ms: i64) -> Result<(), u64> {
        let mut calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        let window = calls
            .entry((op, who.to_string(), reference.to_string()))
            .or_default();
        while window.front().is_some_and(|&at| at <= now_ms - WINDOW_MS) {
            window.pop_front();
        }
        if window.len() >= op.per_minute() {
            let oldest = window.front().copied().unwrap_or(now_ms);
            let wait_ms = (oldest + WINDOW_MS - now_ms).max(1);
            return Err(((wait_ms + 999) / 1000) as u64);
        }
        window.push_back(now_ms);
        Ok(())
    }
}

/// Which limited operation a request is, and its reference when the path names it.
fn classify(method: &Method, path: &str) -> Option<(Limited, Option<String>)> {
    let rest = path.strip_prefix("/epayment/v1/payments")?;
    if rest.is_empty() || rest == "/" {
        return (method == Method::POST).then_some((Limited::Create, None));
    }
    let parts: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
    let op = match (method, parts.as_slice()) {
        (&Method::GET, [_]) => Limited::GetPayment,
        (&Method::GET, [_, "events"]) => Limited::GetEvents,
        (&Method::POST, [_, "capture"]) => Limited::Capture,
        (&Method::POST, [_, "cancel"]) => Limited::Cancel,
        (&Method::POST, [_, "refund"]) => Limited::Refund,
        _ => return None,
    };
    Some((op, Some(parts[0].to_string())))
}

/// Middleware on the ePayment routes: turns away a call over its limit before the handler runs.
pub async fn enforce(State(sim): State<Arc<Sim>>, request: Request, next: Next) -> Response {
    if !sim.rate_limits.enabled() {
        return next.run(request).await;
    }
    let Some((op, reference)) = classify(request.method(), request.uri().path()) else {
        return next.run(request).await;
    };
    let who = request
        .headers()
        .get(op.counted_by())
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let (request, reference) = match reference {
        Some(r) => (request, r),
        None => {
            // Create: the reference is in the body; read it and hand the bytes on unchanged.
            let (parts, body) = request.into_parts();
            let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
                .await
                .unwrap_or_else(|_| Bytes::new());
            let reference = parse_object(&bytes).ok().and_then(|v| {
                v.get("reference")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            });
            let request = Request::from_parts(parts, Body::from(bytes));
            match reference {
                Some(r) => (request, r),
                // No reference: the handler refuses it as invalid.
                None => return next.run(request).await,
            }
        }
    };
    match sim.rate_limits.admit(op, &who, &reference, sim.now_ms()) {
        Ok(()) => next.run(request).await,
        Err(wait_secs) => too_many(&sim, op, &reference, wait_secs),
    }
}

fn too_many(sim: &Sim, op: Limited, reference: &str, wait_secs: u64) -> Response {
    let detail = format!(
        "Rate limit exceeded: at most {} {} calls per minute for reference '{reference}'. Try again in {wait_secs} seconds.",
        op.per_minute(),
        op.name()
    );
    let mut response =
        problem::epayment(sim, 429, "Too Many Requests", &detail, None).into_response();
    response.headers_mut().insert(
        "retry-after",
        HeaderValue::from_str(&wait_secs.to_string()).expect("digits are a valid header value"),
    );
    response
}

/// `GET /_sim/rate-limits`: `{"enabled": bool}`.
pub async fn get_switch(State(sim): State<Arc<Sim>>) -> Reply {
    Reply::json(200, &json!({ "enabled": sim.rate_limits.enabled() }))
}

/// `POST /_sim/rate-limits {"enabled": bool}`: switches the limits on or off (counts restart).
pub async fn set_switch(State(sim): State<Arc<Sim>>, body: Bytes) -> Reply {
    let enabled = parse_object(&body)
        .ok()
        .and_then(|v| v.get("enabled").and_then(Value::as_bool));
    let Some(enabled) = enabled else {
        return problem::generic(&sim, 400, "Expected {\"enabled\": true|false}.");
    };
    sim.rate_limits.set_enabled(enabled);
    Reply::json(200, &json!({ "enabled": enabled }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_per_minute_then_wait_until_the_oldest_leaves_the_window() {
        let limiter = RateLimiter::new(true);
        for i in 0..5 {
            assert_eq!(
                limiter.admit(Limited::Capture, "123456", "r1", 1_000 + i * 1000),
                Ok(())
            );
        }
        assert_eq!(
            limiter.admit(Limited::Capture, "123456", "r1", 10_000),
            Err(51)
        );
        // Other references, operations and merchants have their own counts.
        assert_eq!(
            limiter.admit(Limited::Capture, "123456", "r2", 10_000),
            Ok(())
        );
        assert_eq!(
            limiter.admit(Limited::Refund, "123456", "r1", 10_000),
            Ok(())
        );
        assert_eq!(
            limiter.admit(Limited::Capture, "654321", "r1", 10_000),
            Ok(())
        );
        assert_eq!(
            limiter.admit(Limited::Capture, "123456", "r1", 61_000),
            Ok(())
        );
    }

    #[test]
    fn gets_allow_120() {
        let limiter = RateLimiter::new(true);
        for _ in 0..120 {
            assert_eq!(limiter.admit(Limited::GetPayment, "k", "r", 0), Ok(()));
        }
        assert_eq!(limiter.admit(Limited::GetPayment, "k", "r", 0), Err(60));
    }

    #[test]
    fn paths_are_classified() {
        let c = |m: Method, p: &str| classify(&m, p);
        assert_eq!(
            c(Method::POST, "/epayment/v1/payments"),
            Some((Limited::Create, None))
        );
        assert_eq!(
            c(Method::POST, "/epayment/v1/payments/r-1/capture"),
            Some((Limited::Capture, Some("r-1".into())))
        );
        assert_eq!(
            c(Method::GET, "/epayment/v1/payments/r-1/events"),
            Some((Limited::GetEvents, Some("r-1".into())))
        );
        assert_eq!(
            c(Method::POST, "/epayment/v1/test/payments/r-1/approve"),
            None
        );
        assert_eq!(c(Method::GET, "/checkout/v3/session/r-1"), None);
    }
}
