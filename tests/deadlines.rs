//! Every public call ends within its own deadline (`total_ms`), however many requests it makes
//! and however many other calls wait for the same access token; `wait_for_final_status` ends
//! within its `timeout_ms`. Driven against a misbehaving loopback server that hangs or stalls.
//!
//! The timing assertions are upper bounds: the deadline is the behaviour under test.

mod common;

use common::misbehaving::{pending_payment, Reply, Server};
use serde_json::json;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};
use vipps::ErrorKind;

/// What a deadline may be overrun by: waking up, closing a socket, building the answer.
const MARGIN: Duration = Duration::from_millis(100);

/// These tests measure elapsed time against a 100 ms margin: run one at a time, so that the
/// others' threads do not compete for the CPU and turn scheduling delay into a false failure.
fn alone() -> std::sync::MutexGuard<'static, ()> {
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

#[test]
fn eight_threads_waiting_for_a_hanging_token_endpoint_each_end_within_their_deadline() {
    let _alone = alone();
    let server = Server::start(|a| match a.path.as_str() {
        "/accesstoken/get" => Reply::Hang,
        _ => Reply::json(200, pending_payment("dl-hanging")),
    });
    let client = Arc::new(server.client(2000, json!({})));
    let barrier = Arc::new(Barrier::new(8));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (client, barrier) = (client.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                let started = Instant::now();
                let outcome = client.get_payment(&json!({"reference": "dl-hanging"}));
                (started.elapsed(), outcome)
            })
        })
        .collect();
    let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let elapsed: Vec<_> = results.iter().map(|(e, _)| e.as_millis()).collect();
    eprintln!("per-thread elapsed ms: {elapsed:?}");
    for (took, outcome) in &results {
        let err = outcome.as_ref().expect_err("no token, no payment");
        assert_eq!(err.kind, ErrorKind::Timeout, "{err}");
        assert!(err.retryable);
        assert!(
            *took <= Duration::from_millis(2200),
            "a call took {took:?} with total_ms 2000 (all: {elapsed:?})"
        );
    }
    assert!(
        results
            .iter()
            .any(|(_, r)| r.as_ref().unwrap_err().message.contains("access token")),
        "a waiter says what it waited for: {:?}",
        results
            .iter()
            .map(|(_, r)| r.as_ref().unwrap_err().message.clone())
            .collect::<Vec<_>>()
    );
    assert_eq!(server.token_fetches(), 1, "one fetch for eight callers");
    assert_eq!(
        server.count("GET", "/epayment"),
        0,
        "nothing is sent without a token"
    );
}

#[test]
fn a_waiter_gives_up_at_its_own_deadline_and_says_it_waited_for_the_token() {
    let _alone = alone();
    let server = Server::start(|a| match a.path.as_str() {
        "/accesstoken/get" => Reply::Hang,
        _ => Reply::json(200, pending_payment("dl-waiter")),
    });
    // The first caller has 3 s; a second client with the same credentials has 800 ms: it
    // waits for the first one's fetch, and must not wait longer than its own deadline.
    let patient = Arc::new(server.client(3000, json!({})));
    let hurried = server.client(800, json!({}));
    let first = std::thread::spawn({
        let patient = patient.clone();
        move || patient.get_payment(&json!({"reference": "dl-waiter"}))
    });
    server.wait_until(5, |all| !all.is_empty());
    let started = Instant::now();
    let err = hurried
        .get_payment(&json!({"reference": "dl-waiter"}))
        .unwrap_err();
    let took = started.elapsed();
    assert_eq!(err.kind, ErrorKind::Timeout, "{err}");
    assert!(err.message.contains("access token"), "{err}");
    assert!(took <= Duration::from_millis(800) + MARGIN, "took {took:?}");
    assert!(first.join().unwrap().is_err());
    assert_eq!(server.token_fetches(), 1);
}

#[test]
fn token_then_401_then_refresh_then_a_hung_api_ends_within_total_ms() {
    let _alone = alone();
    let server = Server::start(|a| match (a.path.as_str(), a.nth) {
        ("/accesstoken/get", _) => Reply::token().after(400),
        (_, 1) => Reply::json(401, json!({"error": "expired"})),
        _ => Reply::Hang,
    });
    let client = server.client(2000, json!({}));
    let started = Instant::now();
    let err = client
        .get_payment(&json!({"reference": "dl-chain"}))
        .unwrap_err();
    let took = started.elapsed();
    eprintln!("token + 401 + refresh + hung API: {} ms", took.as_millis());
    assert_eq!(err.kind, ErrorKind::Timeout, "{err}");
    assert!(
        took <= Duration::from_millis(2000) + MARGIN,
        "took {took:?}"
    );
    assert_eq!(server.token_fetches(), 2, "the 401 fetched a new token");
    assert_eq!(server.count("GET", "/epayment/v1/payments/dl-chain"), 2);
}

