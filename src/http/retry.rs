//! When a failed attempt may be tried again, and how long to wait first.
//!
//! A request is *safe to repeat* when sending it twice has the effect of sending it once: a GET,
//! or a call that carries an idempotency key. The policy, attempt by attempt:
//! - safe to repeat: retried after a failure to connect, a dropped connection, a timeout, and
//!   after 423 (Locked), 429, 500, 502, 503 and 504;
//! - not safe to repeat (a POST, PUT, PATCH or DELETE without a key, e.g. a webhook
//!   registration): retried only when nothing was sent (the connection could not be made: refused,
//!   host not found, connect timeout) and after 429. Never after 5xx, a timeout or a dropped
//!   connection: a gateway's 502/503/504 often means the backend acted, and sending it again
//!   could act twice. 429 is retried because it says the request was turned away unprocessed.
//! - never a 4xx other than 429: repeating a request the API called wrong cannot help.
//!
//! The wait before a retry is the longer of the server's `Retry-After` and our own backoff, so
//! `Retry-After: 0` cannot make attempts follow each other without pause. `Retry-After` is
//! capped at [`MAX_RETRY_AFTER`]; a wait that would pass the call's deadline is not started
//! (the last answer is returned instead).

use crate::config::RetryPolicy;
use std::time::{Duration, SystemTime};

/// The longest `Retry-After` taken literally: the longest `total_ms` a client may have. A
/// longer one can never be waited for anyway, and capping keeps the arithmetic safe.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(600);

/// Whether an HTTP status may succeed if the same request is sent again.
pub fn status_is_retryable(status: u16, safe_to_repeat: bool) -> bool {
    match status {
        429 => true,
        // 423 Locked: "transient", or the same payment called again too soon; the docs say
        // to retry it with the same Idempotency-Key, so only a call safe to repeat is.
        423 | 500 | 502 | 503 | 504 => safe_to_repeat,
        _ => false,
    }
}

/// Whether an error answer tells the caller to send the same call again later (the error's
/// `retryable`), once the transport's own retries are spent: always after 429 and the gateway
/// errors 502, 503 and 504 (the caller decides, knowing what it sent), after 500 only for a
/// request safe to repeat.
pub fn answer_is_retryable(status: u16, safe_to_repeat: bool) -> bool {
    match status {
        429 | 502 | 503 | 504 => true,
        // 423 Locked: transient; the docs say to retry with the same idempotency key.
        423 | 500 => safe_to_repeat,
        _ => false,
    }
}

/// How long to wait before attempt `attempt + 1`: our backoff, or the server's `Retry-After`
/// when that is longer (never shorter: a server saying "0" does not remove the backoff).
pub fn retry_delay(policy: &RetryPolicy, attempt: u32, retry_after: Option<Duration>) -> Duration {
    let own = backoff(policy, attempt);
    match retry_after {
        Some(server) => server.min(MAX_RETRY_AFTER).max(own),
        None => own,
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

/// The server's `Retry-After`: delay-seconds or an HTTP date, capped at [`MAX_RETRY_AFTER`]
/// (a number too large for a u64 counts as the cap, not as garbage).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        let seconds = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(seconds).min(MAX_RETRY_AFTER));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO)
            .min(MAX_RETRY_AFTER),
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
    fn an_error_answer_is_retryable_for_429_and_gateways_and_500_only_when_safe() {
        for status in [429, 502, 503, 504] {
            assert!(answer_is_retryable(status, true), "{status}");
            assert!(answer_is_retryable(status, false), "{status}");
        }
        assert!(answer_is_retryable(500, true));
        assert!(!answer_is_retryable(500, false));
        for status in [400, 401, 403, 404, 409, 501] {
            assert!(!answer_is_retryable(status, true), "{status}");
        }
    }

    #[test]
    fn only_transient_statuses_are_retried_and_5xx_only_when_safe() {
        for status in [500, 502, 503, 504] {
            assert!(status_is_retryable(status, true));
            assert!(!status_is_retryable(status, false), "{status}");
        }
        assert!(status_is_retryable(429, true));
        assert!(status_is_retryable(429, false));
        assert!(status_is_retryable(423, true));
        assert!(!status_is_retryable(423, false));
        for status in [400, 401, 403, 404, 409, 422] {
            assert!(!status_is_retryable(status, true));
        }
    }

    #[test]
    fn retry_after_lengthens_the_backoff_but_never_shortens_it() {
        let policy = RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
        };
        for _ in 0..50 {
            assert!(retry_delay(&policy, 1, Some(Duration::ZERO)) >= Duration::from_millis(50));
            assert!(retry_delay(&policy, 3, Some(Duration::ZERO)) >= Duration::from_millis(200));
        }
        assert_eq!(
            retry_delay(&policy, 1, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        assert_eq!(
            retry_delay(&policy, 1, Some(Duration::MAX)),
            MAX_RETRY_AFTER
        );
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
        assert_eq!(parse_retry_after("-1"), None);
        for huge in ["18446744073709551615", "99999999999999999999999"] {
            assert_eq!(parse_retry_after(huge), Some(MAX_RETRY_AFTER));
        }
        assert_eq!(
            parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT"),
            Some(MAX_RETRY_AFTER)
        );
    }
}
