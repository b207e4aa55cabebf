//! State that belongs to one process: rebuilt in a forked child without touching the parent's.
//!
//! PHP-FPM and preforking servers fork while other threads may be inside the library. A lock
//! held by one of those threads at the moment of `fork()` stays locked in the child forever,
//! because the thread that would release it does not exist there. So a child must never lock
//! anything it inherited: on a new process id this cell swaps in fresh state through a
//! lock-free pointer (arc-swap), and the inherited state is kept, unlocked and unused, behind
//! the new one (it is neither locked nor dropped: dropping it could close the parent's pooled
//! connections from the child).

use arc_swap::ArcSwapOption;
use std::sync::{Arc, OnceLock};

/// The state of one process, and the state inherited from the process that forked it.
pub(crate) struct Generation<T> {
    pid: u32,
    value: T,
    /// Kept so the parent's state stays reachable (valgrind sees no leak) but is never used.
    _inherited: Option<Arc<Generation<T>>>,
}

impl<T> std::ops::Deref for Generation<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

/// A value made anew in each process, reached without taking any lock.
pub(crate) struct PerProcess<T> {
    current: ArcSwapOption<Generation<T>>,
    /// The first process's value once more, by an ordinary `Arc`: arc-swap keeps a pointer into
    /// the middle of its allocation, which valgrind reports as "possibly lost" for the
    /// process-wide token cache that is never freed. Only ever set by the first process, so a
    /// forked child never waits on it.
    first: OnceLock<Arc<Generation<T>>>,
}

impl<T> PerProcess<T> {
    pub(crate) const fn new() -> Self {
        PerProcess {
            current: ArcSwapOption::const_empty(),
            first: OnceLock::new(),
        }
    }

    /// The process the current value was made in, if any: differs from ours after a fork.
    pub(crate) fn made_in(&self) -> Option<u32> {
        self.current
            .load()
            .as_ref()
            .map(|generation| generation.pid)
    }

    /// This process's value; `make` builds it on first use here (in the first process, or
    /// after a fork). Two threads may both call `make` at first use; one result is kept.
    pub(crate) fn get(&self, make: impl Fn() -> T) -> Arc<Generation<T>> {
        let pid = std::process::id();
        loop {
            if let Some(current) = self.current.load_full() {
                if current.pid == pid {
                    if current._inherited.is_none() && self.first.get().is_none() {
                        let _ = self.first.set(current.clone());
                    }
                    return current;
                }
            }
            self.current.rcu(|current| match current {
                Some(generation) if generation.pid == pid => Some(generation.clone()),
                inherited => Some(Arc::new(Generation {
                    pid,
                    value: make(),
                    _inherited: inherited.clone(),
                })),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    static MADE: AtomicU32 = AtomicU32::new(0);

    fn make() -> u32 {
        MADE.fetch_add(1, Ordering::SeqCst)
    }

    #[test]
    fn one_value_per_process_shared_by_threads() {
        static CELL: PerProcess<u32> = PerProcess::new();
        let first = **CELL.get(make);
        let seen: Vec<u32> = (0..8)
            .map(|_| std::thread::spawn(|| **CELL.get(make)))
            .map(|t| t.join().unwrap())
            .collect();
        assert!(seen.iter().all(|v| *v == first), "{seen:?} vs {first}");
    }

    #[test]
    fn a_new_pid_gets_a_new_value_and_keeps_the_old_one_unused() {
        let cell: PerProcess<u32> = PerProcess::new();
        let parent = cell.get(make);
        // Pretend this generation belongs to another process, as a forked child sees it.
        cell.current.store(Some(Arc::new(Generation {
            pid: parent.pid.wrapping_add(1),
            value: 999,
            _inherited: None,
        })));
        let child = cell.get(make);
        assert_eq!(child.pid, std::process::id());
        assert_ne!(**child, 999);
        assert_eq!(
            child._inherited.as_ref().map(|g| g.value),
            Some(999),
            "the inherited state is kept, not dropped"
        );
        assert!(Arc::ptr_eq(&child, &cell.get(make)));
    }
}
