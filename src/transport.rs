//! HTTP: one agent per process, explicit timeouts, bounded bodies and safe retries.

use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};
use crate::log::{Level, Logger};
use crate::per_process::PerProcess;
use crate::retry::{backoff, parse_retry_after, status_is_retryable};
use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant};
use ureq::http;

/// Responses larger than this are refused: no API answer comes near it, and an unbounded
/// read would let a broken proxy exhaust a PHP worker's memory.
pub(crate) const MAX_RESPONSE_BYTES: u64 = 4 * 1024 * 1024;

/// One HTTP request, fully formed but for the per-attempt timeout.
#[derive(Clone, Debug)]
pub struct HttpRequest {
    pub method: &'static str,
    pub url: String,
    /// Path (and query) used in log lines: never the full URL, never headers.
    pub log_path: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<Vec<u8>>,
    /// True when sending it twice has the effect of sending it once (GET, or an idempotency key).
    pub safe_to_repeat: bool,
}

#[derive(Clone, Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// How many attempts the call took (1 = no retry).
    pub attempts: u32,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// The agent, made anew in each process: a forked PHP-FPM child must not share its parent's
/// pooled connections (both would read from the same socket), nor lock the parent's pool.
pub struct Transport {
    config: Arc<Config>,
    logger: Arc<Logger>,
    /// Parsed once at creation, so a bad proxy fails the client and not a later call.
    proxy: Option<ureq::Proxy>,
    agent: PerProcess<ureq::Agent>,
}

impl Transport {
    pub fn new(config: Arc<Config>, logger: Arc<Logger>) -> Result<Transport> {
        let proxy = match &config.proxy {
            // Only the configured proxy is used, never HTTP_PROXY from the environment: a
            // request header `Proxy:` must not be able to redirect payment traffic (httpoxy).
            Some(url) => Some(
                ureq::Proxy::new(url)
                    .map_err(|_| Error::config("proxy is not a valid proxy URL"))?,
            ),
            None => None,
        };
        let transport = Transport {
            config,
            logger,
            proxy,
            agent: PerProcess::new(),
        };
        transport.agent();
        Ok(transport)
    }

    fn agent(&self) -> ureq::Agent {
        let made_in = self.agent.made_in();
        let agent = self
            .agent
            .get(|| build_agent(&self.config, self.proxy.clone()));
        if made_in.is_some_and(|pid| pid != std::process::id()) {
            self.logger.log(
                Level::Info,
                "process id changed (fork): new HTTP connection pool",
            );
        }
        (**agent).clone()
    }

