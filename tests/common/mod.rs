//! Shared helpers for the integration tests: an in-process simulator, a client pointed at
//! it, and the simulator's test-control API.
#![allow(dead_code)]

use serde_json::{json, Value};
use vipps::Client;
use vipps_sim::{SimOptions, SimServer};

pub struct Harness {
    pub sim: SimServer,
}

impl Harness {
    pub fn start() -> Harness {
        Harness::with_options(SimOptions::default())
    }

    pub fn with_options(options: SimOptions) -> Harness {
        Harness {
            sim: SimServer::start(options).expect("the simulator starts"),
        }
    }

    pub fn base_url(&self) -> &str {
        self.sim.base_url()
    }

    /// A configuration for this simulator, with `extra` settings merged in.
    pub fn config(&self, extra: Value) -> Value {
        let mut config = json!({
            "base_url": self.base_url(),
            "system_name": "acme-shop",
            "system_version": "9.8.7",
            "plugin_name": "acme-vipps-plugin",
            "plugin_version": "1.2.3",
            "retry": {"max_attempts": 4, "base_delay_ms": 20, "max_delay_ms": 200},
            "timeouts": {"connect_ms": 1000, "request_ms": 3000, "total_ms": 10000},
            "polling": {"initial_delay_ms": 0, "interval_ms": 20},
        });
        for (k, v) in extra.as_object().expect("extra is an object") {
            config[k] = v.clone();
        }
        config
    }

    pub fn client(&self) -> Client {
        self.client_with(json!({}))
    }

    pub fn client_with(&self, extra: Value) -> Client {
        Client::new(&self.config(extra).to_string()).expect("the test configuration is valid")
    }

    /// Calls the simulator's test-control API (or any path) and returns (status, JSON body).
    pub fn control(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let url = format!("{}{}", self.base_url(), path);
        let request = ureq::http::Request::builder()
            .method(method)
            .uri(&url)
            .header("Content-Type", "application/json");
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let mut response = agent
            .run(request.body(body).unwrap())
            .expect("the simulator answers");
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub fn requests(&self, path_prefix: &str) -> Vec<Value> {
        let (_, log) = self.control(
            "GET",
            &format!("/_sim/requests?path_prefix={path_prefix}"),
            None,
        );
        log.as_array().cloned().unwrap_or_default()
    }

    pub fn clear_requests(&self) {
        self.control("DELETE", "/_sim/requests", None);
    }

    pub fn token_fetches(&self) -> u64 {
        self.control("GET", "/_sim/stats", None).1["token_fetches"]
            .as_u64()
            .expect("stats has token_fetches")
    }

    pub fn fault(&self, fault: Value) {
        let (status, body) = self.control("POST", "/_sim/faults", Some(fault));
        assert_eq!(status, 201, "fault accepted: {body}");
    }

    pub fn ledger_entry(&self, reference: &str) -> Value {
        let (_, ledger) = self.control("GET", "/_sim/ledger", None);
        ledger["payments"]
            .as_array()
            .and_then(|p| p.iter().find(|e| e["reference"] == reference).cloned())
            .unwrap_or(Value::Null)
    }

    pub fn approve(&self, reference: &str) {
        let (status, body) = self.control(
            "POST",
            &format!("/_sim/payments/{reference}/approve"),
            Some(json!({})),
        );
        assert_eq!(status, 200, "approve {reference}: {body}");
    }
}

/// A reference unique within the test process.
pub fn reference(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(1);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

pub fn session_request(reference: &str, value: i64) -> Value {
    json!({
        "merchantInfo": {"callbackUrl": "https://shop.example/vipps/callback", "returnUrl": "https://shop.example/return"},
        "transaction": {"amount": {"value": value, "currency": "NOK"}, "reference": reference, "paymentDescription": "Socks and a hat"}
    })
}

pub fn payment_request(reference: &str, value: i64) -> Value {
    json!({
        "amount": {"value": value, "currency": "NOK"},
        "paymentMethod": {"type": "WALLET"},
        "reference": reference,
        "userFlow": "WEB_REDIRECT",
        "returnUrl": "https://shop.example/return",
        "paymentDescription": "A warm winter coat"
    })
}

/// A header from a logged request (names are lower-case in the log).
pub fn header<'a>(request: &'a Value, name: &str) -> Option<&'a str> {
    request["headers"][name.to_ascii_lowercase()].as_str()
}

pub mod http_request;
pub mod misbehaving;
pub mod poll;
pub mod receiver;

/// A client for tests that make no request (inbound verification, validation): its base URL is
/// a closed loopback port, and `extra` settings are merged in.
pub fn offline_client(extra: Value) -> Client {
    let mut config = json!({
        "base_url": "http://127.0.0.1:9",
        "system_name": "acme-shop", "system_version": "1.0.0",
        "plugin_name": "acme-vipps", "plugin_version": "1.0.0",
    });
    for (k, v) in extra.as_object().expect("extra is an object") {
        config[k] = v.clone();
    }
    Client::new(&config.to_string()).expect("the test configuration is valid")
}
