//! Express checkout (Vipps Hurtigkasse) details the simulated user shares on approval: user
//! details, a delivery address, and the shipping option picked from the merchant's list.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

/// The phone number of the simulated user when neither the order nor the approval gives one.
pub const DEFAULT_PHONE: &str = "91234567";

/// The Vipps `userId` of a phone number: stable, so one user's orders share it (consent
/// removal is per user), and of the documented shape `^[\d\w\/=+]+$` (base64, 24 characters).
pub fn user_id(phone: &str) -> String {
    let digest = Sha256::digest(format!("vipps-sim-user:{phone}").as_bytes());
    STANDARD.encode(&digest[..16])
}

/// `UserDetails` for the callback and `/details`; `overrides` replace single fields.
pub fn user_details(phone: &str, overrides: Option<&Map<String, Value>>) -> Value {
    let mut user = json!({
        "bankIdVerified": "Y",
        "dateOfBirth": "12-3-1988",
        "email": "user@example.com",
        "firstName": "Ada",
        "lastName": "Lovelace",
        "mobileNumber": phone,
        "ssn": "12345678901",
        "userId": user_id(phone),
    });
    if let (Some(extra), Some(obj)) = (overrides, user.as_object_mut()) {
        for (k, v) in extra {
            obj.insert(k.clone(), v.clone());
        }
    }
    user
}

/// The delivery address the user picks; `overrides` replace single fields.
pub fn address(overrides: Option<&Map<String, Value>>) -> Map<String, Value> {
    let mut address = Map::new();
    for (k, v) in [
        ("addressLine1", "Dronning Eufemias gate 42"),
        ("addressLine2", "Att: Ada Lovelace"),
        ("city", "Oslo"),
        ("country", "Norway"),
        ("postCode", "0191"),
    ] {
        address.insert(k.into(), json!(v));
    }
    if let Some(extra) = overrides {
        for (k, v) in extra {
            address.insert(k.clone(), v.clone());
        }
    }
    address
}

/// The body of `POST [shippingDetailsPrefix]/v2/payments/{orderId}/shippingDetails`
/// (`ShippingCostAndMethod`).
pub fn shipping_request(address_id: i64, address: &Map<String, Value>) -> Value {
    let mut body = address.clone();
    body.insert("addressId".into(), json!(address_id));
    body.entry("addressType").or_insert(json!("H"));
    Value::Object(body)
}

/// Checks one `ShippingDetails` option of the merchant's answer (or the static list).
pub fn check_option(v: &Value) -> Result<(), String> {
    let o = v.as_object().ok_or("a shipping option is not an object")?;
    match o.get("isDefault").and_then(Value::as_str) {
        Some("Y") | Some("N") => {}
        _ => return Err("isDefault must be \"Y\" or \"N\"".into()),
    }
    if !o
        .get("shippingCost")
        .is_some_and(|c| c.as_f64().is_some_and(|c| c >= 0.0))
    {
        return Err("shippingCost must be a number ≥ 0 (NOK)".into());
    }
    for field in ["shippingMethod", "shippingMethodId"] {
        if !o.get(field).is_some_and(Value::is_string) {
            return Err(format!("{field} must be a string"));
        }
    }
    Ok(())
}

/// The option the user ends up with: the one with `preferred` id if given and present, else
/// the default (`isDefault: "Y"`), else the first by `priority` (then list order).
pub fn pick(options: &[Value], preferred: Option<&str>) -> Option<Value> {
    if let Some(id) = preferred {
        if let Some(o) = options.iter().find(|o| o["shippingMethodId"] == id) {
            return Some(o.clone());
        }
    }
    if let Some(o) = options.iter().find(|o| o["isDefault"] == "Y") {
        return Some(o.clone());
    }
    options
        .iter()
        .enumerate()
        .min_by_key(|(i, o)| (o["priority"].as_i64().unwrap_or(i64::MAX), *i))
        .map(|(_, o)| o.clone())
}

/// The shipping cost of an option in øre (the API gives NOK as a decimal number).
pub fn cost_in_ore(option: &Value) -> i64 {
    let nok = option["shippingCost"].as_f64().unwrap_or(0.0).max(0.0);
    (nok * 100.0).round().min(i32::MAX as f64) as i64
}

/// The `shippingDetails` of the express callback and `/details`.
pub fn chosen(address: &Map<String, Value>, option: &Value) -> Value {
    let mut addr = Map::new();
    for k in [
        "addressLine1",
        "addressLine2",
        "city",
        "country",
        "postCode",
    ] {
        if let Some(v) = address.get(k) {
            addr.insert(k.into(), v.clone());
        }
    }
    json!({
        "address": addr,
        "shippingCost": option["shippingCost"],
        "shippingMethod": option["shippingMethod"],
        "shippingMethodId": option["shippingMethodId"],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_preferred_then_default_then_priority() {
        let opts = vec![
            json!({"isDefault":"N","priority":2,"shippingCost":99,"shippingMethod":"A","shippingMethodId":"a"}),
            json!({"isDefault":"N","priority":1,"shippingCost":49.5,"shippingMethod":"B","shippingMethodId":"b"}),
        ];
        assert_eq!(pick(&opts, None).unwrap()["shippingMethodId"], "b");
        assert_eq!(pick(&opts, Some("a")).unwrap()["shippingMethodId"], "a");
        let mut with_default = opts.clone();
        with_default[0]["isDefault"] = json!("Y");
        assert_eq!(pick(&with_default, None).unwrap()["shippingMethodId"], "a");
        assert_eq!(cost_in_ore(&opts[1]), 4950);
        assert!(pick(&[], None).is_none());
    }

    #[test]
    fn user_ids_are_stable_per_phone_and_well_formed() {
        assert_eq!(user_id("91234567"), user_id("91234567"));
        assert_ne!(user_id("91234567"), user_id("98765432"));
        let id = user_id("91234567");
        assert!(id.len() <= 50);
        assert!(id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_/=+".contains(c)));
    }
}
