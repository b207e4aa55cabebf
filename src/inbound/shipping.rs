//! Shipping callbacks: Checkout's `logistics.dynamicOptionsCallback` and eCom express
//! `POST [shippingDetailsPrefix]/v2/payments/{orderId}/shippingDetails`. The library verifies
//! the request and hands the address to the plugin; the plugin computes its options and
//! builds the answer with [`Client::shipping_options_response`].

use super::event::{pass_on, Event};
use super::request::{InboundRequest, Kind};
use super::{ecom_callback, token, Outcome};
use crate::error::{Error, ErrorKind, Result};
use crate::json::input::{lenient, Fields};
use crate::Client;
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// What the library reads of Checkout's `MerchantLogisticsCallbackRequestBody`, decoded once,
/// leniently: a field that is not text reads as absent (and an address field as missing).
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct CheckoutAddress {
    #[serde(deserialize_with = "lenient::text")]
    reference: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    street_address: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    postal_code: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    region: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    country: Option<String>,
}

/// What the library reads of eCom express's `ShippingCostAndMethod`, decoded once.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct EcomAddress {
    #[serde(deserialize_with = "lenient::integer")]
    address_id: Option<i64>,
    /// Passed on as they came, `null` included.
    #[serde(deserialize_with = "lenient::raw")]
    address_line1: Option<Value>,
    #[serde(deserialize_with = "lenient::raw")]
    address_line2: Option<Value>,
    #[serde(deserialize_with = "lenient::raw")]
    city: Option<Value>,
    #[serde(deserialize_with = "lenient::raw")]
    country: Option<Value>,
    #[serde(deserialize_with = "lenient::raw")]
    post_code: Option<Value>,
    #[serde(deserialize_with = "lenient::raw")]
    address_type: Option<Value>,
}

/// Checkout: the body is the customer's address (`MerchantLogisticsCallbackRequestBody`:
/// streetAddress, postalCode, region, country) and names no session. The reference comes from
/// `reference` in request_json, else a `reference` in the body or the URL's query
/// (put `?reference=<reference>` in `dynamicOptionsCallback` when creating the session).
/// The token is the session's `callbackAuthorizationToken`, as for the session callback.
pub fn checkout(client: &Client, request: &InboundRequest, body: &Value) -> Outcome {
    let kind = Kind::CheckoutShipping;
    let view: CheckoutAddress = lenient::decode(body);
    let named = match named_reference(request, view.reference.as_deref()) {
        Ok(named) => named,
        Err(reason) => return Outcome::bad_request(Some(kind), None, reason),
    };
    if let Some(named) = &named {
        if let Err(reason) = super::check_reference(request, named) {
            return Outcome::unauthorized(kind, Some(named), reason);
        }
    }
    let reference = request.reference.clone().or(named);
    let expected = request.expected_token.clone().or_else(|| {
        reference
            .as_deref()
            .and_then(|r| client.checkout_callback_token(r))
    });
    let whose = match &reference {
        Some(r) => format!("reference {}", super::untrusted::shown(r)),
        None => "this shipping callback (it names no reference: pass reference or expected_token)"
            .into(),
    };
    if let Err(reason) = token::check(request, expected.as_deref(), &whose) {
        return Outcome::unauthorized(kind, reference.as_deref(), reason);
    }
    let address = [
        ("streetAddress", view.street_address),
        ("postalCode", view.postal_code),
        ("region", view.region),
        ("country", view.country),
    ];
    let mut addr = Map::new();
    for (field, value) in address {
        let Some(value) = value else {
            return Outcome::bad_request(
                Some(kind),
                reference.as_deref(),
                format!("the shipping callback body has no {field}"),
            );
        };
        addr.insert(field.into(), Value::String(value));
    }
    let mut extra = Map::new();
    extra.insert("address".into(), Value::Object(addr));
    Outcome::shipping(shipping_event(
        kind,
        reference.unwrap_or_default(),
        extra,
        body,
    ))
}

/// The reference a Checkout shipping callback names itself, in the body or the query; when
/// both name one, they must agree, and the query may name it once only (a framework might read
/// another copy than the library).
fn named_reference(
    request: &InboundRequest,
    in_body: Option<&str>,
) -> std::result::Result<Option<String>, String> {
    let in_query = request.unique_query_param("reference")?;
    match (in_body, in_query) {
        (Some(b), Some(q)) if b != q => {
            Err("the body and the URL's query name different references".into())
        }
        (Some(b), _) => Ok(Some(b.to_owned())),
        (None, q) => Ok(q),
    }
}

