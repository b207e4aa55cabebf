//! Helpers for the Order Management tests: a client for `/order-management/...`, receipts that
//! add up, and images of a given size.
#![allow(dead_code)]

use crate::common::{Harness, Resp};
use base64::Engine;
use serde_json::{json, Value};
use vipps_sim::{DEFAULT_MSN, DEFAULT_SUBSCRIPTION_KEY};

pub struct Om<'a> {
    pub h: &'a Harness,
    pub bearer: String,
    pub msn: String,
}

pub fn client(h: &Harness) -> Om<'_> {
    Om {
        h,
        bearer: format!("Bearer {}", h.token()),
        msn: DEFAULT_MSN.to_string(),
    }
}

impl Om<'_> {
    pub fn headers(&self) -> Vec<(&str, &str)> {
        vec![
            ("Authorization", self.bearer.as_str()),
            ("Ocp-Apim-Subscription-Key", DEFAULT_SUBSCRIPTION_KEY),
            ("Merchant-Serial-Number", self.msn.as_str()),
            ("Vipps-System-Name", "acme"),
            ("Vipps-System-Version", "1.0"),
            ("Vipps-System-Plugin-Name", "acme-plugin"),
            ("Vipps-System-Plugin-Version", "2.0"),
        ]
    }

    pub fn add_receipt(&self, order_id: &str, receipt: &Value) -> Resp {
        self.add_receipt_as("ECOM", order_id, &receipt.to_string())
    }

    pub fn add_receipt_as(&self, payment_type: &str, order_id: &str, body: &str) -> Resp {
        self.h.call(
            "POST",
            &format!("/order-management/v2/{payment_type}/receipts/{order_id}"),
            &self.headers(),
            Some(body),
        )
    }

    pub fn set_category(&self, order_id: &str, category: &Value) -> Resp {
        self.h.call(
            "PUT",
            &format!("/order-management/v2/ECOM/categories/{order_id}"),
            &self.headers(),
            Some(&category.to_string()),
        )
    }

    pub fn get_order(&self, order_id: &str) -> Resp {
        self.h.call(
            "GET",
            &format!("/order-management/v2/ECOM/{order_id}"),
            &self.headers(),
            None,
        )
    }

    pub fn upload(&self, image_id: &str, bytes: &[u8]) -> Resp {
        let body = json!({"imageId": image_id, "src": b64(bytes), "type": "base64"});
        self.upload_raw(&body.to_string())
    }

    pub fn upload_raw(&self, body: &str) -> Resp {
        self.h.call(
            "POST",
            "/order-management/v1/images",
            &self.headers(),
            Some(body),
        )
    }
}

pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// An order line whose amounts add up (25 % VAT on the net amount).
pub fn line(id: &str, name: &str, total: i64) -> Value {
    let net = total * 4 / 5;
    json!({
        "name": name, "id": id, "totalAmount": total,
        "totalAmountExcludingTax": net, "totalTaxAmount": total - net,
        "taxRate": 2500,
        "unitInfo": {"unitPrice": total, "quantity": "1", "quantityUnit": "PCS"},
        "discount": 0, "isReturn": false, "isShipping": false
    })
}

/// A receipt for `amount`: two products and a shipping line.
pub fn receipt_for(amount: i64) -> Value {
    let shipping = 4900.min(amount / 4);
    let first = (amount - shipping) / 2;
    let second = amount - shipping - first;
    let mut ship = line("shipping", "Home delivery", shipping);
    ship["isShipping"] = json!(true);
    json!({
        "orderLines": [line("sku-1", "Socks", first), line("sku-2", "Flip-flops", second), ship],
        "bottomLine": {"currency": "NOK", "posId": "web-1", "receiptNumber": "R-1001"}
    })
}

/// The start of a PNG (signature and `IHDR`), enough for the simulator's header checks.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
    b.extend_from_slice(b"IHDR");
    b.extend_from_slice(&width.to_be_bytes());
    b.extend_from_slice(&height.to_be_bytes());
    b.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    b
}

/// The `invalidParams` names of an `ErrorResponse`.
pub fn invalid_params(r: &Resp) -> Vec<String> {
    r.json()["invalidParams"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| p["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The reason given for one invalid parameter.
pub fn reason(r: &Resp, name: &str) -> String {
    r.json()["invalidParams"]
        .as_array()
        .and_then(|a| a.iter().find(|p| p["name"] == name))
        .and_then(|p| p["reason"].as_str().map(str::to_string))
        .unwrap_or_default()
}
