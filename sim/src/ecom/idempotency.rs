//! `X-Request-Id` idempotency: per orderId, MSN and endpoint, the first response. The same id
//! with the same body replays it (no second effect); with a different body it is error 93.

use crate::reply::Reply;
use std::collections::HashMap;

pub enum Lookup {
    Fresh,
    Replay(Reply),
    Mismatch,
}

struct Stored {
    fingerprint: Vec<u8>,
    reply: Reply,
}

/// Key: (MSN, orderId, endpoint, X-Request-Id).
type Key = (String, String, &'static str, String);

#[derive(Default)]
pub struct RequestIds {
    entries: HashMap<Key, Stored>,
}

fn key(msn: &str, order_id: &str, endpoint: &'static str, request_id: &str) -> Key {
    (
        msn.to_string(),
        order_id.to_string(),
        endpoint,
        request_id.to_string(),
    )
}

impl RequestIds {
    pub fn lookup(
        &self,
        msn: &str,
        order_id: &str,
        endpoint: &'static str,
        request_id: &str,
        fingerprint: &[u8],
    ) -> Lookup {
        match self.entries.get(&key(msn, order_id, endpoint, request_id)) {
            None => Lookup::Fresh,
            Some(s) if s.fingerprint == fingerprint => Lookup::Replay(s.reply.clone()),
            Some(_) => Lookup::Mismatch,
        }
    }

    pub fn remember(
        &mut self,
        msn: &str,
        order_id: &str,
        endpoint: &'static str,
        request_id: &str,
        fingerprint: Vec<u8>,
        reply: &Reply,
    ) {
        self.entries.insert(
            key(msn, order_id, endpoint, request_id),
            Stored {
                fingerprint,
                reply: reply.clone(),
            },
        );
    }
}