/// eCom express: the body is `ShippingCostAndMethod` (addressId, addressLine1, addressLine2,
/// city, country, postCode, addressType); the orderId is in the path.
pub fn ecom(client: &Client, request: &InboundRequest, body: &Value) -> Outcome {
    let kind = Kind::EcomShippingDetails;
    let order_id = match request.ecom_path_id("payments", Some("shippingDetails")) {
        Ok(Some(id)) => id,
        Ok(None) => {
            return Outcome::bad_request(
                Some(kind),
                None,
                "the URL has no /v2/payments/{orderId}/shippingDetails".into(),
            )
        }
        Err(reason) => return Outcome::bad_request(Some(kind), None, reason),
    };
    if let Err(reason) = super::check_reference(request, &order_id) {
        return Outcome::unauthorized(kind, Some(&order_id), reason);
    }
    let expected = ecom_callback::expected_token(client, request, &order_id);
    if let Err(reason) = token::check(
        request,
        expected.as_deref(),
        &format!("order {}", super::untrusted::shown(&order_id)),
    ) {
        return Outcome::unauthorized(kind, Some(&order_id), reason);
    }
    let view: EcomAddress = lenient::decode(body);
    let Some(address_id) = view.address_id else {
        return Outcome::bad_request(
            Some(kind),
            Some(&order_id),
            "the shipping details body has no integer addressId".into(),
        );
    };
    let mut addr = Map::new();
    pass_on(
        &mut addr,
        [
            ("addressLine1", view.address_line1),
            ("addressLine2", view.address_line2),
            ("city", view.city),
            ("country", view.country),
            ("postCode", view.post_code),
            ("addressType", view.address_type),
        ],
    );
    let mut extra = Map::new();
    extra.insert("address".into(), Value::Object(addr));
    extra.insert("address_id".into(), json!(address_id));
    extra.insert("order_id".into(), json!(order_id));
    Outcome::shipping(shipping_event(kind, order_id, extra, body))
}

pub(super) fn shipping_event(
    kind: Kind,
    reference: String,
    extra: Map<String, Value>,
    body: &Value,
) -> Event {
    let id = format!(
        "{}:{reference}:{}",
        kind.as_str(),
        super::webhook_signature::content_hash(body.to_string().as_bytes())
    );
    // The dispatcher attaches the body it owns (no copy): see `Outcome::with_raw`.
    Event::notice(kind, reference, id, "SHIPPING_OPTIONS_REQUESTED", extra)
}

const BRANDS: &[&str] = &[
    "POSTEN",
    "POSTNORD",
    "PORTERBUDDY",
    "HELTHJEM",
    "POSTI",
    "GLS",
    "DAO",
    "OTHER",
];

/// The delivery types each brand accepts in the Checkout spec (`*LogisticsType`); the brands
/// added later (GLS, DAO) and OTHER are not checked.
fn types_of(brand: &str) -> Option<&'static [&'static str]> {
    match brand {
        "POSTEN" => Some(&["MAILBOX", "PICKUP_POINT", "HOME_DELIVERY"]),
        "POSTNORD" => Some(&["PICKUP_POINT", "HOME_DELIVERY"]),
        "PORTERBUDDY" => Some(&["HOME_DELIVERY"]),
        "HELTHJEM" => Some(&["HOME_DELIVERY", "PICKUP_POINT"]),
        "POSTI" => Some(&["MAILBOX", "PICKUP_POINT"]),
        _ => None,
    }
}

impl Client {
    /// Builds the HTTP answer to a shipping callback from the plugin's options. ePayment
    /// Express (`"kind": "epayment_shipping"`) takes `{"groups": [...], "currency"?}` in the
    /// shape of `shipping.fixedOptions`, or `{"deliverable": false}` for a 400 (see
    /// `express_shipping`). The others take
    /// `{"kind": "checkout_shipping"|"ecom_shipping_details", "options": [{"id", "brand",
    /// "amount": {"value", "currency"}, "priority", "isDefault", "title"?, "description"?,
    /// "type"?, ...}], "order_id"?, "address_id"?}` (the last two for eCom; take them from the
    /// event). Returns `{"status": 200, "headers": {...}, "body": "<JSON text>"}`.
    pub fn shipping_options_response(&self, request: &Value) -> Result<Value> {
        let map = crate::json::input::request_object(request)?;
        let f = Fields::new(&map, "", ErrorKind::InvalidInput);
        let kind = f
            .check_enum(
                "kind",
                &["checkout_shipping", "ecom_shipping_details", "epayment_shipping"],
            )?
            .ok_or_else(|| {
                f.error(
                    "kind",
                    "is required: \"checkout_shipping\", \"ecom_shipping_details\" or \"epayment_shipping\"",
                )
            })?;
        if kind == "epayment_shipping" {
            return super::express_shipping::options_response(&f);
        }
        if f.opt_array("options")?.is_none() {
            return Err(f.error("options", "is required: an array of shipping options"));
        }
        let options = f.opt_object_array("options")?;
        let defaults = options
            .iter()
            .map(|o| o.opt_bool("isDefault"))
            .collect::<Result<Vec<_>>>()?;
        if defaults.iter().filter(|d| **d == Some(true)).count() > 1 {
            return Err(f.error("options", "may have at most one option with isDefault true"));
        }
        let body = if kind == "checkout_shipping" {
            Value::Array(options.iter().map(checkout_option).collect::<Result<_>>()?)
        } else {
            let order_id = f.req_str("order_id")?;
            crate::model::reference::check_reference(&f, "order_id", order_id, 1, 50)?;
            let address_id = f.opt_i64("address_id")?.ok_or_else(|| {
                f.error("address_id", "is required (the addressId of the request)")
            })?;
            if options.is_empty() {
                return Err(f.error("options", "must have at least one option"));
            }
            let details = options
                .iter()
                .map(ecom_option)
                .collect::<Result<Vec<_>>>()?;
            json!({"addressId": address_id, "orderId": order_id, "shippingDetails": details})
        };
        let text = serde_json::to_string(&body)
            .map_err(|e| Error::internal(format!("cannot encode the shipping options: {e}")))?;
        Ok(json!({
            "status": 200,
            "headers": {"Content-Type": "application/json"},
            "body": text,
        }))
    }
}

