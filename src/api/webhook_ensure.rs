//! One webhook registration per shop URL, kept in step with what the plugin stored.
//!
//! A plugin must register once, store the id and the secret (the API shows the secret only at
//! registration), and register again when its URL or events change. Every registration of a
//! merchant serial number receives every payment's events, and a registration whose secret was
//! lost gets every delivery refused with 401, which Vipps retries for days. So `ensure_webhook`
//! compares the stored state with the API's list, registers a new webhook only when needed,
//! and then deletes the registrations for the same URL that it has no secret for.

use crate::error::{Error, ErrorKind, Result};
use crate::json::answer::to_json;
use crate::json::input::{lenient, request_map, Fields};
use crate::Client;
use serde::Deserialize;
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
    /// `{"id", "secret", "url", "events", "changed", "removed": [ids], "remove_errors": [...]}`.
    ///
    /// Unchanged (`changed: false`, nothing sent but the list) when `current` names a
    /// registration the API still has, for the same URL and events. Otherwise it registers a
    /// new webhook first (so no delivery is missed), then deletes the stored registration and
    /// every other one for the same URL (their secrets are unknown, so their deliveries could
    /// only be refused). A failed delete does not fail the call: the new state is returned and
    /// must be stored; the failure is in `remove_errors`, and the next call retries it.
    /// Two processes must not run it at once for one shop: hold the host's lock around it.
    pub fn ensure_webhook(&self, request: &Value) -> Result<Value> {
        // One deadline for the list, the registration and the deletes together.
        let end = crate::deadline::for_call(self.config.timeouts.total);
        crate::deadline::within(end, || self.ensure_webhook_by(request))
    }

    fn ensure_webhook_by(&self, request: &Value) -> Result<Value> {
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
        let mut passthrough = Map::new();
        for key in crate::http::call::RESERVED_KEYS {
            if let Some(value) = map.get(*key) {
                passthrough.insert((*key).to_owned(), value.clone());
            }
        }
        let list = self.list_webhooks(&Value::Object(passthrough.clone()))?;
        let registrations = listed(&list);
        if let Some(stored) = &stored {
            let still_there = registrations
                .iter()
                .any(|hook| hook.id == stored.id && hook.url == url && hook.events == wanted);
            if still_there && stored.url == url && sorted(stored.events.clone()) == wanted {
                return Ok(json!({
                    "id": stored.id, "secret": stored.secret, "url": url, "events": wanted_events,
                    "changed": false, "removed": [], "remove_errors": [],
                }));
            }
        }
        let mut register = passthrough.clone();
        register.insert("url".into(), json!(url));
        register.insert("events".into(), Value::Array(wanted_events.clone()));
        let registered = self.typed().register_webhook(&Value::Object(register))?;
        let new_id = registered.id.as_deref().ok_or_else(|| {
            Error::new(ErrorKind::Api, "the webhook registration answer has no id")
        })?;
        let stale = registrations.iter().filter(|hook| {
            hook.id != new_id
                && (hook.url == url || stored.as_ref().is_some_and(|s| s.id == hook.id))
        });
        let (mut removed, mut remove_errors) = (Vec::new(), Vec::new());
        for Listed { id, .. } in stale {
            let mut delete = passthrough.clone();
            delete.insert("id".into(), json!(id));
            match self.delete_webhook(&Value::Object(delete)) {
                Ok(_) => removed.push(json!(id)),
                Err(error) => remove_errors.push(json!({"id": id, "error": error.to_json()})),
            }
        }
        let mut data = crate::json::input::object_or_empty(to_json(&registered)?);
        data.insert("changed".into(), json!(true));
        data.insert("removed".into(), Value::Array(removed));
        data.insert("remove_errors".into(), Value::Array(remove_errors));
        Ok(Value::Object(data))
    }
}
