//! One API call: the per-call options, the headers every request carries, authentication,
//! the one refresh on 401, and the mapping of error answers.

use crate::config::{check_msn, Config, SystemInfo};
use crate::error::{Error, ErrorKind, Result};
use crate::http::idempotency::{key_or_generate, KeyHeader};
use crate::http::problem::api_error;
use crate::http::transport::{HttpRequest, HttpResponse};
use crate::json::input::{request_object, Fields};
use crate::Client;
use serde_json::{Map, Value};
use std::time::Instant;

/// Request keys the library reads itself and never forwards to the API. They are
/// snake_case, which no Vipps API uses for its own fields, so they cannot collide.
pub const RESERVED_KEYS: &[&str] = &[
    "merchant_serial_number",
    "system_name",
    "system_version",
    "plugin_name",
    "plugin_version",
    "idempotency_key",
];

#[derive(Default)]
pub struct Headers(Vec<(&'static str, String)>);

impl Headers {
    pub fn new() -> Self {
        Headers(Vec::with_capacity(12))
    }

    pub fn push(&mut self, name: &'static str, value: String) {
        self.0.push((name, value));
    }

    /// `client_id` and `client_secret`: Checkout's authentication, and the token fetch's.
    pub fn push_client_keys(&mut self, config: &Config) {
        self.push("client_id", config.client_id.clone());
        self.push("client_secret", config.client_secret.expose().to_owned());
    }

    /// What every request carries after its authentication, the token fetch too: the
    /// subscription key, the merchant serial number and the system headers.
    pub fn push_merchant(&mut self, config: &Config, msn: &str, system: &SystemInfo) {
        self.push(
            "Ocp-Apim-Subscription-Key",
            config.subscription_key.expose().to_owned(),
        );
        self.push("Merchant-Serial-Number", msn.to_owned());
        self.push_system(system);
    }

    pub fn push_system(&mut self, system: &SystemInfo) {
        self.push("Vipps-System-Name", system.system_name.clone());
        self.push("Vipps-System-Version", system.system_version.clone());
        self.push("Vipps-System-Plugin-Name", system.plugin_name.clone());
        self.push("Vipps-System-Plugin-Version", system.plugin_version.clone());
    }
}

/// Per-call settings that override the configuration (partners act for many merchants,
/// and one plugin may serve several sales units), and the deadline of the call.
#[derive(Clone, Debug)]
pub struct CallOptions {
    pub msn: String,
    pub system: SystemInfo,
    pub idempotency_key: Option<String>,
    /// When the public call must have ended: `total_ms` after it started (or earlier, inside
    /// a call that ends earlier, see `deadline.rs`). Every request of the call shares it: the
    /// token fetch, the refresh after a 401, the API request, an eCom `/details` follow-up.
    pub deadline: Instant,
}

impl CallOptions {
    /// Reads and removes the reserved keys from a request object, and starts the call's
    /// deadline: each public call takes its options exactly once.
    pub fn take(client: &Client, request: &mut Map<String, Value>) -> Result<CallOptions> {
        let deadline = crate::deadline::for_call(client.config.timeouts.total);
        let mut reserved = Map::new();
        for key in RESERVED_KEYS {
            if let Some(value) = request.remove(*key) {
                reserved.insert((*key).to_owned(), value);
            }
        }
        let f = Fields::new(&reserved, "", ErrorKind::InvalidInput);
        let msn = match f.opt_str("merchant_serial_number")? {
            Some(msn) => {
                check_msn(&f, "merchant_serial_number", msn)?;
                msn.to_owned()
            }
            None => client.config.merchant_serial_number.clone(),
        };
        Ok(CallOptions {
            msn,
            system: SystemInfo::read(&f, Some(&client.config.system))?,
            idempotency_key: f.opt_str("idempotency_key")?.map(str::to_owned),
            deadline,
        })
    }

    /// The key for a money-moving call: the caller's, or a new one, fixed for all attempts.
    pub fn key(&self, header: KeyHeader) -> Result<String> {
        key_or_generate(self.idempotency_key.as_deref(), header)
    }
}

/// How a request proves who sends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    /// `Authorization: Bearer <access token>` (ePayment, Webhooks, eCom).
    Bearer,
    /// `client_id` and `client_secret` headers (Checkout v3 has no bearer scheme).
    ClientKeys,
}

/// What a successful answer must hold for the call's outcome to be known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// A JSON object: a payment, a modification, a created payment, session or order.
    Object,
    /// A JSON object, or no body at all (Checkout's session update and expire).
    ObjectOrEmpty,
    /// A JSON array (a payment's events).
    Array,
    /// Nothing: the status says it all (force approve, webhook delete); the body is not read.
    Nothing,
}

