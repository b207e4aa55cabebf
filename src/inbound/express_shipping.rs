//! ePayment Express: the dynamic shipping callback. Vipps MobilePay POSTs the customer's
//! address to `shipping.dynamicOptions.callbackUrl` with the payment's
//! `callbackAuthorizationToken` in `Authorization`; the merchant answers with shipping groups
//! (built with [`Client::shipping_options_response`], kind `epayment_shipping`) or with 400
//! when it cannot ship there. Sources: docs/api-notes.md, "Express".

use super::request::{InboundRequest, Kind};
use super::{token, untrusted::shown, Outcome};
use crate::api::epayment::express::check_groups;
use crate::error::{Error, Result};
use crate::json::input::{lenient, Fields};
use crate::Client;
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// What the library reads of the callback's body (PascalCase, as the docs name the fields),
/// decoded once: the address fields as they came, `null` included, checked below.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "PascalCase")]
struct ShippingCallback {
    #[serde(deserialize_with = "lenient::text")]
    reference: Option<String>,
    #[serde(deserialize_with = "lenient::raw")]
    address_line1: Option<Value>,
    #[serde(deserialize_with = "lenient::raw")]
    address_line2: Option<Value>,
    #[serde(deserialize_with = "lenient::raw")]
    city: Option<Value>,
    #[serde(deserialize_with = "lenient::raw")]
    post_code: Option<Value>,
    #[serde(deserialize_with = "lenient::raw")]
    country: Option<Value>,
}

/// Verifies the callback and hands the address to the plugin (`awaiting_options`).
pub fn handle(client: &Client, request: &InboundRequest, body: &Value) -> Outcome {
    let kind = Kind::EpaymentShipping;
    let view: ShippingCallback = lenient::decode(body);
    let Some(reference) = view.reference.as_deref().filter(|r| !r.is_empty()) else {
        return Outcome::bad_request(
            Some(kind),
            None,
            "the shipping callback body has no Reference".into(),
        );
    };
    if let Err(reason) = super::check_reference(request, reference) {
        return Outcome::unauthorized(kind, Some(reference), reason);
    }
    // The docs' example token is "Bearer …": Vipps sends the configured value as it is, and
    // the presented header has a `Bearer ` prefix stripped, so strip the expected one too.
    let expected = request
        .expected_token
        .clone()
        .or_else(|| client.epayment_shipping_token(reference))
        .map(|t| token::strip_bearer(&t).to_owned());
    if let Err(reason) = token::check(
        request,
        expected.as_deref(),
        &format!("reference {}", shown(reference)),
    ) {
        return Outcome::unauthorized(kind, Some(reference), reason);
    }
    let mut address = Map::new();
    // The body's names, as the docs write them, and the event's names for them.
    for (field, name, value) in [
        ("AddressLine1", "addressLine1", view.address_line1),
        ("AddressLine2", "addressLine2", view.address_line2),
        ("City", "city", view.city),
        ("PostCode", "postCode", view.post_code),
        ("Country", "country", view.country),
    ] {
        match value {
            Some(text @ Value::String(_)) => {
                address.insert(name.into(), text);
            }
            // AddressLine2 may be absent or null; the rest make an address.
            None | Some(Value::Null) if field == "AddressLine2" => {}
            _ => {
                return Outcome::bad_request(
                    Some(kind),
                    Some(reference),
                    format!("the shipping callback body has no text {field}"),
                )
            }
        }
    }
    let mut extra = Map::new();
    extra.insert("address".into(), Value::Object(address));
    Outcome::shipping(super::shipping::shipping_event(
        kind,
        reference.to_owned(),
        extra,
        body,
    ))
}

/// The answer to a dynamic shipping callback: `{"groups": [...]}` with status 200, or, with
/// `"deliverable": false`, status 400 and no body ("Return HTTP 400 when you cannot ship to
/// that address"). The groups follow the rules of `shipping.fixedOptions`.
pub(super) fn options_response(f: &Fields) -> Result<Value> {
    if f.opt_bool("deliverable")? == Some(false) {
        if f.opt_array("groups")?.is_some() {
            return Err(f.error("groups", "must be left out when deliverable is false"));
        }
        return Ok(json!({"status": 400, "headers": {}, "body": ""}));
    }
    if f.opt_array("groups")?.is_none() {
        return Err(f.error(
            "groups",
            "is required: the shipping groups for this address (or deliverable: false to answer 400)",
        ));
    }
    check_groups(f, "groups", f.opt_str("currency")?)?;
    let groups = f.opt_array("groups")?.cloned().unwrap_or_default();
    let text = serde_json::to_string(&json!({ "groups": groups }))
        .map_err(|e| Error::internal(format!("cannot encode the shipping groups: {e}")))?;
    Ok(json!({
        "status": 200,
        "headers": {"Content-Type": "application/json"},
        "body": text,
    }))
}