#[test]
fn an_ecom_capture_and_its_details_read_share_one_deadline() {
    let _alone = alone();
    let order_id = "dl-ecom-capture-1";
    let server = Server::start(move |a| {
        if a.path == "/accesstoken/get" {
            return Reply::token();
        }
        if a.path.ends_with("/capture") {
            return Reply::json(
                200,
                json!({"orderId": order_id,
                       "transactionInfo": {"amount": 1000, "status": "Captured", "timeStamp": "2026-01-01T00:00:00Z", "transactionId": "5001"},
                       "transactionSummary": {"capturedAmount": 1000, "remainingAmountToCapture": 0,
                                              "refundedAmount": 0, "remainingAmountToRefund": 1000}}),
            )
            .after(1500);
        }
        Reply::Hang
    });
    let client = server.client(2000, json!({}));
    let started = Instant::now();
    let captured = client
        .capture(&json!({"api": "ecom", "reference": order_id, "amount": 1000, "idempotency_key": "dl-ecom-key"}))
        .expect("the capture succeeded; only the read after it ran out of time");
    let took = started.elapsed();
    eprintln!("eCom capture + details: {} ms", took.as_millis());
    assert!(
        took <= Duration::from_millis(2000) + MARGIN,
        "took {took:?}"
    );
    assert_eq!(captured["idempotency_key"], "dl-ecom-key");
    assert_eq!(captured["normalized"], serde_json::Value::Null);
    assert_eq!(
        captured["normalized_error"]["kind"], "timeout",
        "{captured}"
    );
    assert_eq!(
        server.count("GET", &format!("/ecomm/v2/payments/{order_id}/details")),
        1
    );
}

#[test]
fn waiting_for_a_final_status_ends_within_timeout_ms_with_the_last_status_seen() {
    let _alone = alone();
    let server = Server::start(|a| match (a.path.as_str(), a.nth) {
        ("/accesstoken/get", _) => Reply::token(),
        (_, 1) => Reply::json(200, pending_payment("dl-waiting")),
        _ => Reply::Hang,
    });
    let client = server.client(3000, json!({}));
    let started = Instant::now();
    let answer = client
        .wait_for_final_status(&json!({"reference": "dl-waiting", "timeout_ms": 1000, "initial_delay_ms": 0, "interval_ms": 100}))
        .expect("a timed-out wait is an answer, not an error");
    let took = started.elapsed();
    eprintln!(
        "wait_for_final_status (timeout_ms 1000): {} ms",
        took.as_millis()
    );
    assert!(took <= Duration::from_millis(1100), "took {took:?}");
    assert_eq!(answer["timed_out"], true, "{answer}");
    assert_eq!(answer["status"], "pending", "{answer}");
    assert_eq!(answer["polls"], 2, "the second poll hung: {answer}");
}

#[test]
fn waiting_with_no_answer_at_all_is_a_timeout_error_within_timeout_ms() {
    let _alone = alone();
    let server = Server::start(|a| match a.path.as_str() {
        "/accesstoken/get" => Reply::token(),
        _ => Reply::Hang,
    });
    let client = server.client(3000, json!({}));
    let started = Instant::now();
    let err = client
        .wait_for_final_status(
            &json!({"reference": "dl-wait-none", "timeout_ms": 1000, "initial_delay_ms": 0}),
        )
        .unwrap_err();
    let took = started.elapsed();
    assert_eq!(err.kind, ErrorKind::Timeout, "{err}");
    assert!(took <= Duration::from_millis(1100), "took {took:?}");
}

#[test]
fn an_initial_delay_longer_than_the_wait_still_leaves_time_for_one_poll() {
    let _alone = alone();
    let server = Server::start(|a| match a.path.as_str() {
        "/accesstoken/get" => Reply::token(),
        _ => Reply::json(200, pending_payment("dl-wait-late")),
    });
    let client = server.client(3000, json!({}));
    let started = Instant::now();
    let answer = client
        .wait_for_final_status(&json!({"reference": "dl-wait-late", "timeout_ms": 600, "initial_delay_ms": 5000, "interval_ms": 5000}))
        .unwrap();
    let took = started.elapsed();
    assert!(took <= Duration::from_millis(600) + MARGIN, "took {took:?}");
    assert_eq!(answer["timed_out"], true, "{answer}");
    assert_eq!(answer["status"], "pending");
    assert_eq!(answer["polls"], 1);
}

