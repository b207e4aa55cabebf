//! Eight threads share one client for 1,000 mixed operations each; every order ends exactly as
//! the simulator's ledger says, and the whole run needs one access token.

mod common;

use common::{payment_request, reference, Harness};
use serde_json::json;
use std::sync::Arc;

const THREADS: usize = 8;
/// Each order takes 10 operations: create, approve, 3 reads, 2 captures, 1 refund, 1 cancel, 1 events.
const ORDERS_PER_THREAD: usize = 100;

#[test]
fn eight_threads_times_a_thousand_mixed_operations() {
    let h = Harness::start();
    let client = Arc::new(h.client());
    let prefix = reference("conc");
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let (client, prefix) = (client.clone(), prefix.clone());
            std::thread::spawn(move || {
                let mut expected = Vec::new();
                for i in 0..ORDERS_PER_THREAD {
                    let reference = format!("{prefix}-{t}-{i}");
                    let amount = 1000 + (t * 100 + i) as i64;
                    let nok = |v: i64| json!({"value": v, "currency": "NOK"});
                    client.create_payment(&payment_request(&reference, amount)).unwrap();
                    client.force_approve(&json!({"reference": reference, "customer": {"phoneNumber": "4791234567"}})).unwrap();
                    client.get_payment(&json!({"reference": reference})).unwrap();
                    client.capture(&json!({"reference": reference, "amount": nok(300)})).unwrap();
                    client.get_payment(&json!({"reference": reference})).unwrap();
                    client.capture(&json!({"reference": reference, "amount": nok(200)})).unwrap();
                    client.refund(&json!({"reference": reference, "amount": nok(100)})).unwrap();
                    let cancelled = client.cancel(&json!({"reference": reference})).unwrap();
                    client.get_payment_events(&json!({"reference": reference})).unwrap();
                    let last = client.reconcile(&json!({"reference": reference})).unwrap();
                    assert_eq!(cancelled["normalized"]["cancelled"], amount - 500);
                    assert_eq!(last["status"], "partially_refunded");
                    expected.push((reference, amount));
                }
                expected
            })
        })
        .collect();
    let mut expected = Vec::new();
    for thread in threads {
        expected.extend(thread.join().expect("no thread panicked"));
    }

    let (_, ledger) = h.control("GET", "/_sim/ledger", None);
    let payments = ledger["payments"].as_array().unwrap();
    // Every order exists exactly once, and no other with this run's prefix.
    let created: Vec<&str> = payments
        .iter()
        .filter_map(|p| p["reference"].as_str())
        .filter(|r| r.starts_with(&format!("{prefix}-")))
        .collect();
    let mut wanted: Vec<&str> = expected.iter().map(|(r, _)| r.as_str()).collect();
    let mut got = created.clone();
    wanted.sort_unstable();
    got.sort_unstable();
    assert_eq!(
        got, wanted,
        "the ledger holds exactly the orders the threads made"
    );
    // Every money call reached the API exactly once: 1 create, 2 captures, 1 refund and
    // 1 cancel per order, with no request repeated or lost under concurrency.
    let posts = h
        .requests("/epayment/v1/payments")
        .into_iter()
        .filter(|r| r["method"] == "POST")
        .filter(|r| {
            r["path"] == "/epayment/v1/payments"
                || r["path"]
                    .as_str()
                    .is_some_and(|p| p.contains(&format!("/{prefix}-")))
        })
        .count();
    assert_eq!(posts, THREADS * ORDERS_PER_THREAD * 5);
    for (reference, amount) in &expected {
        let entry = payments
            .iter()
            .find(|p| p["reference"] == reference.as_str())
            .expect("in the ledger");
        assert_eq!(entry["captures"], json!([300, 200]), "{reference}");
        assert_eq!(entry["refunds"], json!([100]), "{reference}");
        assert_eq!(entry["cancelled"], amount - 500, "{reference}");
    }
    assert_eq!(h.token_fetches(), 1);
}
