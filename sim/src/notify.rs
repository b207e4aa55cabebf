//! What a payment's new events cause outside: webhook deliveries to every registration for the
//! event type, and, for Checkout sessions reaching a final state, the session callback.

use crate::checkout::session_view;
use crate::outbound::{Delivery, Signing, Target};
use crate::payments::views::webhook_event;
use crate::payments::{Api, EventName};
use crate::state::Store;

pub fn deliveries_for_new_events(
    store: &Store,
    reference: &str,
    events_before: usize,
) -> Vec<Delivery> {
    let Some(payment) = store.payments.get(reference) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for event in payment.events.iter().skip(events_before) {
        let event_type = event.name.webhook_event_type();
        let mut body = webhook_event(payment, event);
        if event.name == EventName::Authorized {
            crate::epayment::express::add_webhook_details(store, reference, &mut body);
        }
        let body = body.to_string();
        for hook in store.webhooks.subscribers(&event_type) {
            out.push(Delivery {
                target: Target::Webhook,
                url: hook.url.clone(),
                body: body.clone(),
                signing: Signing::Hmac(hook.secret.clone()),
                // Per webhook and payment: later events wait for earlier ones.
                order_key: Some(format!("{}|{}", hook.id, payment.reference)),
            });
        }
        // The session callback is sent only when the payment ends up AUTHORIZED or
        // TERMINATED (aborted, expired, cancelled): never for CREATED, capture or refund.
        let final_event = matches!(
            event.name,
            EventName::Authorized | EventName::Aborted | EventName::Expired | EventName::Terminated
        );
        if payment.api == Api::Checkout && final_event {
            if let Some(session) = store.sessions.get(reference) {
                out.push(Delivery {
                    target: Target::Checkout,
                    url: session.callback_url.clone(),
                    body: session_view::render(session, payment).to_string(),
                    signing: Signing::RawAuthorization(session.callback_token.clone()),
                    order_key: None,
                });
            }
        }
    }
    out
}
