//! Transaction information: the PSP reference of a payment's authorization, the transaction id
//! a shop shows next to the order (the Checkout guide's "Transaction information").

use crate::api::payment::HistoryEntry;

/// The PSP reference of the successful authorization in a payment's events: ePayment's
/// `AUTHORIZED` event (`pspReference`), or an eCom log's `RESERVE` (else `SALE`, a direct
/// sale) entry (`transactionId`). None before the payment is authorized.
pub(crate) fn authorization_psp_reference(events: &[HistoryEntry]) -> Option<String> {
    let epayment = events
        .iter()
        .filter(|e| e.name.as_deref() == Some("AUTHORIZED") && e.success != Some(false))
        .find_map(|e| e.psp_reference.clone());
    epayment.or_else(|| {
        ["RESERVE", "SALE"].iter().find_map(|operation| {
            events
                .iter()
                .filter(|e| e.is(operation) && e.operation_success != Some(false))
                .find_map(|e| e.transaction_id.clone())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn authorization_psp_reference(events: &[Value]) -> Option<String> {
        let entries: Vec<HistoryEntry> = events
            .iter()
            .map(crate::json::input::lenient::decode)
            .collect();
        super::authorization_psp_reference(&entries)
    }

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