pub struct ApiCall<'a> {
    pub method: &'static str,
    pub path: String,
    pub body: Option<Value>,
    pub auth: Auth,
    pub options: &'a CallOptions,
    pub idempotency: Option<(KeyHeader, String)>,
    /// What the call does, for messages: "capturing payment order-1001".
    pub what: String,
    /// What the answer must hold; anything else is an unreadable answer.
    pub expect: Expect,
}

impl ApiCall<'_> {
    /// The idempotency key the call carries, if it has one.
    pub fn key(&self) -> Option<&str> {
        self.idempotency.as_ref().map(|(_, key)| key.as_str())
    }
}

/// One API operation, described once: everything a call needs besides the request's target,
/// options and body. Each API module declares one `const` per operation; [`Operation::call`]
/// turns it into the [`ApiCall`] that `Client::call` runs.
pub struct Operation {
    pub method: &'static str,
    /// The path; `{}` stands for the target (a reference, an order id, a webhook id).
    pub path: &'static str,
    pub auth: Auth,
    /// The header that carries the idempotency key, for the calls that take one (every call
    /// that moves money or changes a session or order).
    pub key: Option<KeyHeader>,
    /// What the answer must hold.
    pub expect: Expect,
    /// What the call does, for messages; `{}` stands for the target.
    pub what: &'static str,
}

impl Operation {
    /// The call on `target`: its path and message filled in, and its idempotency key (the
    /// caller's, or a new one fixed for every attempt) when the operation takes one.
    pub fn call<'a>(
        &self,
        target: &str,
        options: &'a CallOptions,
        body: Option<Value>,
    ) -> Result<ApiCall<'a>> {
        let idempotency = match self.key {
            Some(header) => Some((header, options.key(header)?)),
            None => None,
        };
        Ok(ApiCall {
            method: self.method,
            path: self.path.replace("{}", target),
            body,
            auth: self.auth,
            options,
            idempotency,
            what: self.what.replace("{}", target),
            expect: self.expect,
        })
    }

    /// [`Operation::call`] for a path with a parent segment before the target (Order
    /// Management's `/v2/{paymentType}/receipts/{orderId}`): the path's first `{}` is
    /// `parent`, the next the target.
    pub fn call_under<'a>(
        &self,
        parent: &str,
        target: &str,
        options: &'a CallOptions,
        body: Option<Value>,
    ) -> Result<ApiCall<'a>> {
        let mut call = self.call(target, options, body)?;
        call.path = self.path.replacen("{}", parent, 1).replace("{}", target);
        Ok(call)
    }
}

/// A successful answer.
pub struct ApiAnswer {
    /// The JSON body as `expect` requires it, or `null` (no body, or `Expect::Nothing`).
    pub body: Value,
    /// The HTTP status (2xx).
    pub status: u16,
}

/// The error for a 2xx answer that cannot be read (`reason` says why), or for an answer over
/// the size cap (`status` unknown).
///
/// On a call with an idempotency key (every money call) the outcome is unknown: the API
/// may have carried it out. That is `unknown_outcome`, always retryable, with the key to
/// retry with, never a failure: a retry with the same key is replayed by the API, a retry
/// with a new one could move the money twice. A read (GET) is simply retryable; a POST
/// without a key (webhook registration) is not, since repeating it may act twice.
pub(crate) fn unreadable_answer(call: &ApiCall, status: Option<u16>, reason: &str) -> Error {
    let answered = match status {
        Some(status) => format!("the API answered {status} (success), but {reason}"),
        None => format!("the API's answer {reason}"),
    };
    let key = call.idempotency.as_ref().map(|(_, key)| key.as_str());
    let error = if let Some(key) = key {
        Error::new(
            ErrorKind::UnknownOutcome,
            format!(
                "{}: outcome unknown: {answered}. The request may have been carried out: retry \
                 with the same idempotency key ({key}), never a new one",
                call.what
            ),
        )
    } else if call.method == "GET" {
        Error::new(
            ErrorKind::Api,
            format!("{}: {answered}; reading again is safe", call.what),
        )
        .with_retryable(true)
    } else {
        Error::new(
            ErrorKind::Api,
            format!(
                "{}: {answered}; the request may have been carried out, check before repeating it",
                call.what
            ),
        )
        .with_retryable(false)
    };
    Error {
        http_status: status,
        ..error
    }
    .with_idempotency_key(key)
}

