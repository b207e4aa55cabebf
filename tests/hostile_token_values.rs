//! An access token answer with an absurd lifetime is used safely: no panic, a capped lifetime.

mod common;

use common::misbehaving::{pending_payment, Reply, Server};
use serde_json::json;

#[test]
fn a_huge_expires_in_gives_a_usable_token_and_no_panic() {
    for expires_in in ["18446744073709551615", "18446744073709551000"] {
        let server = Server::start(move |a| match a.path.as_str() {
            "/accesstoken/get" => Reply::token_expiring(expires_in),
            _ => Reply::json(200, pending_payment("hv-token-1")),
        });
        let client = server.client(3000, json!({}));
        for _ in 0..3 {
            let payment = client
                .get_payment(&json!({"reference": "hv-token-1"}))
                .unwrap();
            assert_eq!(payment["normalized"]["status"], "pending");
        }
        assert_eq!(
            server.token_fetches(),
            1,
            "the token is cached, capped, not refetched"
        );
    }
}
