//! The `tls` settings against the simulator over HTTPS (`SimServer::start_https`: a CA made at
//! start signs a certificate for 127.0.0.1 and localhost).
//!
//! - a CA the client does not know is refused, before anything is sent;
//! - `tls.ca_file` adds that CA, with either base set of roots, and a whole payment works;
//! - secrets never go out in plain text: `http://` is for loopback only, and an https server's
//!   redirect to `http://` is not followed;
//! - the connection is kept: many calls, one TCP connection.

mod common;

use common::{payment_request, reference};
use serde_json::{json, Value};
use std::net::TcpListener;
use std::sync::Arc;
use vipps::{Client, ErrorKind};
use vipps_sim::{SimOptions, SimServer};

struct HttpsSim {
    sim: SimServer,
    ca_file: std::path::PathBuf,
    /// Trusts only the simulator's CA, for its test-control API.
    control: ureq::Agent,
}

impl HttpsSim {
    fn start() -> HttpsSim {
        let sim = SimServer::start_https(SimOptions::default()).expect("the simulator starts");
        let pem = sim
            .ca_pem()
            .expect("an https simulator has a CA")
            .to_owned();
        assert!(sim.base_url().starts_with("https://127.0.0.1:"));
        let dir = std::env::temp_dir().join(format!("vipps-tls-trust-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let ca_file = dir.join(format!(
            "{}.pem",
            sim.base_url().rsplit(':').next().unwrap()
        ));
        std::fs::write(&ca_file, &pem).unwrap();
        let certs: Vec<ureq::tls::Certificate<'static>> = ureq::tls::parse_pem(pem.as_bytes())
            .filter_map(|item| match item {
                Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
                _ => None,
            })
            .collect();
        let control = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .tls_config(
                ureq::tls::TlsConfig::builder()
                    .root_certs(ureq::tls::RootCerts::Specific(Arc::new(certs)))
                    .build(),
            )
            .build()
            .into();
        HttpsSim {
            sim,
            ca_file,
            control,
        }
    }

    fn config(&self, tls: Value) -> Value {
        let mut config = json!({
            "base_url": self.sim.base_url(),
            "system_name": "acme-shop",
            "system_version": "9.8.7",
            "plugin_name": "acme-vipps-plugin",
            "plugin_version": "1.2.3",
            "retry": {"max_attempts": 3, "base_delay_ms": 10, "max_delay_ms": 20},
            "timeouts": {"connect_ms": 1000, "request_ms": 3000, "total_ms": 5000},
        });
        if !tls.is_null() {
            config["tls"] = tls;
        }
        config
    }

    fn client(&self, tls: Value) -> Client {
        Client::new(&self.config(tls).to_string()).expect("the configuration is valid")
    }

    fn ca_file(&self) -> String {
        self.ca_file.to_string_lossy().into_owned()
    }

