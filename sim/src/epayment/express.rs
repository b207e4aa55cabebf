//! ePayment Express: a create with `profile.scope` and `shipping` (fixed groups, or dynamic
//! groups from the merchant's callback), the customer's choice of address and shipping option,
//! and what the payment then shows (`shippingDetails`, `userDetails`). Facts and our choices:
//! docs/api-notes.md, "Express".
//!
//! The customer acts through the landing page (`pages/express_landing.rs`) or the control API:
//! `POST /_sim/epayment/{reference}/express/options` (`{"address_index"?: n, "address"?: {...}}`
//! → the groups offered for that address) and `POST /_sim/epayment/{reference}/express/approve`
//! (the same plus `"option_id"?`) → the authorized payment. The test approve endpoint refuses an
//! Express payment, as the docs say ("Express is not supported").

use crate::payments::views;
use crate::problem;
use crate::reply::Reply;
use crate::state::{Sim, Store};
use crate::user_actions::{self, ActionError};
use crate::validate::FieldError;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Map, Value};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

pub const SCOPE: [&str; 4] = ["name", "address", "email", "phoneNumber"];
pub const GROUP_TYPES: &[&str] = &[
    "HOME_DELIVERY",
    "PICKUP_POINT",
    "MAILBOX",
    "IN_STORE",
    "OTHER",
];
pub const BRANDS: &[&str] = &[
    "BRING",
    "DHL",
    "FEDEX",
    "GLS",
    "HELTHJEM",
    "INSTABOX",
    "MATKAHUOLTO",
    "PORTERBUDDY",
    "POSTEN",
    "POSTI",
    "POSTNORD",
    "OTHER",
];
/// The delivery-log kind of a dynamic shipping callback (`GET /_sim/callbacks`).
pub const LOG_KIND: &str = "epayment_shipping";
/// How long the merchant's callback may take: the docs give no figure; we use Checkout's 8 s
/// (a shorter `timeout_ms` in the delivery policy applies too).
pub const CALLBACK_TIMEOUT_MS: u64 = 8_000;

/// The test customer who shares their profile.
pub const FIRST_NAME: &str = "Ada";
pub const LAST_NAME: &str = "Lovelace";
pub const EMAIL: &str = "ada.lovelace@example.com";
pub const PHONE: &str = "4791234567";

/// An address in the shape of the dynamic callback and `shippingDetails.address`.
#[derive(Clone, Debug, PartialEq)]
pub struct Address {
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub post_code: String,
    pub country: String,
}

impl Address {
    fn new(line1: &str, line2: Option<&str>, city: &str, post_code: &str, country: &str) -> Self {
        Address {
            line1: line1.into(),
            line2: line2.map(str::to_string),
            city: city.into(),
            post_code: post_code.into(),
            country: country.into(),
        }
    }

    pub fn to_json(&self) -> Value {
        json!({
            "addressLine1": self.line1,
            "addressLine2": self.line2,
            "city": self.city,
            "postCode": self.post_code,
            "country": self.country,
        })
    }

    pub fn label(&self) -> String {
        let line2 = self
            .line2
            .as_deref()
            .map(|l| format!(", {l}"))
            .unwrap_or_default();
        format!(
            "{}{line2}, {} {}, {}",
            self.line1, self.post_code, self.city, self.country
        )
    }

    fn from_json(v: &Value) -> Option<Address> {
        let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        Some(Address {
            line1: text("addressLine1").filter(|s| !s.is_empty())?,
            line2: text("addressLine2").filter(|s| !s.is_empty()),
            city: text("city").filter(|s| !s.is_empty())?,
            post_code: text("postCode").filter(|s| !s.is_empty())?,
            country: text("country").filter(|s| s.len() == 2)?,
        })
    }
}

/// The test customer's addresses: the shipping address must be in the country of the
/// payment's currency (docs), so each currency has its own.
pub fn addresses(currency: &str) -> Vec<Address> {
    match currency {
        "DKK" => vec![Address::new(
            "Vesterbrogade 1",
            None,
            "København V",
            "1620",
            "DK",
        )],
        "EUR" => vec![Address::new(
            "Mannerheimintie 1",
            None,
            "Helsinki",
            "00100",
            "FI",
        )],
        _ => vec![
            Address::new("Robert Levins gate 5", None, "Oslo", "0154", "NO"),
            Address::new(
                "Strandkaien 2",
                Some("Leilighet H0301"),
                "Bergen",
                "5013",
                "NO",
            ),
        ],
    }
}

