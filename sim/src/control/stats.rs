//! Counters served by `GET /_sim/stats`.

use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Default)]
pub struct Stats {
    token_fetches: AtomicU64,
    requests: AtomicU64,
    connections: AtomicU64,
}

impl Stats {
    /// A successful `POST /accesstoken/get`.
    pub fn count_token_fetch(&self) {
        self.token_fetches.fetch_add(1, Ordering::Relaxed);
    }

    /// Any request outside `/_sim`.
    pub fn count_request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    /// An accepted TCP connection (before any TLS handshake).
    pub fn count_connection(&self) {
        self.connections.fetch_add(1, Ordering::Relaxed);
    }

    pub fn connections(&self) -> u64 {
        self.connections.load(Ordering::Relaxed)
    }

    pub fn token_fetches(&self) -> u64 {
        self.token_fetches.load(Ordering::Relaxed)
    }

    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    pub fn reset(&self) {
        self.token_fetches.store(0, Ordering::Relaxed);
        self.requests.store(0, Ordering::Relaxed);
        self.connections.store(0, Ordering::Relaxed);
    }
}
