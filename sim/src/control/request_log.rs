//! Every request received outside `/_sim`, served by `GET /_sim/requests`.

use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;

/// Older entries are forgotten beyond this many, so long runs stay bounded.
const MAX_ENTRIES: usize = 100_000;

#[derive(Clone, Debug, Serialize)]
pub struct RequestRecord {
    pub seq: u64,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// Lower-case header names; repeated headers are joined with ", ".
    pub headers: BTreeMap<String, String>,
    /// The body as UTF-8 (lossy).
    pub body: String,
    /// The status sent, or `null` when the connection was dropped before any response.
    pub status: Option<u16>,
    /// Set when a fault dropped the connection (the client saw no response).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dropped: bool,
    pub at: String,
}

#[derive(Default)]
pub struct RequestLog {
    inner: Mutex<(u64, VecDeque<RequestRecord>)>,
}

impl RequestLog {
    pub fn push(&self, mut rec: RequestRecord) {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        g.0 += 1;
        rec.seq = g.0;
        if g.1.len() >= MAX_ENTRIES {
            g.1.pop_front();
        }
        g.1.push_back(rec);
    }

    pub fn matching(&self, path_prefix: Option<&str>) -> Vec<RequestRecord> {
        let g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        g.1.iter()
            .filter(|r| path_prefix.is_none_or(|p| r.path.starts_with(p)))
            .cloned()
            .collect()
    }

    pub fn clear(&self) {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .1
            .clear();
    }
}