/// One shipping option as the customer sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct ShipOption {
    pub id: String,
    pub name: String,
    pub brand: String,
    pub kind: String,
    pub value: i64,
    pub meta: Option<String>,
    pub estimated: Option<String>,
    pub is_default: bool,
}

impl ShipOption {
    pub fn label(&self) -> String {
        let mut out = format!(
            "{} ({} {})",
            self.name,
            self.brand,
            self.kind.replace('_', " ").to_lowercase()
        );
        if let Some(e) = &self.estimated {
            out.push_str(&format!(", {e}"));
        }
        out
    }
}

/// The options of valid groups, in display order (group priority, then option priority); the
/// default group's default option first among equals.
pub fn options_of(groups: &[Value]) -> Vec<ShipOption> {
    let prio = |v: &Value| v.get("priority").and_then(Value::as_i64).unwrap_or(0);
    let mut groups: Vec<&Value> = groups.iter().collect();
    groups.sort_by_key(|g| prio(g));
    let mut out = Vec::new();
    for g in groups {
        let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let group_default = g.get("isDefault") == Some(&Value::Bool(true));
        let mut opts: Vec<&Value> = g
            .get("options")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        opts.sort_by_key(|o| prio(o));
        for o in opts {
            out.push(ShipOption {
                id: text(o, "id").unwrap_or_default(),
                name: text(o, "name").unwrap_or_default(),
                brand: text(g, "brand").unwrap_or_default(),
                kind: text(g, "type").unwrap_or_default(),
                value: o
                    .pointer("/amount/value")
                    .and_then(Value::as_i64)
                    .unwrap_or(0),
                meta: text(o, "meta"),
                estimated: text(o, "estimatedDelivery"),
                is_default: group_default && o.get("isDefault") == Some(&Value::Bool(true)),
            });
        }
    }
    out
}

/// What the customer chose.
#[derive(Clone, Debug)]
pub struct Choice {
    pub address: Address,
    pub option: ShipOption,
}

/// An Express payment's shipping setup and, once approved, the customer's choice.
#[derive(Clone, Debug)]
pub struct ExpressPayment {
    pub currency: String,
    pub fixed: Vec<Value>,
    /// `(callbackUrl, callbackAuthorizationToken)`.
    pub dynamic: Option<(String, String)>,
    pub allowed_countries: Option<Vec<String>>,
    pub choice: Option<Choice>,
}

impl ExpressPayment {
    /// `shippingDetails` once chosen.
    pub fn shipping_details(&self) -> Option<Value> {
        let c = self.choice.as_ref()?;
        Some(json!({
            "address": c.address.to_json(),
            "shippingCost": c.option.value,
            "shippingOptionId": c.option.id,
            "shippingOptionName": c.option.name,
        }))
    }

    /// `userDetails` once approved (the customer consented to share them).
    pub fn user_details(&self) -> Option<Value> {
        self.choice.as_ref()?;
        Some(json!({
            "firstName": FIRST_NAME,
            "lastName": LAST_NAME,
            "email": EMAIL,
            "mobileNumber": PHONE,
        }))
    }
}

/// Adds `shippingDetails` and `userDetails` to a `GetPaymentResponse` of an Express payment.
pub fn add_details(store: &Store, reference: &str, body: &mut Value) {
    let Some(e) = store.express.get(reference) else {
        return;
    };
    if let (Some(map), Some(s), Some(u)) =
        (body.as_object_mut(), e.shipping_details(), e.user_details())
    {
        map.insert("shippingDetails".into(), s);
        map.insert("userDetails".into(), u);
    }
}

/// Adds `userDetails` to the `epayments.payment.authorized.v1` webhook of an Express payment
/// (the docs: profile data comes "in the epayments.payment.authorized.v1 webhook payload").
pub fn add_webhook_details(store: &Store, reference: &str, body: &mut Value) {
    if let (Some(map), Some(u)) = (
        body.as_object_mut(),
        store
            .express
            .get(reference)
            .and_then(ExpressPayment::user_details),
    ) {
        map.insert("userDetails".into(), u);
    }
}

