//! Idempotency records: per reference, operation and `Idempotency-Key`, the first response.
//!
//! The same key with the same body replays that response (status and body, a 4xx included);
//! the same key with a different body is a 409 conflict. A replay changes nothing.

use crate::reply::Reply;
use std::collections::HashMap;

pub enum Lookup {
    Fresh,
    Replay(Reply),
    Conflict,
}

struct Stored {
    fingerprint: Vec<u8>,
    reply: Reply,
}

#[derive(Default)]
pub struct IdempotencyStore {
    entries: HashMap<(String, &'static str, String), Stored>,
}

impl IdempotencyStore {
    pub fn lookup(
        &self,
        reference: &str,
        op: &'static str,
        key: &str,
        fingerprint: &[u8],
    ) -> Lookup {
        match self
            .entries
            .get(&(reference.to_string(), op, key.to_string()))
        {
            None => Lookup::Fresh,
            Some(s) if s.fingerprint == fingerprint => Lookup::Replay(s.reply.clone()),
            Some(_) => Lookup::Conflict,
        }
    }

    pub fn remember(
        &mut self,
        reference: &str,
        op: &'static str,
        key: &str,
        fingerprint: Vec<u8>,
        reply: &Reply,
    ) {
        self.entries.insert(
            (reference.to_string(), op, key.to_string()),
            Stored {
                fingerprint,
                reply: reply.clone(),
            },
        );
    }
}
