//! A purpose-built misbehaving HTTP server on loopback, for the tests of deadlines, tokens and
//! retries: it can hang on any path, answer slowly, refuse with any status and send hostile
//! header values. Every request is recorded when it ARRIVES (before the server acts on it),
//! so a request that is never answered still counts.

use super::http_request::{read_request, RawRequest};
use serde_json::{json, Value};
use std::io::{BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request as it arrived.
#[derive(Clone, Debug)]
pub struct Arrival {
    pub method: String,
    /// Path and query as sent on the request line.
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub at: Instant,
    /// 1 for the first request with this method and path, 2 for the second, ...
    pub nth: usize,
}

impl Arrival {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the server does with a request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Answers after `delay`.
    Answer {
        delay: Duration,
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Never answers: keeps the connection open until the client gives up and closes it.
    Hang,
}

impl Reply {
    pub fn json(status: u16, body: Value) -> Reply {
        Reply::Answer {
            delay: Duration::ZERO,
            status,
            headers: Vec::new(),
            body: body.to_string(),
        }
    }

    pub fn status(status: u16) -> Reply {
        Reply::Answer {
            delay: Duration::ZERO,
            status,
            headers: Vec::new(),
            body: String::new(),
        }
    }

    /// A valid access token answer (`expires_in` as the spec's string).
    pub fn token() -> Reply {
        Reply::token_expiring("3600")
    }

    pub fn token_expiring(expires_in: &str) -> Reply {
        Reply::json(
            200,
            json!({"token_type": "Bearer", "expires_in": expires_in, "ext_expires_in": expires_in,
                   "access_token": "a-token-from-the-misbehaving-server"}),
        )
    }

    pub fn after(self, millis: u64) -> Reply {
        match self {
            Reply::Answer {
                status,
                headers,
                body,
                ..
            } => Reply::Answer {
                delay: Duration::from_millis(millis),
                status,
                headers,
                body,
            },
            Reply::Hang => Reply::Hang,
        }
    }

    pub fn header(self, name: &str, value: &str) -> Reply {
        match self {
            Reply::Answer {
                delay,
                status,
                mut headers,
                body,
            } => {
                headers.push((name.to_owned(), value.to_owned()));
                Reply::Answer {
                    delay,
                    status,
                    headers,
                    body,
                }
            }
            Reply::Hang => Reply::Hang,
        }
    }
}

pub type Behaviour = Arc<dyn Fn(&Arrival) -> Reply + Send + Sync>;

pub struct Server {
    pub port: u16,
    arrivals: Arc<Mutex<Vec<Arrival>>>,
}

impl Server {
    /// Starts on 127.0.0.1 (a free port); `behaviour` decides each request's fate.
    pub fn start(behaviour: impl Fn(&Arrival) -> Reply + Send + Sync + 'static) -> Server {
        let behaviour: Behaviour = Arc::new(behaviour);
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().unwrap().port();
        let arrivals = Arc::new(Mutex::new(Vec::new()));
        let sink = arrivals.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (sink, behaviour) = (sink.clone(), behaviour.clone());
                std::thread::spawn(move || serve(stream, &sink, &behaviour));
            }
        });
        Server { port, arrivals }
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A client for this server (simulator credentials) with these timeouts and `extra` settings.
    pub fn client(&self, total_ms: u64, extra: Value) -> vipps::Client {
        let mut config = json!({
            "base_url": self.base_url(),
            "system_name": "acme-shop", "system_version": "9.8.7",
            "plugin_name": "acme-vipps-plugin", "plugin_version": "1.2.3",
            "timeouts": {"connect_ms": 500, "request_ms": total_ms, "total_ms": total_ms},
            "retry": {"max_attempts": 4, "base_delay_ms": 20, "max_delay_ms": 200},
            "polling": {"initial_delay_ms": 0, "interval_ms": 50},
        });
        for (k, v) in extra.as_object().expect("extra is an object") {
            config[k] = v.clone();
        }
        vipps::Client::new(&config.to_string()).expect("the test configuration is valid")
    }

    pub fn arrivals(&self) -> Vec<Arrival> {
        self.arrivals.lock().unwrap().clone()
    }

    /// The arrivals with this method whose path starts with `path`.
    pub fn arrivals_at(&self, method: &str, path: &str) -> Vec<Arrival> {
        self.arrivals()
            .into_iter()
            .filter(|a| a.method == method && a.path.starts_with(path))
            .collect()
    }

    pub fn count(&self, method: &str, path: &str) -> usize {
        self.arrivals_at(method, path).len()
    }

    pub fn token_fetches(&self) -> usize {
        self.count("POST", "/accesstoken/get")
    }

    /// Waits until `accept` holds for the arrivals so far (or panics after `secs`).
    pub fn wait_until(&self, secs: u64, accept: impl Fn(&[Arrival]) -> bool) -> Vec<Arrival> {
        poll_until(secs, || {
            let all = self.arrivals();
            accept(&all).then_some(all)
        })
    }
}

/// Polls `probe` every 10 ms until it gives a value (or panics after `secs`).
pub fn poll_until<T>(secs: u64, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(value) = probe() {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "the condition did not hold within {secs} s"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Serves one connection: requests with Content-Length bodies, kept alive.
fn serve(stream: TcpStream, sink: &Mutex<Vec<Arrival>>, behaviour: &Behaviour) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(60)));
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        let Some(RawRequest {
            method,
            target: path,
            headers,
            body: _,
        }) = read_request(&mut reader)
        else {
            return;
        };
        let arrival = {
            let mut all = sink.lock().unwrap();
            let nth = 1 + all
                .iter()
                .filter(|a| a.method == method && a.path == path)
                .count();
            let arrival = Arrival {
                method,
                path,
                headers,
                at: Instant::now(),
                nth,
            };
            all.push(arrival.clone());
            arrival
        };
        match behaviour(&arrival) {
            Reply::Hang => {
                // Read until the client closes the connection (it gives up at its deadline).
                let mut rest = Vec::new();
                let _ = reader.read_to_end(&mut rest);
                return;
            }
            Reply::Answer {
                delay,
                status,
                headers,
                body,
            } => {
                std::thread::sleep(delay);
                let mut head = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
                    body.len()
                );
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                if writer.write_all(head.as_bytes()).is_err()
                    || writer.write_all(body.as_bytes()).is_err()
                {
                    return;
                }
            }
        }
    }
}

/// A created, unpaid ePayment payment as the API answers it (the library refuses a payment
/// answer without its aggregate amounts).
pub fn pending_payment(reference: &str) -> Value {
    serde_json::json!({"reference": reference, "state": "CREATED",
           "amount": {"currency": "NOK", "value": 1000},
           "aggregate": {"authorizedAmount": {"currency": "NOK", "value": 0},
                         "cancelledAmount": {"currency": "NOK", "value": 0},
                         "capturedAmount": {"currency": "NOK", "value": 0},
                         "refundedAmount": {"currency": "NOK", "value": 0}}})
}