/// Whether an Express payment still waits for the customer's address and shipping choice
/// (approving it any other way is refused).
pub fn awaits_choice(store: &Store, reference: &str) -> bool {
    store
        .express
        .get(reference)
        .is_some_and(|e| e.choice.is_none())
}

// ---------------------------------------------------------------- validation

struct Errors(Vec<FieldError>);

impl Errors {
    fn fail(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            path: path.into(),
            message: message.into(),
        });
    }
}

fn is_express_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    if url.contains(char::is_whitespace) || url.len() > 2048 {
        return false;
    }
    if let Some(rest) = lower.strip_prefix("https://") {
        return !rest.is_empty() && !rest.starts_with('/');
    }
    // The simulator also accepts http:// so that local merchants (tests, shops) can be called.
    lower
        .strip_prefix("http://")
        .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
}

/// Checks shipping groups (`shipping.fixedOptions`, or a callback's `groups`) at `path`.
pub fn check_groups(list: Option<&Value>, path: &str, currency: &str) -> Vec<FieldError> {
    let mut e = Errors(Vec::new());
    let Some(groups) = list.and_then(Value::as_array).filter(|a| !a.is_empty()) else {
        e.fail(path, "At least one shipping group is required.");
        return e.0;
    };
    let mut pairs = HashSet::new();
    let mut ids = HashSet::new();
    let mut default_groups = 0;
    for (i, g) in groups.iter().enumerate() {
        let gp = format!("{path}[{i}]");
        let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let brand = text(g, "brand");
        let kind = text(g, "type");
        if !brand.as_deref().is_some_and(|b| BRANDS.contains(&b)) {
            e.fail(
                format!("{gp}.brand"),
                format!("brand must be one of {}.", BRANDS.join(", ")),
            );
        }
        if !kind.as_deref().is_some_and(|k| GROUP_TYPES.contains(&k)) {
            e.fail(
                format!("{gp}.type"),
                format!("type must be one of {}.", GROUP_TYPES.join(", ")),
            );
        }
        if !pairs.insert((brand, kind)) {
            e.fail(gp.clone(), "Only one shipping group per brand and type.");
        }
        check_flags(&mut e, g, &gp);
        if g.get("isDefault") == Some(&Value::Bool(true)) {
            default_groups += 1;
        }
        let Some(options) = g
            .get("options")
            .and_then(Value::as_array)
            .filter(|a| !a.is_empty())
        else {
            e.fail(format!("{gp}.options"), "At least one option is required.");
            continue;
        };
        let mut default_options = 0;
        for (j, o) in options.iter().enumerate() {
            let op = format!("{gp}.options[{j}]");
            match text(o, "id") {
                Some(id) if (1..=100).contains(&id.chars().count()) => {
                    if !ids.insert(id) {
                        e.fail(format!("{op}.id"), "Option ids must be unique.");
                    }
                }
                _ => e.fail(format!("{op}.id"), "id must be 1 to 100 characters."),
            }
            if !text(o, "name").is_some_and(|n| (1..=200).contains(&n.chars().count())) {
                e.fail(format!("{op}.name"), "name must be 1 to 200 characters.");
            }
            match (
                o.pointer("/amount/value").and_then(Value::as_i64),
                o.pointer("/amount/currency").and_then(Value::as_str),
            ) {
                (Some(v), Some(c)) if (0..=65_000_000).contains(&v) && c == currency => {}
                (Some(_), Some(c)) if c != currency => e.fail(
                    format!("{op}.amount.currency"),
                    format!("The shipping amount must be in the payment's currency {currency}."),
                ),
                _ => e.fail(
                    format!("{op}.amount"),
                    "amount must be {currency, value} with an integer value of 0 to 65000000.",
                ),
            }
            for k in ["meta", "estimatedDelivery"] {
                if o.get(k).is_some_and(|v| {
                    !v.is_null()
                        && !v
                            .as_str()
                            .is_some_and(|s| (1..=200).contains(&s.chars().count()))
                }) {
                    e.fail(
                        format!("{op}.{k}"),
                        format!("{k} must be 1 to 200 characters."),
                    );
                }
            }
            check_flags(&mut e, o, &op);
            if o.get("isDefault") == Some(&Value::Bool(true)) {
                default_options += 1;
            }
        }
        if default_options > 1 {
            e.fail(
                format!("{gp}.options"),
                "At most one option may be the default.",
            );
        }
    }
    if default_groups > 1 {
        e.fail(path, "At most one group may be the default.");
    }
    e.0
}

