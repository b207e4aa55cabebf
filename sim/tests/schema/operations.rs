//! The spec operation of a request as it was sent (method and URL path), with what the spec
//! declares for it: its path and header parameters and its request body. Used to validate the
//! library's outbound requests as the simulator recorded them (`/_sim/requests`).

use super::{Declared, Specs, ACCESS_TOKEN, CHECKOUT, ECOM, EPAYMENT, ORDER_MANAGEMENT, WEBHOOKS};
use serde_json::{json, Value};

/// Where each API's paths live: the URL prefix, the spec, and the part of the prefix that is
/// the spec's `servers` URL (and so is not in its `paths`).
const APIS: &[(&str, &str, &str)] = &[
    ("/epayment/", EPAYMENT, ""),
    ("/ecomm/", ECOM, ""),
    ("/checkout/v3/", CHECKOUT, "/checkout/v3"),
    ("/webhooks/", WEBHOOKS, "/webhooks"),
    ("/order-management/", ORDER_MANAGEMENT, "/order-management"),
    ("/accesstoken/", ACCESS_TOKEN, ""),
];

/// A parameter the spec declares, where it goes and its schema.
pub struct Parameter {
    pub name: String,
    /// `path` or `header`.
    pub location: String,
    pub required: bool,
    pub schema: Declared,
}

/// One spec operation matched to a sent request.
pub struct Operation {
    pub file: &'static str,
    /// `METHOD /template` as the spec writes it.
    pub label: String,
    /// The path parameters' values, by name, as they were in the URL.
    pub path_values: Vec<(String, String)>,
    pub parameters: Vec<Parameter>,
    /// The body schema, and whether the spec requires a body.
    pub body: Option<(Declared, bool)>,
}

impl Specs {
    /// The operation that `method path` (the URL path as sent, no query) is in its spec, or
    /// `None` when no spec has it. Of several templates that fit, the one with the most literal
    /// segments wins (`/v3/categories` over `/v2/{paymentType}`).
    pub fn operation(&self, method: &str, path: &str) -> Option<Operation> {
        let (_, file, server) = APIS.iter().find(|(p, _, _)| path.starts_with(p))?;
        let local = &path[server.len()..];
        let method = method.to_ascii_lowercase();
        let paths = self.doc(file)["paths"].as_object()?;
        let mut best: Option<(&String, Fit)> = None;
        for (template, item) in paths {
            if !item[method.as_str()].is_object() {
                continue;
            }
            let Some(fits) = fit(template, local) else {
                continue;
            };
            let better = match &best {
                None => true,
                Some((_, b)) => fits.literals > b.literals,
            };
            if better {
                best = Some((template, fits));
            }
        }
        let (
            template,
            Fit {
                values: path_values,
                ..
            },
        ) = best?;
        let item = &self.doc(file)["paths"][template.as_str()];
        let op = &item[method.as_str()];
        let mut parameters = Vec::new();
        for p in item["parameters"]
            .as_array()
            .into_iter()
            .chain(op["parameters"].as_array())
            .flatten()
        {
            let p = self.resolve(file, p);
            let location = p["in"].as_str().unwrap_or("").to_string();
            if location != "path" && location != "header" {
                continue;
            }
            parameters.push(Parameter {
                name: p["name"].as_str().unwrap_or("").to_string(),
                location,
                required: p["required"] == json!(true),
                schema: Declared {
                    media_type: String::new(),
                    schema: p["schema"].clone(),
                    file,
                },
            });
        }
        let body = if op["requestBody"].is_object() {
            let rb = self.resolve(file, &op["requestBody"]);
            let content = rb["content"].as_object()?;
            let (media_type, media) = content
                .iter()
                .find(|(m, _)| m.starts_with("application/json"))
                .or_else(|| content.iter().next())?;
            Some((
                Declared {
                    media_type: media_type.clone(),
                    schema: media["schema"].clone(),
                    file,
                },
                rb["required"] == json!(true),
            ))
        } else {
            None
        };
        Some(Operation {
            file,
            label: format!("{} {template}", method.to_ascii_uppercase()),
            path_values,
            parameters,
            body,
        })
    }

    /// Follows a local `$ref` (`#/components/parameters/…`, `#/components/requestBodies/…`).
    fn resolve(&self, file: &str, v: &Value) -> Value {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => self
                .doc(file)
                .pointer(r.trim_start_matches('#'))
                .unwrap_or_else(|| panic!("{file}: dangling {r}"))
                .clone(),
            None => v.clone(),
        }
    }
}

/// How a path fits a template: its literal segments, and the `{name}` values.
struct Fit {
    literals: usize,
    values: Vec<(String, String)>,
}

/// Whether `path` fits `template`.
fn fit(template: &str, path: &str) -> Option<Fit> {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    if t.len() != p.len() {
        return None;
    }
    let mut literals = 0;
    let mut values = Vec::new();
    for (t, p) in t.iter().zip(&p) {
        if let Some(name) = t.strip_prefix('{').and_then(|n| n.strip_suffix('}')) {
            if p.is_empty() {
                return None;
            }
            values.push((name.to_string(), p.to_string()));
        } else if t == p {
            literals += 1;
        } else {
            return None;
        }
    }
    Some(Fit { literals, values })
}