    fn control(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let request = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{}", self.sim.base_url(), path))
            .header("Content-Type", "application/json")
            .body(body.map(|b| b.to_string()).unwrap_or_default())
            .unwrap();
        let mut response = self.control.run(request).expect("the simulator answers");
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    fn stats(&self) -> Value {
        self.control("GET", "/_sim/stats", None).1
    }
}

#[test]
fn an_unknown_ca_is_refused_before_anything_is_sent() {
    let h = HttpsSim::start();
    for tls in [
        Value::Null,
        json!({"roots": "webpki"}),
        json!({"roots": "platform"}),
    ] {
        let before = h.stats();
        let err = h
            .client(tls.clone())
            .get_payment(&json!({"reference": "tls-unknown-ca"}))
            .expect_err("the simulator's CA is not trusted");
        assert_eq!(err.kind, ErrorKind::Network, "{tls}: {err}");
        assert!(!err.retryable, "{tls}: {err}");
        assert!(err.message.contains("TLS failed"), "{tls}: {err}");
        assert!(err.message.contains("UnknownIssuer"), "{tls}: {err}");
        assert!(
            err.message.starts_with("POST /accesstoken/get:"),
            "{tls}: {err}"
        );
        let after = h.stats();
        // One connection, no retry of a refused certificate, and no request reached the API.
        assert_eq!(
            after["connections"].as_u64().unwrap() - before["connections"].as_u64().unwrap(),
            1,
            "{tls}"
        );
        assert_eq!(after["requests"], before["requests"], "{tls}");
        assert_eq!(after["token_fetches"], 0, "{tls}");
    }
}

#[test]
fn ca_file_adds_the_ca_and_a_whole_payment_goes_through_one_connection() {
    let h = HttpsSim::start();
    for roots in ["webpki", "platform"] {
        let client = h.client(json!({"roots": roots, "ca_file": h.ca_file()}));
        let before = h.stats()["connections"].as_u64().unwrap();
        let r = reference(&format!("tls-{roots}"));
        let created = client
            .create_payment(&payment_request(&r, 1500))
            .unwrap_or_else(|e| panic!("{roots}: {e}"));
        assert!(created["redirectUrl"].is_string(), "{created}");
        let (status, body) = h.control(
            "POST",
            &format!("/_sim/payments/{r}/approve"),
            Some(json!({})),
        );
        assert_eq!(status, 200, "{body}");
        let captured = client
            .capture(&json!({"reference": r, "amount": {"value": 1500, "currency": "NOK"}}))
            .unwrap_or_else(|e| panic!("{roots}: {e}"));
        assert_eq!(captured["normalized"]["captured"], 1500, "{captured}");
        for _ in 0..10 {
            let payment = client.get_payment(&json!({"reference": r})).unwrap();
            assert_eq!(payment["normalized"]["status"], "captured", "{payment}");
        }
        // Token, create, capture and ten reads over one kept-alive TLS connection (the
        // control calls above count too, on a connection of their own: at most one).
        let opened = h.stats()["connections"].as_u64().unwrap() - before;
        assert!(opened <= 2, "{roots}: {opened} connections");
    }
}

#[test]
fn plain_http_is_for_loopback_only() {
    for base_url in [
        "http://api.vipps.no",
        "http://10.0.0.1:8080",
        "http://127.0.0.1.example.com",
    ] {
        let config = json!({
            "base_url": base_url,
            "system_name": "s", "system_version": "1", "plugin_name": "p", "plugin_version": "1",
        });
        let err = Client::new(&config.to_string()).expect_err(base_url);
        assert_eq!(err.kind, ErrorKind::Config, "{base_url}");
        assert!(err.message.contains("base_url"), "{err}");
        assert!(err.message.contains("https"), "{err}");
    }
}

/// An https server that redirects the token request to a plain `http://` address on loopback:
/// the client does not follow it, so the credentials never travel unencrypted.
#[test]
fn a_redirect_to_plain_http_is_not_followed() {
    let h = HttpsSim::start();
    let plain = TcpListener::bind("127.0.0.1:0").unwrap();
    plain.set_nonblocking(true).unwrap();
    let plain_url = format!(
        "http://127.0.0.1:{}/accesstoken/get",
        plain.local_addr().unwrap().port()
    );
    for path in ["/accesstoken/get", "/epayment/v1/payments/*"] {
        let (status, body) = h.control(
            "POST",
            "/_sim/faults",
            Some(
                json!({"path": path, "action": "respond", "status": 307, "count": 1,
                        "headers": {"Location": plain_url}}),
            ),
        );
        assert_eq!(status, 201, "{body}");
    }
    let client = h.client(json!({"ca_file": h.ca_file()}));
    let token_err = client
        .get_payment(&json!({"reference": "tls-redirect"}))
        .expect_err("a 307 is not a token");
    let read_err = client
        .get_payment(&json!({"reference": "tls-redirect"}))
        .expect_err("a 307 is not a payment");
    assert_eq!(read_err.http_status, Some(307), "{read_err}");
    assert!(
        matches!(
            plain.accept(),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock
        ),
        "the client connected to the plain-http redirect target ({token_err} / {read_err})"
    );
}

/// PHP-FPM makes a client per request and frees it at the end: the connection (TCP and TLS)
/// must outlive the client, or every request pays two extra round trips.
#[test]
fn clients_made_one_after_another_share_the_process_connection() {
    let h = HttpsSim::start();
    let tls = json!({"ca_file": h.ca_file()});
    let r = reference("tls-shared");
    h.client(tls.clone())
        .create_payment(&payment_request(&r, 1000))
        .unwrap();
    let before = h.stats()["connections"].as_u64().unwrap();
    for _ in 0..5 {
        let client = h.client(tls.clone());
        let payment = client.get_payment(&json!({"reference": r})).unwrap();
        assert_eq!(payment["normalized"]["status"], "pending", "{payment}");
        drop(client);
    }
    let opened = h.stats()["connections"].as_u64().unwrap() - before;
    assert_eq!(
        opened, 0,
        "five clients in a row opened {opened} connections"
    );
    // Other connection settings (here the User-Agent's plugin name) get a pool of their own.
    let mut other = h.config(tls);
    other["plugin_name"] = json!("another-plugin");
    Client::new(&other.to_string())
        .unwrap()
        .get_payment(&json!({"reference": r}))
        .unwrap();
    let opened = h.stats()["connections"].as_u64().unwrap() - before;
    assert_eq!(opened, 1);
}