fn check_flags(e: &mut Errors, v: &Value, path: &str) {
    if !v.get("isDefault").is_some_and(Value::is_boolean) {
        e.fail(
            format!("{path}.isDefault"),
            "isDefault is required (true or false).",
        );
    }
    if !v
        .get("priority")
        .and_then(Value::as_i64)
        .is_some_and(|p| (0..=i64::from(i32::MAX)).contains(&p))
    {
        e.fail(
            format!("{path}.priority"),
            "priority is required (an integer, 0 or more).",
        );
    }
}

/// Reads the Express part of a valid `CreatePaymentRequest`: `None` when it has no `shipping`.
pub fn check_create(
    body: &Value,
    currency: &str,
) -> Result<Option<ExpressPayment>, Vec<FieldError>> {
    let Some(shipping) = body.get("shipping").filter(|s| !s.is_null()) else {
        return Ok(None);
    };
    let mut e = Errors(Vec::new());
    if body.pointer("/paymentMethod/type").and_then(Value::as_str) != Some("WALLET") {
        e.fail(
            "paymentMethod.type",
            "Express payments must use paymentMethod WALLET.",
        );
    }
    let scope = body
        .pointer("/profile/scope")
        .and_then(Value::as_str)
        .unwrap_or("");
    let given: Vec<&str> = scope.split(' ').filter(|s| !s.is_empty()).collect();
    let distinct: HashSet<&str> = given.iter().copied().collect();
    if given.len() != 4 || distinct.len() != 4 || !SCOPE.iter().all(|s| distinct.contains(s)) {
        e.fail(
            "profile.scope",
            "Express payments must have profile.scope \"name address email phoneNumber\".",
        );
    }
    if !shipping.is_object() {
        e.fail("shipping", "shipping must be an object.");
        return Err(e.0);
    }
    let fixed = shipping.get("fixedOptions").filter(|v| !v.is_null());
    let dynamic = shipping.get("dynamicOptions").filter(|v| !v.is_null());
    let mut out = ExpressPayment {
        currency: currency.to_string(),
        fixed: Vec::new(),
        dynamic: None,
        allowed_countries: None,
        choice: None,
    };
    match (fixed, dynamic) {
        (Some(_), Some(_)) => e.fail("shipping", "Give fixedOptions or dynamicOptions, not both."),
        (None, None) => e.fail("shipping", "shipping needs fixedOptions or dynamicOptions."),
        (Some(list), None) => {
            e.0.extend(check_groups(Some(list), "shipping.fixedOptions", currency));
            out.fixed = list.as_array().cloned().unwrap_or_default();
        }
        (None, Some(d)) => {
            let url = d
                .get("callbackUrl")
                .and_then(Value::as_str)
                .filter(|u| is_express_url(u));
            let token = d
                .get("callbackAuthorizationToken")
                .and_then(Value::as_str)
                .filter(|t| (1..=1024).contains(&t.len()));
            if url.is_none() {
                e.fail(
                    "shipping.dynamicOptions.callbackUrl",
                    "callbackUrl must be an https URL.",
                );
            }
            if token.is_none() {
                e.fail(
                    "shipping.dynamicOptions.callbackAuthorizationToken",
                    "callbackAuthorizationToken is required (1 to 1024 characters).",
                );
            }
            if let (Some(u), Some(t)) = (url, token) {
                out.dynamic = Some((u.to_string(), t.to_string()));
            }
        }
    }
    if let Some(list) = shipping.get("allowedCountries").filter(|v| !v.is_null()) {
        match list.as_array() {
            Some(items)
                if items.iter().all(|c| {
                    c.as_str()
                        .is_some_and(|s| s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()))
                }) =>
            {
                out.allowed_countries = Some(
                    items
                        .iter()
                        .filter_map(|c| c.as_str().map(str::to_string))
                        .collect(),
                );
            }
            _ => e.fail(
                "shipping.allowedCountries",
                "allowedCountries must be a list of two-letter country codes.",
            ),
        }
    }
    if e.0.is_empty() {
        Ok(Some(out))
    } else {
        Err(e.0)
    }
}

