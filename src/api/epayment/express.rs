//! ePayment Express: `profile.scope` plus `shipping` (fixed options, or dynamic options through
//! the merchant's callback) on create. The rules and their sources are in docs/api-notes.md,
//! "Express"; what the docs leave open is marked there as our choice.
//!
//! The same group rules check the plugin's answer to a dynamic shipping callback
//! (`shipping_options_response` with kind `epayment_shipping`), so an answer the app would
//! refuse is refused here first, naming the field.

use crate::callback_token;
use crate::error::Result;
use crate::json::input::Fields;
use crate::model::amount::{read_amount, EPAYMENT_CURRENCIES, EPAYMENT_MAX_VALUE};
use crate::Client;
use serde_json::{json, Map, Value};
use std::collections::HashSet;

/// The scope an Express payment must ask for: exactly these four, no fewer and no more.
pub(crate) const EXPRESS_SCOPE: [&str; 4] = ["name", "address", "email", "phoneNumber"];

/// Shipping group types (`type`).
pub(crate) const GROUP_TYPES: &[&str] = &[
    "HOME_DELIVERY",
    "PICKUP_POINT",
    "MAILBOX",
    "IN_STORE",
    "OTHER",
];

/// Carrier brands (`brand`); the app draws the carrier's logo from it.
pub(crate) const BRANDS: &[&str] = &[
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

/// The purpose string of derived dynamic-shipping callback tokens (see `callback_token`).
pub(crate) const TOKEN_PURPOSE: &str = "epayment-shipping";

/// Our limits on free text the docs give no length for (see docs/api-notes.md, "Express").
const ID_MAX: usize = 100;
const TEXT_MAX: usize = 200;
const TOKEN_MAX: usize = 1024;
const URL_MAX: usize = 2048;

/// Checks `shipping` and, with it, the rest of an Express create request. A request without
/// `shipping` is not Express and is left alone.
pub(crate) fn validate_express(body: &Fields) -> Result<()> {
    let Some(shipping) = body.opt_object("shipping")? else {
        return Ok(());
    };
    let method = body.req_object("paymentMethod")?;
    if method.opt_str("type")? != Some("WALLET") {
        return Err(method.error(
            "type",
            "must be WALLET for an Express payment (a request with shipping)",
        ));
    }
    check_scope(body)?;
    let currency = body
        .req_object("amount")?
        .opt_str("currency")?
        .unwrap_or("NOK");
    let fixed = shipping.opt_array("fixedOptions")?.is_some();
    let dynamic = shipping.opt_object("dynamicOptions")?;
    match (fixed, &dynamic) {
        (true, Some(_)) => {
            return Err(shipping.error(
                "",
                "must have fixedOptions or dynamicOptions, not both",
            ))
        }
        (false, None) => {
            return Err(shipping.error(
                "",
                "must have fixedOptions (the options, known now) or dynamicOptions (a callback URL that gets the customer's address)",
            ))
        }
        (true, None) => check_groups(&shipping, "fixedOptions", Some(currency))?,
        (false, Some(d)) => check_dynamic(d)?,
    }
    if let Some(countries) = shipping.opt_array("allowedCountries")? {
        crate::model::country::check_codes(&shipping, "allowedCountries", countries)?;
    }
    Ok(())
}

/// `profile.scope` must name exactly `name address email phoneNumber` (any order, each once).
fn check_scope(body: &Fields) -> Result<()> {
    let wanted = format!(
        "must be exactly \"{}\" for an Express payment (all four, nothing else)",
        EXPRESS_SCOPE.join(" ")
    );
    let Some(profile) = body.opt_object("profile")? else {
        return Err(body.error("profile.scope", wanted));
    };
    let scope = profile.opt_str("scope")?.unwrap_or("");
    let given: Vec<&str> = scope.split(' ').filter(|s| !s.is_empty()).collect();
    let distinct: HashSet<&str> = given.iter().copied().collect();
    let exact = given.len() == EXPRESS_SCOPE.len()
        && distinct.len() == EXPRESS_SCOPE.len()
        && EXPRESS_SCOPE.iter().all(|s| distinct.contains(s));
    if exact {
        Ok(())
    } else {
        Err(profile.error("scope", format!("{wanted}, got {scope:?}")))
    }
}

fn check_dynamic(d: &Fields) -> Result<()> {
    let url = d.req_str("callbackUrl")?;
    d.check_len("callbackUrl", url, 1, URL_MAX)?;
    if !is_callback_url(url) {
        return Err(d.error(
            "callbackUrl",
            format!("must be an https:// URL (http:// only for a loopback host, e.g. the simulator), got {url:?}"),
        ));
    }
    if let Some(token) = d.opt_str("callbackAuthorizationToken")? {
        d.check_len("callbackAuthorizationToken", token, 1, TOKEN_MAX)?;
    }
    Ok(())
}

/// `https://host…`, or `http://` to a loopback host (a local test against the simulator).
fn is_callback_url(url: &str) -> bool {
    if url.contains(char::is_whitespace) {
        return false;
    }
    let lower = url.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("https://") {
        return !rest.is_empty() && !rest.starts_with('/');
    }
    let Some(rest) = lower.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    // The host without its port: `[::1]:8080` → `[::1]`, `localhost:3000` → `localhost`.
    let host = if authority.starts_with('[') {
        authority.split_inclusive(']').next().unwrap_or("")
    } else {
        authority.split(':').next().unwrap_or("")
    };
    let port_ok = authority[host.len()..]
        .strip_prefix(':')
        .map_or(authority.len() == host.len(), |p| {
            !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())
        });
    port_ok && matches!(host, "localhost" | "127.0.0.1" | "[::1]")
}

