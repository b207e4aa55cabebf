//! One webhook registration per shop URL, kept in step with what the plugin stored.
//!
//! A plugin must register once, store the id and the secret (the API shows the secret only at
//! registration), and register again when its URL or events change. Every registration of a
//! merchant serial number receives every payment's events, and a registration whose secret was
//! lost gets every delivery refused with 401, which Vipps retries for days. So `ensure_webhook`
//! compares the stored state with the API's list, registers a new webhook only when needed,
//! and then deletes the registrations for the same URL that it has no secret for.

use crate::api::webhooks::{check_registration, Registered};
use crate::client::Typed;
use crate::error::{Error, ErrorKind, Result};
use crate::http::call::CallOptions;
use crate::json::answer::to_json;
use crate::json::input::{lenient, request_map, Fields};
use crate::Client;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// What the plugin stored from an earlier answer.
struct Stored<'a> {
    id: &'a str,
    secret: &'a str,
    url: &'a str,
    events: Vec<&'a str>,
}

fn read_stored<'a>(f: &Fields<'a>) -> Result<Option<Stored<'a>>> {
    let Some(current) = f.opt_object("current")? else {
        return Ok(None);
    };
    let events = current
        .opt_array("events")?
        .ok_or_else(|| current.error("events", "is required in the stored state"))?
        .iter()
        .enumerate()
        .map(|(i, e)| {
            e.as_str()
                .ok_or_else(|| current.error(&format!("events[{i}]"), "must be a string"))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(Stored {
        id: current.req_str("id")?,
        secret: current.req_str("secret")?,
        url: current.req_str("url")?,
        events,
    }))
}

fn sorted<'a>(events: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut events: Vec<&str> = events.into_iter().collect();
    events.sort_unstable();
    events.dedup();
    events
}

/// The API's list of registrations (`{"webhooks": [...]}`, or the bare array), decoded once,
/// leniently.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ListView {
    #[serde(deserialize_with = "lenient::list")]
    webhooks: Option<Vec<HookView>>,
}

/// One listed registration; one without an id, a URL or a list of events is passed over.
#[derive(Deserialize, Default)]
#[serde(default)]
struct HookView {
    #[serde(deserialize_with = "lenient::text")]
    id: Option<String>,
    #[serde(deserialize_with = "lenient::text")]
    url: Option<String>,
    #[serde(deserialize_with = "lenient::array")]
    events: Option<Vec<Value>>,
}

/// A listed registration: id, URL and its sorted events.
struct Listed {
    id: String,
    url: String,
    events: Vec<String>,
}

/// The registrations the API lists.
fn listed(list: &Value) -> Vec<Listed> {
    let hooks: Vec<HookView> = match list {
        Value::Array(items) => items.iter().map(lenient::decode).collect(),
        other => lenient::decode::<ListView>(other)
            .webhooks
            .unwrap_or_default(),
    };
    hooks
        .into_iter()
        .filter_map(|hook| {
            let events = sorted(hook.events?.iter().filter_map(Value::as_str))
                .into_iter()
                .map(str::to_owned)
                .collect();
            Some(Listed {
                id: hook.id?,
                url: hook.url?,
                events,
            })
        })
        .collect()
}

impl Client {
    /// Makes sure one webhook delivers `events` to `url`:
    /// `{"url", "events", "current"?: <the state stored from the last answer>}` →
    /// `{"id", "secret", "url", "events", "changed", "removed": [ids], "remove_errors": [...]}`
    /// (the JSON form of [`Typed::ensure_webhook`]).
    ///
    /// Unchanged (`changed: false`, nothing sent but the list) when `current` names a
    /// registration the API still has, for the same URL and events. Otherwise it registers a
    /// new webhook first (so no delivery is missed), then deletes the stored registration and
    /// every other one for the same URL (their secrets are unknown, so their deliveries could
    /// only be refused). A failed delete does not fail the call: the new state is returned and
    /// must be stored; the failure is in `remove_errors`, and the next call retries it.
    /// Two processes must not run it at once for one shop: hold the host's lock around it.
    pub fn ensure_webhook(&self, request: &Value) -> Result<Value> {
        to_json(&self.typed().ensure_webhook(request)?)
    }

