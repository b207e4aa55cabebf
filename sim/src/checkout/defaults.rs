//! Plausible user details for an approved Checkout session, unless the approval supplied them.

use super::session::Session;
use crate::state::Sim;
use crate::user_actions::ApproveDetails;
use serde_json::{json, Value};

const EMAIL: &str = "ada.lovelace@example.com";
const PHONE: &str = "4791234567";

/// The logistics option the user "picks": the default fixed option, else the first one.
fn chosen_shipping(session: &Session) -> (Option<Value>, Option<Value>) {
    let options = session
        .request
        .pointer("/logistics/fixedOptions")
        .and_then(Value::as_array);
    let chosen = options.and_then(|o| {
        o.iter()
            .find(|x| x.get("isDefault") == Some(&Value::Bool(true)))
            .or_else(|| o.first())
    });
    (
        chosen.and_then(|c| c.get("id").cloned()),
        chosen.and_then(|c| c.get("amount").cloned()),
    )
}

pub fn fill_on_approve(sim: &Sim, session: &mut Session, details: ApproveDetails) {
    session.payment_method = Some(details.payment_method.unwrap_or_else(|| "Wallet".into()));
    session.user_info = Some(
        details
            .user_info
            .unwrap_or_else(|| json!({ "sub": sim.ids.uuid(), "email": EMAIL })),
    );
    session.billing_details = Some(details.billing_details.unwrap_or_else(|| {
        json!({
            "firstName": "Ada",
            "lastName": "Lovelace",
            "email": EMAIL,
            "phoneNumber": PHONE,
            "streetAddress": "Robert Levins gate 5",
            "postalCode": "0154",
            "city": "Oslo",
            "country": "NO",
        })
    }));
    let payment_only = session
        .request
        .pointer("/configuration/elements")
        .and_then(Value::as_str)
        == Some("PaymentOnly");
    session.shipping_details = match details.shipping_details {
        Some(given) => Some(given),
        // With `elements: PaymentOnly` the user is not asked for an address.
        None if payment_only => None,
        None => {
            let (method_id, amount) = chosen_shipping(session);
            Some(json!({
                "firstName": "Ada",
                "lastName": "Lovelace",
                "email": EMAIL,
                "phoneNumber": PHONE,
                "streetAddress": "Robert Levins gate 5",
                "postalCode": "0154",
                "city": "Oslo",
                "country": "NO",
                "shippingMethodId": method_id,
                "amount": amount,
            }))
        }
    };
    if session
        .request
        .pointer("/configuration/customConsent")
        .is_some_and(|c| !c.is_null())
    {
        session.custom_consent_provided = Some(true);
    }
}
