//! HTTP: one agent per process, explicit timeouts, bounded bodies and safe retries.

use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};
use crate::http::agents;
use crate::http::retry::{backoff, parse_retry_after, retry_delay, status_is_retryable};
use crate::log::{Level, Logger};
use crate::per_process::PerProcess;
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

/// An attempt that got no HTTP answer.
struct Failure {
    error: Error,
    /// True when the request cannot have reached the server (the connection never opened),
    /// so even a request that is not safe to repeat may be sent again.
    nothing_sent: bool,
}

impl Failure {
    fn after_sending(error: Error) -> Failure {
        Failure {
            error,
            nothing_sent: false,
        }
    }
}

/// The final outcome of `send`, with the number of attempts it took.
fn finish(
    outcome: std::result::Result<HttpResponse, Failure>,
    attempts: u32,
) -> Result<HttpResponse> {
    match outcome {
        Ok(mut response) => {
            response.attempts = attempts;
            Ok(response)
        }
        Err(failure) => Err(failure.error),
    }
}

/// The agent, made anew in each process: a forked PHP-FPM child must not share its parent's
/// pooled connections (both would read from the same socket), nor lock the parent's pool.
/// Within a process the agent, and so its pool, is shared by every client with the same
/// connection settings (agents.rs): a PHP-FPM worker's next request reuses the connection.
pub struct Transport {
    config: Arc<Config>,
    logger: Arc<Logger>,
    /// Parsed once at creation, so a bad proxy fails the client and not a later call.
    proxy: Option<ureq::Proxy>,
    /// The TLS configuration built from `tls` at creation (so a bad trust store fails the
    /// client); each process's agent gets a copy with its own session cache.
    tls: Arc<rustls::ClientConfig>,
    /// The connection settings, naming this process's shared agent (agents.rs).
    agent_key: String,
    agent: PerProcess<ureq::Agent>,
    /// `scheme://host[:port]` of the base URL, named in transport error messages so an operator
    /// sees which server could not be reached (the base URL has no user or query: base_url.rs).
    origin: String,
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
        let origin = origin_of(config.base_url.as_str()).to_owned();
        let agent_key = agents::key(&config, &origin);
        let tls = agents::tls_config(&agent_key, || crate::http::tls::client_config(&config.tls))?;
        let transport = Transport {
            config,
            logger,
            proxy,
            tls,
            agent_key,
            agent: PerProcess::new(),
            origin,
        };
        transport.agent();
        Ok(transport)
    }

    fn agent(&self) -> ureq::Agent {
        let made_in = self.agent.made_in();
        let agent = self.agent.get(|| {
            agents::agent(&self.agent_key, || {
                build_agent(&self.config, self.proxy.clone(), &self.tls)
            })
        });
        if made_in.is_some_and(|pid| pid != std::process::id()) {
            self.logger.log(
                Level::Info,
                "process id changed (fork): new HTTP connection pool",
            );
        }
        (**agent).clone()
    }

    /// Sends the request, retrying what the policy of `retry.rs` allows, until `deadline`:
    /// the deadline of the whole public call, shared by all its requests (`deadline.rs`).
    /// Returns the final response whatever its status; only transport failures are errors.
    pub fn send(&self, request: &HttpRequest, deadline: Instant) -> Result<HttpResponse> {
        let policy = self.config.retry;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(Error::new(
                    ErrorKind::Timeout,
                    format!(
                        "{} {}: no time left within the call's deadline (total_ms {}) after {} attempts (server {})",
                        request.method,
                        request.log_path,
                        self.config.timeouts.total.as_millis(),
                        attempt - 1,
                        self.origin
                    ),
                ));
            }
            let started = Instant::now();
            let outcome = self.send_once(request, self.config.timeouts.request.min(remaining));
            let elapsed = started.elapsed().as_millis();
            let last_attempt = attempt >= policy.max_attempts;
            let delay = match &outcome {
                Ok(response) => {
                    // Checked first: the message is formatted (an allocation) only when logged.
                    if self.logger.enabled(Level::Debug) {
                        self.logger.log(
                            Level::Debug,
                            format!(
                                "{} {} -> {} (attempt {attempt}, {elapsed} ms)",
                                request.method, request.log_path, response.status
                            ),
                        );
                    }
                    if last_attempt || !status_is_retryable(response.status, request.safe_to_repeat)
                    {
                        return finish(outcome, attempt);
                    }
                    let retry_after = response.header("Retry-After").and_then(parse_retry_after);
                    retry_delay(&policy, attempt, retry_after)
                }
                Err(failure) => {
                    self.logger.log(
                        Level::Debug,
                        format!(
                            "{} {} -> {} (attempt {attempt}, {elapsed} ms)",
                            request.method, request.log_path, failure.error.message
                        ),
                    );
                    // A request that is not safe to repeat may have reached the server unless
                    // the connection never opened. A refused certificate or an oversized
                    // answer will not change on retry.
                    let may_repeat = request.safe_to_repeat || failure.nothing_sent;
                    if last_attempt || !may_repeat || !failure.error.retryable {
                        return finish(outcome, attempt);
                    }
                    backoff(&policy, attempt)
                }
            };
            let fits = Instant::now()
                .checked_add(delay)
                .is_some_and(|after| after < deadline);
            if !fits {
                // Waiting would overrun the caller's deadline: report what we have now.
                return finish(outcome, attempt);
            }
            let reason = match &outcome {
                Ok(r) => format!("status {}", r.status),
                Err(failure) => failure.error.kind.as_str().to_owned(),
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

    /// Names the server at the end of a transport error's message (scheme, host and port:
    /// never credentials or a query), so an operator sees which one could not be reached.
    fn at_server(&self, mut error: Error) -> Error {
        error.message = format!("{} (server {})", error.message, self.origin);
        error
    }

    fn send_once(
        &self,
        request: &HttpRequest,
        timeout: Duration,
    ) -> std::result::Result<HttpResponse, Failure> {
        let agent = self.agent();
        let mut builder = http::Request::builder()
            .method(request.method)
            .uri(&request.url);
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        let body = request.body.clone().unwrap_or_default();
        let http_request = builder.body(body).map_err(|e| Failure {
            error: Error::invalid_input(format!(
                "cannot form the HTTP request for {}: {e}",
                request.log_path
            )),
            nothing_sent: true,
        })?;
        let http_request = agent
            .configure_request(http_request)
            .timeout_global(Some(timeout))
            .build();
        // Named in errors only: formatted when one happens, not on every request.
        let what = || format!("{} {}", request.method, request.log_path);
        let mut response = agent.run(http_request).map_err(|e| Failure {
            nothing_sent: nothing_sent(&e),
            error: self.at_server(transport_error(e, &what())),
        })?;
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
        // Sized from Content-Length (capped) so that reading does not grow the buffer step by
        // step; a body without one, or longer than announced, still reads to the cap.
        let announced = response.body().content_length().unwrap_or(0);
        let mut body = Vec::with_capacity(announced.min(64 * 1024) as usize + 1);
        response
            .body_mut()
            .as_reader()
            .take(MAX_RESPONSE_BYTES + 1)
            .read_to_end(&mut body)
            .map_err(|e| Failure::after_sending(self.at_server(io_error(e, &what()))))?;
        if body.len() as u64 > MAX_RESPONSE_BYTES {
            return Err(Failure::after_sending(
                self.at_server(
                    Error::new(
                        ErrorKind::Api,
                        format!(
                            "{}: response body exceeds {MAX_RESPONSE_BYTES} bytes",
                            what()
                        ),
                    )
                    .with_retryable(false),
                ),
            ));
        }
        Ok(HttpResponse {
            status,
            headers,
            body,
            attempts: 1,
        })
    }
}

