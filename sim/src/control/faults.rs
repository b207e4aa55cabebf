//! Request faults (`POST /_sim/faults`): make the next N matching requests fail in a chosen way.
//!
//! A pattern matches a path segment by segment; `*` matches exactly one segment. Faults are
//! consumed first-in, first-out among those that match.

use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::Mutex;

#[derive(Clone, Debug, PartialEq)]
pub enum FaultAction {
    /// Answer with this status/body/headers without processing the request.
    Respond {
        status: u16,
        body: Option<Value>,
        headers: BTreeMap<String, String>,
        retry_after: Option<u64>,
    },
    /// Wait, then process normally.
    Delay(u64),
    /// Close the connection without a response and without processing.
    Drop,
    /// Process the request (state changes), then close the connection without the response.
    ProcessThenDrop,
    /// Process the request (state changes), then answer `status` with `body` instead of the
    /// real answer: a proxy's HTML page or a truncated body after the money moved.
    ProcessThenRespond {
        status: u16,
        body: Option<Value>,
        headers: BTreeMap<String, String>,
    },
}

#[derive(Clone, Debug)]
pub struct Fault {
    pub id: String,
    /// `None` for `"*"` (any method).
    pub method: Option<String>,
    pub path: String,
    pub remaining: u32,
    pub action: FaultAction,
}

impl Fault {
    /// Reads the JSON of `POST /_sim/faults`; `Err(detail)` when something is wrong.
    pub fn from_json(id: String, v: &Value) -> Result<Fault, String> {
        let obj = v.as_object().ok_or("The fault must be a JSON object.")?;
        let text = |k: &str| obj.get(k).and_then(Value::as_str);
        let number = |k: &str| obj.get(k).and_then(Value::as_u64);
        let method = match text("method").unwrap_or("*") {
            "*" => None,
            m => Some(m.to_ascii_uppercase()),
        };
        let path =
            text("path").ok_or("`path` (e.g. /epayment/v1/payments/*/capture) is required.")?;
        if !path.starts_with('/') {
            return Err("`path` must start with '/'.".into());
        }
        let remaining = match obj.get("count") {
            None => 1,
            Some(_) => number("count")
                .and_then(|n| u32::try_from(n).ok())
                .filter(|n| *n > 0)
                .ok_or("`count` must be a positive integer.")?,
        };
        let status = |action: &str| {
            number("status")
                .and_then(|s| u16::try_from(s).ok())
                .filter(|s| (100..=599).contains(s))
                .ok_or(format!(
                    "`status` (100-599) is required for action {action}."
                ))
        };
        let action = match text("action").ok_or("`action` is required.")? {
            "respond" => {
                let status = status("respond")?;
                FaultAction::Respond {
                    status,
                    body: obj.get("body").cloned(),
                    headers: headers_of(obj)?,
                    retry_after: number("retry_after"),
                }
            }
            "delay" => FaultAction::Delay(
                number("delay_ms").ok_or("`delay_ms` is required for action delay.")?,
            ),
            "drop" => FaultAction::Drop,
            "process_then_drop" => FaultAction::ProcessThenDrop,
            "process_then_respond" => FaultAction::ProcessThenRespond {
                status: status("process_then_respond")?,
                body: obj.get("body").cloned(),
                headers: headers_of(obj)?,
            },
            other => {
                return Err(format!(
                    "Unknown action `{other}`: use respond, delay, drop, process_then_drop or process_then_respond."
                ))
            }
        };
        Ok(Fault {
            id,
            method,
            path: path.to_string(),
            remaining,
            action,
        })
    }

    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "id": self.id,
            "method": self.method.as_deref().unwrap_or("*"),
            "path": self.path,
            "count": self.remaining,
        });
        match &self.action {
            FaultAction::Respond {
                status,
                body,
                headers,
                retry_after,
            } => {
                v["action"] = json!("respond");
                v["status"] = json!(status);
                v["body"] = body.clone().unwrap_or(Value::Null);
                v["headers"] = json!(headers);
                v["retry_after"] = json!(retry_after);
            }
            FaultAction::Delay(ms) => {
                v["action"] = json!("delay");
                v["delay_ms"] = json!(ms);
            }
            FaultAction::Drop => v["action"] = json!("drop"),
            FaultAction::ProcessThenDrop => v["action"] = json!("process_then_drop"),
            FaultAction::ProcessThenRespond {
                status,
                body,
                headers,
            } => {
                v["action"] = json!("process_then_respond");
                v["status"] = json!(status);
                v["body"] = body.clone().unwrap_or(Value::Null);
                v["headers"] = json!(headers);
            }
        }
        v
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.method.as_deref().is_none_or(|m| m == method) && path_matches(&self.path, path)
    }
}

