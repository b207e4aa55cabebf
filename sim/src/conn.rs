//! A per-connection handle that lets a request handler close its own TCP connection without
//! sending a response, which is how `drop` faults look to a client: no status line at all.

use std::sync::Arc;
use tokio::sync::Notify;

#[derive(Clone, Default)]
pub struct ConnAbort(Arc<Notify>);

impl ConnAbort {
    /// Asks the connection task to drop the connection now.
    pub fn abort(&self) {
        // `notify_one` stores a permit, so the signal is not lost if nobody waits yet.
        self.0.notify_one();
    }

    pub async fn aborted(&self) {
        self.0.notified().await;
    }
}
