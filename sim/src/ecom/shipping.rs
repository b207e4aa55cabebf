//! The express shipping-details round trip: `POST [shippingDetailsPrefix]/v2/payments/{orderId}/shippingDetails`
//! with the user's address, answered by the merchant with the shipping options
//! (`FetchShippingCostResponse`). One attempt, 10 s timeout (the delivery policy's
//! `timeout_ms`), logged as kind `ecom_shipping`; callback faults with target `ecom_shipping`
//! (or `*`) apply: `drop` = no answer, `delay` = sent late, `duplicate` = sent twice.

use super::express;
use crate::outbound::callback_faults::CallbackAction;
use crate::outbound::{http, Delivery, Target};
use crate::state::Sim;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// Sends one request and returns the merchant's options, or why there are none.
async fn attempt(sim: &Arc<Sim>, delivery: &Delivery) -> Result<Vec<Value>, String> {
    let headers = http::headers_for(sim, delivery);
    let timeout = {
        let policy = sim
            .outbound
            .policy
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        Duration::from_millis(policy.timeout_for(Target::EcomShipping))
    };
    let (url, body, sent) = (delivery.url.clone(), delivery.body.clone(), headers.clone());
    let answer =
        tokio::task::spawn_blocking(move || http::send("POST", &url, &sent, &body, timeout))
            .await
            .unwrap_or_else(|e| Err(format!("delivery task failed: {e}")));
    let outcome = match &answer {
        Ok((status, text)) if (200..300).contains(status) => match options_of(text) {
            Ok(_) => Ok(*status),
            Err(why) => Err(format!("HTTP {status}, but {why}")),
        },
        Ok((status, _)) => Ok(*status),
        Err(e) => Err(e.clone()),
    };
    sim.outbound
        .log
        .record_attempt(sim, delivery, 1, &headers, &outcome);
    match answer {
        Ok((status, text)) if (200..300).contains(&status) => options_of(&text),
        Ok((status, _)) => Err(format!("the merchant answered HTTP {status}")),
        Err(e) => Err(e),
    }
}

/// The options of a `FetchShippingCostResponse` body.
fn options_of(text: &str) -> Result<Vec<Value>, String> {
    let v: Value =
        serde_json::from_str(text).map_err(|e| format!("the answer is not JSON: {e}"))?;
    let options = v
        .get("shippingDetails")
        .and_then(Value::as_array)
        .ok_or("the answer has no shippingDetails array")?;
    if options.is_empty() {
        return Err("the answer's shippingDetails is empty".into());
    }
    for o in options {
        express::check_option(o).map_err(|e| format!("shippingDetails: {e}"))?;
    }
    Ok(options.clone())
}

/// Asks the merchant for shipping options, applying any pending callback fault.
pub async fn fetch(sim: &Arc<Sim>, delivery: Delivery) -> Result<Vec<Value>, String> {
    match sim.outbound.faults.take(Target::EcomShipping) {
        Some(CallbackAction::Drop) => {
            sim.outbound.log.record_dropped(sim, &delivery);
            Err("dropped by callback fault".into())
        }
        Some(CallbackAction::Delay(ms)) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            attempt(sim, &delivery).await
        }
        Some(CallbackAction::Duplicate) => {
            let _ = attempt(sim, &delivery).await;
            attempt(sim, &delivery).await
        }
        None => attempt(sim, &delivery).await,
    }
}