// ---------------------------------------------------------------- the customer's choice

/// Why the customer cannot go on.
#[derive(Debug)]
pub struct Blocked {
    pub status: u16,
    pub detail: String,
}

fn blocked(status: u16, detail: impl Into<String>) -> Blocked {
    Blocked {
        status,
        detail: detail.into(),
    }
}

/// The address the customer picks: `address` (an address object) or `address_index` into
/// [`addresses`] (default 0).
pub fn pick_address(request: &Value, currency: &str) -> Result<Address, Blocked> {
    if let Some(a) = request.get("address").filter(|a| !a.is_null()) {
        return Address::from_json(a).ok_or_else(|| {
            blocked(
                400,
                "address needs addressLine1, city, postCode and a two-letter country",
            )
        });
    }
    let list = addresses(currency);
    let index = request
        .get("address_index")
        .and_then(Value::as_u64)
        .unwrap_or(0) as usize;
    list.get(index).cloned().ok_or_else(|| {
        blocked(
            400,
            format!("address_index must be 0 to {}", list.len() - 1),
        )
    })
}

/// The Express setup of a payment that still waits for the customer (lazy expiry applied).
fn setup(sim: &Arc<Sim>, reference: &str) -> Result<ExpressPayment, Blocked> {
    let mut txn = sim.txn();
    let state = txn.payment(reference).map(|p| p.state);
    let e = txn
        .store()
        .express
        .get(reference)
        .cloned()
        .ok_or_else(|| blocked(404, format!("'{reference}' is not an Express payment")))?;
    match state {
        Some(crate::payments::PaymentState::Created) if e.choice.is_none() => Ok(e),
        Some(crate::payments::PaymentState::Created) => {
            Err(blocked(409, "the customer has chosen already"))
        }
        Some(state) => Err(blocked(409, format!("the payment is {}", state.as_str()))),
        None => Err(blocked(404, format!("no payment '{reference}'"))),
    }
}

/// The options offered for `address`: the fixed ones, or what the merchant's callback answers.
pub async fn offer(
    sim: &Arc<Sim>,
    reference: &str,
    address: &Address,
) -> Result<Vec<ShipOption>, Blocked> {
    let e = setup(sim, reference)?;
    if let Some(allowed) = &e.allowed_countries {
        if !allowed.contains(&address.country) {
            return Err(blocked(
                409,
                format!("the merchant does not ship to {}", address.country),
            ));
        }
    }
    let groups = match &e.dynamic {
        None => e.fixed.clone(),
        Some((url, token)) => {
            call_merchant(sim, reference, url, token, address, &e.currency).await?
        }
    };
    Ok(options_of(&groups))
}

async fn call_merchant(
    sim: &Arc<Sim>,
    reference: &str,
    url: &str,
    token: &str,
    address: &Address,
    currency: &str,
) -> Result<Vec<Value>, Blocked> {
    let policy_timeout = sim
        .outbound
        .policy
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .timeout_ms;
    let timeout = Duration::from_millis(CALLBACK_TIMEOUT_MS.min(policy_timeout.max(1)));
    let headers = vec![
        ("Content-Type".to_string(), "application/json".to_string()),
        ("User-Agent".to_string(), "vipps-sim".to_string()),
        // The token as the merchant gave it (the docs' example includes "Bearer ").
        ("Authorization".to_string(), token.to_string()),
    ];
    let body = callback_body(reference, address).to_string();
    let (u, h, b) = (url.to_string(), headers.clone(), body.clone());
    let outcome =
        tokio::task::spawn_blocking(move || crate::pages::logistics::post(&u, &h, &b, timeout))
            .await
            .unwrap_or_else(|e| Err(format!("callback task failed: {e}")));
    let status = outcome.as_ref().map(|(s, _)| *s).map_err(Clone::clone);
    sim.outbound
        .log
        .record_call(sim, LOG_KIND, url, &headers, &body, &status);
    let (status, text) =
        outcome.map_err(|e| blocked(502, format!("the shipping callback failed: {e}")))?;
    if status == 400 {
        return Err(blocked(
            409,
            "the merchant cannot ship to this address (the callback answered 400)",
        ));
    }
    if !(200..300).contains(&status) {
        return Err(blocked(
            502,
            format!("the shipping callback answered HTTP {status}"),
        ));
    }
    let answer: Value = serde_json::from_str(&text)
        .map_err(|_| blocked(502, "the shipping callback answered no JSON"))?;
    let errors = check_groups(answer.get("groups"), "groups", currency);
    if let Some(first) = errors.first() {
        return Err(blocked(
            502,
            format!(
                "the shipping callback's answer is invalid: {}: {}",
                first.path, first.message
            ),
        ));
    }
    Ok(answer["groups"].as_array().cloned().unwrap_or_default())
}

