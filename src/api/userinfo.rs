//! Userinfo API: the profile a customer shared with a payment (docs/api-notes.md, "Profile
//! sharing"). A payment created with `profile.scope` carries `profile.sub` once it is
//! `AUTHORIZED`; `GET /vipps-userinfo-api/userinfo/{sub}` with the access token answers the
//! claims for the scopes the customer granted (OpenID Connect names: `name`, `given_name`,
//! `family_name`, `email`, `email_verified`, `phone_number`, `address`, `other_addresses`,
//! `birthdate`, `nin`, ...), for 168 hours after the approval. The answer is personal data:
//! the library hands it over and never logs it (only the `sub` appears in messages).

use crate::error::{ErrorKind, Result};
use crate::http::call::{Auth, CallOptions, Expect, Operation};
use crate::json::input::{object_or_empty, request_object, Fields};
use crate::Client;
use serde_json::{json, Value};

const USERINFO: Operation = Operation {
    method: "GET",
    path: "/vipps-userinfo-api/userinfo/{}",
    auth: Auth::Bearer,
    key: None,
    expect: Expect::Object,
    what: "reading the user information of sub {}",
};

/// A `sub` is an opaque id (a UUID in practice); it goes into the path, so only characters
/// that need no escaping are accepted.
const SUB_MAX: usize = 100;

impl Client {
    /// `{"sub"}` → the Userinfo API's claims (passed through), plus `sub`.
    pub fn get_userinfo(&self, request: &Value) -> Result<Value> {
        let mut body = request_object(request)?;
        let options = CallOptions::take(self, &mut body)?;
        let fields = Fields::new(&body, "", ErrorKind::InvalidInput);
        let sub = fields.req_str("sub")?;
        let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.';
        if sub.is_empty() || sub.len() > SUB_MAX || !sub.chars().all(allowed) {
            return Err(fields.error(
                "sub",
                format!(
                    "must be the profile.sub of a payment: 1 to {SUB_MAX} of a-z, A-Z, 0-9, '-', '_', '.'"
                ),
            ));
        }
        if let Some((name, _)) = body.iter().find(|(name, _)| name.as_str() != "sub") {
            return Err(fields.error(name, "is not a field of get_userinfo (give sub only)"));
        }
        let answer = self.call(&USERINFO.call(sub, &options, None)?)?;
        let mut data = object_or_empty(answer.body);
        data.entry("sub").or_insert_with(|| json!(sub));
        Ok(Value::Object(data))
    }
}
