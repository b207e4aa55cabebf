//! Shipping options on the checkout page: the session's `logistics.fixedOptions`, and the
//! merchant's `logistics.dynamicOptionsCallback`, which gets the customer's address and answers
//! with options. Per the spec it has 8 seconds; a failure, timeout, `null` or an empty list
//! falls back to the fixed options.

use crate::state::Sim;
use serde_json::{json, Value};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// How long the merchant's dynamic options callback may take (spec: 8 s). A shorter
/// `timeout_ms` in the delivery policy applies too, so tests need not wait 8 s.
pub const DYNAMIC_CALLBACK_TIMEOUT_MS: u64 = 8_000;

/// The delivery-log kind of a dynamic logistics callback (`GET /_sim/callbacks`).
pub const LOG_KIND: &str = "checkout_shipping";

/// One shipping option as the page shows it and the payment records it.
#[derive(Clone, Debug, PartialEq)]
pub struct ShipOption {
    pub id: String,
    pub brand: String,
    pub kind: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub value: i64,
    pub currency: String,
    pub is_default: bool,
    pub priority: i64,
}

impl ShipOption {
    /// Reads a `*LogisticsOption` object; `None` unless it has a usable `id`. A missing amount
    /// (Porterbuddy's is optional) is free shipping in the session currency.
    pub fn from_json(v: &Value, currency: &str) -> Option<ShipOption> {
        let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let id = text("id").filter(|s| !s.is_empty() && s.len() <= 200)?;
        let amount = v.get("amount").filter(|a| !a.is_null());
        let value = match amount {
            None => 0,
            Some(a) => a.get("value").and_then(Value::as_i64).filter(|x| *x >= 0)?,
        };
        let currency = amount
            .and_then(|a| a.get("currency"))
            .and_then(Value::as_str)
            .unwrap_or(currency)
            .to_string();
        Some(ShipOption {
            id,
            brand: text("brand").unwrap_or_else(|| "OTHER".into()),
            kind: text("type"),
            title: text("title"),
            description: text("description"),
            value,
            currency,
            is_default: v.get("isDefault").and_then(Value::as_bool) == Some(true),
            priority: v.get("priority").and_then(Value::as_i64).unwrap_or(0),
        })
    }

    /// e.g. "Posten – pickup point" or the `title` of an OTHER option.
    pub fn label(&self) -> String {
        let brand = match self.brand.as_str() {
            "POSTEN" => "Posten",
            "POSTNORD" => "PostNord",
            "PORTERBUDDY" => "Porterbuddy",
            "HELTHJEM" => "Helthjem",
            "POSTI" => "Posti",
            "GLS" => "GLS",
            "DAO" => "DAO",
            _ => "",
        };
        let what = match (&self.title, self.kind.as_deref()) {
            (Some(t), _) => t.clone(),
            (None, Some("MAILBOX")) => "mailbox".into(),
            (None, Some("PICKUP_POINT")) => "pickup point".into(),
            (None, Some("HOME_DELIVERY")) => "home delivery".into(),
            (None, Some(other)) => other.to_ascii_lowercase().replace('_', " "),
            (None, None) if brand.is_empty() => self.id.clone(),
            (None, None) => "delivery".into(),
        };
        if brand.is_empty() {
            what
        } else {
            format!("{brand} – {what}")
        }
    }

    /// The amount as recorded in `shippingDetails.amount`.
    pub fn amount_json(&self) -> Value {
        json!({ "value": self.value, "currency": self.currency })
    }

    /// What the page script gets: the option plus the frontend SDK's `ShippingOption`
    /// (`id`, `brand`, `description`, `product`, `price` as `Money`).
    pub fn to_page_json(&self) -> Value {
        json!({
            "id": self.id,
            "label": self.label(),
            "isDefault": self.is_default,
            "sdk": {
                "id": self.id,
                "brand": self.brand,
                "description": self.description,
                "product": self.title.clone().or_else(|| self.kind.clone()).unwrap_or_default(),
                "price": {
                    "fractionalDenomination": self.value,
                    "currency": self.currency,
                },
            },
        })
    }
}

/// Valid options from a JSON array, sorted by `priority` (stable).
pub fn parse_options(list: &Value, currency: &str) -> Vec<ShipOption> {
    let mut out: Vec<ShipOption> = list
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|o| ShipOption::from_json(o, currency))
                .collect()
        })
        .unwrap_or_default();
    out.sort_by_key(|o| o.priority);
    out
}

/// The session's `logistics.fixedOptions`.
pub fn fixed_options(request: &Value, currency: &str) -> Vec<ShipOption> {
    request
        .pointer("/logistics/fixedOptions")
        .map(|l| parse_options(l, currency))
        .unwrap_or_default()
}

/// The session's `logistics.dynamicOptionsCallback`, if set.
pub fn dynamic_callback(request: &Value) -> Option<String> {
    request
        .pointer("/logistics/dynamicOptionsCallback")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .map(str::to_string)
}