/// The body of the dynamic shipping callback (field names as the docs give them).
pub fn callback_body(reference: &str, address: &Address) -> Value {
    json!({
        "Reference": reference,
        "AddressLine1": address.line1,
        "AddressLine2": address.line2,
        "City": address.city,
        "PostCode": address.post_code,
        "Country": address.country,
    })
}

/// The customer approves with `address` and the option `option_id` (default: the default
/// option, else the first): the shipping cost is added to the amount, the payment authorized.
/// Returns `GetPaymentResponse` with the Express details.
pub async fn approve(
    sim: &Arc<Sim>,
    reference: &str,
    address: Address,
    option_id: Option<&str>,
) -> Result<Value, Blocked> {
    let options = offer(sim, reference, &address).await?;
    let option = match option_id {
        Some(id) => options
            .iter()
            .find(|o| o.id == id)
            .cloned()
            .ok_or_else(|| {
                blocked(
                    400,
                    format!("option '{id}' was not offered for this address"),
                )
            })?,
        None => options
            .iter()
            .find(|o| o.is_default)
            .or(options.first())
            .cloned()
            .ok_or_else(|| blocked(409, "no shipping option was offered"))?,
    };
    {
        let mut store = sim.store();
        let still_open = store
            .payments
            .get(reference)
            .is_some_and(|p| p.state == crate::payments::PaymentState::Created);
        match store.express.get_mut(reference) {
            Some(e) if still_open && e.choice.is_none() => {
                e.choice = Some(Choice {
                    address,
                    option: option.clone(),
                });
            }
            _ => {
                return Err(blocked(
                    409,
                    "the payment is no longer waiting for the customer",
                ))
            }
        }
        if let Some(p) = store.payments.get_mut(reference) {
            p.amount += option.value;
        }
    }
    match user_actions::approve_payment(
        sim,
        reference,
        user_actions::ApproveDetails {
            phone_number: Some(PHONE.to_string()),
            ..Default::default()
        },
    ) {
        Ok(mut body) => {
            add_details(&sim.store(), reference, &mut body);
            Ok(body)
        }
        Err(err) => {
            // Undo the choice, so the payment is as it was.
            let mut store = sim.store();
            if let Some(e) = store.express.get_mut(reference) {
                e.choice = None;
            }
            if let Some(p) = store.payments.get_mut(reference) {
                p.amount -= option.value;
            }
            Err(match err {
                ActionError::NotFound => blocked(404, format!("no payment '{reference}'")),
                ActionError::Refused(r) => blocked(409, r.detail),
            })
        }
    }
}

// ---------------------------------------------------------------- control API

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route(
            "/_sim/epayment/{reference}/express/options",
            post(options_route),
        )
        .route(
            "/_sim/epayment/{reference}/express/approve",
            post(approve_route),
        )
}

fn request_of(body: &Bytes) -> Result<Value, String> {
    match crate::json_body::parse_optional(body)? {
        None => Ok(Value::Object(Map::new())),
        Some(v) if v.is_object() => Ok(v),
        Some(_) => Err("The body must be a JSON object.".into()),
    }
}

fn currency_of(sim: &Sim, reference: &str) -> String {
    sim.store()
        .payments
        .get(reference)
        .map_or_else(|| "NOK".to_string(), |p| p.currency.clone())
}

fn fail(sim: &Sim, b: Blocked) -> Reply {
    problem::generic(sim, b.status, &b.detail)
}

/// What both control routes read first: the request, the payment's currency (read once, under
/// one lock) and the address the customer picks in it.
fn chosen_address(
    sim: &Sim,
    reference: &str,
    body: &Bytes,
) -> Result<(Value, String, Address), Reply> {
    let request = request_of(body).map_err(|d| problem::generic(sim, 400, &d))?;
    let currency = currency_of(sim, reference);
    let address = pick_address(&request, &currency).map_err(|b| fail(sim, b))?;
    Ok((request, currency, address))
}

