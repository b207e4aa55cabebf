//! Shared helpers for the integration tests: a running simulator, a small HTTP client and an
//! in-test HTTP receiver for callbacks and webhooks.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use vipps_sim::{
    SimOptions, SimServer, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_MSN,
    DEFAULT_SUBSCRIPTION_KEY,
};

/// The headers Checkout v3 requires: the client keys, the subscription key, the MSN and the
/// four Vipps-System headers.
pub fn checkout_headers() -> Vec<(&'static str, &'static str)> {
    vec![
        ("client_id", DEFAULT_CLIENT_ID),
        ("client_secret", DEFAULT_CLIENT_SECRET),
        ("Ocp-Apim-Subscription-Key", DEFAULT_SUBSCRIPTION_KEY),
        ("Merchant-Serial-Number", DEFAULT_MSN),
        ("Vipps-System-Name", "acme"),
        ("Vipps-System-Version", "1.0"),
        ("Vipps-System-Plugin-Name", "acme-plugin"),
        ("Vipps-System-Plugin-Version", "2.0"),
    ]
}

pub struct Resp {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// The ePayment domain code in `extraDetails`, if any.
    pub fn error_code(&self) -> Option<String> {
        self.json()["extraDetails"]
            .as_array()?
            .iter()
            .find(|d| d["name"] == "ErrorCode")
            .and_then(|d| d["reason"].as_str().map(str::to_string))
    }
}

pub struct Harness {
    pub server: SimServer,
    pub agent: ureq::Agent,
}

pub fn start() -> Harness {
    start_with(SimOptions::default())
}

pub fn start_with(opts: SimOptions) -> Harness {
    let server = SimServer::start(opts).expect("simulator starts");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    Harness { server, agent }
}

impl Harness {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.server.base_url(), path)
    }

    /// Any request; `Err` when no HTTP response came back (e.g. a dropped connection).
    pub fn try_call(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Result<Resp, ureq::Error> {
        let mut builder = ureq::http::Request::builder()
            .method(method)
            .uri(self.url(path));
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        let resp = match body {
            Some(b) => {
                builder = builder.header("Content-Type", "application/json");
                self.agent
                    .run(builder.body(b.to_string()).expect("request"))?
            }
            None => self.agent.run(builder.body(()).expect("request"))?,
        };
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    v.to_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        let body = resp
            .into_body()
            .with_config()
            .limit(50 * 1024 * 1024)
            .read_to_string()?;
        Ok(Resp {
            status,
            headers,
            body,
        })
    }

    pub fn call(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Resp {
        self.try_call(method, path, headers, body)
            .unwrap_or_else(|e| panic!("{method} {path} failed: {e}"))
    }

    pub fn control(&self, method: &str, path: &str, body: Option<Value>) -> Resp {
        let text = body.map(|b| b.to_string());
        self.call(method, path, &[], text.as_deref())
    }

    pub fn token(&self) -> String {
        let r = self.call(
            "POST",
            "/accesstoken/get",
            &[
                ("client_id", DEFAULT_CLIENT_ID),
                ("client_secret", DEFAULT_CLIENT_SECRET),
                ("Ocp-Apim-Subscription-Key", DEFAULT_SUBSCRIPTION_KEY),
            ],
            None,
        );
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()["access_token"]
            .as_str()
            .expect("token")
            .to_string()
    }

    /// An ePayment client bound to one access token.
    pub fn epayment(&self) -> Epay<'_> {
        Epay {
            h: self,
            bearer: format!("Bearer {}", self.token()),
        }
    }

    pub fn ledger_entry(&self, reference: &str) -> Value {
        let ledger = self.control("GET", "/_sim/ledger", None).json();
        ledger["payments"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["reference"] == reference).cloned())
            .unwrap_or(Value::Null)
    }
}

pub struct Epay<'a> {
    pub h: &'a Harness,
    pub bearer: String,
}

