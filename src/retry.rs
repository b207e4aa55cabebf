//! When a failed attempt may be tried again, and how long to wait first.
//!
//! Retried: connection errors and timeouts, 429, 502, 503, 504, and 500 when the call is safe
//! to repeat (it carries an idempotency key, or it changes nothing). Never a 4xx that says the
//! request is wrong: repeating it cannot help and may hide the mistake.

use crate::config::RetryPolicy;
use std::time::{Duration, SystemTime};

/// Whether an HTTP status may succeed if the same request is sent again.
pub fn status_is_retryable(status: u16, safe_to_repeat: bool) -> bool {
    match status {
        429 | 502 | 503 | 504 => true,
        500 => safe_to_repeat,
        _ => false,
    }
}

/// Exponential backoff with "equal jitter": half the delay is fixed, half random, so that
/// many workers that failed together do not retry together.
pub fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    let exp = policy
        .base_delay
        .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
    let capped = exp.min(policy.max_delay);
    let half = capped / 2;
    half + half.mul_f64(random_unit())
}

/// The server's `Retry-After`: delay-seconds or an HTTP date.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

fn random_unit() -> f64 {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        return 0.5;
    }
    (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_transient_statuses_are_retried() {
        for status in [429, 502, 503, 504] {
            assert!(status_is_retryable(status, false));
        }
        assert!(status_is_retryable(500, true));
        assert!(!status_is_retryable(500, false));
        for status in [400, 401, 403, 404, 409, 422] {
            assert!(!status_is_retryable(status, true));
        }
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
        };
        for _ in 0..50 {
            let first = backoff(&policy, 1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let third = backoff(&policy, 3);
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400));
            let tenth = backoff(&policy, 10);
            assert!(tenth <= Duration::from_millis(1000) && tenth >= Duration::from_millis(500));
        }
    }

    #[test]
    fn retry_after_takes_seconds_and_dates() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }
}
