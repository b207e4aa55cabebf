//! The middleware in front of every route: body size limit, request log, fault injection, and
//! turning any non-JSON error (axum's 405, path rejections) into a problem body.

use crate::conn::ConnAbort;
use crate::control::faults::FaultAction;
use crate::control::request_log::RequestRecord;
use crate::problem;
use crate::reply::Reply;
use crate::state::Sim;
use crate::timefmt::rfc3339_ms;
use crate::{MAX_BODY_BYTES, MAX_IMAGE_BODY_BYTES};
use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, request::Parts, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// How much of an oversized body is read before answering 413.
const DRAIN_CAP: usize = 16 * MAX_BODY_BYTES;

/// Marks a response produced by a `respond` fault, which must reach the client untouched.
#[derive(Clone, Copy)]
struct FaultResponse;

/// The body limit of a path: image uploads carry up to 2 MB of base64, everything else 1 MiB.
fn body_limit(path: &str) -> usize {
    if path == "/order-management/v1/images" {
        MAX_IMAGE_BODY_BYTES
    } else {
        MAX_BODY_BYTES
    }
}

pub async fn gateway(State(sim): State<Arc<Sim>>, req: Request, next: Next) -> Response {
    let logged = !req.uri().path().starts_with("/_sim");
    let limit = body_limit(req.uri().path());
    let (parts, body) = req.into_parts();
    let declared_len = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    // Somewhat oversized bodies are read (and discarded) before answering 413, so the client
    // finishes sending and sees the status instead of a broken pipe. Beyond the drain cap the
    // connection is simply answered early.
    let bytes = if declared_len.is_some_and(|n| n > DRAIN_CAP as u64) {
        None
    } else {
        to_bytes(body, DRAIN_CAP)
            .await
            .ok()
            .filter(|b| b.len() <= limit)
    };
    let Some(bytes) = bytes else {
        if logged {
            Seen::of(&parts).log(&sim, &Bytes::new(), Some(413), false);
        }
        let detail = format!("The request body is larger than {limit} bytes.");
        return problem::generic(&sim, 413, &detail).into_response();
    };
    if !logged {
        let resp = next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await;
        return normalize_error(&sim, resp).await;
    }
    sim.stats.count_request();
    let seen = Seen::of(&parts);

    let fault = sim.faults.take(parts.method.as_str(), parts.uri.path());
    let conn = parts.extensions.get::<ConnAbort>().cloned();
    let process_then_drop = matches!(fault, Some(FaultAction::ProcessThenDrop));
    // The answer that replaces the real one once the request is processed.
    let replacement = match &fault {
        Some(FaultAction::ProcessThenRespond {
            status,
            body,
            headers,
        }) => Some((*status, body.clone(), headers.clone())),
        _ => None,
    };
    match fault {
        Some(FaultAction::Respond {
            status,
            body,
            headers,
            retry_after,
        }) => {
            seen.log(&sim, &bytes, Some(status), false);
            return fault_response(&sim, status, body, &headers, retry_after);
        }
        Some(FaultAction::Drop) => {
            seen.log(&sim, &bytes, None, true);
            return drop_connection(conn).await;
        }
        Some(
            FaultAction::Delay(_)
            | FaultAction::ProcessThenDrop
            | FaultAction::ProcessThenRespond { .. },
        )
        | None => {}
    }
    let delay = match fault {
        Some(FaultAction::Delay(ms)) => Some(Duration::from_millis(ms)),
        _ => None,
    };
    // Processing runs in its own task: a real server finishes a request it has received even
    // when the client gives up (e.g. times out during a `delay` fault) and closes the socket,
    // which would otherwise cancel this future mid-way.
    let sim2 = Arc::clone(&sim);
    let replaced_status = replacement.as_ref().map(|(status, _, _)| *status);
    let work = tokio::spawn(async move {
        if let Some(d) = delay {
            tokio::time::sleep(d).await;
        }
        let req = Request::from_parts(parts, Body::from(bytes.clone()));
        let resp = normalize_error(&sim2, next.run(req).await).await;
        let status = replaced_status.unwrap_or(resp.status().as_u16());
        seen.log(&sim2, &bytes, Some(status), process_then_drop);
        resp
    });
    let resp = match work.await {
        Ok(resp) => resp,
        Err(_) => problem::generic(&sim, 500, "The request handler failed.").into_response(),
    };
    if process_then_drop {
        return drop_connection(conn).await;
    }
    if let Some((status, body, headers)) = replacement {
        return replaced_response(status, body, &headers);
    }
    resp
}

