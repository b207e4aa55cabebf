//! TLS certificate verification: a client pointed at an https server whose certificate is
//! self-signed (so no trusted root vouches for it) must refuse the handshake before it sends
//! anything, in particular before the access-token request carries the credentials.
//!
//! The server is an in-process rustls server on 127.0.0.1 with an rcgen certificate for
//! "localhost". It records the raw bytes it received, how many handshakes completed and any
//! request bytes it decrypted. A control test shows that a client which does trust the
//! certificate gets its request decrypted, so "nothing decrypted" is evidence, not an
//! accident of a broken server.

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use serde_json::json;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use vipps::ErrorKind;

const CLIENT_ID: &str = "tls-test-client-id";
const CLIENT_SECRET: &str = "tls-test-client-secret-7f3a9c";
const SUBSCRIPTION_KEY: &str = "tls-test-subscription-key-51be";

/// What the server saw, shared with the test.
#[derive(Default)]
struct Seen {
    /// TCP connections accepted.
    connections: AtomicUsize,
    /// Connections fully handled (the server records before it counts one here).
    finished: AtomicUsize,
    /// TLS handshakes that completed.
    handshakes: AtomicUsize,
    /// Every byte read from the sockets, as sent on the wire (still encrypted).
    raw: Mutex<Vec<u8>>,
    /// The first byte of each connection (0x16 is a TLS handshake record).
    first_bytes: Mutex<Vec<u8>>,
    /// Application data decrypted after a completed handshake: the HTTP requests.
    decrypted: Mutex<Vec<u8>>,
    /// Why each connection ended without a request (the client's alert, for example).
    failures: Mutex<Vec<String>>,
}

impl Seen {
    fn raw(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    fn decrypted(&self) -> Vec<u8> {
        self.decrypted.lock().unwrap().clone()
    }

    fn failures(&self) -> Vec<String> {
        self.failures.lock().unwrap().clone()
    }

    /// Waits (boundedly: the server's socket timeouts are 500 ms) until every accepted
    /// connection has been handled, so that what the server recorded is complete.
    fn settle(&self) {
        let deadline = Instant::now() + Duration::from_secs(2);
        while self.finished.load(Ordering::SeqCst) < self.connections.load(Ordering::SeqCst) {
            assert!(Instant::now() < deadline, "the TLS server did not settle");
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

/// A socket that copies what it reads into `Seen::raw`.
struct Recording {
    stream: TcpStream,
    seen: Arc<Seen>,
    first: bool,
}

impl Read for Recording {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.stream.read(buf)?;
        if n > 0 {
            if self.first {
                self.first = false;
                self.seen.first_bytes.lock().unwrap().push(buf[0]);
            }
            self.seen.raw.lock().unwrap().extend_from_slice(&buf[..n]);
        }
        Ok(n)
    }
}

impl Write for Recording {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.stream.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.stream.flush()
    }
}

struct TlsServer {
    port: u16,
    cert: CertificateDer<'static>,
    seen: Arc<Seen>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl TlsServer {
    /// Serves a fresh self-signed certificate for "localhost" on 127.0.0.1.
    fn start() -> TlsServer {
        let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()])
            .expect("rcgen makes a certificate");
        let cert = certified.cert.der().clone();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
            certified.signing_key.serialize_der(),
        ));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("the ring provider supports the default versions")
            .with_no_client_auth()
            .with_single_cert(vec![cert.clone()], key)
            .expect("the certificate and key match");
        let config = Arc::new(config);