fn build_agent(
    config: &Config,
    proxy: Option<ureq::Proxy>,
    tls: &rustls::ClientConfig,
) -> ureq::Agent {
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
    // ureq's default chain (a CONNECT proxy tunnel, then TCP), with the library's TLS layer in
    // place of ureq's (http/tls.rs says why).
    use ureq::unversioned::transport::{ConnectProxyConnector, Connector, TcpConnector};
    let connector =
        ().chain(ConnectProxyConnector::default())
            .chain(TcpConnector::default())
            .chain(crate::http::tls::TlsConnector {
                config: crate::http::tls::for_this_process(tls),
            });
    ureq::Agent::with_parts(
        agent_config,
        connector,
        crate::http::resolver::CachingResolver::default(),
    )
}

/// `scheme://authority` of a validated base URL (which has no user, query or fragment).
fn origin_of(base_url: &str) -> &str {
    let after_scheme = base_url.find("://").map_or(0, |i| i + 3);
    match base_url[after_scheme..].find('/') {
        Some(slash) => &base_url[..after_scheme + slash],
        None => base_url,
    }
}

/// Whether a failed attempt cannot have sent anything: the connection was never made.
fn nothing_sent(error: &ureq::Error) -> bool {
    match error {
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => true,
        ureq::Error::Timeout(ureq::Timeout::Resolve | ureq::Timeout::Connect) => true,
        // Refused or no local address: only connecting fails this way.
        ureq::Error::Io(e) => matches!(
            e.kind(),
            std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::AddrNotAvailable
        ),
        _ => false,
    }
}

/// `what` names the request: `POST /accesstoken/get`.
fn transport_error(error: ureq::Error, what: &str) -> Error {
    match error {
        ureq::Error::Timeout(_) => Error::new(ErrorKind::Timeout, format!("{what}: timed out")),
        ureq::Error::Io(e) => io_error(e, what),
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

fn io_error(error: std::io::Error, what: &str) -> Error {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_origin_is_scheme_and_authority_only() {
        assert_eq!(
            origin_of("https://apitest.vipps.no"),
            "https://apitest.vipps.no"
        );
        assert_eq!(
            origin_of("http://127.0.0.1:7878/prefix/v1"),
            "http://127.0.0.1:7878"
        );
        assert_eq!(origin_of("https://[::1]:8443/x"), "https://[::1]:8443");
    }

    #[test]
    fn only_a_connection_that_never_opened_counts_as_nothing_sent() {
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert!(nothing_sent(&ureq::Error::Io(refused)));
        assert!(nothing_sent(&ureq::Error::HostNotFound));
        assert!(nothing_sent(&ureq::Error::ConnectionFailed));
        assert!(nothing_sent(&ureq::Error::Timeout(ureq::Timeout::Connect)));
        let reset = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
        assert!(!nothing_sent(&ureq::Error::Io(reset)));
        assert!(!nothing_sent(&ureq::Error::Timeout(ureq::Timeout::Global)));
        assert!(!nothing_sent(&ureq::Error::Timeout(
            ureq::Timeout::RecvResponse
        )));
    }
}
