//! The Webhooks API v1: register, list and delete the webhooks that deliver ePayment events.

use crate::client::Typed;
use crate::error::{ErrorKind, Result};
use crate::http::call::{Auth, CallOptions, Expect, Operation};
use crate::json::answer::to_json;
use crate::json::input::{lenient, request_object, Fields};
use crate::Client;
use serde::{Deserialize, Serialize};

pub use super::webhook_ensure::{Ensured, RemoveError};
use serde_json::{Map, Value};

// The operations of Webhooks v1. Registration has no idempotency key in the API: repeating
// it may register twice (see `call::unreadable_answer`).
const REGISTER: Operation = Operation {
    method: "POST",
    path: "/webhooks/v1/webhooks",
    auth: Auth::Bearer,
    key: None,
    expect: Expect::Object,
    what: "registering a webhook",
};
const LIST: Operation = Operation {
    method: "GET",
    path: "/webhooks/v1/webhooks",
    auth: Auth::Bearer,
    key: None,
    expect: Expect::Object,
    what: "listing webhooks",
};
const DELETE: Operation = Operation {
    method: "DELETE",
    path: "/webhooks/v1/webhooks/{}",
    auth: Auth::Bearer,
    key: None,
    expect: Expect::Nothing,
    what: "deleting webhook {}",
};

/// The ePayment events (`epayments.payment.<name>.v1`).
pub const EPAYMENT_EVENTS: [&str; 8] = [
    "epayments.payment.created.v1",
    "epayments.payment.aborted.v1",
    "epayments.payment.expired.v1",
    "epayments.payment.cancelled.v1",
    "epayments.payment.captured.v1",
    "epayments.payment.refunded.v1",
    "epayments.payment.authorized.v1",
    "epayments.payment.terminated.v1",
];

/// An event name must be one of [`EPAYMENT_EVENTS`]: the deliveries `handle_callback` reads
/// (the ePayment `WebhookEvent`, see `inbound::epayment_webhook`). Other services' events
/// (`recurring.*`, `user.checked-in.v1`, …) are refused here (issue 15, defect 12): their
/// deliveries would be answered 400 and retried by Vipps for days.
fn check_event(f: &Fields, index: usize, name: &str) -> Result<()> {
    if EPAYMENT_EVENTS.contains(&name) {
        return Ok(());
    }
    Err(f.error(
        &format!("events[{index}]"),
        format!(
            "must be one of the events handle_callback reads ({}), got {name:?}",
            EPAYMENT_EVENTS.join(", "),
        ),
    ))
}

/// An absolute URL that Vipps can call: https, or http on a loopback host (a local shop or
/// test receiver talking to the simulator).
fn check_url(f: &Fields, url: &str) -> Result<()> {
    f.check_len("url", url, 1, 2048)?;
    let invalid = || {
        f.error(
            "url",
            "must be an absolute https URL (http only for localhost / 127.0.0.1)",
        )
    };
    let (scheme, rest) = url.split_once("://").ok_or_else(invalid)?;
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    if host.is_empty() || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid());
    }
    let loopback = host == "localhost" || host.starts_with("127.") || host == "::1";
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(invalid()),
    }
}

impl Client {
    /// Registers a webhook: `{"url", "events": [...]}` → `{"id", "secret", "url", "events"}`.
    /// The secret is shown only once: store it and put it in `webhook_secrets`.
    pub fn register_webhook(&self, request: &Value) -> Result<Value> {
        to_json(&self.typed().register_webhook(request)?)
    }

    /// Lists the registered webhooks: `{}` → `{"webhooks": [{"id", "url", "events"}]}`.
    pub fn list_webhooks(&self, request: &Value) -> Result<Value> {
        let mut body = request_object(request)?;
        let options = CallOptions::take(self, &mut body)?;
        self.list_webhooks_with(&options)
    }

    /// Deletes a webhook: `{"id"}` → `{"id", "deleted": true}` (the JSON form of
    /// [`Typed::delete_webhook`]).
    pub fn delete_webhook(&self, request: &Value) -> Result<Value> {
        to_json(&self.typed().delete_webhook(request)?)
    }

    /// The API's list of registrations, as it answered.
    pub(crate) fn list_webhooks_with(&self, options: &CallOptions) -> Result<Value> {
        Ok(self.call(&LIST.call("", options, None)?)?.body)
    }

    /// Deletes webhook `id`; `f` names the field in an error. The id goes into the path: only
    /// the characters of a UUID.
    pub(crate) fn delete_webhook_with(
        &self,
        f: &Fields,
        id: &str,
        options: &CallOptions,
    ) -> Result<Deleted> {
        crate::model::reference::check_reference(f, "id", id, 1, 100)?;
        self.call(&DELETE.call(id, options, None)?)?;
        Ok(Deleted {
            id: id.to_owned(),
            deleted: true,
        })
    }