/// Shipping groups: one per brand and type, each with its options. `currency`: the payment's,
/// when known (every option's amount must be in it).
pub(crate) fn check_groups(parent: &Fields, name: &str, currency: Option<&str>) -> Result<()> {
    let groups = parent.opt_object_array(name)?;
    if groups.is_empty() {
        return Err(parent.error(name, "must have at least one shipping group"));
    }
    let mut seen_groups = HashSet::new();
    let mut seen_ids = HashSet::new();
    let mut default_groups = 0;
    let mut currency = currency.map(str::to_owned);
    for group in &groups {
        let brand = group.check_enum("brand", BRANDS)?.ok_or_else(|| {
            group.error(
                "brand",
                format!("is required: one of {}", BRANDS.join(", ")),
            )
        })?;
        let kind = group.check_enum("type", GROUP_TYPES)?.ok_or_else(|| {
            group.error(
                "type",
                format!("is required: one of {}", GROUP_TYPES.join(", ")),
            )
        })?;
        if !seen_groups.insert((brand, kind)) {
            return Err(group.error(
                "",
                format!("repeats brand {brand} with type {kind}: give one group per brand and type, with the variants in its options"),
            ));
        }
        if required_bool(group, "isDefault")? {
            default_groups += 1;
        }
        check_priority(group)?;
        let options = group.opt_object_array("options")?;
        if options.is_empty() {
            return Err(group.error("options", "must have at least one option"));
        }
        let mut default_options = 0;
        for option in &options {
            let id = option.req_str("id")?;
            option.check_len("id", id, 1, ID_MAX)?;
            if !seen_ids.insert(id) {
                return Err(option.error(
                    "id",
                    format!("{id:?} is used by another option: ids must be unique"),
                ));
            }
            let amount = read_amount(
                option,
                "amount",
                Some(EPAYMENT_CURRENCIES),
                EPAYMENT_MAX_VALUE,
            )?;
            match &currency {
                Some(c) if c != amount.currency => {
                    return Err(option.error(
                        "amount.currency",
                        format!(
                            "must be {c} (the payment's currency), got {}",
                            amount.currency
                        ),
                    ))
                }
                Some(_) => {}
                None => currency = Some(amount.currency.to_owned()),
            }
            let label = option.req_str("name")?;
            option.check_len("name", label, 1, TEXT_MAX)?;
            for text in ["meta", "estimatedDelivery"] {
                if let Some(t) = option.opt_str(text)? {
                    option.check_len(text, t, 1, TEXT_MAX)?;
                }
            }
            if required_bool(option, "isDefault")? {
                default_options += 1;
            }
            check_priority(option)?;
        }
        if default_options > 1 {
            return Err(group.error("options", "may have at most one option with isDefault true"));
        }
    }
    if default_groups > 1 {
        return Err(parent.error(name, "may have at most one group with isDefault true"));
    }
    Ok(())
}

