//! The normalized status and amounts of an eCom order, read from `/details`, so that an eCom
//! order and an ePayment payment with the same history give the same answer.

use crate::api::payment::HistoryEntry;
use crate::json::input::lenient;
use crate::model::status::{plausible, Amounts, Normalized, Status, IMPOSSIBLE_AMOUNT};
use serde::Deserialize;
use serde_json::Value;

/// What the status is made of in a `/details` answer, decoded once, leniently.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct DetailsView {
    #[serde(deserialize_with = "lenient::list")]
    transaction_log_history: Option<Vec<HistoryEntry>>,
    #[serde(deserialize_with = "lenient::object")]
    transaction_summary: Option<SummaryView>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct SummaryView {
    #[serde(deserialize_with = "lenient::integer")]
    captured_amount: Option<i64>,
    #[serde(deserialize_with = "lenient::integer")]
    refunded_amount: Option<i64>,
}

/// The raw log of a `/details` answer (`transactionLogHistory`, newest first), `None` without one.
pub(crate) fn log(details: &Value) -> Option<Vec<Value>> {
    #[derive(Deserialize, Default)]
    #[serde(default, rename_all = "camelCase")]
    struct LogView {
        #[serde(deserialize_with = "lenient::array")]
        transaction_log_history: Option<Vec<Value>>,
    }
    lenient::decode::<LogView>(details).transaction_log_history
}

/// Sums amounts, `IMPOSSIBLE_AMOUNT` when the sum does not fit: the amounts come from another
/// program's JSON, and no answer may make them panic or wrap into a plausible number.
fn checked_sum(amounts: impl IntoIterator<Item = i64>) -> i64 {
    amounts
        .into_iter()
        .try_fold(0i64, i64::checked_add)
        .unwrap_or(IMPOSSIBLE_AMOUNT)
}

/// Normalizes a `/details` answer (`transactionLogHistory` newest first, `transactionSummary`).
///
/// An amount that cannot be summed, or a summary amount outside `0..=MAX_AMOUNT`, makes the
/// amounts implausible (`Amounts::is_plausible`); the library's own reads refuse those
/// ([`read_details`]), as `read_epayment` does.
pub fn from_details(details: &Value) -> Normalized {
    let view: DetailsView = lenient::decode(details);
    let log = view.transaction_log_history.unwrap_or_default();
    let succeeded = |operation: &str| {
        log.iter()
            .filter(|e| e.is(operation) && e.operation_success.unwrap_or(false))
            .map(|e| e.amount.unwrap_or(0))
            .collect::<Vec<i64>>()
    };
    let initiated = succeeded("INITIATE").into_iter().next().unwrap_or(0);
    // SALE is a direct capture: reserved and captured in one step.
    let reserved: i64 = succeeded("RESERVE")
        .into_iter()
        .chain(succeeded("SALE"))
        .max()
        .unwrap_or(0);
    let summary = view.transaction_summary.unwrap_or_default();
    let captured = summary
        .captured_amount
        .unwrap_or_else(|| checked_sum(succeeded("CAPTURE").into_iter().chain(succeeded("SALE"))));
    let refunded = summary
        .refunded_amount
        .unwrap_or_else(|| checked_sum(succeeded("REFUND")));
    let voided = !succeeded("VOID").is_empty();
    let cancelled_before_reserve = reserved == 0 && !succeeded("CANCEL").is_empty();
    // A cancel after a reservation (VOID, or CANCEL with shouldReleaseRemainingFunds after a
    // partial capture) releases whatever was not captured.
    let released = reserved > 0 && (voided || !succeeded("CANCEL").is_empty());
    let amounts = Amounts {
        authorized: reserved,
        captured,
        refunded,
        cancelled: if released {
            reserved
                .checked_sub(captured)
                .map_or(IMPOSSIBLE_AMOUNT, |left| left.max(0))
        } else {
            0
        },
    };
    let status = if reserved > 0 {
        amounts.authorized_status()
    } else if cancelled_before_reserve {
        Status::Cancelled
    } else if log
        .iter()
        .any(|e| e.operation_success == Some(false) && e.is("RESERVE"))
    {
        Status::Failed
    } else {
        Status::Pending
    };
    Normalized {
        status,
        currency: Some("NOK".to_owned()),
        amount: initiated.max(reserved),
        amounts,
        shipping_details: None,
        user_details: None,
    }
}

/// Reads a `/details` answer for the library's own calls, refusing one whose amounts are
/// impossible (they cannot be summed, or are outside `0..=MAX_AMOUNT`), as `read_epayment`
/// refuses an ePayment answer: such a status is unknown, never `failed`, never a number.
pub(crate) fn read_details(details: &Value) -> Result<Normalized, String> {
    plausible(from_details(details))
}

