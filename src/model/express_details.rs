//! ePayment Express details of a payment (`shippingDetails`, `userDetails` in
//! `GetPaymentResponse`), normalized to the library's snake_case for `normalized`. The API's
//! shapes are newer than the 2024 spec; docs/api-notes.md ("Express") lists what is documented
//! and what this reading assumes.

use serde_json::{json, Map, Value};

fn text(obj: &Value, field: &str) -> Value {
    obj.get(field)
        .and_then(Value::as_str)
        .map_or(Value::Null, |s| json!(s))
}

/// `shippingDetails` → `{"option_id", "option_name", "cost", "address": {"line1", "line2",
/// "city", "postal_code", "country"}}`; `None` when the payment has none. `cost` is in minor
/// units, read from a number or from an amount object (`{"value"}`); an impossible one is null.
pub fn shipping_details(payment: &Value) -> Option<Value> {
    let details = payment.get("shippingDetails").filter(|d| d.is_object())?;
    let cost = details.get("shippingCost").and_then(|c| match c {
        Value::Object(_) => super::status::minor_number(c.get("value")),
        other => super::status::minor_number(Some(other)),
    });
    let cost = cost.filter(|c| (0..=super::status::MAX_AMOUNT).contains(c));
    let empty = Value::Object(Map::new());
    let address = details.get("address").unwrap_or(&empty);
    Some(json!({
        "option_id": text(details, "shippingOptionId"),
        "option_name": text(details, "shippingOptionName"),
        "cost": cost,
        "address": {
            "line1": text(address, "addressLine1"),
            "line2": text(address, "addressLine2"),
            "city": text(address, "city"),
            "postal_code": text(address, "postCode"),
            "country": text(address, "country"),
        },
    }))
}

/// `userDetails` → `{"first_name", "last_name", "email", "phone_number"}`; `None` when absent.
pub fn user_details(payment: &Value) -> Option<Value> {
    let user = payment.get("userDetails").filter(|d| d.is_object())?;
    Some(json!({
        "first_name": text(user, "firstName"),
        "last_name": text(user, "lastName"),
        "email": text(user, "email"),
        "phone_number": text(user, "mobileNumber"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_express_details_and_nothing_else() {
        let payment = json!({
            "shippingDetails": {"address": {"addressLine1": "Storgata 1", "city": "Oslo",
                "postCode": "0155", "country": "NO"}, "shippingCost": 9900,
                "shippingOptionId": "pn-home", "shippingOptionName": "Home delivery"},
            "userDetails": {"firstName": "Kari", "lastName": "Nordmann",
                "email": "kari@example.com", "mobileNumber": "4791234567"}
        });
        let s = shipping_details(&payment).unwrap();
        assert_eq!(s["cost"], 9900);
        assert_eq!(s["option_id"], "pn-home");
        assert_eq!(s["address"]["postal_code"], "0155");
        assert_eq!(s["address"]["line2"], Value::Null);
        assert_eq!(
            user_details(&payment).unwrap()["phone_number"],
            "4791234567"
        );
        let as_amount =
            json!({"shippingDetails": {"shippingCost": {"value": 4900, "currency": "NOK"}}});
        assert_eq!(shipping_details(&as_amount).unwrap()["cost"], 4900);
        let garbled = json!({"shippingDetails": {"shippingCost": -5}});
        assert_eq!(shipping_details(&garbled).unwrap()["cost"], Value::Null);
        assert!(shipping_details(&json!({})).is_none());
        assert!(user_details(&json!({"userDetails": null})).is_none());
    }
}
