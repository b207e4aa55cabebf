//! The checklist itself: the orders the "flow to go live" asks for, a receipt, and a webhook
//! registration round trip, each made with the library's own calls.

use serde_json::{json, Value};
use vipps::Client;

use crate::report::{Order, Row};

const AMOUNT: i64 = 10_000; // 100.00 NOK: small, and a whole number of kroner for the receipt
const WEBHOOK_EVENT: &str = "epayments.payment.captured.v1";

pub struct Run<'a> {
    pub client: &'a Client,
    /// Unique per run, so references never collide with earlier runs.
    pub stamp: String,
    pub phone: String,
    pub webhook_url: String,
}

fn step<T>(what: &str, result: vipps::Result<T>) -> Result<T, String> {
    result.map_err(|e| format!("{what} failed: {e}"))
}

/// The normalized status a call answered must be `status`.
fn expect_status(what: &str, seen: Option<&str>, status: &str) -> Result<(), String> {
    match seen {
        Some(s) if s == status => Ok(()),
        other => Err(format!(
            "after {what} the status is {other:?}, not {status:?}"
        )),
    }
}

/// The normalized status of a payment answer, by name.
fn status_of(payment: &vipps::Payment) -> Option<&'static str> {
    payment.normalized.as_ref().map(|n| n.status.as_str())
}

