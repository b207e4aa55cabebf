//! ePayment Express: the dynamic shipping callback. Vipps MobilePay POSTs the customer's
//! address to `shipping.dynamicOptions.callbackUrl` with the payment's
//! `callbackAuthorizationToken` in `Authorization`; the merchant answers with shipping groups
//! (built with [`Client::shipping_options_response`], kind `epayment_shipping`) or with 400
//! when it cannot ship there. Sources: docs/api-notes.md, "Express".

use super::request::{InboundRequest, Kind};
use super::{token, untrusted::shown, Outcome};
use crate::api::epayment::express::check_groups;
use crate::error::{Error, Result};
use crate::json::input::Fields;
use crate::Client;
use serde_json::{json, Map, Value};

/// The body's fields, as the docs name them, and the event's names for them.
const ADDRESS: [(&str, &str); 5] = [
    ("AddressLine1", "addressLine1"),
    ("AddressLine2", "addressLine2"),
    ("City", "city"),
    ("PostCode", "postCode"),
    ("Country", "country"),
];

/// Verifies the callback and hands the address to the plugin (`awaiting_options`).
pub fn handle(client: &Client, request: &InboundRequest, body: &Value) -> Outcome {
    let kind = Kind::EpaymentShipping;
    let Some(reference) = body
        .get("Reference")
        .and_then(Value::as_str)
        .filter(|r| !r.is_empty())
    else {
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
    for (field, name) in ADDRESS {
        match body.get(field) {
            Some(Value::String(s)) => {
                address.insert(name.into(), json!(s));
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
