//! Building the headers of a delivery and sending it (blocking; run inside `spawn_blocking`).

use super::{url, Delivery, Signing};
use crate::state::Sim;
use crate::timefmt::rfc1123;
use crate::webhooks::signing;
use std::sync::OnceLock;
use std::time::Duration;

/// The headers sent with a delivery, computed at send time so `x-ms-date` is fresh on retries.
pub fn headers_for(sim: &Sim, delivery: &Delivery) -> Vec<(String, String)> {
    let mut headers = vec![
        ("Content-Type".to_string(), "application/json".to_string()),
        ("User-Agent".to_string(), "vipps-sim".to_string()),
    ];
    match &delivery.signing {
        Signing::RawAuthorization(token) => {
            headers.push(("Authorization".to_string(), token.clone()));
        }
        Signing::Unsigned => {}
        Signing::Hmac(secret) => {
            let date = rfc1123(sim.now_ms());
            if let Some(signed) =
                signing::sign_request(secret, &delivery.url, &date, delivery.body.as_bytes())
            {
                // Host is set explicitly so it is exactly the authority that was signed.
                headers.push(("Host".to_string(), signed.host));
                headers.push(("x-ms-date".to_string(), signed.date));
                headers.push(("x-ms-content-sha256".to_string(), signed.content_hash));
                headers.push(("Authorization".to_string(), signed.authorization));
            }
        }
    }
    headers
}

/// One shared agent (connection pool); the timeout is applied per request.
fn agent() -> &'static ureq::Agent {
    static AGENT: OnceLock<ureq::Agent> = OnceLock::new();
    AGENT.get_or_init(|| {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            // Never route loopback test receivers through an environment proxy.
            .proxy(None)
            .build()
            .into()
    })
}

/// POSTs the body; `Ok(status)` for any HTTP answer, `Err(reason)` when none came.
pub fn post(
    target_url: &str,
    headers: &[(String, String)],
    body: &str,
    timeout: Duration,
) -> Result<u16, String> {
    send("POST", target_url, headers, body, timeout).map(|(status, _)| status)
}

/// Most of an answer's body that is read (the rest is left unread).
const ANSWER_LIMIT: u64 = 64 * 1024;

/// Sends a `POST` (with `body`) or a `DELETE` (without); `Ok((status, answer body))` for any
/// HTTP answer, `Err(reason)` when none came.
pub fn send(
    method: &str,
    target_url: &str,
    headers: &[(String, String)],
    body: &str,
    timeout: Duration,
) -> Result<(u16, String), String> {
    if url::split(target_url).is_none() {
        return Err(format!("not an http(s) URL: {target_url}"));
    }
    let result = if method == "DELETE" {
        let mut req = agent()
            .delete(target_url)
            .config()
            .timeout_global(Some(timeout))
            .build();
        for (k, v) in headers {
            if !k.eq_ignore_ascii_case("Content-Type") {
                req = req.header(k.as_str(), v.as_str());
            }
        }
        req.call()
    } else {
        let mut req = agent()
            .post(target_url)
            .config()
            .timeout_global(Some(timeout))
            .build();
        for (k, v) in headers {
            req = req.header(k.as_str(), v.as_str());
        }
        req.send(body)
    };
    match result {
        Ok(mut resp) => {
            let answer = resp
                .body_mut()
                .with_config()
                .limit(ANSWER_LIMIT)
                .read_to_vec()
                .unwrap_or_default();
            Ok((
                resp.status().as_u16(),
                String::from_utf8_lossy(&answer).into_owned(),
            ))
        }
        Err(e) => Err(e.to_string()),
    }
}
