//! One deadline per public call, shared by every request the call makes.
//!
//! A call may make several requests: a token fetch, the API request, a second token fetch and
//! the request again after a 401, an eCom money call's `/details` read. They all share the
//! deadline made when the call started (`total_ms` from then), so the call as a whole ends in
//! time, not each request on its own.
//!
//! Some public calls are made of other public calls (`wait_for_final_status` polls with
//! `get_payment`). The outer call sets its own end with [`within`]; an inner call's deadline
//! is then the earlier of its own `total_ms` and the outer end. The outer end is kept for the
//! current thread only while the outer call runs (a call runs on one thread from start to
//! end), and is restored when it returns or unwinds.

use std::cell::Cell;
use std::time::{Duration, Instant};

thread_local! {
    /// The end of the public call that encloses the current one on this thread, if any.
    static ENCLOSING: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// A point in time `after` from now, saturating instead of overflowing.
pub(crate) fn from_now(after: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(after)
        // Unreachable with the durations configuration allows; a day is "no deadline" enough.
        .unwrap_or_else(|| now + Duration::from_secs(86_400))
}

/// The deadline of a public call starting now with `total` to run.
pub(crate) fn for_call(total: Duration) -> Instant {
    let own = from_now(total);
    match ENCLOSING.get() {
        Some(outer) => own.min(outer),
        None => own,
    }
}

/// Runs `f` so that every public call made inside ends by `end` at the latest.
pub(crate) fn within<T>(end: Instant, f: impl FnOnce() -> T) -> T {
    struct Restore(Option<Instant>);
    impl Drop for Restore {
        fn drop(&mut self) {
            ENCLOSING.set(self.0);
        }
    }
    let previous = ENCLOSING.get();
    let _restore = Restore(previous);
    ENCLOSING.set(Some(previous.map_or(end, |outer| outer.min(end))));
    f()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_enclosing_end_caps_inner_calls_and_is_restored_after() {
        let total = Duration::from_secs(20);
        let end = Instant::now() + Duration::from_millis(500);
        let inner = within(end, || for_call(total));
        assert_eq!(inner, end);
        assert!(for_call(total) > end + Duration::from_secs(10), "restored");
        let early = within(end, || {
            within(end + Duration::from_secs(5), || for_call(total))
        });
        assert_eq!(early, end, "an inner end never extends the outer one");
    }

    #[test]
    fn the_enclosing_end_is_restored_after_a_panic() {
        let end = Instant::now();
        let caught = std::panic::catch_unwind(|| within(end, || panic!("inside")));
        assert!(caught.is_err());
        assert!(for_call(Duration::from_secs(20)) > end + Duration::from_secs(10));
    }

    #[test]
    fn huge_durations_saturate() {
        assert!(from_now(Duration::MAX) > Instant::now());
    }
}
