//! Transaction information: the PSP reference of a payment's authorization, the transaction id
//! a shop shows next to the order (the Checkout guide's "Transaction information").

use serde_json::Value;

/// The PSP reference of the successful authorization in a payment's events: ePayment's
/// `AUTHORIZED` event (`pspReference`), or an eCom log's `RESERVE` (else `SALE`, a direct
/// sale) entry (`transactionId`). None before the payment is authorized.
pub(crate) fn authorization_psp_reference(events: &[Value]) -> Option<String> {
    let text = |event: &Value, key: &str| event.get(key).and_then(Value::as_str).map(str::to_owned);
    let succeeded =
        |event: &Value, key: &str| event.get(key).and_then(Value::as_bool) != Some(false);
    let epayment = events
        .iter()
        .filter(|e| e.get("name").and_then(Value::as_str) == Some("AUTHORIZED"))
        .filter(|e| succeeded(e, "success"))
        .find_map(|e| text(e, "pspReference"));
    epayment.or_else(|| {
        ["RESERVE", "SALE"].iter().find_map(|operation| {
            events
                .iter()
                .filter(|e| e.get("operation").and_then(Value::as_str) == Some(operation))
                .filter(|e| succeeded(e, "operationSuccess"))
                .find_map(|e| text(e, "transactionId"))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_authorization_event_gives_the_psp_reference() {
        let epayment = [
            json!({"name": "CREATED", "pspReference": "psp-created", "success": true}),
            json!({"name": "AUTHORIZED", "pspReference": "psp-failed", "success": false}),
            json!({"name": "AUTHORIZED", "pspReference": "psp-auth", "success": true}),
            json!({"name": "CAPTURED", "pspReference": "psp-capture", "success": true}),
        ];
        assert_eq!(
            authorization_psp_reference(&epayment).as_deref(),
            Some("psp-auth")
        );
        assert_eq!(authorization_psp_reference(&epayment[..2]), None);
        let ecom = [
            json!({"operation": "INITIATE", "transactionId": "t0", "operationSuccess": true}),
            json!({"operation": "RESERVE", "transactionId": "t-reserve", "operationSuccess": true}),
            json!({"operation": "CAPTURE", "transactionId": "t-capture", "operationSuccess": true}),
        ];
        assert_eq!(
            authorization_psp_reference(&ecom).as_deref(),
            Some("t-reserve")
        );
        let sale =
            [json!({"operation": "SALE", "transactionId": "t-sale", "operationSuccess": true})];
        assert_eq!(
            authorization_psp_reference(&sale).as_deref(),
            Some("t-sale")
        );
        assert_eq!(authorization_psp_reference(&[]), None);
    }
}
