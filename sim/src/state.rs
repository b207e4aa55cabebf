//! The simulator's shared state and the transaction through which payments change.

use crate::auth::tokens::TokenStore;
use crate::checkout::session::Session;
use crate::clock::SimClock;
use crate::control::faults::FaultQueue;
use crate::control::request_log::RequestLog;
use crate::control::stats::Stats;
use crate::epayment::idempotency::IdempotencyStore;
use crate::ids::Ids;
use crate::notify;
use crate::options::SimOptions;
use crate::outbound::{self, Outbound};
use crate::payments::Payment;
use crate::webhooks::registry::WebhookRegistry;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// Everything one simulator instance knows. Shared as `Arc<Sim>` by all handlers.
pub struct Sim {
    pub opts: SimOptions,
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub base_url: String,
    pub clock: SimClock,
    pub ids: Ids,
    store: Mutex<Store>,
    pub tokens: TokenStore,
    pub requests: RequestLog,
    pub faults: FaultQueue,
    pub outbound: Outbound,
    pub stats: Stats,
    /// The documented per-reference rate limits (off unless switched on).
    pub rate_limits: crate::epayment::rate_limit::RateLimiter,
}

/// The stateful part that changes together, under one lock, so that an operation and its
/// idempotency record are atomic.
#[derive(Default)]
pub struct Store {
    /// ePayment payments and the payments underneath Checkout sessions, by reference.
    pub payments: HashMap<String, Payment>,
    /// Checkout sessions, by reference.
    pub sessions: HashMap<String, Session>,
    pub idempotency: IdempotencyStore,
    pub webhooks: WebhookRegistry,
    /// eCom v2 orders and their `X-Request-Id` records.
    pub ecom: crate::ecom::EcomStore,
    /// ePayment `returnUrl`s by reference, for the landing page's redirect after approval.
    pub return_urls: HashMap<String, String>,
    /// Shipping options a dynamic logistics callback offered on the checkout page, by session
    /// reference; a payment may pick only one of these (or a fixed option).
    pub shipping_offers: HashMap<String, Vec<crate::pages::logistics::ShipOption>>,
    /// Order Management receipts, categories and images, and who approved which payment.
    pub order_management: crate::order_management::OmStore,
    /// ePayment `qrFormat` of `userFlow: QR` payments, by reference (`GET /sim/qr/{reference}`).
    pub qr_codes: HashMap<String, crate::epayment::qr::QrFormat>,
    /// The first six digits of the card a `CARD` payment was paid with (`paymentMethod.cardBin`).
    pub card_bins: HashMap<String, String>,
    /// ePayment Express payments: their shipping setup and the customer's choice, by reference.
    pub express: HashMap<String, crate::epayment::express::ExpressPayment>,
}

impl Store {
    /// The Checkout session whose creation returned `token` (the checkout page receives it).
    pub fn session_by_token(&self, token: &str) -> Option<&Session> {
        self.sessions.values().find(|s| s.token == token)
    }
}

impl Sim {
    pub fn new(opts: SimOptions, base_url: String, runtime: tokio::runtime::Handle) -> Sim {
        let seed = opts.seed;
        let rate_limits = crate::epayment::rate_limit::RateLimiter::new(opts.rate_limits);
        Sim {
            opts,
            base_url,
            clock: SimClock::default(),
            ids: Ids::new(seed),
            store: Mutex::new(Store::default()),
            tokens: TokenStore::default(),
            requests: RequestLog::default(),
            faults: FaultQueue::default(),
            outbound: Outbound::new(runtime),
            stats: Stats::default(),
            rate_limits,
        }
    }

    /// Locks the store. A poisoned lock is recovered: the data is still consistent because
    /// every mutation completes before anything that could panic.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts a change: payments touched through it have their new events turned into
    /// webhook deliveries and session callbacks when it ends (after the lock is released).
    pub fn txn(self: &Arc<Self>) -> Txn<'_> {
        Txn {
            sim: self,
            store: Some(self.store()),
            touched: Vec::new(),
        }
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// `POST /_sim/reset`: forget payments, sessions, webhooks, faults, logs and the clock
    /// offset. Issued access tokens stay valid so clients need not re-authenticate.
    pub fn reset(&self) {
        *self.store() = Store::default();
        self.faults.clear();
        self.requests.clear();
        self.stats.reset();
        self.clock.reset();
        self.ids.reset();
        self.outbound.reset();
        self.rate_limits.set_enabled(self.opts.rate_limits);
    }
}

pub struct Txn<'a> {
    sim: &'a Arc<Sim>,
    store: Option<MutexGuard<'a, Store>>,
    /// (reference, number of events before this change)
    touched: Vec<(String, usize)>,
}

impl Txn<'_> {
    pub fn store(&mut self) -> &mut Store {
        // Only `Drop` takes the guard out, so it is always present here.
        self.store
            .as_deref_mut()
            .expect("store guard present until drop")
    }

    fn remember(&mut self, reference: &str, events_before: usize) {
        if !self.touched.iter().any(|(r, _)| r == reference) {
            self.touched.push((reference.to_string(), events_before));
        }
    }

    /// A payment by reference, after applying lazy expiry (whose event is then delivered).
    pub fn payment(&mut self, reference: &str) -> Option<&mut Payment> {
        let now = self.sim.now_ms();
        let before = self.store().payments.get(reference)?.events.len();
        self.remember(reference, before);
        let sim = self.sim;
        let payment = self.store().payments.get_mut(reference)?;
        payment.expire_if_due(now, &sim.ids);
        Some(payment)
    }

    /// Adds a new payment; its events so far (CREATED) will be delivered.
    pub fn insert_payment(&mut self, payment: Payment) {
        let reference = payment.reference.clone();
        self.store().payments.insert(reference.clone(), payment);
        self.remember(&reference, 0);
    }

    /// Applies lazy expiry to every payment (for listings such as the ledger).
    pub fn refresh_all(&mut self) {
        let refs: Vec<String> = self.store().payments.keys().cloned().collect();
        for r in refs {
            self.payment(&r);
        }
    }
}

impl Drop for Txn<'_> {
    fn drop(&mut self) {
        let Some(store) = self.store.take() else {
            return;
        };
        let mut deliveries = Vec::new();
        for (reference, before) in &self.touched {
            deliveries.extend(notify::deliveries_for_new_events(
                &store, reference, *before,
            ));
        }
        drop(store);
        outbound::submit(self.sim, deliveries);
    }
}