fn required_bool(f: &Fields, name: &str) -> Result<bool> {
    f.opt_bool(name)?
        .ok_or_else(|| f.error(name, "is required (true or false)"))
}

fn check_priority(f: &Fields) -> Result<()> {
    let priority = f
        .opt_i64("priority")?
        .ok_or_else(|| f.error("priority", "is required (0 or more; lower is shown first)"))?;
    if !(0..=i64::from(i32::MAX)).contains(&priority) {
        return Err(f.error(
            "priority",
            format!("must be 0 to {}, got {priority}", i32::MAX),
        ));
    }
    Ok(())
}

impl Client {
    /// The token a dynamic shipping callback for `reference` must carry, when it is derived from
    /// `callback_secret` (`None` without one).
    pub fn epayment_shipping_token(&self, reference: &str) -> Option<String> {
        self.config
            .callback_secret
            .as_ref()
            .map(|s| callback_token::derive(s, TOKEN_PURPOSE, reference))
    }

    /// Puts `shipping.dynamicOptions.callbackAuthorizationToken` into the body when the plugin
    /// gave none: derived from `callback_secret` (so a retry sends the same body), else random
    /// (the plugin must then store the returned token). Returns the token of a dynamic Express
    /// payment, `None` for any other payment.
    pub(crate) fn fill_shipping_token(
        &self,
        body: &mut Map<String, Value>,
        reference: &str,
    ) -> Result<Option<String>> {
        let Some(dynamic) = body
            .get_mut("shipping")
            .and_then(Value::as_object_mut)
            .and_then(|s| s.get_mut("dynamicOptions"))
            .and_then(Value::as_object_mut)
        else {
            return Ok(None);
        };
        if let Some(given) = dynamic
            .get("callbackAuthorizationToken")
            .and_then(Value::as_str)
        {
            return Ok(Some(given.to_owned()));
        }
        let token = match self.epayment_shipping_token(reference) {
            Some(token) => token,
            None => callback_token::random()?,
        };
        dynamic.insert("callbackAuthorizationToken".into(), json!(token));
        Ok(Some(token))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn express(shipping: Value) -> Value {
        json!({
            "amount": {"currency": "NOK", "value": 49900},
            "paymentMethod": {"type": "WALLET"},
            "reference": "express-0001",
            "userFlow": "WEB_REDIRECT",
            "returnUrl": "https://shop.example/return",
            "profile": {"scope": "name address email phoneNumber"},
            "shipping": shipping,
        })
    }

    fn group() -> Value {
        json!({"brand": "POSTNORD", "type": "HOME_DELIVERY", "isDefault": true, "priority": 0,
               "options": [{"id": "pn-home", "amount": {"currency": "NOK", "value": 9900},
                            "name": "Home delivery", "isDefault": true, "priority": 0}]})
    }

    fn check(v: &Value) -> std::result::Result<(), String> {
        let map = v.as_object().unwrap();
        validate_express(&Fields::new(map, "", ErrorKind::InvalidInput)).map_err(|e| e.message)
    }

    #[test]
    fn fixed_and_dynamic_requests_pass() {
        check(&express(json!({"fixedOptions": [group()]}))).unwrap();
        check(&express(
            json!({"dynamicOptions": {"callbackUrl": "https://shop.example/ship"}}),
        ))
        .unwrap();
        check(&express(
            json!({"dynamicOptions": {"callbackUrl": "http://127.0.0.1:3000/ship",
            "callbackAuthorizationToken": "t"}, "allowedCountries": ["NO"]}),
        ))
        .unwrap();
    }

    #[test]
    fn each_rule_names_its_field() {
        type Change = Box<dyn Fn(&mut Value)>;
        let cases: Vec<(Change, &str)> = vec![
            (
                Box::new(|v| v["paymentMethod"]["type"] = json!("CARD")),
                "paymentMethod.type",
            ),
            (
                Box::new(|v| v["profile"]["scope"] = json!("name address email")),
                "profile.scope",
            ),
            (
                Box::new(|v| v["profile"]["scope"] = json!("name address email phoneNumber nin")),
                "profile.scope",
            ),
            (
                Box::new(|v| {
                    v.as_object_mut().unwrap().remove("profile");
                }),
                "profile.scope",
            ),
            (Box::new(|v| v["shipping"] = json!({})), "shipping"),
            (
                Box::new(|v| {
                    v["shipping"]["dynamicOptions"] = json!({"callbackUrl": "https://x.example"})
                }),
                "not both",
            ),
            (
                Box::new(|v| v["shipping"]["fixedOptions"] = json!([])),
                "shipping.fixedOptions",
            ),
            (
                Box::new(|v| v["shipping"]["fixedOptions"][0]["brand"] = json!("UPS")),
                "shipping.fixedOptions[0].brand",
            ),
            (
                Box::new(|v| v["shipping"]["fixedOptions"][0]["type"] = json!("DRONE")),
                "shipping.fixedOptions[0].type",
            ),
            (
                Box::new(|v| {
                    v["shipping"]["fixedOptions"][0]["options"][0]["amount"]["currency"] =
                        json!("DKK")
                }),
                "shipping.fixedOptions[0].options[0].amount.currency",
            ),
            (
                Box::new(|v| {
                    v["shipping"]["fixedOptions"][0]["options"][0]["amount"]["value"] = json!(99.5)
                }),
                "shipping.fixedOptions[0].options[0].amount.value",
            ),
            (
                Box::new(|v| {
                    v["shipping"]["fixedOptions"][0]["options"][0]
                        .as_object_mut()
                        .unwrap()
                        .remove("name");
                }),
                "shipping.fixedOptions[0].options[0].name",
            ),
            (
                Box::new(|v| v["shipping"]["fixedOptions"][0]["priority"] = json!(-1)),
                "shipping.fixedOptions[0].priority",
            ),
            (
                Box::new(|v| {
                    let g = v["shipping"]["fixedOptions"][0].clone();
                    v["shipping"]["fixedOptions"]
                        .as_array_mut()
                        .unwrap()
                        .push(g);
                }),
                "repeats brand POSTNORD",
            ),
            (
                Box::new(|v| v["shipping"]["allowedCountries"] = json!(["no"])),
                "shipping.allowedCountries[0]",
            ),
        ];
        for (change, needle) in cases {
            let mut v = express(json!({"fixedOptions": [group()]}));
            change(&mut v);
            let err = check(&v).expect_err(needle);
            assert!(err.contains(needle), "{needle}: {err}");
        }
    }

    #[test]
    fn dynamic_callback_urls_are_https_or_loopback() {
        for bad in [
            "http://shop.example/ship",
            "http://localhost:abc/x",
            "http://localhost.evil.example/x",
            "http://127.0.0.1@evil.example/x",
            "ftp://x",
            "https://",
            "http://127.0.0.1.evil.example/x",
        ] {
            let v = express(json!({"dynamicOptions": {"callbackUrl": bad}}));
            let err = check(&v).expect_err(bad);
            assert!(err.contains("shipping.dynamicOptions.callbackUrl"), "{err}");
        }
        for good in [
            "http://localhost:8001/ship",
            "http://[::1]/x",
            "https://shop.example",
        ] {
            check(&express(json!({"dynamicOptions": {"callbackUrl": good}}))).unwrap();
        }
    }

    #[test]
    fn a_request_without_shipping_is_not_express() {
        let mut v = express(json!(null));
        v.as_object_mut().unwrap().remove("shipping");
        v["profile"]["scope"] = json!("name");
        check(&v).unwrap();
    }
}