/// Reads a 2xx body as `expect` requires; `Err` says why it cannot be read.
fn read_answer(body: &[u8], expect: Expect) -> std::result::Result<Value, String> {
    if expect == Expect::Nothing || (body.is_empty() && expect == Expect::ObjectOrEmpty) {
        return Ok(Value::Null);
    }
    if body.is_empty() {
        return Err("its body is empty".into());
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|_| "its body is not JSON (a proxy's page, or cut short)".to_owned())?;
    let fits = match expect {
        Expect::Object | Expect::ObjectOrEmpty => value.is_object(),
        Expect::Array => value.is_array(),
        Expect::Nothing => true,
    };
    if fits {
        Ok(value)
    } else {
        let wanted = if expect == Expect::Array {
            "an array"
        } else {
            "an object"
        };
        Err(format!(
            "its body is {} in JSON, not {wanted}",
            crate::json::input::type_name(&value)
        ))
    }
}

impl Client {
    /// Splits a request that acts on one payment or session into its `reference`, the call
    /// options and the remaining fields (the body, if the call has one).
    pub(crate) fn target(
        &self,
        request: &Value,
        min: usize,
        max: usize,
    ) -> Result<(String, CallOptions, Map<String, Value>)> {
        let mut body = request_object(request)?;
        let options = CallOptions::take(self, &mut body)?;
        let fields = Fields::new(&body, "", ErrorKind::InvalidInput);
        let reference = crate::model::reference::read_reference(&fields, min, max)?.to_owned();
        body.remove("reference");
        Ok((reference, options, body))
    }

    /// Sends a request with the headers every call carries, retrying until `deadline`.
    pub(crate) fn send_raw(
        &self,
        method: &'static str,
        path: &str,
        mut headers: Headers,
        body: Option<Vec<u8>>,
        safe_to_repeat: bool,
        deadline: Instant,
    ) -> Result<HttpResponse> {
        if body.as_ref().is_some_and(|b| !b.is_empty()) {
            headers.push("Content-Type", "application/json".to_owned());
        }
        headers.push("Accept", "application/json".to_owned());
        let request = HttpRequest {
            method,
            url: self.config.base_url.join(path),
            log_path: path.to_owned(),
            headers: headers.0,
            body,
            safe_to_repeat,
        };
        self.transport.send(&request, deadline)
    }

    /// Runs an API call: authenticates, sends with retries, refreshes the token once on 401,
    /// and turns error answers into errors that keep the API's detail.
    pub(crate) fn call(&self, call: &ApiCall) -> Result<ApiAnswer> {
        let key = call.idempotency.as_ref().map(|(_, key)| key.as_str());
        self.call_inner(call)
            .map_err(|e| e.with_idempotency_key(key))
    }

    fn call_inner(&self, call: &ApiCall) -> Result<ApiAnswer> {
        let body = match &call.body {
            Some(value) => Some(
                serde_json::to_vec(value)
                    .map_err(|e| Error::internal(format!("cannot encode the request: {e}")))?,
            ),
            None => None,
        };
        let safe = call.method == "GET" || call.idempotency.is_some();
        let mut failed_token = None;
        loop {
            let mut headers = Headers::new();
            let token = match call.auth {
                Auth::Bearer => {
                    let token =
                        self.access_token(&call.options.msn, failed_token, call.options.deadline)?;
                    headers.push("Authorization", format!("Bearer {}", token.value.expose()));
                    Some(token.generation)
                }
                Auth::ClientKeys => {
                    headers.push_client_keys(&self.config);
                    None
                }
            };
            headers.push_merchant(&self.config, &call.options.msn, &call.options.system);
            if let Some((header, key)) = &call.idempotency {
                headers.push(header.name(), key.clone());
            }
            let response = self
                .send_raw(
                    call.method,
                    &call.path,
                    headers,
                    body.clone(),
                    safe,
                    call.options.deadline,
                )
                .map_err(|error| oversized_is_unknown(call, error))?;
            // A token can expire or be revoked early; one fresh token, then the 401 stands.
            if response.status == 401 && token.is_some() && failed_token.is_none() {
                failed_token = token;
                continue;
            }
            if !response.is_success() {
                // ePayment's four-digit codes get their kind, retryability and explanation.
                return Err(crate::api::epayment::errors::explain(api_error(
                    &response, &call.what, safe,
                )));
            }
            let body = read_answer(&response.body, call.expect)
                .map_err(|reason| unreadable_answer(call, Some(response.status), &reason))?;
            return Ok(ApiAnswer {
                body,
                status: response.status,
            });
        }
    }
}

/// The transport refuses an answer over its size cap as `api` (its only `api` error: every
/// other failure is a timeout, a network or an input error). For a keyed call that answer
/// may be the success of a request the API carried out, so its outcome is unknown.
fn oversized_is_unknown(call: &ApiCall, error: Error) -> Error {
    if error.kind == ErrorKind::Api && call.idempotency.is_some() {
        let reason = format!(
            "was larger than {} MiB and was not read, so its status is unknown ({})",
            crate::http::transport::MAX_RESPONSE_BYTES / (1024 * 1024),
            error.message
        );
        return unreadable_answer(call, None, &reason);
    }
    error
}
