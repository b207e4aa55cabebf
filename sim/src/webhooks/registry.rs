//! Registered webhooks and the event types they may subscribe to.

use serde_json::{json, Value};

/// At most this many registrations per event type ([newer] docs: 25; the 2023 spec said 5).
pub const MAX_PER_EVENT: usize = 25;

/// Event types the Webhooks API accepts. Only the ePayment ones are ever emitted here.
pub const KNOWN_EVENTS: &[&str] = &[
    "epayments.payment.created.v1",
    "epayments.payment.aborted.v1",
    "epayments.payment.expired.v1",
    "epayments.payment.cancelled.v1",
    "epayments.payment.captured.v1",
    "epayments.payment.refunded.v1",
    "epayments.payment.authorized.v1",
    "epayments.payment.terminated.v1",
    "recurring.agreement-activated.v1",
    "recurring.agreement-rejected.v1",
    "recurring.agreement-stopped.v1",
    "recurring.agreement-expired.v1",
    "recurring.charge-reserved.v1",
    "recurring.charge-captured.v1",
    "recurring.charge-canceled.v1",
    "recurring.charge-failed.v1",
    "recurring.charge-creation-failed.v1",
    "user.checked-in.v1",
];

#[derive(Clone, Debug)]
pub struct Webhook {
    pub id: String,
    pub url: String,
    pub events: Vec<String>,
    pub secret: String,
}

impl Webhook {
    /// The listing form: the secret is shown only once, at registration.
    pub fn to_json(&self) -> Value {
        json!({ "id": self.id, "url": self.url, "events": self.events })
    }
}

#[derive(Default)]
pub struct WebhookRegistry {
    /// In registration order.
    hooks: Vec<Webhook>,
}

impl WebhookRegistry {
    pub fn all(&self) -> &[Webhook] {
        &self.hooks
    }

    pub fn count_for(&self, event: &str) -> usize {
        self.hooks
            .iter()
            .filter(|h| h.events.iter().any(|e| e == event))
            .count()
    }

    pub fn add(&mut self, hook: Webhook) {
        self.hooks.push(hook);
    }

    pub fn remove(&mut self, id: &str) -> bool {
        let before = self.hooks.len();
        self.hooks.retain(|h| !h.id.eq_ignore_ascii_case(id));
        self.hooks.len() != before
    }

    pub fn subscribers<'a>(&'a self, event: &'a str) -> impl Iterator<Item = &'a Webhook> + 'a {
        self.hooks
            .iter()
            .filter(move |h| h.events.iter().any(|e| e == event))
    }
}
