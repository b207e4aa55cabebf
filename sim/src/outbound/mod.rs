//! Outbound deliveries: Checkout session callbacks and signed ePayment webhooks.
//!
//! Each delivery is retried with exponential backoff (short real-time intervals, so tests stay
//! fast). Webhook deliveries for the same webhook and payment go through one queue, so they
//! arrive in order and a failing event holds back the later ones, as the real service does.
//! Tests can drop, duplicate or delay deliveries with callback faults.

pub mod callback_faults;
pub mod delivery_log;
pub mod http;
pub mod policy;
pub mod url;

use crate::state::Sim;
use callback_faults::{CallbackAction, CallbackFaults};
use delivery_log::DeliveryLog;
use policy::RetryPolicy;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Checkout,
    Webhook,
    /// eCom v2 payment callback: `POST [callbackPrefix]/v2/payments/{orderId}`.
    Ecom,
    /// eCom express shipping details: `POST [shippingDetailsPrefix]/v2/payments/{orderId}/shippingDetails`.
    EcomShipping,
    /// eCom express consent removal: `DELETE [consentRemovalPrefix]/v2/consents/{userId}`.
    EcomConsent,
}

impl Target {
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Checkout => "checkout",
            Target::Webhook => "webhook",
            Target::Ecom => "ecom",
            Target::EcomShipping => "ecom_shipping",
            Target::EcomConsent => "ecom_consent",
        }
    }

    /// The HTTP method of a delivery to this target.
    pub fn method(self) -> &'static str {
        match self {
            Target::EcomConsent => "DELETE",
            _ => "POST",
        }
    }
}

/// How a delivery proves where it comes from.
#[derive(Clone, Debug)]
pub enum Signing {
    /// Checkout: `Authorization: <callbackAuthorizationToken>`, sent raw.
    RawAuthorization(String),
    /// Webhooks: HMAC-SHA256 over date, host and content hash with the webhook secret.
    Hmac(String),
    /// No `Authorization` header (an eCom order initiated without `authToken`).
    Unsigned,
}

#[derive(Clone, Debug)]
pub struct Delivery {
    pub target: Target,
    pub url: String,
    pub body: String,
    pub signing: Signing,
    /// Deliveries with the same key are sent one after the other, in order.
    pub order_key: Option<String>,
}

struct Queued {
    delivery: Delivery,
    generation: u64,
}

pub struct Outbound {
    runtime: tokio::runtime::Handle,
    queues: Mutex<HashMap<String, mpsc::UnboundedSender<Queued>>>,
    /// Bumped by reset so deliveries from before a reset are abandoned.
    generation: AtomicU64,
    pub policy: Mutex<RetryPolicy>,
    pub faults: CallbackFaults,
    pub log: DeliveryLog,
}

impl Outbound {
    pub fn new(runtime: tokio::runtime::Handle) -> Outbound {
        Outbound {
            runtime,
            queues: Mutex::new(HashMap::new()),
            generation: AtomicU64::new(0),
            policy: Mutex::new(RetryPolicy::default()),
            faults: CallbackFaults::default(),
            log: DeliveryLog::default(),
        }
    }

    pub fn reset(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.queues
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        self.faults.clear();
        self.log.clear();
        *self.policy.lock().unwrap_or_else(|e| e.into_inner()) = RetryPolicy::default();
    }

    fn current_generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Runs a background task on the simulator's runtime (e.g. an eCom shipping-details round
    /// trip that must finish before the order is reserved).
    pub fn spawn<F>(&self, task: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        self.runtime.spawn(task);
    }
}

/// Hands deliveries to the background, applying any pending callback fault to each.
pub fn submit(sim: &Arc<Sim>, deliveries: Vec<Delivery>) {
    for delivery in deliveries {
        let generation = sim.outbound.current_generation();
        match sim.outbound.faults.take(delivery.target) {
            Some(CallbackAction::Drop) => {
                sim.outbound.log.record_dropped(sim, &delivery);
            }
            Some(CallbackAction::Duplicate) => {
                enqueue(sim, delivery.clone(), generation);
                enqueue(sim, delivery, generation);
            }
            Some(CallbackAction::Delay(ms)) => {
                // Held back outside the ordering queue, so later deliveries overtake it.
                let sim2 = Arc::clone(sim);
                sim.outbound.runtime.spawn(async move {
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                    deliver_with_retries(&sim2, delivery, generation).await;
                });
            }
            None => enqueue(sim, delivery, generation),
        }
    }
}

fn enqueue(sim: &Arc<Sim>, delivery: Delivery, generation: u64) {
    let Some(key) = delivery.order_key.clone() else {
        let sim2 = Arc::clone(sim);
        sim.outbound.runtime.spawn(async move {
            deliver_with_retries(&sim2, delivery, generation).await;
        });
        return;
    };
    let mut queues = sim
        .outbound
        .queues
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let item = Queued {
        delivery,
        generation,
    };
    let item = match queues.get(&key) {
        Some(tx) => match tx.send(item) {
            Ok(()) => return,
            Err(mpsc::error::SendError(item)) => item,
        },
        None => item,
    };
    let (tx, mut rx) = mpsc::unbounded_channel::<Queued>();
    // A fresh channel's receiver is alive, so this send cannot fail.
    let _ = tx.send(item);
    queues.insert(key, tx);
    let sim2 = Arc::clone(sim);
    sim.outbound.runtime.spawn(async move {
        while let Some(q) = rx.recv().await {
            deliver_with_retries(&sim2, q.delivery, q.generation).await;
        }
    });
}

/// Sends one delivery, retrying failures with exponential backoff per the retry policy.
async fn deliver_with_retries(sim: &Arc<Sim>, delivery: Delivery, generation: u64) {
    let policy = *sim
        .outbound
        .policy
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let (attempts, mut backoff) = policy.for_target(delivery.target);
    for attempt in 1..=attempts {
        if sim.outbound.current_generation() != generation {
            return;
        }
        let headers = http::headers_for(sim, &delivery);
        let url = delivery.url.clone();
        let body = delivery.body.clone();
        let sent_headers = headers.clone();
        let timeout = Duration::from_millis(policy.timeout_for(delivery.target));
        let method = delivery.target.method();
        let outcome = tokio::task::spawn_blocking(move || {
            http::send(method, &url, &sent_headers, &body, timeout).map(|(status, _)| status)
        })
        .await
        .unwrap_or_else(|e| Err(format!("delivery task failed: {e}")));
        sim.outbound
            .log
            .record_attempt(sim, &delivery, attempt, &headers, &outcome);
        if matches!(outcome, Ok(status) if (200..300).contains(&status)) {
            return;
        }
        if attempt < attempts {
            tokio::time::sleep(Duration::from_millis(backoff)).await;
            backoff = backoff.saturating_mul(2);
        }
    }
}
