//! Documented local additions: ePayment Express shapes that the 2024 spec in `shared/specs/`
//! does not have. Written in the spec's own OpenAPI 3.0 style (references resolve against
//! `epayment-v1.openapi.yaml`, so `Amount` is the spec's), from the facts and choices in
//! docs/api-notes.md, "Express": each field is either documented there with its source, or
//! listed there as our choice.

use super::{Declared, EPAYMENT};
use serde_json::{json, Value};

fn declared(schema: Value) -> Declared {
    Declared {
        media_type: "application/json".into(),
        schema,
        file: EPAYMENT,
    }
}

fn text() -> Value {
    json!({"type": "string", "minLength": 1})
}

/// Two upper-case letters, as the spec's own `Address.country`.
fn country() -> Value {
    json!({"type": "string", "pattern": "^[A-Z]{2}$"})
}

fn group() -> Value {
    json!({
        "type": "object",
        "required": ["brand", "type", "isDefault", "priority", "options"],
        "properties": {
            "brand": {"type": "string", "enum": ["BRING", "DHL", "FEDEX", "GLS", "HELTHJEM",
                "INSTABOX", "MATKAHUOLTO", "PORTERBUDDY", "POSTEN", "POSTI", "POSTNORD", "OTHER"]},
            "type": {"type": "string", "enum": ["HOME_DELIVERY", "PICKUP_POINT", "MAILBOX",
                "IN_STORE", "OTHER"]},
            "isDefault": {"type": "boolean"},
            "priority": {"type": "integer", "minimum": 0},
            "options": {"type": "array", "minItems": 1, "items": {
                "type": "object",
                "required": ["id", "name", "amount", "isDefault", "priority"],
                "properties": {
                    "id": text(),
                    "name": text(),
                    "amount": {"$ref": "#/components/schemas/Amount"},
                    "meta": {"type": "string", "nullable": true},
                    "estimatedDelivery": {"type": "string", "nullable": true},
                    "isDefault": {"type": "boolean"},
                    "priority": {"type": "integer", "minimum": 0}
                }
            }}
        }
    })
}

/// The body Vipps MobilePay POSTs to `shipping.dynamicOptions.callbackUrl`.
pub fn shipping_callback_request() -> Declared {
    declared(json!({
        "type": "object",
        "required": ["Reference", "AddressLine1", "City", "PostCode", "Country"],
        "properties": {
            "Reference": {"type": "string", "minLength": 8, "maxLength": 64},
            "AddressLine1": text(),
            "AddressLine2": {"type": "string", "nullable": true},
            "City": text(),
            "PostCode": text(),
            "Country": country()
        }
    }))
}

/// The merchant's answer to it: `{"groups": [...]}`.
pub fn shipping_callback_response() -> Declared {
    declared(json!({
        "type": "object",
        "required": ["groups"],
        "properties": {"groups": {"type": "array", "minItems": 1, "items": group()}}
    }))
}

/// `shippingDetails` of `GetPaymentResponse`.
pub fn shipping_details() -> Declared {
    declared(json!({
        "type": "object",
        "required": ["address", "shippingCost", "shippingOptionId", "shippingOptionName"],
        "properties": {
            "address": {
                "type": "object",
                "required": ["addressLine1", "city", "postCode", "country"],
                "properties": {
                    "addressLine1": text(),
                    "addressLine2": {"type": "string", "nullable": true},
                    "city": text(),
                    "postCode": text(),
                    "country": country()
                }
            },
            "shippingCost": {"type": "integer", "minimum": 0},
            "shippingOptionId": text(),
            "shippingOptionName": text()
        }
    }))
}

/// `userDetails` of `GetPaymentResponse` and of the authorized webhook.
pub fn user_details() -> Declared {
    declared(json!({
        "type": "object",
        "required": ["firstName", "lastName", "email", "mobileNumber"],
        "properties": {
            "firstName": text(),
            "lastName": text(),
            "email": {"type": "string", "minLength": 3},
            "mobileNumber": {"type": "string", "minLength": 10, "maxLength": 15}
        }
    }))
}
