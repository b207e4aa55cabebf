//! ePayment Express details of a payment (`shippingDetails`, `userDetails` in
//! `GetPaymentResponse`), decoded once and leniently into typed values that `normalized`
//! carries in the library's snake_case. The API's shapes are newer than the 2024 spec;
//! docs/api-notes.md ("Express") lists what is documented and what this reading assumes.

use crate::json::input::lenient;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// The customer's shipping choice in an Express payment. Fields the answer lacks, or has in
/// another type, are `None` (JSON null).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ShippingDetails {
    /// The address the customer chose.
    pub address: ShippingAddress,
    /// The shipping cost in minor units; `None` when missing or impossible.
    pub cost: Option<i64>,
    /// The chosen option's id (`shippingOptionId`).
    pub option_id: Option<String>,
    /// The chosen option's name (`shippingOptionName`).
    pub option_name: Option<String>,
}

/// The address of [`ShippingDetails`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ShippingAddress {
    /// `city`.
    pub city: Option<String>,
    /// `country` (ISO 3166-1 alpha-2).
    pub country: Option<String>,
    /// `addressLine1`.
    pub line1: Option<String>,
    /// `addressLine2`.
    pub line2: Option<String>,
    /// `postCode`.
    pub postal_code: Option<String>,
}

/// The customer's profile shared with an Express payment (`userDetails`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct UserDetails {
    /// `email`.
    pub email: Option<String>,
    /// `firstName`.
    pub first_name: Option<String>,
    /// `lastName`.
    pub last_name: Option<String>,
    /// `mobileNumber` (MSISDN).
    pub phone_number: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct ShippingView {
    #[serde(deserialize_with = "lenient::object")]
    address: Option<AddressView>,
    #[serde(deserialize_with = "cost")]
    shipping_cost: Option<i64>,
    #[serde(deserialize_with = "lenient::text")]
    shipping_option_id: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    shipping_option_name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct AddressView {
    #[serde(deserialize_with = "lenient::text")]
    address_line1: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    address_line2: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    city: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    post_code: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    country: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct UserView {
    #[serde(deserialize_with = "lenient::text")]
    email: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    first_name: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    last_name: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    mobile_number: Option<String>,
}

/// An amount object's value.
#[derive(Deserialize, Default)]
#[serde(default)]
struct CostObject {
    value: Option<Value>,
}

/// `shippingCost` in minor units, read from a number or from an amount object (`{"value"}`),
/// since the docs name the field but not its type; an impossible one is `None`.
fn cost<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    let raw = Value::deserialize(deserializer)?;
    let number = match raw {
        Value::Object(_) => lenient::decode::<CostObject>(&raw).value,
        other => Some(other),
    };
    Ok(super::status::minor_number(number.as_ref())
        .filter(|c| (0..=super::status::MAX_AMOUNT).contains(c)))
}

impl ShippingView {
    pub(crate) fn details(&self) -> ShippingDetails {
        let address = self.address.as_ref();
        let field =
            |pick: fn(&AddressView) -> &Option<String>| address.and_then(|a| pick(a).clone());
        ShippingDetails {
            address: ShippingAddress {
                city: field(|a| &a.city),
                country: field(|a| &a.country),
                line1: field(|a| &a.address_line1),
                line2: field(|a| &a.address_line2),
                postal_code: field(|a| &a.post_code),
            },
            cost: self.shipping_cost,
            option_id: self.shipping_option_id.clone(),
            option_name: self.shipping_option_name.clone(),
        }
    }
}

impl UserView {
    pub(crate) fn details(&self) -> UserDetails {
        UserDetails {
            email: self.email.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            phone_number: self.mobile_number.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Deserialize, Default)]
    #[serde(default, rename_all = "camelCase")]
    struct Payment {
        #[serde(deserialize_with = "lenient::object")]
        shipping_details: Option<ShippingView>,
        #[serde(deserialize_with = "lenient::object")]
        user_details: Option<UserView>,
    }

    fn read(payment: Value) -> (Option<ShippingDetails>, Option<UserDetails>) {
        let view: Payment = lenient::decode(&payment);
        (
            view.shipping_details.as_ref().map(ShippingView::details),
            view.user_details.as_ref().map(UserView::details),
        )
    }

    #[test]
    fn reads_the_express_details_and_nothing_else() {
        let (shipping, user) = read(json!({
            "shippingDetails": {"address": {"addressLine1": "Storgata 1", "city": "Oslo",
                "postCode": "0155", "country": "NO"}, "shippingCost": 9900,
                "shippingOptionId": "pn-home", "shippingOptionName": "Home delivery"},
            "userDetails": {"firstName": "Kari", "lastName": "Nordmann",
                "email": "kari@example.com", "mobileNumber": "4791234567"}
        }));
        let s = serde_json::to_value(shipping.unwrap()).unwrap();
        assert_eq!(s["cost"], 9900);
        assert_eq!(s["option_id"], "pn-home");
        assert_eq!(s["address"]["postal_code"], "0155");
        assert_eq!(s["address"]["line2"], Value::Null);
        assert_eq!(user.unwrap().phone_number.as_deref(), Some("4791234567"));
        let as_amount =
            json!({"shippingDetails": {"shippingCost": {"value": 4900, "currency": "NOK"}}});
        assert_eq!(read(as_amount).0.unwrap().cost, Some(4900));
        let garbled = json!({"shippingDetails": {"shippingCost": -5}});
        assert_eq!(read(garbled).0.unwrap().cost, None);
        assert!(read(json!({})).0.is_none());
        assert!(read(json!({"userDetails": null})).1.is_none());
    }
}