async fn options_route(
    State(sim): State<Arc<Sim>>,
    Path(reference): Path<String>,
    body: Bytes,
) -> Reply {
    let (_, currency, address) = match chosen_address(&sim, &reference, &body) {
        Ok(chosen) => chosen,
        Err(r) => return r,
    };
    match offer(&sim, &reference, &address).await {
        Ok(options) => {
            let list: Vec<Value> = options
                .iter()
                .map(|o| {
                    json!({"id": o.id, "name": o.name, "brand": o.brand, "type": o.kind,
                    "amount": views::amount(&currency, o.value), "isDefault": o.is_default})
                })
                .collect();
            Reply::json(200, &json!({"address": address.to_json(), "options": list}))
        }
        Err(b) => fail(&sim, b),
    }
}

async fn approve_route(
    State(sim): State<Arc<Sim>>,
    Path(reference): Path<String>,
    body: Bytes,
) -> Reply {
    let (request, _, address) = match chosen_address(&sim, &reference, &body) {
        Ok(chosen) => chosen,
        Err(r) => return r,
    };
    let option_id = request.get("option_id").and_then(Value::as_str);
    match approve(&sim, &reference, address, option_id).await {
        Ok(payment) => Reply::json(200, &payment),
        Err(b) => fail(&sim, b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn create(shipping: Value) -> Value {
        json!({"amount": {"currency": "NOK", "value": 1000}, "paymentMethod": {"type": "WALLET"},
               "profile": {"scope": "phoneNumber email address name"}, "shipping": shipping})
    }

    fn group(brand: &str, id: &str, default: bool) -> Value {
        json!({"brand": brand, "type": "PICKUP_POINT", "isDefault": default, "priority": 0,
               "options": [{"id": id, "name": id, "amount": {"currency": "NOK", "value": 4900},
                            "isDefault": true, "priority": 0}]})
    }

    fn paths(v: &Value) -> Vec<String> {
        match check_create(v, "NOK") {
            Ok(_) => vec![],
            Err(e) => e.into_iter().map(|e| e.path).collect(),
        }
    }

    #[test]
    fn express_creates_are_checked_per_the_docs() {
        assert!(paths(&create(
            json!({"fixedOptions": [group("POSTEN", "a", true)]})
        ))
        .is_empty());
        let mut v = create(json!({"fixedOptions": [group("POSTEN", "a", true)]}));
        v["profile"]["scope"] = json!("name email");
        assert_eq!(paths(&v), ["profile.scope"]);
        let v = create(
            json!({"fixedOptions": [group("POSTEN", "a", true), group("POSTEN", "b", false)]}),
        );
        assert_eq!(paths(&v), ["shipping.fixedOptions[1]"]);
        let v = create(
            json!({"fixedOptions": [group("POSTEN", "a", true), group("BRING", "a", false)]}),
        );
        assert_eq!(paths(&v), ["shipping.fixedOptions[1].options[0].id"]);
        let v = create(json!({"dynamicOptions": {"callbackUrl": "https://x.example/s"}}));
        assert_eq!(
            paths(&v),
            ["shipping.dynamicOptions.callbackAuthorizationToken"]
        );
        let v = create(
            json!({"dynamicOptions": {"callbackUrl": "https://x.example/s", "callbackAuthorizationToken": "t"}, "fixedOptions": []}),
        );
        assert_eq!(paths(&v), ["shipping"]);
        let mut v = create(json!({"fixedOptions": [group("UPS", "a", true)]}));
        v["paymentMethod"]["type"] = json!("CARD");
        assert_eq!(
            paths(&v),
            ["paymentMethod.type", "shipping.fixedOptions[0].brand"]
        );
        assert!(check_create(&json!({"amount": {}}), "NOK")
            .unwrap()
            .is_none());
    }

    #[test]
    fn options_come_in_priority_order_with_the_default_marked() {
        let mut b = group("BRING", "b", false);
        b["priority"] = json!(1);
        let opts = options_of(&[b, group("POSTEN", "a", true)]);
        let ids: Vec<&str> = opts.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert!(opts[0].is_default && !opts[1].is_default);
    }
}