        let listener = TcpListener::bind("127.0.0.1:0").expect("bind on loopback");
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Seen::default());
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let seen = seen.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    seen.connections.fetch_add(1, Ordering::SeqCst);
                    serve(stream, config.clone(), &seen);
                    seen.finished.fetch_add(1, Ordering::SeqCst);
                }
            })
        };
        TlsServer {
            port,
            cert,
            seen,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One connection: handshake, read one request head, answer with a body that would satisfy
/// both the token fetch and a payment read (so that a client that skipped verification
/// would succeed, and the test would fail loudly).
fn serve(stream: TcpStream, config: Arc<rustls::ServerConfig>, seen: &Arc<Seen>) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let _ = stream.set_write_timeout(Some(Duration::from_millis(500)));
    let connection = rustls::ServerConnection::new(config).expect("a server connection");
    let socket = Recording {
        stream,
        seen: seen.clone(),
        first: true,
    };
    let mut tls = rustls::StreamOwned::new(connection, socket);
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    let outcome = loop {
        match tls.read(&mut buf) {
            Ok(0) => break Err("closed by the client".to_owned()),
            Ok(n) => {
                request.extend_from_slice(&buf[..n]);
                if request.windows(4).any(|w| w == b"\r\n\r\n") {
                    break Ok(());
                }
            }
            Err(e) => break Err(e.to_string()),
        }
    };
    if !tls.conn.is_handshaking() {
        seen.handshakes.fetch_add(1, Ordering::SeqCst);
    }
    seen.decrypted.lock().unwrap().extend_from_slice(&request);
    match outcome {
        Ok(()) => {
            let body = r#"{"access_token":"tls-test-token","expires_in":"3600","token_type":"Bearer","reference":"tls-check-0001","state":"AUTHORIZED","amount":{"currency":"NOK","value":1000},"aggregate":{"authorizedAmount":{"currency":"NOK","value":1000},"cancelledAmount":{"currency":"NOK","value":0},"capturedAmount":{"currency":"NOK","value":0},"refundedAmount":{"currency":"NOK","value":0}}}"#;
            let _ = write!(
                tls,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = tls.flush();
            tls.conn.send_close_notify();
            let _ = tls.conn.complete_io(&mut tls.sock);
        }
        Err(why) => seen.failures.lock().unwrap().push(why),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_self_signed_certificate_is_refused_before_any_request_is_sent() {
    let server = TlsServer::start();
    let config = json!({
        "base_url": format!("https://localhost:{}", server.port),
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "subscription_key": SUBSCRIPTION_KEY,
        "merchant_serial_number": "123456",
        "system_name": "acme-shop",
        "system_version": "9.8.7",
        "plugin_name": "acme-vipps-plugin",
        "plugin_version": "1.2.3",
        // Retries allowed, so that a retry into success (or a silent downgrade) would show.
        "retry": {"max_attempts": 3, "base_delay_ms": 10, "max_delay_ms": 20},
        "timeouts": {"connect_ms": 500, "request_ms": 1000, "total_ms": 1500},
    });
    let client = vipps::Client::new(&config.to_string()).expect("the configuration is valid");

    let started = Instant::now();
    let result = client.get_payment(&json!({"reference": "tls-check-0001"}));
    let elapsed = started.elapsed();
    server.seen.settle();
    let err = match result {
        Ok(answer) => panic!(
            "the client accepted a self-signed certificate and got an answer: {answer}; \
             the server decrypted {:?}",
            String::from_utf8_lossy(&server.seen.decrypted())
        ),
        Err(err) => err,
    };
    let context = format!(
        "error: {err}; server: {} connections, {} handshakes, failures {:?}",
        server.seen.connections.load(Ordering::SeqCst),
        server.seen.handshakes.load(Ordering::SeqCst),
        server.seen.failures()
    );

    // A network error that says the certificate was refused (rustls: "invalid peer
    // certificate: UnknownIssuer").
    assert_eq!(err.kind, ErrorKind::Network, "{context}");
    assert_eq!(err.http_status, None, "{context}");
    let message = err.message.to_ascii_lowercase();
    assert!(
        message.contains("certificate") && message.contains("unknownissuer"),
        "{context}"
    );
    // It failed on the first request, the access-token fetch: nothing was sent before it.
    assert!(
        err.message.starts_with("POST /accesstoken/get:"),
        "{context}"
    );
    // A refused certificate is not transient: it says TLS, is not retryable, and is not
    // retried (ureq 3 reports a failed handshake as an I/O error wrapping the rustls error;
    // before the transport looked inside it, this was retried three times as "retryable").
    assert!(err.message.contains("TLS failed"), "{context}");
    assert!(!err.retryable, "{context}");
    let connections = server.seen.connections.load(Ordering::SeqCst);
    assert_eq!(connections, 1, "{context}");

    // No handshake completed, so no request bytes were ever decrypted.
    assert_eq!(
        server.seen.handshakes.load(Ordering::SeqCst),
        0,
        "{context}"
    );
    assert!(
        server.seen.decrypted().is_empty(),
        "request bytes reached the server: {:?}",
        String::from_utf8_lossy(&server.seen.decrypted())
    );
    // The client ended each handshake itself (an alert, or closing the socket), rather than
    // leaving the server waiting until its read timeout.
    let failures = server.seen.failures();
    assert_eq!(failures.len(), connections, "{context}");
    assert!(
        failures.iter().all(|f| !f.contains("timed out")
            && !f.contains("temporarily unavailable")
            && !f.contains("would block")),
        "{context}"
    );

    // Nothing went out in plain text: every connection began with a TLS handshake record,
    // and neither the token path nor a credential appears among the bytes on the wire.
    let first_bytes = server.seen.first_bytes.lock().unwrap().clone();
    assert!(!first_bytes.is_empty(), "{context}");
    assert!(first_bytes.iter().all(|&b| b == 0x16), "{first_bytes:?}");
    let raw = server.seen.raw();
    for plain in [
        b"accesstoken".as_slice(),
        b"POST ",
        b"HTTP/1.1",
        CLIENT_SECRET.as_bytes(),
        SUBSCRIPTION_KEY.as_bytes(),
    ] {
        assert!(
            !contains(&raw, plain),
            "{:?} was sent in plain text",
            String::from_utf8_lossy(plain)
        );
    }

    // The error leaks no configured secret, in any of its forms.
    for text in [
        err.message.clone(),
        err.to_string(),
        err.to_json().to_string(),
    ] {
        assert!(!text.contains(CLIENT_SECRET), "client_secret in {text}");
        assert!(
            !text.contains(SUBSCRIPTION_KEY),
            "subscription key in {text}"
        );
    }

    // A second call fails the same way: no state left behind lets it through.
    let again = client
        .get_payment(&json!({"reference": "tls-check-0001"}))
        .expect_err("the second call is refused too");
    assert_eq!(again.kind, ErrorKind::Network, "{again}");
    server.seen.settle();
    assert_eq!(server.seen.handshakes.load(Ordering::SeqCst), 0);
    assert!(server.seen.decrypted().is_empty());

    assert!(
        elapsed < Duration::from_millis(1500),
        "took {elapsed:?}: {context}"
    );
}

/// The control: a client that trusts the self-signed certificate completes the handshake
/// and its request is decrypted and recorded. Without this, an empty record above could
/// mean a server that never decrypts anything.
#[test]
fn the_server_decrypts_requests_from_a_client_that_trusts_its_certificate() {
    let server = TlsServer::start();
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(server.cert.clone())
        .expect("the certificate parses");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("the ring provider supports the default versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from("localhost").unwrap();
    let connection = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let socket = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    let mut tls = rustls::StreamOwned::new(connection, socket);
    tls.write_all(b"POST /accesstoken/get HTTP/1.1\r\nHost: localhost\r\nclient_secret: x\r\n\r\n")
        .unwrap();
    let mut answer = Vec::new();
    let _ = tls.read_to_end(&mut answer);
    assert!(
        answer.starts_with(b"HTTP/1.1 200 OK"),
        "{:?}",
        String::from_utf8_lossy(&answer)
    );
    drop(tls);
    server.seen.settle();
    assert_eq!(server.seen.handshakes.load(Ordering::SeqCst), 1);
    let decrypted = server.seen.decrypted();
    assert!(
        decrypted.starts_with(b"POST /accesstoken/get HTTP/1.1"),
        "{:?}",
        String::from_utf8_lossy(&decrypted)
    );
    // ... while the wire carried it encrypted.
    assert!(!contains(&server.seen.raw(), b"accesstoken"));
    assert_eq!(*server.seen.first_bytes.lock().unwrap(), vec![0x16]);
}
