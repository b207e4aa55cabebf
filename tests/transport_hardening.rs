//! Transport hardening: no proxy from the environment, no redirects followed, bounded bodies.
//! In a test binary of its own because it sets process-wide environment variables.

mod common;

use common::receiver::Receiver;
use common::{payment_request, reference, Harness};
use serde_json::json;
use std::io::{Read, Write};
use std::net::TcpListener;
use vipps::ErrorKind;

fn base_config(base_url: &str) -> String {
    json!({"base_url": base_url, "system_name": "s", "system_version": "1", "plugin_name": "p", "plugin_version": "1",
           "retry": {"max_attempts": 1}})
    .to_string()
}

#[test]
fn proxies_from_the_environment_are_ignored() {
    let proxy = Receiver::start();
    let proxy_url = proxy.url("");
    for name in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        std::env::set_var(name, &proxy_url);
    }
    std::env::remove_var("NO_PROXY");
    std::env::remove_var("no_proxy");
    let h = Harness::start();
    let client = h.client();
    client
        .create_payment(&payment_request(&reference("no-proxy"), 1000))
        .unwrap();
    assert!(
        proxy.all().is_empty(),
        "the environment's proxy saw {} requests",
        proxy.all().len()
    );
}

#[test]
fn redirects_are_not_followed() {
    let elsewhere = Receiver::start();
    let target = elsewhere.url("/stolen");
    // A server that redirects every request to another host.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten().take(4) {
            let mut stream = stream;
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = write!(stream, "HTTP/1.1 302 Found\r\nLocation: {target}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    let client = vipps::Client::new(&base_config(&format!("http://127.0.0.1:{port}"))).unwrap();
    let err = client
        .get_session(&json!({"reference": "order-10001"}))
        .unwrap_err();
    assert_eq!(err.http_status, Some(302), "{err}");
    assert!(elsewhere.all().is_empty(), "the redirect was followed");
}

#[test]
fn oversized_responses_are_refused() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten().take(4) {
            let mut stream = stream;
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let body = format!("{{\"padding\":\"{}\"}}", "x".repeat(5 * 1024 * 1024));
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(body.as_bytes());
        }
    });
    let client = vipps::Client::new(&base_config(&format!("http://127.0.0.1:{port}"))).unwrap();
    let err = client
        .get_session(&json!({"reference": "order-10001"}))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Api, "{err}");
    assert!(err.message.contains("exceeds"), "{}", err.message);
}

#[test]
fn https_never_falls_back_to_plain_text() {
    // A server that answers in plain HTTP on an https:// URL: the client must fail the TLS
    // handshake rather than read the plain answer. (Certificate verification itself is
    // rustls' with the webpki roots: tests/tls_verification.rs refuses a self-signed server.)
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten().take(4) {
            let mut stream = stream;
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
        }
    });
    let client = vipps::Client::new(&base_config(&format!("https://127.0.0.1:{port}"))).unwrap();
    let err = client
        .get_session(&json!({"reference": "order-10001"}))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Network, "{err}");
    let production = vipps::Client::new(&json!({"environment": "production", "client_id": "a", "client_secret": "b", "subscription_key": "c",
        "merchant_serial_number": "123456", "system_name": "s", "system_version": "1", "plugin_name": "p", "plugin_version": "1"}).to_string()).unwrap();
    assert!(production.config().base_url.is_https());
}