    /// Sends the request, retrying what is safe to retry within the total deadline.
    /// Returns the final response whatever its status; only transport failures are errors.
    pub fn send(&self, request: &HttpRequest) -> Result<HttpResponse> {
        let policy = self.config.retry;
        let deadline = Instant::now() + self.config.timeouts.total;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(Error::new(
                    ErrorKind::Timeout,
                    format!(
                        "{} {}: no answer within the total deadline of {} ms ({} attempts)",
                        request.method,
                        request.log_path,
                        self.config.timeouts.total.as_millis(),
                        attempt - 1
                    ),
                ));
            }
            let started = Instant::now();
            let outcome = self.send_once(request, self.config.timeouts.request.min(remaining));
            let elapsed = started.elapsed().as_millis();
            let last_attempt = attempt >= policy.max_attempts;
            let delay = match &outcome {
                Ok(response) => {
                    self.logger.log(
                        Level::Debug,
                        format!(
                            "{} {} -> {} (attempt {attempt}, {elapsed} ms)",
                            request.method, request.log_path, response.status
                        ),
                    );
                    if last_attempt || !status_is_retryable(response.status, request.safe_to_repeat)
                    {
                        return outcome.map(|mut r| {
                            r.attempts = attempt;
                            r
                        });
                    }
                    response
                        .header("Retry-After")
                        .and_then(parse_retry_after)
                        .unwrap_or_else(|| backoff(&policy, attempt))
                }
                Err(error) => {
                    self.logger.log(
                        Level::Debug,
                        format!(
                            "{} {} -> {} (attempt {attempt}, {elapsed} ms)",
                            request.method, request.log_path, error.message
                        ),
                    );
                    // A refused certificate or an oversized answer will not change on retry.
                    if last_attempt || !request.safe_to_repeat || !error.retryable {
                        return outcome;
                    }
                    backoff(&policy, attempt)
                }
            };
            if Instant::now() + delay >= deadline {
                // Waiting would overrun the caller's deadline: report what we have now.
                return outcome.map(|mut r| {
                    r.attempts = attempt;
                    r
                });
            }
            let reason = match &outcome {
                Ok(r) => format!("status {}", r.status),
                Err(e) => e.kind.as_str().to_owned(),
            };
            self.logger.log(
                Level::Warn,
                format!(
                    "{} {}: {reason}, retry {} in {} ms",
                    request.method,
                    request.log_path,
                    attempt + 1,
                    delay.as_millis()
                ),
            );
            std::thread::sleep(delay);
        }
    }

    fn send_once(&self, request: &HttpRequest, timeout: Duration) -> Result<HttpResponse> {
        let agent = self.agent();
        let mut builder = http::Request::builder()
            .method(request.method)
            .uri(&request.url);
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        let body = request.body.clone().unwrap_or_default();
        let http_request = builder.body(body).map_err(|e| {
            Error::invalid_input(format!(
                "cannot form the HTTP request for {}: {e}",
                request.log_path
            ))
        })?;
        let http_request = agent
            .configure_request(http_request)
            .timeout_global(Some(timeout))
            .build();
        let mut response = agent
            .run(http_request)
            .map_err(|e| transport_error(e, request))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        response
            .body_mut()
            .as_reader()
            .take(MAX_RESPONSE_BYTES + 1)
            .read_to_end(&mut body)
            .map_err(|e| io_error(e, request))?;
        if body.len() as u64 > MAX_RESPONSE_BYTES {
            return Err(Error::new(
                ErrorKind::Api,
                format!(
                    "{} {}: response body exceeds {MAX_RESPONSE_BYTES} bytes",
                    request.method, request.log_path
                ),
            )
            .with_retryable(false));
        }
        Ok(HttpResponse {
            status,
            headers,
            body,
            attempts: 1,
        })
    }
}

fn build_agent(config: &Config, proxy: Option<ureq::Proxy>) -> ureq::Agent {
    let agent_config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(proxy)
        .max_redirects(0)
        .timeout_connect(Some(config.timeouts.connect))
        .user_agent(format!(
            "vipps-rs/{} (+{})",
            crate::VERSION,
            config.system.plugin_name
        ))
        .max_response_header_size(64 * 1024)
        .build();
    ureq::Agent::with_parts(
        agent_config,
        ureq::unversioned::transport::DefaultConnector::default(),
        crate::resolver::CachingResolver::default(),
    )
}

fn transport_error(error: ureq::Error, request: &HttpRequest) -> Error {
    let what = format!("{} {}", request.method, request.log_path);
    match error {
        ureq::Error::Timeout(_) => Error::new(ErrorKind::Timeout, format!("{what}: timed out")),
        ureq::Error::Io(e) => io_error(e, request),
        ureq::Error::HostNotFound => {
            Error::new(ErrorKind::Network, format!("{what}: host not found"))
        }
        ureq::Error::ConnectionFailed => {
            Error::new(ErrorKind::Network, format!("{what}: connection failed"))
        }
        ureq::Error::Protocol(e) => Error::new(
            ErrorKind::Network,
            format!("{what}: connection broke off ({e})"),
        ),
        ureq::Error::Tls(e) => Error::new(ErrorKind::Network, format!("{what}: TLS failed ({e})"))
            .with_retryable(false),
        ureq::Error::Rustls(e) => {
            Error::new(ErrorKind::Network, format!("{what}: TLS failed ({e})"))
                .with_retryable(false)
        }
        other => Error::new(ErrorKind::Network, format!("{what}: {other}")),
    }
}

fn io_error(error: std::io::Error, request: &HttpRequest) -> Error {
    let what = format!("{} {}", request.method, request.log_path);
    if error.kind() == std::io::ErrorKind::TimedOut {
        return Error::new(ErrorKind::Timeout, format!("{what}: timed out"));
    }
    // ureq 3 reports a failed TLS handshake (a refused certificate, say) as an I/O error
    // that wraps the rustls error, not as `ureq::Error::Rustls`.
    if let Some(tls) = error
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>())
    {
        return Error::new(ErrorKind::Network, format!("{what}: TLS failed ({tls})"))
            .with_retryable(false);
    }
    Error::new(ErrorKind::Network, format!("{what}: {error}"))
}
