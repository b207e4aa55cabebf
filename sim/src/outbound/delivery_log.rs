//! The log of every delivery attempt, served by `GET /_sim/callbacks`.

use super::Delivery;
use crate::state::Sim;
use crate::timefmt::rfc3339_ms;
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;

const MAX_ENTRIES: usize = 100_000;

#[derive(Clone, Debug, Serialize)]
pub struct DeliveryRecord {
    pub seq: u64,
    pub kind: &'static str,
    pub url: String,
    /// 1 for the first try; 0 for a delivery dropped by a callback fault (never sent).
    pub attempt: u32,
    pub status: Option<u16>,
    pub error: Option<String>,
    pub headers: BTreeMap<String, String>,
    pub body: String,
    pub at: String,
}

#[derive(Default)]
pub struct DeliveryLog {
    inner: Mutex<(u64, VecDeque<DeliveryRecord>)>,
}

impl DeliveryLog {
    fn push(&self, mut rec: DeliveryRecord) {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        g.0 += 1;
        rec.seq = g.0;
        if g.1.len() >= MAX_ENTRIES {
            g.1.pop_front();
        }
        g.1.push_back(rec);
    }

    pub fn record_attempt(
        &self,
        sim: &Sim,
        d: &Delivery,
        attempt: u32,
        headers: &[(String, String)],
        outcome: &Result<u16, String>,
    ) {
        self.push(DeliveryRecord {
            seq: 0,
            kind: d.target.as_str(),
            url: d.url.clone(),
            attempt,
            status: outcome.as_ref().ok().copied(),
            error: outcome.as_ref().err().cloned(),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
                .collect(),
            body: d.body.clone(),
            at: rfc3339_ms(sim.now_ms()),
        });
    }

    /// A request the simulator made outside the retry machinery, e.g. the Checkout page's
    /// dynamic logistics callback (`kind` "checkout_shipping"): one attempt, logged as sent.
    pub fn record_call(
        &self,
        sim: &Sim,
        kind: &'static str,
        url: &str,
        headers: &[(String, String)],
        body: &str,
        outcome: &Result<u16, String>,
    ) {
        self.push(DeliveryRecord {
            seq: 0,
            kind,
            url: url.to_string(),
            attempt: 1,
            status: outcome.as_ref().ok().copied(),
            error: outcome.as_ref().err().cloned(),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
                .collect(),
            body: body.to_string(),
            at: rfc3339_ms(sim.now_ms()),
        });
    }

    pub fn record_dropped(&self, sim: &Sim, d: &Delivery) {
        self.push(DeliveryRecord {
            seq: 0,
            kind: d.target.as_str(),
            url: d.url.clone(),
            attempt: 0,
            status: None,
            error: Some("dropped by callback fault".to_string()),
            headers: BTreeMap::new(),
            body: d.body.clone(),
            at: rfc3339_ms(sim.now_ms()),
        });
    }

    pub fn all(&self) -> Vec<DeliveryRecord> {
        let g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        g.1.iter().cloned().collect()
    }

    pub fn clear(&self) {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .1
            .clear();
    }
}