fn common<'a>(o: &Fields<'a>) -> Result<(&'a str, i64, bool, crate::model::amount::Amount<'a>)> {
    let id = o.req_str("id")?;
    let priority = o
        .opt_i64("priority")?
        .ok_or_else(|| o.error("priority", "is required (0 or more; lower is shown first)"))?;
    if priority < 0 || priority > i32::MAX as i64 {
        return Err(o.error(
            "priority",
            format!("must be 0 to {}, got {priority}", i32::MAX),
        ));
    }
    let is_default = o
        .opt_bool("isDefault")?
        .ok_or_else(|| o.error("isDefault", "is required (true or false)"))?;
    let amount = crate::model::amount::read_amount(o, "amount", None, i32::MAX as i64)?;
    Ok((id, priority, is_default, amount))
}

/// A Checkout logistics option (`PostenLogisticsOption`, …, `OtherLogisticsOption`).
fn checkout_option(o: &Fields) -> Result<Value> {
    let brand = o.check_enum("brand", BRANDS)?.ok_or_else(|| {
        o.error(
            "brand",
            format!("is required: one of {}", BRANDS.join(", ")),
        )
    })?;
    let (id, _, _, _) = common(o)?;
    o.check_len("id", id, 1, 200)?;
    if let Some(allowed) = types_of(brand) {
        if let Some(t) = o.opt_str("type")? {
            if !allowed.contains(&t) {
                return Err(o.error(
                    "type",
                    format!(
                        "must be one of {} for {brand}, got {t:?}",
                        allowed.join(", ")
                    ),
                ));
            }
        }
    }
    if brand == "OTHER" {
        let title = o
            .opt_str("title")?
            .ok_or_else(|| o.error("title", "is required for brand OTHER"))?;
        o.check_len("title", title, 1, 200)?;
    }
    let mut out = Map::new();
    for (k, v) in o.entries() {
        out.insert(k.clone(), v.clone());
    }
    Ok(Value::Object(out))
}

/// An eCom `ShippingDetails`: the cost in decimal NOK (not øre: the eCom spec's
/// `ShippingCost` is "in NOK … not øre"), converted from the option's minor units.
fn ecom_option(o: &Fields) -> Result<Value> {
    let (id, priority, is_default, amount) = common(o)?;
    o.check_len("id", id, 1, 100)?;
    if amount.currency != "NOK" {
        return Err(o.error(
            "amount.currency",
            format!("must be NOK for eCom, got {}", amount.currency),
        ));
    }
    if amount.value < 100 {
        return Err(o.error(
            "amount.value",
            format!(
                "must be at least 100 (1.00 NOK, the eCom spec's minimum shippingCost), got {}",
                amount.value
            ),
        ));
    }
    let method = match (o.opt_str("title")?, o.opt_str("description")?) {
        (Some(t), _) => ("title", t),
        (None, Some(d)) => ("description", d),
        (None, None) => {
            return Err(o.error("title", "is required for eCom (it becomes shippingMethod)"))
        }
    };
    o.check_len(method.0, method.1, 1, 256)?;
    // Minor units to decimal kroner: 4999 -> 49.99. JSON numbers print as the shortest
    // decimal that reads back as the same double, so at most two decimals appear.
    let cost = amount.value as f64 / 100.0;
    Ok(json!({
        "isDefault": if is_default { "Y" } else { "N" },
        "priority": priority,
        "shippingCost": cost,
        "shippingMethod": method.1,
        "shippingMethodId": id,
    }))
}