#[test]
fn a_failed_token_fetch_is_shared_with_the_callers_waiting_for_it() {
    let _alone = alone();
    let server = Server::start(|a| match a.path.as_str() {
        "/accesstoken/get" => Reply::json(500, json!({"error": "server_error"})).after(800),
        _ => Reply::json(200, pending_payment("dl-shared")),
    });
    // One attempt per fetch, so the server's count is the number of fetches.
    let client = Arc::new(server.client(5000, json!({"retry": {"max_attempts": 1}})));
    let callers = 6;
    let barrier = Arc::new(Barrier::new(callers));
    let threads: Vec<_> = (0..callers)
        .map(|_| {
            let (client, barrier) = (client.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                let started = Instant::now();
                let outcome = client.get_payment(&json!({"reference": "dl-shared"}));
                (started.elapsed(), outcome)
            })
        })
        .collect();
    let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let first = results[0].1.as_ref().unwrap_err().clone();
    for (took, outcome) in &results {
        let err = outcome.as_ref().expect_err("the only fetch failed");
        assert_eq!(err.kind, first.kind, "{err}");
        assert_eq!(err.http_status, Some(500), "{err}");
        assert!(
            *took < Duration::from_millis(1600),
            "a waiter fetched again: {took:?}"
        );
    }
    assert_eq!(server.token_fetches(), 1, "one fetch, its failure shared");
    // A later call did not wait for that fetch: it may try again.
    assert!(client
        .get_payment(&json!({"reference": "dl-shared"}))
        .is_err());
    assert_eq!(server.token_fetches(), 2);
}

#[test]
fn waiting_checks_the_reference_against_the_orders_own_api_before_the_initial_delay() {
    let _alone = alone();
    let server = Server::start(|a| match a.path.as_str() {
        "/accesstoken/get" => Reply::token(),
        _ => Reply::json(200, pending_payment("unused")),
    });
    let client = server.client(3000, json!({}));
    // 60 characters: within ePayment's 64, beyond eCom's 50.
    let long = "o".repeat(60);
    let started = Instant::now();
    let err = client
        .wait_for_final_status(&json!({"api": "ecom", "reference": long, "timeout_ms": 5000, "initial_delay_ms": 3000}))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidInput, "{err}");
    assert!(err.message.contains("50"), "{err}");
    assert!(
        started.elapsed() < Duration::from_millis(1000),
        "refused only after the initial delay: {:?}",
        started.elapsed()
    );
    assert!(server.arrivals().is_empty(), "nothing was sent");
}

#[test]
fn ensure_webhook_shares_one_deadline_across_its_list_register_and_delete() {
    let _alone = alone();
    // Each request takes 800 ms: list + register + delete would be 2.4 s with a deadline each.
    let server = Server::start(|a| {
        match (a.method.as_str(), a.path.as_str()) {
        (_, "/accesstoken/get") => Reply::token(),
        ("GET", _) => Reply::json(
            200,
            json!({"webhooks": [{"id": "old-1", "url": "https://shop.example/hook", "events": ["epayments.payment.captured.v1"]}]}),
        )
        .after(800),
        ("POST", _) => Reply::json(201, json!({"id": "new-1", "secret": "s".repeat(40)})).after(800),
        _ => Reply::Hang,
    }
    });
    let client = server.client(2000, json!({}));
    let started = Instant::now();
    let outcome = client
        .ensure_webhook(&json!({"url": "https://shop.example/hook", "events": ["epayments.payment.authorized.v1"]}))
        .map(|ok| ok.to_string());
    let took = started.elapsed();
    assert!(
        took <= Duration::from_millis(2000) + MARGIN,
        "took {took:?}: {outcome:?}"
    );
    // The delete ran out of time: the new registration is still returned, its delete listed.
    let answer: serde_json::Value = serde_json::from_str(&outcome.unwrap()).unwrap();
    assert_eq!(answer["id"], "new-1");
    assert_eq!(
        answer["remove_errors"][0]["error"]["kind"], "timeout",
        "{answer}"
    );
}