/// The address the customer entered, as sent to the dynamic options callback.
#[derive(Clone, Debug, Default)]
pub struct CallbackAddress {
    pub street_address: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
}

impl CallbackAddress {
    /// `MerchantLogisticsCallbackRequestBody` (all four fields required; `region` is the city).
    pub fn body(&self) -> Value {
        json!({
            "streetAddress": self.street_address,
            "postalCode": self.postal_code,
            "region": self.city,
            "country": self.country,
        })
    }
}

/// What the dynamic callback produced.
pub enum DynamicOutcome {
    Options(Vec<ShipOption>),
    /// Why the fixed options are used instead.
    Fallback(String),
}

fn agent() -> &'static ureq::Agent {
    static AGENT: OnceLock<ureq::Agent> = OnceLock::new();
    AGENT.get_or_init(|| {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .build()
            .into()
    })
}

/// POSTs and reads the answer (at most 1 MiB). Blocking: run it in `spawn_blocking`.
pub(crate) fn post(
    url: &str,
    headers: &[(String, String)],
    body: &str,
    timeout: Duration,
) -> Result<(u16, String), String> {
    if crate::outbound::url::split(url).is_none() {
        return Err(format!("not an http(s) URL: {url}"));
    }
    let mut req = agent()
        .post(url)
        .config()
        .timeout_global(Some(timeout))
        .build();
    for (k, v) in headers {
        req = req.header(k.as_str(), v.as_str());
    }
    let mut resp = req.send(body).map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let text = resp
        .body_mut()
        .with_config()
        .limit(crate::MAX_BODY_BYTES as u64)
        .read_to_string()
        .map_err(|e| format!("reading the answer failed: {e}"))?;
    Ok((status, text))
}

/// Calls the merchant's dynamic options callback with the address, logs the call, and
/// returns the options it answered or why they cannot be used.
pub async fn call_dynamic(
    sim: &Arc<Sim>,
    url: &str,
    authorization: &str,
    address: &CallbackAddress,
    currency: &str,
) -> DynamicOutcome {
    let policy_timeout = sim
        .outbound
        .policy
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .timeout_ms;
    let timeout = Duration::from_millis(DYNAMIC_CALLBACK_TIMEOUT_MS.min(policy_timeout.max(1)));
    let headers = vec![
        ("Content-Type".to_string(), "application/json".to_string()),
        ("User-Agent".to_string(), "vipps-sim".to_string()),
        ("Authorization".to_string(), authorization.to_string()),
    ];
    let body = address.body().to_string();
    let (u, h, b) = (url.to_string(), headers.clone(), body.clone());
    let outcome = tokio::task::spawn_blocking(move || post(&u, &h, &b, timeout))
        .await
        .unwrap_or_else(|e| Err(format!("callback task failed: {e}")));
    let status = outcome.as_ref().map(|(s, _)| *s).map_err(Clone::clone);
    sim.outbound
        .log
        .record_call(sim, LOG_KIND, url, &headers, &body, &status);
    match outcome {
        Err(e) => DynamicOutcome::Fallback(e),
        Ok((status, _)) if !(200..300).contains(&status) => {
            DynamicOutcome::Fallback(format!("the callback answered HTTP {status}"))
        }
        Ok((_, text)) => match serde_json::from_str::<Value>(&text) {
            Err(_) => DynamicOutcome::Fallback("the callback answered no JSON".into()),
            Ok(v) if !v.is_array() => {
                DynamicOutcome::Fallback("the callback answered no list of options".into())
            }
            Ok(v) => match parse_options(&v, currency) {
                list if list.is_empty() => {
                    DynamicOutcome::Fallback("the callback answered no usable options".into())
                }
                list => DynamicOutcome::Options(list),
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_labels_options() {
        let list = json!([
            {"id": "b", "priority": 2, "isDefault": false, "brand": "OTHER", "title": "Pick up in store",
             "amount": {"value": 0, "currency": "NOK"}},
            {"id": "a", "priority": 1, "isDefault": true, "brand": "POSTEN", "type": "PICKUP_POINT",
             "amount": {"value": 4900, "currency": "NOK"}},
            {"id": "", "brand": "POSTEN"},
            {"id": "neg", "amount": {"value": -1, "currency": "NOK"}},
            {"id": "pb", "brand": "PORTERBUDDY", "priority": 3},
            "not an object"
        ]);
        let opts = parse_options(&list, "NOK");
        let ids: Vec<&str> = opts.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "pb"]);
        assert_eq!(opts[0].label(), "Posten – pickup point");
        assert_eq!(opts[1].label(), "Pick up in store");
        assert_eq!(opts[2].label(), "Porterbuddy – delivery");
        assert_eq!(opts[2].value, 0);
        assert!(opts[0].is_default);
        assert_eq!(
            opts[0].to_page_json()["sdk"]["price"],
            json!({"fractionalDenomination": 4900, "currency": "NOK"})
        );
        assert!(parse_options(&json!({"x": 1}), "NOK").is_empty());
    }
}
