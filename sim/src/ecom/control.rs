//! eCom additions to the test-control API:
//! - `POST /_sim/ecom/consents/{userId}/remove`: the user withdraws consent in the app; the
//!   simulator sends `DELETE [consentRemovalPrefix]/v2/consents/{userId}` for the user's
//!   express orders (one per distinct endpoint), logged as kind `ecom_consent`.
//! - the ledger entries and the user actions behind `/_sim/payments/{orderId}/…`.

use super::actions::{self, ApproveInput};
use super::callbacks;
use super::errors::EcomError;
use super::views;
use crate::outbound;
use crate::payments::Refusal;
use crate::problem;
use crate::reply::Reply;
use crate::state::{Sim, Store};
use crate::user_actions::ActionError;
use axum::extract::{Path, State};
use serde_json::{json, Value};
use std::sync::Arc;

pub async fn remove_consent(State(sim): State<Arc<Sim>>, Path(user_id): Path<String>) -> Reply {
    let deliveries = {
        let store = sim.store();
        callbacks::consent_removals(store.ecom.orders.values(), &user_id)
    };
    if deliveries.is_empty() {
        return problem::generic(
            &sim,
            404,
            &format!(
                "No express order with a consentRemovalPrefix was approved by user '{user_id}'."
            ),
        );
    }
    let urls: Vec<String> = deliveries.iter().map(|d| d.url.clone()).collect();
    outbound::submit(&sim, deliveries);
    Reply::json(200, &json!({ "userId": user_id, "deliveries": urls }))
}

/// `(created_at_ms, orderId, entry)` of every order, for `/_sim/ledger`.
pub fn ledger_entries(store: &Store) -> Vec<(i64, String, Value)> {
    store
        .ecom
        .orders
        .values()
        .map(|o| {
            (
                o.created_at_ms,
                o.initiate.order_id.clone(),
                views::ledger_entry(o),
            )
        })
        .collect()
}

/// Which user action `/_sim/payments/{ref}/…` asked for.
#[derive(Clone, Copy, Debug)]
pub enum UserAction {
    Approve,
    Reject,
    Expire,
}

fn refusal(e: EcomError) -> ActionError {
    if e.status == 404 {
        return ActionError::NotFound;
    }
    const CODES: &[&str] = &[
        "34", "35", "51", "61", "62", "71", "72", "73", "91", "92", "93",
    ];
    let code = CODES
        .iter()
        .find(|c| **c == e.code)
        .copied()
        .unwrap_or("99");
    ActionError::Refused(Refusal {
        title: "eCom order refused",
        detail: e.message,
        code: Some(code),
    })
}

/// The user action on the eCom order with this orderId (of the first configured MSN that has
/// one); `NotFound` when there is none. Returns the order's `/details` view.
pub fn user_action(
    sim: &Arc<Sim>,
    order_id: &str,
    action: UserAction,
    input: ApproveInput,
) -> Result<Value, ActionError> {
    let key = actions::find(sim, order_id).ok_or(ActionError::NotFound)?;
    let outcome = match action {
        UserAction::Approve => actions::approve(sim, &key, input),
        UserAction::Reject => actions::reject(sim, &key),
        UserAction::Expire => actions::expire(sim, &key),
    };
    outcome.map_err(refusal)
}