/// The answer of a `process_then_respond` fault: no body when none is given, a string as
/// text, anything else as JSON; `headers` may set another content type (an HTML page).
fn replaced_response(
    status: u16,
    body: Option<serde_json::Value>,
    headers: &BTreeMap<String, String>,
) -> Response {
    let mut resp = match body {
        None => Response::new(Body::empty()),
        Some(serde_json::Value::String(text)) => {
            let mut r = Response::new(Body::from(text));
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            r
        }
        Some(json) => Reply::json(status, &json).into_response(),
    };
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    insert_headers(&mut resp, headers);
    resp.extensions_mut().insert(FaultResponse);
    resp
}

fn insert_headers(resp: &mut Response, headers: &BTreeMap<String, String>) {
    for (k, v) in headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(v),
        ) {
            resp.headers_mut().insert(name, value);
        }
    }
}

/// Closes the connection without a response. The handler future is parked until the
/// connection task drops it together with the socket.
async fn drop_connection(conn: Option<ConnAbort>) -> Response {
    match conn {
        Some(c) => {
            c.abort();
            std::future::pending::<Response>().await
        }
        // Not served through our accept loop (cannot happen in practice): fail loudly instead.
        None => StatusCode::BAD_GATEWAY.into_response(),
    }
}

fn fault_response(
    sim: &Sim,
    status: u16,
    body: Option<serde_json::Value>,
    headers: &BTreeMap<String, String>,
    retry_after: Option<u64>,
) -> Response {
    let mut resp = match body {
        None => problem::generic(sim, status, "Injected fault.").into_response(),
        Some(serde_json::Value::String(text)) => {
            let mut r = Response::new(Body::from(text));
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            r
        }
        Some(json) => Reply::json(status, &json).into_response(),
    };
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    if let Some(secs) = retry_after {
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    insert_headers(&mut resp, headers);
    resp.extensions_mut().insert(FaultResponse);
    resp
}

/// What the request log keeps of a request, taken before the request moves on.
struct Seen {
    method: String,
    path: String,
    query: Option<String>,
    headers: BTreeMap<String, String>,
}

impl Seen {
    fn of(parts: &Parts) -> Seen {
        let mut headers: BTreeMap<String, String> = BTreeMap::new();
        for (name, value) in &parts.headers {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            headers
                .entry(name.as_str().to_string())
                .and_modify(|v| {
                    v.push_str(", ");
                    v.push_str(&value);
                })
                .or_insert(value);
        }
        Seen {
            method: parts.method.to_string(),
            path: parts.uri.path().to_string(),
            query: parts.uri.query().map(str::to_string),
            headers,
        }
    }

    fn log(self, sim: &Sim, body: &Bytes, status: Option<u16>, dropped: bool) {
        sim.requests.push(RequestRecord {
            seq: 0,
            method: self.method,
            path: self.path,
            query: self.query,
            headers: self.headers,
            body: String::from_utf8_lossy(body).into_owned(),
            status,
            dropped,
            at: rfc3339_ms(sim.now_ms()),
        });
    }
}

/// Error responses that are not JSON (axum's 405 and extractor rejections) become problem
/// JSON, so clients always get a parsable error body.
async fn normalize_error(sim: &Sim, resp: Response) -> Response {
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error())
        || resp.extensions().get::<FaultResponse>().is_some()
    {
        return resp;
    }
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.contains("json"));
    // The HTML pages answer their own error pages (404 for an unknown token or reference).
    let is_html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"));
    if is_json || is_html {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let text = to_bytes(body, 64 * 1024).await.unwrap_or_default();
    let detail = match String::from_utf8_lossy(&text).trim() {
        "" => problem::status_title(status.as_u16()).to_string(),
        t => t.to_string(),
    };
    let mut fixed = problem::generic(sim, status.as_u16(), &detail).into_response();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            fixed.headers_mut().insert(name.clone(), value.clone());
        }
    }
    fixed
}
