mod common;

use common::*;
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn oversized_bodies_get_413() {
    let h = start();
    let e = h.epayment();
    let huge = format!("{{\"pad\":\"{}\"}}", "x".repeat(1024 * 1024 + 10));
    let r = h.call(
        "POST",
        "/epayment/v1/payments",
        &e.headers(Some("k")),
        Some(&huge),
    );
    assert_eq!(r.status, 413);
    assert_eq!(r.json()["status"], 413);
}

#[test]
fn malformed_json_is_a_clear_400() {
    let h = start();
    let e = h.epayment();
    let r = h.call(
        "POST",
        "/epayment/v1/payments",
        &e.headers(Some("k")),
        Some("{\"amount\": "),
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    assert!(r.json()["detail"]
        .as_str()
        .unwrap()
        .contains("not valid JSON"));
    let r = h.call(
        "POST",
        "/epayment/v1/payments",
        &e.headers(Some("k2")),
        Some("[1,2]"),
    );
    assert_eq!(r.status, 400);
    let r = h.call("POST", "/_sim/faults", &[], Some("nope"));
    assert_eq!(r.status, 400);
    assert!(r.json()["detail"].is_string());
}

#[test]
fn unknown_paths_and_wrong_methods_answer_json() {
    let h = start();
    let r = h.call("GET", "/no/such/api", &[], None);
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["status"], 404);
    let r = h.call("DELETE", "/accesstoken/get", &[], None);
    assert_eq!(r.status, 405);
    assert_eq!(r.json()["status"], 405);
    assert!(r.header("allow").is_some_and(|a| a.contains("POST")));
}

#[test]
fn request_log_stats_and_reset() {
    let h = start();
    let e = h.epayment();
    assert_eq!(e.create("order-log-1", 1_000, "k").status, 201);
    h.call("GET", "/no/such/api?x=1", &[("X-Test", "yes")], None);
    let all = h.control("GET", "/_sim/requests", None).json();
    let all = all.as_array().unwrap();
    assert_eq!(
        all.len(),
        3,
        "token, create, unknown; /_sim calls are not logged"
    );
    assert_eq!(all[0]["path"], "/accesstoken/get");
    assert_eq!(all[1]["method"], "POST");
    assert_eq!(all[1]["status"], 201);
    assert_eq!(all[1]["headers"]["idempotency-key"], "k");
    assert!(all[1]["body"].as_str().unwrap().contains("order-log-1"));
    assert_eq!(all[2]["query"], "x=1");
    assert_eq!(all[2]["headers"]["x-test"], "yes");
    assert!(all[0]["seq"].as_u64() < all[1]["seq"].as_u64());
    let only = h
        .control("GET", "/_sim/requests?path_prefix=/epayment", None)
        .json();
    assert_eq!(only.as_array().unwrap().len(), 1);
    let stats = h.control("GET", "/_sim/stats", None).json();
    assert_eq!(stats["token_fetches"], 1, "{stats}");
    assert_eq!(stats["requests"], 3, "{stats}");
    assert!(stats["connections"].as_u64().unwrap() >= 1, "{stats}");

    assert_eq!(h.control("DELETE", "/_sim/requests", None).status, 204);
    assert_eq!(h.control("GET", "/_sim/requests", None).json(), json!([]));

    h.control(
        "POST",
        "/_sim/clock/advance",
        Some(json!({"seconds": 86_400})),
    );
    assert_eq!(h.control("POST", "/_sim/reset", None).status, 204);
    assert_eq!(
        h.control("GET", "/_sim/ledger", None).json(),
        json!({"payments": []})
    );
    // Tokens survive a reset, and the clock offset is gone (a token valid for an hour works).
    assert_eq!(e.get("order-log-1").status, 404);
    assert_eq!(
        e.create("order-log-1", 1_000, "k").status,
        201,
        "reference free again"
    );
}

#[test]
fn same_seed_gives_the_same_ids() {
    let ids = |seed: u64| {
        let h = start_with(vipps_sim::SimOptions {
            seed,
            ..Default::default()
        });
        let e = h.epayment();
        assert_eq!(e.create("order-seed-1", 1_000, "k").status, 201);
        (
            e.bearer.clone(),
            e.get("order-seed-1").json()["pspReference"].clone(),
        )
    };
    assert_eq!(ids(42), ids(42));
    assert_ne!(ids(42), ids(43));
}

#[test]
fn binary_prints_its_url_first_and_exits_cleanly_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vipps-sim"))
        .args(["--port", "0", "--msn", "123456"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let base = line.trim().to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .build()
        .into();
    let status = agent
        .get(format!("{base}/_sim/stats"))
        .call()
        .unwrap()
        .status()
        .as_u16();
    assert_eq!(status, 200);
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "exit status {exit:?}");
}