fn headers_of(obj: &Map<String, Value>) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    if let Some(h) = obj.get("headers").filter(|h| !h.is_null()) {
        let h = h
            .as_object()
            .ok_or("`headers` must be an object of strings.")?;
        for (k, v) in h {
            let v = v.as_str().ok_or("`headers` values must be strings.")?;
            out.insert(k.clone(), v.to_string());
        }
    }
    Ok(out)
}

/// `*` matches exactly one (non-empty) segment; everything else must be equal.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let mut p = pattern.split('/');
    let mut s = path.split('/');
    loop {
        match (p.next(), s.next()) {
            (None, None) => return true,
            (Some("*"), Some(seg)) if !seg.is_empty() => {}
            (Some(a), Some(b)) if a == b => {}
            _ => return false,
        }
    }
}

#[derive(Default)]
pub struct FaultQueue {
    pending: Mutex<Vec<Fault>>,
}

impl FaultQueue {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Fault>> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn add(&self, fault: Fault) {
        self.lock().push(fault);
    }

    pub fn list(&self) -> Vec<Value> {
        self.lock().iter().map(Fault::to_json).collect()
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    /// Consumes one use of the oldest fault matching this request.
    pub fn take(&self, method: &str, path: &str) -> Option<FaultAction> {
        let mut pending = self.lock();
        if pending.is_empty() {
            return None;
        }
        let idx = pending.iter().position(|f| f.matches(method, path))?;
        let action = pending[idx].action.clone();
        pending[idx].remaining -= 1;
        if pending[idx].remaining == 0 {
            pending.remove(idx);
        }
        Some(action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_matches_exactly_one_segment() {
        let pat = "/epayment/v1/payments/*/capture";
        assert!(path_matches(pat, "/epayment/v1/payments/abc-12345/capture"));
        assert!(!path_matches(pat, "/epayment/v1/payments/a/b/capture"));
        assert!(!path_matches(pat, "/epayment/v1/payments//capture"));
        assert!(!path_matches(pat, "/epayment/v1/payments/abc-12345/refund"));
        assert!(path_matches("/accesstoken/get", "/accesstoken/get"));
    }

    #[test]
    fn faults_are_consumed_in_order_and_by_count() {
        let q = FaultQueue::default();
        let f = |id: &str, v: Value| Fault::from_json(id.into(), &v).unwrap();
        q.add(f(
            "a",
            json!({"path": "/x/*", "action": "drop", "count": 2, "method": "post"}),
        ));
        q.add(f(
            "b",
            json!({"path": "/x/*", "action": "delay", "delay_ms": 5}),
        ));
        assert_eq!(q.take("GET", "/x/1"), Some(FaultAction::Delay(5)));
        assert_eq!(q.take("POST", "/x/1"), Some(FaultAction::Drop));
        assert_eq!(q.take("POST", "/x/1"), Some(FaultAction::Drop));
        assert_eq!(q.take("POST", "/x/1"), None);
        assert!(Fault::from_json("c".into(), &json!({"path": "/x", "action": "respond"})).is_err());
        assert!(Fault::from_json("c".into(), &json!({"path": "/x", "action": "boom"})).is_err());
    }
}