/// The normalized status of a `/status` answer (its `transactionInfo.status`), read once.
pub(crate) fn status_of(answer: &Value) -> Option<Status> {
    #[derive(Deserialize, Default)]
    #[serde(default, rename_all = "camelCase")]
    struct StatusView {
        #[serde(deserialize_with = "lenient::object")]
        transaction_info: Option<InfoView>,
    }
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct InfoView {
        #[serde(deserialize_with = "lenient::text")]
        status: Option<String>,
    }
    let view: StatusView = lenient::decode(answer);
    status_name(&view.transaction_info?.status?)
}

/// Maps the deprecated `/status` answer's `transactionInfo.status` to a normalized status
/// (amounts are not in that answer; use `/details` for them). `None` for a status this library
/// does not know: it is not read as `failed`.
pub fn status_name(status: &str) -> Option<Status> {
    Some(match status {
        "INITIATE" | "REGISTER" => Status::Pending,
        "RESERVE" => Status::Authorized,
        "SALE" | "CAPTURE" => Status::Captured,
        "REFUND" => Status::Refunded,
        "CANCEL" | "VOID" => Status::Cancelled,
        "REJECTED" => Status::Aborted,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_raw_log_keeps_its_entries_as_they_came() {
        let details =
            serde_json::json!({"transactionLogHistory": [1, {"operation": "RESERVE"}, null]});
        assert_eq!(
            log(&details),
            Some(vec![
                serde_json::json!(1),
                serde_json::json!({"operation": "RESERVE"}),
                serde_json::Value::Null
            ])
        );
        assert_eq!(
            log(&serde_json::json!({"transactionLogHistory": "x"})),
            None
        );
    }

    use super::*;
    use serde_json::json;

    /// Builds a /details answer from operations given oldest first.
    fn details(ops: &[(&str, i64)], captured: i64, refunded: i64) -> Value {
        let log: Vec<Value> = ops.iter().rev().map(|(op, amount)| json!({"operation": op, "amount": amount, "operationSuccess": true, "transactionText": "t"})).collect();
        json!({"orderId": "o-1", "transactionLogHistory": log, "transactionSummary": {"capturedAmount": captured, "refundedAmount": refunded, "remainingAmountToCapture": 0, "remainingAmountToRefund": 0}})
    }

    #[test]
    fn histories_match_the_epayment_statuses() {
        let cases = [
            (details(&[("INITIATE", 1000)], 0, 0), "pending", 0, 0),
            (
                details(&[("INITIATE", 1000), ("RESERVE", 1000)], 0, 0),
                "authorized",
                1000,
                0,
            ),
            (
                details(
                    &[("INITIATE", 1000), ("RESERVE", 1000), ("CAPTURE", 400)],
                    400,
                    0,
                ),
                "partially_captured",
                600,
                400,
            ),
            (
                details(
                    &[("INITIATE", 1000), ("RESERVE", 1000), ("CAPTURE", 1000)],
                    1000,
                    0,
                ),
                "captured",
                0,
                1000,
            ),
            (
                details(
                    &[
                        ("INITIATE", 1000),
                        ("RESERVE", 1000),
                        ("CAPTURE", 1000),
                        ("REFUND", 300),
                    ],
                    1000,
                    300,
                ),
                "partially_refunded",
                0,
                700,
            ),
            (
                details(
                    &[
                        ("INITIATE", 1000),
                        ("RESERVE", 1000),
                        ("CAPTURE", 1000),
                        ("REFUND", 1000),
                    ],
                    1000,
                    1000,
                ),
                "refunded",
                0,
                0,
            ),
            (
                details(
                    &[("INITIATE", 1000), ("RESERVE", 1000), ("VOID", 1000)],
                    0,
                    0,
                ),
                "cancelled",
                0,
                0,
            ),
            (
                details(
                    &[
                        ("INITIATE", 1000),
                        ("RESERVE", 1000),
                        ("CAPTURE", 400),
                        ("CANCEL", 600),
                    ],
                    400,
                    0,
                ),
                "captured",
                0,
                400,
            ),
            (
                details(&[("INITIATE", 1000), ("CANCEL", 1000)], 0, 0),
                "cancelled",
                0,
                0,
            ),
            (
                details(&[("INITIATE", 1000), ("SALE", 1000)], 1000, 0),
                "captured",
                0,
                1000,
            ),
        ];
        for (input, status, capturable, refundable) in cases {
            let n = from_details(&input);
            assert_eq!(n.status.as_str(), status, "{input}");
            assert_eq!(
                (n.amounts.capturable(), n.amounts.refundable()),
                (capturable, refundable),
                "{input}"
            );
        }
    }

    #[test]
    fn a_failed_reservation_is_failed() {
        let d = json!({"transactionLogHistory": [
            {"operation": "RESERVE", "amount": 1000, "operationSuccess": false},
            {"operation": "INITIATE", "amount": 1000, "operationSuccess": true}]});
        assert_eq!(from_details(&d).status, Status::Failed);
    }
}