impl Epay<'_> {
    pub fn headers<'b>(&'b self, key: Option<&'b str>) -> Vec<(&'b str, &'b str)> {
        let mut h = vec![
            ("Authorization", self.bearer.as_str()),
            ("Ocp-Apim-Subscription-Key", DEFAULT_SUBSCRIPTION_KEY),
            ("Merchant-Serial-Number", DEFAULT_MSN),
        ];
        if let Some(k) = key {
            h.push(("Idempotency-Key", k));
        }
        h
    }

    pub fn create(&self, reference: &str, value: i64, key: &str) -> Resp {
        let body = json!({
            "amount": {"currency": "NOK", "value": value},
            "paymentMethod": {"type": "WALLET"},
            "reference": reference,
            "userFlow": "WEB_REDIRECT",
            "returnUrl": "https://example.com/return",
            "paymentDescription": "Test purchase"
        });
        self.h.call(
            "POST",
            "/epayment/v1/payments",
            &self.headers(Some(key)),
            Some(&body.to_string()),
        )
    }

    /// Registers a webhook for `events` at `url` (Webhooks v1, with this client's token).
    pub fn register_webhook(&self, url: &str, events: Value) -> Resp {
        let body = json!({"url": url, "events": events});
        self.h.call(
            "POST",
            "/webhooks/v1/webhooks",
            &self.headers(None),
            Some(&body.to_string()),
        )
    }

    pub fn get(&self, reference: &str) -> Resp {
        self.h.call(
            "GET",
            &format!("/epayment/v1/payments/{reference}"),
            &self.headers(None),
            None,
        )
    }

    pub fn events(&self, reference: &str) -> Resp {
        self.h.call(
            "GET",
            &format!("/epayment/v1/payments/{reference}/events"),
            &self.headers(None),
            None,
        )
    }

    pub fn modify(&self, reference: &str, op: &str, value: Option<i64>, key: &str) -> Resp {
        let body = value
            .map(|v| json!({"modificationAmount": {"currency": "NOK", "value": v}}).to_string());
        self.h.call(
            "POST",
            &format!("/epayment/v1/payments/{reference}/{op}"),
            &self.headers(Some(key)),
            body.as_deref(),
        )
    }

    /// Creates and approves a payment.
    pub fn authorized(&self, reference: &str, value: i64) {
        assert_eq!(
            self.create(reference, value, &format!("create-{reference}"))
                .status,
            201
        );
        let r = self
            .h
            .control("POST", &format!("/_sim/payments/{reference}/approve"), None);
        assert_eq!(r.status, 200, "{}", r.body);
    }
}

/// One request received by a [`Receiver`].
#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub headers: BTreeMap<String, String>,
    pub body: String,
}

/// Reads one HTTP/1.1 request (request line, headers, a Content-Length body) from a
/// connection: what the simulator sends is always that simple.
pub fn read_request(stream: &TcpStream) -> Option<Received> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() || line.is_empty() {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    let mut headers = BTreeMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    let _ = reader.read_exact(&mut body);
    Some(Received {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// A tiny HTTP server for callbacks and webhooks. It answers with the scripted statuses in
/// order, then 200 forever.
pub struct Receiver {
    pub url: String,
    pub authority: String,
    got: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    pub fn start(path: &str, statuses: &[u16]) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind receiver");
        let authority = format!("127.0.0.1:{}", listener.local_addr().expect("addr").port());
        let got = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(
            statuses.iter().copied().collect::<VecDeque<u16>>(),
        ));
        let got2 = Arc::clone(&got);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let Some(request) = read_request(&stream) else {
                    continue;
                };
                got2.lock().unwrap().push(request);
                let status = script.lock().unwrap().pop_front().unwrap_or(200);
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
            }
        });
        Receiver {
            url: format!("http://{authority}{path}"),
            authority,
            got,
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    /// Waits until at least `n` requests arrived (or fails after `secs`).
    pub fn wait_for(&self, n: usize, secs: u64) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "expected {n} requests, got {}: {got:?}",
                got.len()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Sleeps a little and returns what arrived, for asserting that nothing more comes.
pub fn settle(r: &Receiver, ms: u64) -> Vec<Received> {
    std::thread::sleep(Duration::from_millis(ms));
    r.received()
}
