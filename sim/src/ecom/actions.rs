//! What the simulated user does with an eCom order: approve (RESERVE), reject (REJECTED), or
//! let it time out (CANCEL). Used by the integration-test approve endpoint, the landing page
//! and `/_sim/payments/{orderId}/approve|reject|expire`. Each sends its payment callback.
//!
//! An express order without `staticShippingDetails` first asks the merchant for shipping
//! options; that round trip runs in the background, so such an approval returns while the
//! order is still INITIATE and becomes RESERVE once the merchant has answered. If the merchant
//! gives no usable answer the order stays INITIATE (the user could not confirm), and the
//! failed attempt is in `/_sim/callbacks`.

use super::callbacks;
use super::errors::EcomError;
use super::express;
use super::model::{EcomOrder, OrderKey};
use super::rules::Stamp;
use super::shipping;
use super::views;
use crate::outbound::{self, Delivery, Target};
use crate::state::Sim;
use serde_json::{Map, Value};
use std::sync::Arc;

/// What the user shares when approving.
#[derive(Clone, Debug, Default)]
pub struct ApproveInput {
    /// The user's phone number (8 digits); else the order's, else a default.
    pub phone: Option<String>,
    /// Express: fields replacing the default `userDetails`.
    pub user_details: Option<Map<String, Value>>,
    /// Express: fields replacing the default delivery address.
    pub address: Option<Map<String, Value>>,
    /// Express: the shipping option to choose (else the default one).
    pub shipping_method_id: Option<String>,
}

impl ApproveInput {
    /// From the `/_sim/payments/{orderId}/approve` body as [`crate::user_actions::ApproveDetails`]
    /// reads it: `userInfo` = fields of `userDetails` (its `mobileNumber` is the user's phone),
    /// `shippingDetails` = fields of the delivery address plus an optional `shippingMethodId`.
    pub fn from_details(user_info: Option<&Value>, shipping: Option<&Value>) -> ApproveInput {
        let user = user_info.and_then(Value::as_object).cloned();
        let mut address = shipping.and_then(Value::as_object).cloned();
        let method = address
            .as_mut()
            .and_then(|a| a.remove("shippingMethodId"))
            .and_then(|m| m.as_str().map(str::to_string));
        ApproveInput {
            phone: user
                .as_ref()
                .and_then(|u| u.get("mobileNumber"))
                .and_then(Value::as_str)
                .map(str::to_string),
            user_details: user,
            address: address.filter(|a| !a.is_empty()),
            shipping_method_id: method,
        }
    }
}

fn stamp(sim: &Sim) -> Stamp<'_> {
    Stamp {
        now_ms: sim.now_ms(),
        ids: &sim.ids,
        request_id: "",
    }
}

fn not_found(key: &OrderKey) -> EcomError {
    EcomError::order_not_found(&key.1, &key.0)
}

