//! A tiny HTTP receiver on loopback that records every request exactly as it arrived
//! (method, path and query, headers, raw body bytes), so tests can hand them to
//! `handle_callback` the way a shop's web server would.

use serde_json::{json, Map, Value};
use std::io::{BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct Captured {
    pub method: String,
    /// Path and query as sent on the request line.
    pub target: String,
    /// Names as received (case kept), in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Captured {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The `request_json` a plugin would build for this request.
    pub fn request_json(&self) -> Value {
        let mut headers = Map::new();
        for (name, value) in &self.headers {
            match headers.get_mut(name) {
                Some(Value::Array(values)) => values.push(json!(value)),
                Some(existing) => *existing = json!([existing.clone(), value]),
                None => {
                    headers.insert(name.clone(), json!(value));
                }
            }
        }
        json!({"method": self.method, "url": self.target, "headers": headers})
    }
}

/// What the receiver answers: a status and a JSON (or empty) body.
pub type Responder = Arc<dyn Fn(&Captured) -> (u16, String) + Send + Sync>;

pub struct Receiver {
    pub port: u16,
    captured: Arc<Mutex<Vec<Captured>>>,
}

impl Receiver {
    /// Starts listening on 127.0.0.1 (a free port); every request is answered 200.
    pub fn start() -> Receiver {
        Receiver::answering(Arc::new(|_: &Captured| (200, String::new())))
    }

    /// Starts listening; each request is answered with what `respond` returns for it, the
    /// way a shop answers with what the library tells it to send.
    pub fn answering(respond: Responder) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().unwrap().port();
        let captured = Arc::new(Mutex::new(Vec::new()));
        let sink = captured.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (sink, respond) = (sink.clone(), respond.clone());
                std::thread::spawn(move || serve(stream, &sink, &respond));
            }
        });
        Receiver { port, captured }
    }

    pub fn url(&self, path_and_query: &str) -> String {
        format!("http://127.0.0.1:{}{path_and_query}", self.port)
    }

    pub fn all(&self) -> Vec<Captured> {
        self.captured.lock().unwrap().clone()
    }

    /// Waits until `accept` holds for the captured requests (or panics after `secs`).
    pub fn wait_until(&self, secs: u64, accept: impl Fn(&[Captured]) -> bool) -> Vec<Captured> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let all = self.all();
            if accept(&all) {
                return all;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for deliveries; got {} requests: {:?}",
                all.len(),
                all.iter().map(|c| c.target.clone()).collect::<Vec<_>>()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Serves one connection: any number of requests with Content-Length bodies (keep-alive).
fn serve(stream: TcpStream, sink: &Mutex<Vec<Captured>>, respond: &Responder) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut writer = match stream.try_clone() {
        Ok(w) => w,
        Err(_) => return,
    };
    let mut reader = BufReader::new(stream);
    loop {
        let Some(super::http_request::RawRequest {
            method,
            target,
            headers,
            body,
        }) = super::http_request::read_request(&mut reader)
        else {
            return;
        };
        let captured = Captured {
            method,
            target,
            headers,
            body,
        };
        let (status, answer) = respond(&captured);
        sink.lock().unwrap().push(captured);
        let head = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            answer.len()
        );
        if writer.write_all(head.as_bytes()).is_err()
            || writer.write_all(answer.as_bytes()).is_err()
        {
            return;
        }
    }
}