    /// Registers `url` for `events` (checked already, [`check_registration`]), sending `body`.
    pub(crate) fn register_webhook_with(
        &self,
        url: &str,
        events: &[Value],
        body: Value,
        options: &CallOptions,
    ) -> Result<Registered> {
        let answer = self.call(&REGISTER.call("", options, Some(body))?)?;
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct IdView {
            #[serde(deserialize_with = "lenient::text")]
            id: Option<String>,
        }
        let id = lenient::decode::<IdView>(&answer.body).id;
        Ok(Registered {
            answer: crate::json::input::object_or_empty(answer.body),
            url: url.to_owned(),
            events: events.to_vec(),
            id,
        })
    }
}

/// Checks a registration's `url` and `events` (a request's fields of those names) and returns
/// them.
pub(crate) fn check_registration<'a>(f: &Fields<'a>) -> Result<(&'a str, &'a Vec<Value>)> {
    let url = f.req_str("url")?;
    check_url(f, url)?;
    let events = f
        .opt_array("events")?
        .ok_or_else(|| f.error("events", "is required: a non-empty array of event names"))?;
    if events.is_empty() {
        return Err(f.error("events", "must not be empty"));
    }
    for (i, event) in events.iter().enumerate() {
        let name = event
            .as_str()
            .ok_or_else(|| f.error(&format!("events[{i}]"), "must be a string"))?;
        check_event(f, i, name)?;
    }
    Ok((url, events))
}

/// A deleted webhook registration. JSON: `{"id", "deleted": true}`.
#[derive(Clone, Debug, Serialize)]
pub struct Deleted {
    /// The registration's id.
    pub id: String,
    /// Always true: a delete that failed is an error.
    pub deleted: bool,
}

/// A webhook registration as the API answered it (`id`, `secret`: shown only this once),
/// with the `url` and `events` it was registered for. JSON: the answer's fields, `url` and
/// `events`.
#[derive(Clone, Debug, Serialize)]
pub struct Registered {
    /// The API's answer, as it came.
    #[serde(flatten)]
    pub answer: Map<String, Value>,
    /// The URL the deliveries go to.
    pub url: String,
    /// The events registered.
    pub events: Vec<Value>,
    /// The registration's id, read once from the answer (`None` if it had none).
    #[serde(skip)]
    pub id: Option<String>,
}

/// Webhooks v1, typed: the same requests as the JSON methods of the same names.
impl Typed<'_> {
    /// Registers a webhook (see [`Client::register_webhook`]).
    pub fn register_webhook(&self, request: &Value) -> Result<Registered> {
        let client = self.client;
        let mut body = request_object(request)?;
        let options = CallOptions::take(client, &mut body)?;
        let f = Fields::new(&body, "", ErrorKind::InvalidInput);
        let (url, events) = check_registration(&f)?;
        let (url, events) = (url.to_owned(), events.clone());
        client.register_webhook_with(&url, &events, Value::Object(body), &options)
    }

    /// Deletes a webhook: `{"id"}`.
    ///
    /// ```no_run
    /// # let client = vipps::Client::new(r#"{"system_name":"acme","system_version":"1.0",
    /// #     "plugin_name":"acme-vipps","plugin_version":"1.0"}"#)?;
    /// let request = serde_json::json!({"id": "3fa85f64-5717-4562-b3fc-2c963f66afa6"});
    /// let deleted = client.typed().delete_webhook(&request)?;
    /// assert!(deleted.deleted);
    /// # Ok::<(), vipps::Error>(())
    /// ```
    pub fn delete_webhook(&self, request: &Value) -> Result<Deleted> {
        let mut body = request_object(request)?;
        let options = CallOptions::take(self.client, &mut body)?;
        let f = Fields::new(&body, "", ErrorKind::InvalidInput);
        let id = f.req_str("id")?;
        self.client.delete_webhook_with(&f, id, &options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(v: &Value) -> Fields<'_> {
        Fields::new(v.as_object().unwrap(), "", ErrorKind::InvalidInput)
    }

    #[test]
    fn urls_must_be_absolute_and_https_except_on_loopback() {
        let v = json!({});
        let f = fields(&v);
        for ok in [
            "https://shop.example/vipps/webhook",
            "http://127.0.0.1:8080/hook",
            "http://localhost/x",
            "https://[::1]:8443/x",
        ] {
            assert!(check_url(&f, ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://shop.example/hook",
            "/vipps/webhook",
            "ftp://x/y",
            "https:///x",
            "https://a b/",
            "",
        ] {
            assert!(check_url(&f, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn event_names_are_checked() {
        let v = json!({});
        let f = fields(&v);
        for ok in EPAYMENT_EVENTS {
            assert!(check_event(&f, 0, ok).is_ok(), "{ok}");
        }
        for bad in [
            "recurring.agreement-activated.v1",
            "user.checked-in.v1",
            "epayments.payment.captureed.v1",
            "captured",
            "Epayments.payment.x.v1",
            "a.b.v",
            "a..v1",
        ] {
            let err = check_event(&f, 2, bad).unwrap_err();
            assert!(err.message.contains("events[2]"), "{}", err.message);
        }
    }
}