/// Approves the order. Returns its `/details` view (still INITIATE while an express order
/// waits for the merchant's shipping options).
pub fn approve(sim: &Arc<Sim>, key: &OrderKey, input: ApproveInput) -> Result<Value, EcomError> {
    let mut store = sim.store();
    let order = store
        .ecom
        .orders
        .get_mut(key)
        .ok_or_else(|| not_found(key))?;
    order.check_user_can_act()?;
    if order.approving {
        return Err(EcomError::vipps(
            "92",
            "Transaction already processed: the approval is waiting for the merchant's shipping details.",
        ));
    }
    // The user's phone, for the app's payment history.
    let candidates = [
        input.phone.clone(),
        order.initiate.mobile_number.clone(),
        Some(express::DEFAULT_PHONE.to_string()),
    ];
    let candidates: Vec<Option<&str>> = candidates.iter().map(Option::as_deref).collect();
    let now = sim.now_ms();
    store
        .order_management
        .history
        .record(&candidates, &key.1, &key.0, now);
    let order = store
        .ecom
        .orders
        .get_mut(key)
        .ok_or_else(|| not_found(key))?;
    if !order.is_express() {
        let entry = order.reserve(0, &stamp(sim))?;
        let delivery = callbacks::payment_callback(order, &entry);
        let view = views::details(order);
        drop(store);
        outbound::submit(sim, delivery.into_iter().collect());
        return Ok(view);
    }
    let phone = input
        .phone
        .clone()
        .or_else(|| order.initiate.mobile_number.clone())
        .unwrap_or_else(|| express::DEFAULT_PHONE.to_string());
    let user = express::user_details(&phone, input.user_details.as_ref());
    let address = express::address(input.address.as_ref());
    let prefix = match (
        &order.initiate.shipping_details_prefix,
        order.initiate.static_shipping.is_empty(),
    ) {
        (Some(prefix), true) => prefix.clone(),
        _ => {
            let options = order.initiate.static_shipping.clone();
            let delivery = finish(sim, order, &options, &input, user, &address)?;
            let view = views::details(order);
            drop(store);
            outbound::submit(sim, delivery.into_iter().collect());
            return Ok(view);
        }
    };
    order.approving = true;
    let request = Delivery {
        target: Target::EcomShipping,
        url: format!(
            "{prefix}/v2/payments/{}/shippingDetails",
            order.initiate.order_id
        ),
        body: express::shipping_request(100 + (sim.ids.next_u64() % 900_000) as i64, &address)
            .to_string(),
        signing: callbacks::signing(order),
        order_key: None,
    };
    let view = views::details(order);
    drop(store);
    let (sim2, key2) = (Arc::clone(sim), key.clone());
    sim.outbound.spawn(async move {
        let answer = shipping::fetch(&sim2, request).await;
        let mut store = sim2.store();
        let Some(order) = store.ecom.orders.get_mut(&key2) else {
            return;
        };
        if !order.approving {
            return; // rejected, expired or cancelled meanwhile
        }
        order.approving = false;
        let Ok(options) = answer else {
            return;
        };
        let delivery = finish(&sim2, order, &options, &input, user, &address)
            .ok()
            .flatten();
        drop(store);
        outbound::submit(&sim2, delivery.into_iter().collect());
    });
    Ok(view)
}

/// Reserves an express order with the chosen shipping option; returns its callback.
fn finish(
    sim: &Sim,
    order: &mut EcomOrder,
    options: &[Value],
    input: &ApproveInput,
    user: Value,
    address: &Map<String, Value>,
) -> Result<Option<Delivery>, EcomError> {
    let option = express::pick(options, input.shipping_method_id.as_deref()).ok_or_else(|| {
        EcomError::vipps(
            "91",
            "Transaction is not allowed: no shipping option to choose.",
        )
    })?;
    let entry = order.reserve(express::cost_in_ore(&option), &stamp(sim))?;
    order.user_details = Some(user);
    order.shipping_details = Some(express::chosen(address, &option));
    Ok(callbacks::payment_callback(order, &entry))
}

/// The user rejects the payment in the app (callback `CANCELLED`).
pub fn reject(sim: &Arc<Sim>, key: &OrderKey) -> Result<Value, EcomError> {
    end(sim, key, EcomOrder::user_reject)
}

/// The user does not act in time (callback `REJECTED`).
pub fn expire(sim: &Arc<Sim>, key: &OrderKey) -> Result<Value, EcomError> {
    end(sim, key, EcomOrder::time_out)
}

fn end(
    sim: &Arc<Sim>,
    key: &OrderKey,
    action: fn(&mut EcomOrder, &Stamp) -> Result<super::model::LogEntry, EcomError>,
) -> Result<Value, EcomError> {
    let mut store = sim.store();
    let order = store
        .ecom
        .orders
        .get_mut(key)
        .ok_or_else(|| not_found(key))?;
    let entry = action(order, &stamp(sim))?;
    let delivery = callbacks::payment_callback(order, &entry);
    let view = views::details(order);
    drop(store);
    outbound::submit(sim, delivery.into_iter().collect());
    Ok(view)
}

/// The order key for an orderId given without an MSN (control API, landing page).
pub fn find(sim: &Sim, order_id: &str) -> Option<OrderKey> {
    sim.store()
        .ecom
        .find(order_id, &sim.opts.merchant_serial_numbers)
}