impl Run<'_> {
    fn reference(&self, tag: &str) -> String {
        format!("vc-{}-{tag}", self.stamp)
    }

    fn nok(value: i64) -> Value {
        json!({"value": value, "currency": "NOK"})
    }

    /// Creates and approves an ePayment payment; answers its reference.
    fn epayment_authorized(&self, reference: &str) -> Result<(), String> {
        step(
            "create",
            self.client.create_payment(&json!({
                "amount": Self::nok(AMOUNT),
                "paymentMethod": {"type": "WALLET"},
                "customer": {"phoneNumber": self.phone},
                "reference": reference,
                "userFlow": "WEB_REDIRECT",
                "returnUrl": "https://example.com/vipps-check/return",
                "paymentDescription": "vipps-check go-live test order",
            })),
        )?;
        step(
            "force approve",
            self.client.force_approve(
                &json!({"reference": reference, "customer": {"phoneNumber": self.phone}}),
            ),
        )?;
        Ok(())
    }

    fn epayment_final(&self, reference: &str) -> Result<Order, String> {
        let read = step(
            "get payment",
            self.client.get_payment(&json!({"reference": reference})),
        )?;
        let aggregate = &read["aggregate"];
        Ok(Order {
            api: "epayment",
            reference: reference.to_owned(),
            api_state: format!(
                "{} (captured {}, refunded {}, cancelled {})",
                read["state"].as_str().unwrap_or("?"),
                aggregate["capturedAmount"]["value"],
                aggregate["refundedAmount"]["value"],
                aggregate["cancelledAmount"]["value"]
            ),
            status: read["normalized"]["status"]
                .as_str()
                .unwrap_or("?")
                .to_owned(),
        })
    }

    /// Captures `amount` (the order's whole amount), then refunds it: each call must answer
    /// the status it leads to. The same for both APIs; `amount` names the order's API.
    fn capture_and_refund(&self, amount: &Value) -> Result<(), String> {
        let typed = self.client.typed();
        let captured = step("capture", typed.capture(amount))?;
        expect_status("capture", status_of(&captured), "captured")?;
        let refunded = step("refund", typed.refund(amount))?;
        expect_status("refund", status_of(&refunded), "refunded")
    }

    /// Cancels the order `request` names: the call must answer `cancelled`.
    fn cancel(&self, request: &Value) -> Result<(), String> {
        let cancelled = step("cancel", self.client.typed().cancel(request))?;
        expect_status("cancel", status_of(&cancelled), "cancelled")
    }

    /// Create, approve, capture in full, refund in full: the order ending in REFUND.
    pub fn epayment_refund(&self) -> (Row, Option<Order>) {
        let reference = self.reference("ep-refund");
        let result = (|| {
            self.epayment_authorized(&reference)?;
            self.capture_and_refund(&json!({"reference": reference, "amount": Self::nok(AMOUNT)}))?;
            let order = self.epayment_final(&reference)?;
            expect_status("the final read", Some(&order.status), "refunded")?;
            Ok(order)
        })();
        finish(
            "epayment_refund",
            "create, approve, capture 100.00 NOK, refund 100.00 NOK: refunded",
            &reference,
            result,
        )
    }

    /// Create, approve, cancel: the order ending in VOID.
    pub fn epayment_cancel(&self) -> (Row, Option<Order>) {
        let reference = self.reference("ep-cancel");
        let result = (|| {
            self.epayment_authorized(&reference)?;
            self.cancel(&json!({"reference": reference}))?;
            let order = self.epayment_final(&reference)?;
            expect_status("the final read", Some(&order.status), "cancelled")?;
            Ok(order)
        })();
        finish(
            "epayment_cancel",
            "create, approve, cancel: cancelled",
            &reference,
            result,
        )
    }

    fn ecom_phone(&self) -> String {
        // eCom wants the 8-digit Norwegian number without the country code.
        let digits: Vec<char> = self.phone.chars().filter(char::is_ascii_digit).collect();
        digits.iter().skip(digits.len().saturating_sub(8)).collect()
    }

    fn ecom_reserved(&self, order_id: &str) -> Result<(), String> {
        step(
            "initiate",
            self.client.ecom_initiate(&json!({
                "customerInfo": {"mobileNumber": self.ecom_phone()},
                "merchantInfo": {
                    "callbackPrefix": "https://example.com/vipps-check/callback",
                    "fallBack": "https://example.com/vipps-check/return",
                },
                "transaction": {"amount": AMOUNT, "orderId": order_id,
                                "transactionText": "vipps-check go-live test order"},
            })),
        )?;
        step(
            "force approve",
            self.client.force_approve(&json!({
                "reference": order_id, "api": "ecom", "customerPhoneNumber": self.ecom_phone(),
            })),
        )?;
        Ok(())
    }

    fn ecom_final(&self, order_id: &str) -> Result<Order, String> {
        let read = step(
            "status",
            self.client.ecom_status(&json!({"reference": order_id})),
        )?;
        Ok(Order {
            api: "ecom",
            reference: order_id.to_owned(),
            api_state: read["transactionInfo"]["status"]
                .as_str()
                .unwrap_or("?")
                .to_owned(),
            status: read["normalized_status"].as_str().unwrap_or("?").to_owned(),
        })
    }

    pub fn ecom_refund(&self) -> (Row, Option<Order>) {
        let order_id = self.reference("ec-refund");
        let result = (|| {
            self.ecom_reserved(&order_id)?;
            self.capture_and_refund(
                &json!({"reference": order_id, "api": "ecom", "amount": AMOUNT}),
            )?;
            self.ecom_final(&order_id)
        })();
        finish(
            "ecom_refund",
            "initiate, approve, capture 100.00 NOK, refund 100.00 NOK: refunded",
            &order_id,
            result,
        )
    }

    pub fn ecom_cancel(&self) -> (Row, Option<Order>) {
        let order_id = self.reference("ec-cancel");
        let result = (|| {
            self.ecom_reserved(&order_id)?;
            self.cancel(&json!({"reference": order_id, "api": "ecom"}))?;
            self.ecom_final(&order_id)
        })();
        finish(
            "ecom_cancel",
            "initiate, approve, cancel: cancelled",
            &order_id,
            result,
        )
    }

    /// A receipt for the refunded ePayment order: built by `build_receipt` (the tax
    /// arithmetic), posted with `add_receipt`, and read back with `get_order`.
    pub fn receipt(&self, reference: Option<&str>) -> Row {
        let name = "receipt";
        let Some(reference) = reference else {
            return Row {
                name,
                passed: false,
                detail: "not tried: the refunded order was not made".into(),
            };
        };
        let result = (|| {
            let receipt = step(
                "build_receipt",
                vipps::order_management::build_receipt(&json!({
                    "amount": Self::nok(AMOUNT),
                    "lines": [
                        {"name": "Test product", "id": "vipps-check-product", "quantity": 2,
                         "unit_price": 3750, "tax_rate": 2500},
                        {"name": "Shipping", "id": "vipps-check-shipping", "total_amount": 2500,
                         "tax_rate": 2500, "is_shipping": true},
                    ],
                })),
            )?;
            let mut request = receipt.clone();
            request["reference"] = json!(reference);
            request["payment_amount"] = Self::nok(AMOUNT);
            let added = step("add_receipt", self.client.add_receipt(&request))?;
            let stored = step(
                "get_order",
                self.client.get_order(&json!({"reference": reference})),
            )?;
            if stored["receipt"]["orderLines"] != receipt["orderLines"] {
                return Err("get_order does not show the receipt's lines".to_owned());
            }
            Ok(format!(
                "2 lines (25 % VAT, one shipping) on {reference}; {}; read back with get_order",
                if added["already_existed"] == true {
                    "already there (409, idempotent)"
                } else {
                    "created"
                }
            ))
        })();
        match result {
            Ok(detail) => Row {
                name,
                passed: true,
                detail,
            },
            Err(detail) => Row {
                name,
                passed: false,
                detail,
            },
        }
    }

    /// register → list finds it → delete → list no longer has it.
    pub fn webhook(&self) -> Row {
        let name = "webhook";
        let result = (|| {
            let registered = step(
                "register_webhook",
                self.client
                    .register_webhook(&json!({"url": self.webhook_url, "events": [WEBHOOK_EVENT]})),
            )?;
            let id = registered["id"]
                .as_str()
                .ok_or("register_webhook answered no id")?
                .to_owned();
            let listed = |what| -> Result<bool, String> {
                let list = step(what, self.client.list_webhooks(&json!({})))?;
                Ok(list["webhooks"]
                    .as_array()
                    .is_some_and(|hooks| hooks.iter().any(|h| h["id"] == id.as_str())))
            };
            let found = listed("list_webhooks");
            let deleted = step(
                "delete_webhook",
                self.client.delete_webhook(&json!({"id": id})),
            );
            if !found? {
                return Err(format!(
                    "list_webhooks does not show the new registration {id}"
                ));
            }
            deleted?;
            if listed("list_webhooks after delete")? {
                return Err(format!("registration {id} is still listed after delete"));
            }
            Ok(format!(
                "registered {id} for {WEBHOOK_EVENT} at {}, listed, deleted",
                self.webhook_url
            ))
        })();
        match result {
            Ok(detail) => Row {
                name,
                passed: true,
                detail,
            },
            Err(detail) => Row {
                name,
                passed: false,
                detail,
            },
        }
    }
}

fn finish(
    name: &'static str,
    what: &str,
    reference: &str,
    result: Result<Order, String>,
) -> (Row, Option<Order>) {
    match result {
        Ok(order) => (
            Row {
                name,
                passed: true,
                detail: format!("{what} ({reference}: {})", order.api_state),
            },
            Some(order),
        ),
        Err(e) => (
            Row {
                name,
                passed: false,
                detail: format!("{reference}: {e}"),
            },
            None,
        ),
    }
}
