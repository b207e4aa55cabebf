//! Access tokens: fetched once, shared across threads, refreshed without the caller noticing.

mod common;

use common::poll::poll_until;
use common::{payment_request, reference, Harness};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use vipps_sim::SimOptions;

#[test]
fn a_hundred_operations_need_one_token() {
    let h = Harness::start();
    let client = h.client();
    let reference = reference("tok-100");
    client
        .create_payment(&payment_request(&reference, 1000))
        .unwrap();
    for _ in 0..99 {
        client
            .get_payment(&json!({"reference": reference}))
            .unwrap();
    }
    assert_eq!(h.token_fetches(), 1);
}

#[test]
fn eight_threads_sharing_a_client_fetch_one_token() {
    let h = Harness::start();
    let client = Arc::new(h.client());
    let reference = reference("tok-threads");
    let start = Arc::new(std::sync::Barrier::new(8));
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let (client, start, reference) =
                (client.clone(), start.clone(), format!("{reference}-{i}"));
            std::thread::spawn(move || {
                start.wait();
                client
                    .create_payment(&payment_request(&reference, 1000))
                    .unwrap();
                for _ in 0..5 {
                    client
                        .get_payment(&json!({"reference": reference}))
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(h.token_fetches(), 1);
}

#[test]
fn two_clients_with_the_same_credentials_share_the_token() {
    let h = Harness::start();
    let (a, b) = (h.client(), h.client());
    a.create_payment(&payment_request(&reference("tok-share-a"), 1000))
        .unwrap();
    b.create_payment(&payment_request(&reference("tok-share-b"), 1000))
        .unwrap();
    assert_eq!(h.token_fetches(), 1);
}

#[test]
fn an_expired_token_is_refreshed_without_the_caller_noticing() {
    let h = Harness::with_options(SimOptions {
        token_lifetime_secs: 3600,
        ..SimOptions::default()
    });
    let client = h.client();
    let reference = reference("tok-expire");
    client
        .create_payment(&payment_request(&reference, 1000))
        .unwrap();
    // The simulator's clock moves past the token's lifetime: it now answers 401 to that token.
    h.control(
        "POST",
        "/_sim/clock/advance",
        Some(json!({"seconds": 4000})),
    );
    let payment = client
        .get_payment(&json!({"reference": reference}))
        .unwrap();
    assert_eq!(payment["reference"], reference.as_str());
    assert_eq!(h.token_fetches(), 2);
    let statuses: Vec<u64> = h
        .requests("/epayment")
        .iter()
        .map(|r| r["status"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(
        statuses,
        vec![201, 401, 200],
        "one refused attempt, then success with the new token"
    );
}

#[test]
fn a_short_lived_token_is_refreshed_before_it_expires() {
    // A 2 s token is refreshed 0.2 s before expiry, so no request ever gets a 401. The client
    // reads the payment every 20 ms until the second token fetch: those reads cover the whole
    // lifetime of the first token up to its refresh, the last of them within 0.2 s of expiry.
    let h = Harness::with_options(SimOptions {
        token_lifetime_secs: 2,
        ..SimOptions::default()
    });
    let client = h.client();
    let reference = reference("tok-short");
    // The simulator, like Azure AD, expires a token at `expires_on`, a whole second: a token
    // fetched at N.7 s with `expires_in` 2 ends at N+2, after 1.3 s. Fetching it right after a
    // second starts gives it its full 2 s, so the 0.2 s refresh margin is what this tests.
    let into_second = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_millis();
    std::thread::sleep(Duration::from_millis(u64::from(1000 - into_second)));
    let fetched = Instant::now();
    client
        .create_payment(&payment_request(&reference, 1000))
        .unwrap();
    assert_eq!(h.token_fetches(), 1);
    poll_until(Duration::from_secs(5), "the token refresh", || {
        client
            .get_payment(&json!({"reference": reference}))
            .unwrap();
        (h.token_fetches() == 2).then_some(())
    });
    let refreshed_after = fetched.elapsed();
    assert!(
        refreshed_after >= Duration::from_millis(1700),
        "the token was refreshed after {refreshed_after:?}, long before it was due"
    );
    assert_eq!(h.token_fetches(), 2);
    let epayment = h.requests("/epayment");
    assert!(
        epayment.len() > 10,
        "the first token was used: {}",
        epayment.len()
    );
    assert!(epayment.iter().all(|r| r["status"] != 401));
}

#[test]
fn wrong_credentials_are_unauthorized_without_leaking_them() {
    let h = Harness::start();
    let client = h.client_with(json!({"client_id": "sim-client-id", "client_secret": "WRONG-SECRET-4711", "subscription_key": "sim-subscription-key", "merchant_serial_number": "123456"}));
    let err = client
        .get_payment(&json!({"reference": "whatever-123"}))
        .unwrap_err();
    assert_eq!(err.kind, vipps::ErrorKind::Unauthorized, "{err}");
    assert!(!err.retryable);
    assert!(!format!("{err:?} {}", err.to_json()).contains("WRONG-SECRET-4711"));
}

/// Regression: the cache key once left out the client secret, so a client with a wrong secret
/// reused the token another client had fetched and seemed to work.
#[test]
fn a_wrong_secret_does_not_borrow_another_clients_token() {
    let h = Harness::start();
    let good = h.client();
    good.create_payment(&payment_request(&reference("tok-borrow"), 1000))
        .unwrap();
    let wrong = h.client_with(json!({"client_id": vipps_sim::DEFAULT_CLIENT_ID, "client_secret": "not-the-secret",
        "subscription_key": vipps_sim::DEFAULT_SUBSCRIPTION_KEY, "merchant_serial_number": vipps_sim::DEFAULT_MSN}));
    let err = wrong
        .get_payment(&json!({"reference": "tok-borrow-any"}))
        .unwrap_err();
    assert_eq!(err.kind, vipps::ErrorKind::Unauthorized, "{err}");
}
