//! Helpers for the eCom v2 tests: a client for `/ecomm/v2/...` and a merchant server that
//! answers each request with a scripted status and body (callbacks, shipping details, consent
//! removal).
#![allow(dead_code)]

use crate::common::{read_request, Harness, Received, Resp};
use serde_json::{json, Value};
use std::io::Write;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use vipps_sim::{DEFAULT_MSN, DEFAULT_SUBSCRIPTION_KEY};

pub struct Ecom<'a> {
    pub h: &'a Harness,
    pub bearer: String,
}

pub fn client(h: &Harness) -> Ecom<'_> {
    Ecom {
        h,
        bearer: format!("Bearer {}", h.token()),
    }
}

/// A minimal valid regular initiate body.
pub fn initiate_body(order_id: &str, amount: i64, callback_prefix: &str) -> Value {
    json!({
        "customerInfo": {"mobileNumber": "91234567"},
        "merchantInfo": {
            "merchantSerialNumber": DEFAULT_MSN,
            "callbackPrefix": callback_prefix,
            "fallBack": format!("https://example.com/fallback/{order_id}"),
            "authToken": format!("token-{order_id}"),
        },
        "transaction": {"orderId": order_id, "amount": amount, "transactionText": "One pair of socks"}
    })
}

impl Ecom<'_> {
    pub fn headers<'b>(&'b self, request_id: Option<&'b str>) -> Vec<(&'b str, &'b str)> {
        let mut h = vec![
            ("Authorization", self.bearer.as_str()),
            ("Ocp-Apim-Subscription-Key", DEFAULT_SUBSCRIPTION_KEY),
        ];
        if let Some(id) = request_id {
            h.push(("X-Request-Id", id));
        }
        h
    }

    pub fn initiate_raw(&self, body: &Value, request_id: Option<&str>) -> Resp {
        self.h.call(
            "POST",
            "/ecomm/v2/payments",
            &self.headers(request_id),
            Some(&body.to_string()),
        )
    }

    /// Initiates a regular order whose callbacks go to an unreachable-but-valid loopback port.
    pub fn initiate(&self, order_id: &str, amount: i64) -> Resp {
        self.initiate_raw(
            &initiate_body(order_id, amount, "http://127.0.0.1:9/cb"),
            None,
        )
    }

    pub fn action_body(amount: Option<i64>, text: &str) -> Value {
        let mut tx = json!({"transactionText": text});
        if let Some(a) = amount {
            tx["amount"] = json!(a);
        }
        json!({"merchantInfo": {"merchantSerialNumber": DEFAULT_MSN}, "transaction": tx})
    }

    pub fn capture(&self, order_id: &str, amount: Option<i64>, request_id: &str) -> Resp {
        self.raw_action(
            "POST",
            order_id,
            "capture",
            &Self::action_body(amount, "Shipped"),
            Some(request_id),
        )
    }

    pub fn refund(&self, order_id: &str, amount: i64, request_id: &str) -> Resp {
        self.raw_action(
            "POST",
            order_id,
            "refund",
            &Self::action_body(Some(amount), "Refund"),
            Some(request_id),
        )
    }

    pub fn cancel(&self, order_id: &str, release: Option<bool>) -> Resp {
        let mut body = Self::action_body(None, "Cancelled");
        if let Some(r) = release {
            body["shouldReleaseRemainingFunds"] = json!(r);
        }
        self.raw_action("PUT", order_id, "cancel", &body, None)
    }

    pub fn raw_action(
        &self,
        method: &str,
        order_id: &str,
        op: &str,
        body: &Value,
        request_id: Option<&str>,
    ) -> Resp {
        self.h.call(
            method,
            &format!("/ecomm/v2/payments/{order_id}/{op}"),
            &self.headers(request_id),
            Some(&body.to_string()),
        )
    }

    pub fn details(&self, order_id: &str) -> Value {
        let r = self.h.call(
            "GET",
            &format!("/ecomm/v2/payments/{order_id}/details"),
            &self.headers(None),
            None,
        );
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()
    }

    pub fn status(&self, order_id: &str) -> String {
        let r = self.h.call(
            "GET",
            &format!("/ecomm/v2/payments/{order_id}/status"),
            &self.headers(None),
            None,
        );
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()["transactionInfo"]["status"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn force_approve(&self, order_id: &str) -> Resp {
        self.h.call(
            "POST",
            &format!("/ecomm/v2/integration-test/payments/{order_id}/approve"),
            &self.headers(None),
            Some(r#"{"customerPhoneNumber":"91234567"}"#),
        )
    }

    /// Initiates and approves a regular order.
    pub fn reserved(&self, order_id: &str, amount: i64) {
        let r = self.initiate(order_id, amount);
        assert_eq!(r.status, 200, "{}", r.body);
        let r = self.force_approve(order_id);
        assert_eq!(r.status, 200, "{}", r.body);
    }

    /// The operations of `/details`, newest first.
    pub fn operations(&self, order_id: &str) -> Vec<(String, i64)> {
        self.details(order_id)["transactionLogHistory"]
            .as_array()
            .expect("log")
            .iter()
            .map(|e| {
                (
                    e["operation"].as_str().unwrap_or_default().to_string(),
                    e["amount"].as_i64().unwrap_or(-1),
                )
            })
            .collect()
    }
}

/// The `errorCode`s of an eCom error array answer, checking its shape and content type.
pub fn error_codes(r: &Resp) -> Vec<String> {
    assert_eq!(
        r.header("content-type"),
        Some("application/json;charset=UTF-8"),
        "{}",
        r.body
    );
    let v = r.json();
    let list = v
        .as_array()
        .unwrap_or_else(|| panic!("not an error array: {}", r.body));
    assert!(!list.is_empty(), "empty error array");
    list.iter()
        .map(|e| {
            for k in ["errorGroup", "errorCode", "errorMessage", "contextId"] {
                assert!(e[k].is_string(), "missing {k} in {e}");
            }
            e["errorCode"].as_str().unwrap_or_default().to_string()
        })
        .collect()
}

type Script = dyn Fn(&Received) -> (u16, String) + Send + Sync;

/// A merchant server: every request is recorded and answered by `script` (status, JSON body).
pub struct Merchant {
    pub base: String,
    got: Arc<Mutex<Vec<Received>>>,
}

impl Merchant {
    pub fn start(script: impl Fn(&Received) -> (u16, String) + Send + Sync + 'static) -> Merchant {
        let script: Arc<Script> = Arc::new(script);
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind merchant");
        let base = format!(
            "http://127.0.0.1:{}",
            listener.local_addr().expect("addr").port()
        );
        let got = Arc::new(Mutex::new(Vec::new()));
        let got2 = Arc::clone(&got);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let Some(req) = read_request(&stream) else {
                    continue;
                };
                let (status, answer) = script(&req);
                got2.lock().unwrap().push(req);
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                    answer.len()
                );
            }
        });
        Merchant { base, got }
    }

    /// Answers 200 with an empty body to everything.
    pub fn ok() -> Merchant {
        Merchant::start(|_| (200, String::new()))
    }

    pub fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    /// Waits until `n` requests whose path starts with `prefix` arrived.
    pub fn wait_for(&self, prefix: &str, n: usize, secs: u64) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let got: Vec<Received> = self
                .received()
                .into_iter()
                .filter(|r| r.path.starts_with(prefix))
                .collect();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "expected {n} requests to {prefix}, got {}: {:?}",
                got.len(),
                self.received()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The delivery-log records of one kind.
pub fn deliveries(h: &Harness, kind: &str) -> Vec<Value> {
    h.control("GET", "/_sim/callbacks", None)
        .json()
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|d| d["kind"] == kind)
        .collect()
}

/// Polls until `cond` holds (or fails after `secs`).
pub fn eventually(secs: u64, what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}
