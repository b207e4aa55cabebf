//! Poll-until for conditions that are not requests captured by a `Receiver` (for those, use
//! `Receiver::wait_until`): a test waits for the condition itself, never for a fixed time.

use std::time::{Duration, Instant};

/// Calls `probe` every 20 ms until it returns `Some`, and returns that value; panics naming
/// `what` when `timeout` passes first.
pub fn poll_until<T>(timeout: Duration, what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = probe() {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {timeout:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