    fn ensure_webhook_by(&self, request: &Value) -> Result<Ensured> {
        let map = request_map(request)?;
        let f = Fields::new(map, "", ErrorKind::InvalidInput);
        let url = f.req_str("url")?;
        let wanted_events = f
            .opt_array("events")?
            .ok_or_else(|| f.error("events", "is required: a non-empty array of event names"))?;
        let wanted = sorted(
            wanted_events
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    e.as_str()
                        .ok_or_else(|| f.error(&format!("events[{i}]"), "must be a string"))
                })
                .collect::<Result<Vec<_>>>()?,
        );
        let stored = read_stored(&f)?;
        // The call options (`merchant_serial_number`, `total_ms`, …) for the list, the
        // registration and the deletes alike.
        let mut passthrough = Map::new();
        for key in crate::http::call::RESERVED_KEYS {
            if let Some(value) = map.get(*key) {
                passthrough.insert((*key).to_owned(), value.clone());
            }
        }
        let options = CallOptions::take(self, &mut passthrough)?;
        let list = self.list_webhooks_with(&options)?;
        let registrations = listed(&list);
        if let Some(stored) = &stored {
            let still_there = registrations
                .iter()
                .any(|hook| hook.id == stored.id && hook.url == url && hook.events == wanted);
            if still_there && stored.url == url && sorted(stored.events.clone()) == wanted {
                let mut answer = Map::new();
                answer.insert("id".into(), json!(stored.id));
                answer.insert("secret".into(), json!(stored.secret));
                return Ok(Ensured {
                    registration: Registered {
                        answer,
                        url: url.to_owned(),
                        events: wanted_events.clone(),
                        id: Some(stored.id.to_owned()),
                    },
                    changed: false,
                    removed: Vec::new(),
                    remove_errors: Vec::new(),
                });
            }
        }
        let (url, events) = check_registration(&f)?;
        let body = json!({"url": url, "events": events});
        let registered = self.register_webhook_with(url, events, body, &options)?;
        let new_id = registered.id.as_deref().ok_or_else(|| {
            Error::new(ErrorKind::Api, "the webhook registration answer has no id")
        })?;
        let stale = registrations.iter().filter(|hook| {
            hook.id != new_id
                && (hook.url == url || stored.as_ref().is_some_and(|s| s.id == hook.id))
        });
        let (mut removed, mut remove_errors) = (Vec::new(), Vec::new());
        // A listed id is checked as `delete_webhook` checks one; an error names it `id`.
        let no_fields = Map::new();
        let id_field = Fields::new(&no_fields, "", ErrorKind::InvalidInput);
        for Listed { id, .. } in stale {
            match self.delete_webhook_with(&id_field, id, &options) {
                Ok(_) => removed.push(id.clone()),
                Err(error) => remove_errors.push(RemoveError {
                    id: id.clone(),
                    error,
                }),
            }
        }
        Ok(Ensured {
            registration: registered,
            changed: true,
            removed,
            remove_errors,
        })
    }
}

/// What `ensure_webhook` answers: the state to store for the next call. JSON: the
/// registration's fields (`id`, `secret`, `url`, `events`; a new registration's answer in
/// full), with `changed`, `removed` and `remove_errors` beside them.
#[derive(Clone, Debug, Serialize)]
pub struct Ensured {
    /// The registration in force: a new one as the API answered it, or the stored one's id
    /// and secret when nothing changed.
    #[serde(flatten)]
    pub registration: Registered,
    /// True when a new webhook was registered.
    pub changed: bool,
    /// The ids of the registrations deleted.
    pub removed: Vec<String>,
    /// The deletes that failed (the next call retries them).
    pub remove_errors: Vec<RemoveError>,
}

/// A registration `ensure_webhook` could not delete. JSON: `{"id", "error": {...}}`.
#[derive(Clone, Debug, Serialize)]
pub struct RemoveError {
    /// The registration's id.
    pub id: String,
    /// Why the delete failed (JSON: the error object of an envelope).
    #[serde(serialize_with = "error_json")]
    pub error: Error,
}

fn error_json<S: serde::Serializer>(
    error: &Error,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    error.to_json().serialize(serializer)
}

/// `ensure_webhook`, typed.
impl Typed<'_> {
    /// Makes sure one webhook delivers `events` to `url` (see [`Client::ensure_webhook`]).
    ///
    /// ```no_run
    /// # let client = vipps::Client::new(r#"{"system_name":"acme","system_version":"1.0",
    /// #     "plugin_name":"acme-vipps","plugin_version":"1.0"}"#)?;
    /// let request = serde_json::json!({"url": "https://shop.example/vipps/webhook",
    ///     "events": ["epayments.payment.captured.v1"]});
    /// let ensured = client.typed().ensure_webhook(&request)?;
    /// // Store this for the next call's `current`.
    /// let state = serde_json::to_value(&ensured).unwrap();
    /// assert_eq!(state["changed"], true);
    /// # Ok::<(), vipps::Error>(())
    /// ```
    pub fn ensure_webhook(&self, request: &Value) -> Result<Ensured> {
        let client = self.client;
        // One deadline for the list, the registration and the deletes together.
        let end = crate::deadline::for_call(client.config.timeouts.total);
        crate::deadline::within(end, || client.ensure_webhook_by(request))
    }
}
