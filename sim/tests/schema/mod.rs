//! OpenAPI 3.0 → JSON Schema (2020-12) for validating the simulator against the official specs
//! in `shared/specs/`.
//!
//! The converter resolves `#/components/schemas/…` references (also across files, e.g.
//! `ms_import.yaml#/…`) into `$defs`, turns `nullable: true` into "null, or else the schema",
//! keeps `allOf`/`oneOf`/`anyOf`, converts OpenAPI's boolean `exclusiveMinimum` and
//! `exclusiveMaximum`, keeps every `pattern` on a string (translated from ECMA-262 to the Rust
//! `regex` syntax, each translation named in [`ecma_pattern`]; only traps 4 and 5 drop one),
//! and drops annotations (`example`, `description`, `discriminator`, `x-*`).
//!
//! The documented spec traps (shared/reference/vipps-api-notes.md §7, shared/specs/SOURCES.md,
//! and the full list with traps 8 and 9 in docs/api-notes.md §7) are handled explicitly, each one checked to still be present in the file so that a fixed
//! spec makes the test say so instead of silently patching nothing:
//!
//! 1. ePayment `PaymentEvent.required` lists `paymentAction`, but the property is `name`:
//!    the required entry is replaced by `name` ([`Trap::PaymentEventRequired`]).
//! 2. ePayment `AdjustResponse` (the 200 of capture, refund, cancel) is declared
//!    `application/problem+json`; the body schema is `ModificationResponse` and the media type
//!    check accepts `application/json` for it ([`media_type_exception`]).
//! 3. ePayment `CreatePaymentRequest.receipt` is a remote `$ref` to
//!    `raw.githubusercontent.com/…/2.3.24/docs/swagger.yaml`: mapped to the local
//!    `order-management-v2.0-tag-2.3.24.openapi.yaml` ([`RECEIPT_REMOTE`]).
//! 4. eCom `ShippingCostAndMethod.addressType` (the "Address" of the express shipping-details
//!    request) has `pattern: '^\[A-Z]$'` (matches only the literal `[A-Z]`)
//!    beside `enum: [H, W, O]`: that pattern is dropped, the enum stays
//!    ([`Trap::AddressTypePattern`]), in `ecom-v2.openapi.yaml` and `ms_import.yaml`.
//! 5. eCom puts `pattern` on integers (e.g. amounts, `^\d{3,}$`): `pattern` is dropped from
//!    every schema whose `type` is set and is not `string` (JSON Schema ignores it on numbers
//!    anyway; dropping it makes that explicit). On strings, and where `type` is absent, every
//!    `pattern` is kept.
//! 6. Checkout `SessionResponse.sessionState`'s description gives "SessionStarted" as an
//!    example, but the enum lacks it: examples are dropped, the enum rules, and the test checks
//!    that the simulator never emits it ([`Trap::SessionStartedExample`]).
//! 7. [newer] fields the simulator sends beyond these 2023 specs are allowed: no
//!    `additionalProperties: false` is added; only where the spec itself forbids extra
//!    properties (Webhooks API) does it apply.
//! 8. ePayment `Customer` is a `oneOf` of `CustomerPhoneNumber`, `PersonalQrCode` and
//!    `CustomerToken`, none of which has `required`: every object matches all three, so `oneOf`
//!    refuses every valid customer (shared/reference/vipps-api-notes.md §7, trap 9). Each
//!    branch gets `required: [its key]`: exactly one of the three keys ([`Trap::CustomerOneOf`]).
//! 9. The 2.3.24 Order Management `OrderLine` (the ePayment `receipt`) requires
//!    `taxPercentage` (whole percent); `taxRate` (basis points, 2500 = 25%) replaced it later,
//!    and the 2025 Order Management spec has both with "Either this or taxPercentage must be
//!    set" (vipps-api-notes.md §1 [newer]: `taxRate` required, `taxPercentage` deprecated). A
//!    whole percent cannot say 25.5% (Finland), so receipt lines with `taxRate` alone are
//!    right: that file's `OrderLine` takes the 2025 `taxRate` property and requires one of the
//!    two ([`Trap::TaxPercentageRequired`]). Checkout v3's `OrderLine` is kept as written
//!    (`taxPercentage` required): the library refuses a Checkout line without it, and
//!    `build_receipt` writes it beside `taxRate` for whole-percent rates.
//!
//! 10. `ms_import.yaml` puts `pattern: '^[a-zA-Z0-9-]{1,50}$'` on its two `orderId` path
//!     parameters at parameter level, where OAS 3.0 does not allow it (SOURCES.md). Only
//!     `schema`s are converted, so that pattern is not read; those paths are the merchant's own
//!     callback URLs, built from the order id of its initiate, whose body `orderId` has the same
//!     pattern and is checked ([`Trap::MsImportParameterPattern`], asserted still there).
//!
//! Documented local additions, where the spec has no schema at all (ePayment Express, newer
//! than these specs): [`local_additions`], from docs/api-notes.md "Express".

pub mod ecma_pattern;
pub mod local_additions;
// Used by the library's tests (tests/requests_against_spec.rs), not by the simulator's.
#[allow(dead_code)]
pub mod operations;

use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

/// The remote `$ref` base of the ePayment receipt (trap 3).
pub const RECEIPT_REMOTE: &str =
    "https://raw.githubusercontent.com/vippsas/vipps-order-management-api/2.3.24/docs/swagger.yaml";
const RECEIPT_LOCAL: &str = "order-management-v2.0-tag-2.3.24.openapi.yaml";

pub const ACCESS_TOKEN: &str = "access-token.openapi.yaml";
pub const CHECKOUT: &str = "checkout-v3.openapi.yaml";
pub const EPAYMENT: &str = "epayment-v1.openapi.yaml";
pub const WEBHOOKS: &str = "webhooks-v1.openapi.yaml";
pub const ECOM: &str = "ecom-v2.openapi.yaml";
pub const MS_IMPORT: &str = "ms_import.yaml";
pub const ORDER_MANAGEMENT: &str = "order-management-v2.openapi.yaml";

const FILES: &[&str] = &[
    ACCESS_TOKEN,
    CHECKOUT,
    EPAYMENT,
    WEBHOOKS,
    ECOM,
    MS_IMPORT,
    RECEIPT_LOCAL,
    ORDER_MANAGEMENT,
];

/// The spec traps patched in the source documents before conversion.
#[derive(Clone, Copy, Debug)]
pub enum Trap {
    PaymentEventRequired,
    AddressTypePattern,
    SessionStartedExample,
    CustomerOneOf,
    TaxPercentageRequired,
    MsImportParameterPattern,
}

/// `shared/specs/` beside the repository (CI clones the repo with `shared/` next to it). The
/// module is compiled both into the simulator's tests (`<repo>/sim`) and into the library's
/// (`<repo>`), so the repository root is found from either.
pub fn specs_dir() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let repo = if manifest.ends_with("sim") {
        manifest.join("..")
    } else {
        manifest
    };
    let dir = repo.join("../shared/specs");
    assert!(
        dir.join(EPAYMENT).is_file(),
        "The OpenAPI specs were not found in {} (expected shared/specs/ beside the repository \
         root, i.e. <repo>/../shared/specs). Check out `shared/` next to the repository.",
        dir.display()
    );
    dir
}

/// YAML → JSON, with non-string map keys (`200:`) turned into strings.
fn yaml_to_json(v: serde_norway::Value) -> Value {
    use serde_norway::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                json!(i)
            } else if let Some(u) = n.as_u64() {
                json!(u)
            } else {
                json!(n.as_f64())
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => format!("{other:?}"),
                };
                out.insert(key, yaml_to_json(v));
            }
            Value::Object(out)
        }
        Y::Tagged(t) => yaml_to_json(t.value),
    }
}

pub struct Specs {
    docs: HashMap<&'static str, Value>,
}

/// A response as the spec declares it.
pub struct Declared {
    pub media_type: String,
    /// `(file, schema)`: the OpenAPI schema and the file its references are relative to.
    pub schema: Value,
    pub file: &'static str,
}

impl Specs {
    pub fn load() -> Specs {
        let dir = specs_dir();
        let mut docs = HashMap::new();
        for file in FILES {
            let path = dir.join(file);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let yaml: serde_norway::Value = serde_norway::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()));
            docs.insert(*file, yaml_to_json(yaml));
        }
        let mut specs = Specs { docs };
        specs.patch_traps();
        specs
    }

    fn doc(&self, file: &str) -> &Value {
        self.docs
            .get(file)
            .unwrap_or_else(|| panic!("spec {file} not loaded"))
    }

    fn schema_mut(&mut self, file: &str, name: &str) -> &mut Value {
        self.docs
            .get_mut(file)
            .and_then(|d| d.pointer_mut(&format!("/components/schemas/{name}")))
            .unwrap_or_else(|| panic!("{file} has no schema {name}"))
    }

    /// Applies the documented traps, asserting each is still there.
    fn patch_traps(&mut self) {
        // Trap 1: PaymentEvent.required lists `paymentAction`; the property is `name`.
        let required = self.schema_mut(EPAYMENT, "PaymentEvent")["required"]
            .as_array_mut()
            .expect("PaymentEvent.required");
        let at = required
            .iter()
            .position(|r| r == "paymentAction")
            .unwrap_or_else(|| {
                panic!(
                    "trap {:?} is gone from {EPAYMENT}",
                    Trap::PaymentEventRequired
                )
            });
        required[at] = json!("name");

        // Trap 4: Address.addressType pattern '^\[A-Z]$' contradicts its enum H/W/O.
        for file in [ECOM, MS_IMPORT] {
            let prop =
                &mut self.schema_mut(file, "ShippingCostAndMethod")["properties"]["addressType"];
            assert_eq!(
                prop["pattern"],
                "^\\[A-Z]$",
                "trap {:?} is gone from {file}",
                Trap::AddressTypePattern
            );
            assert_eq!(prop["enum"], json!(["H", "W", "O"]));
            prop.as_object_mut().map(|o| o.remove("pattern"));
        }

        // Trap 8: the three `Customer` branches have no `required`, so any object matches all
        // three and `oneOf` refuses every customer: each branch requires its own key.
        for (branch, key) in [
            ("CustomerPhoneNumber", "phoneNumber"),
            ("PersonalQrCode", "personalQr"),
            ("CustomerToken", "customerToken"),
        ] {
            let schema = self.schema_mut(EPAYMENT, branch);
            assert!(
                schema.get("required").is_none() && schema["properties"][key].is_object(),
                "trap {:?} is gone from {EPAYMENT} ({branch})",
                Trap::CustomerOneOf
            );
            schema["required"] = json!([key]);
        }

        // Trap 9: `taxRate` (basis points) replaced `taxPercentage` (whole percent) after the
        // Checkout spec and the 2.3.24 Order Management spec (the ePayment receipt) were
        // written; both still require `taxPercentage`. The 2025 Order Management spec has both,
        // "Either this or taxPercentage must be set": that rule, and its `taxRate`, apply.
        let tax_rate = self.doc(ORDER_MANAGEMENT)["components"]["schemas"]["OrderLine"]
            ["properties"]["taxRate"]
            .clone();
        assert!(
            tax_rate.is_object(),
            "{ORDER_MANAGEMENT} OrderLine has no taxRate"
        );
        let file = RECEIPT_LOCAL;
        let line = self.schema_mut(file, "OrderLine");
        let has_rate = line["properties"].get("taxRate").is_some();
        let required = line["required"].as_array_mut().expect("OrderLine.required");
        let at = required
            .iter()
            .position(|r| r == "taxPercentage")
            .filter(|_| !has_rate)
            .unwrap_or_else(|| {
                panic!("trap {:?} is gone from {file}", Trap::TaxPercentageRequired)
            });
        required.remove(at);
        line["properties"]["taxRate"] = tax_rate.clone();
        line["anyOf"] = json!([{"required": ["taxPercentage"]}, {"required": ["taxRate"]}]);

        // Trap 10: parameter-level `pattern` in ms_import (not converted; see the module doc).
        let at_parameter_level = self.doc(MS_IMPORT)["paths"]
            .as_object()
            .expect("ms_import paths")
            .values()
            .flat_map(|item| item.as_object().into_iter().flat_map(|o| o.values()))
            .filter_map(|op| op["parameters"].as_array())
            .flatten()
            .filter(|p| p["name"] == "orderId" && p["pattern"] == "^[a-zA-Z0-9-]{1,50}$")
            .count();
        assert_eq!(
            at_parameter_level,
            2,
            "trap {:?} changed in {MS_IMPORT}",
            Trap::MsImportParameterPattern
        );

        // Trap 6: "SessionStarted" appears only as an example, never in the enum.
        let state = &self.doc(CHECKOUT)["components"]["schemas"]["SessionResponse"]["properties"]
            ["sessionState"];
        let description = state["description"].as_str().unwrap_or("");
        assert!(
            description.contains("SessionStarted"),
            "trap {:?} is gone",
            Trap::SessionStartedExample
        );
        let enum_name = state
            .pointer("/allOf/0/$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.rsplit('/').next())
            .unwrap_or("ExternalSessionState")
            .to_string();
        let values = Value::from(self.enum_values(CHECKOUT, &enum_name));
        assert!(
            values
                .as_array()
                .is_some_and(|v| !v.is_empty() && !v.contains(&json!("SessionStarted"))),
            "sessionState enum: {values}"
        );
    }

    /// The `ExternalSessionState` values the Checkout spec allows.
    pub fn enum_values(&self, file: &str, name: &str) -> Vec<String> {
        self.doc(file)["components"]["schemas"][name]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{file} {name} has no enum"))
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    }

    /// Follows `#/components/responses/…` and returns the declared media type and schema.
    pub fn response(&self, file: &'static str, path: &str, method: &str, status: &str) -> Declared {
        let op = &self.doc(file)["paths"][path][method];
        assert!(op.is_object(), "{file}: no {method} {path}");
        let responses = &op["responses"];
        let mut resp = responses
            .get(status)
            .or_else(|| responses.get("default"))
            .unwrap_or_else(|| panic!("{file}: {method} {path} declares no {status}"))
            .clone();
        if let Some(r) = resp.get("$ref").and_then(Value::as_str) {
            let ptr = r.trim_start_matches('#');
            resp = self
                .doc(file)
                .pointer(ptr)
                .unwrap_or_else(|| panic!("{file}: dangling {r}"))
                .clone();
        }
        let content = resp["content"]
            .as_object()
            .unwrap_or_else(|| panic!("{file}: {method} {path} {status} has no content"));
        assert_eq!(
            content.len(),
            1,
            "{file}: {method} {path} {status}: several media types"
        );
        let (media_type, body) = content.iter().next().expect("one media type");
        Declared {
            media_type: media_type.clone(),
            schema: body["schema"].clone(),
            file,
        }
    }

    /// The request body schema of an operation (callbacks the simulator sends).
    pub fn request_body(&self, file: &'static str, path: &str, method: &str) -> Declared {
        let content = self.doc(file)["paths"][path][method]["requestBody"]["content"]
            .as_object()
            .unwrap_or_else(|| panic!("{file}: {method} {path} has no request body"))
            .clone();
        let (media_type, body) = content.into_iter().next().expect("one media type");
        Declared {
            media_type,
            schema: body["schema"].clone(),
            file,
        }
    }

    /// The request body of a callback declared inside an operation (`callbacks:`).
    pub fn callback_body(
        &self,
        file: &'static str,
        path: &str,
        method: &str,
        callback: &str,
    ) -> Declared {
        let cb = self.doc(file)["paths"][path][method]["callbacks"][callback]
            .as_object()
            .unwrap_or_else(|| panic!("{file}: no callback {callback}"))
            .clone();
        let (_, ops) = cb.into_iter().next().expect("one callback expression");
        let content = ops["post"]["requestBody"]["content"]
            .as_object()
            .expect("callback content")
            .clone();
        let (media_type, body) = content.into_iter().next().expect("one media type");
        Declared {
            media_type,
            schema: body["schema"].clone(),
            file,
        }
    }

    /// `#/components/schemas/{name}` of `file`.
    pub fn named(&self, file: &'static str, name: &str) -> Declared {
        Declared {
            media_type: "application/json".into(),
            schema: json!({ "$ref": format!("#/components/schemas/{name}") }),
            file,
        }
    }

    /// A compiled validator for a declared schema.
    pub fn validator(&self, declared: &Declared) -> Validator {
        let mut conv = Converter {
            specs: self,
            pending: Vec::new(),
            done: BTreeSet::new(),
        };
        let mut root = conv.convert(declared.file, &declared.schema);
        let mut defs = BTreeMap::new();
        while let Some((file, name)) = conv.pending.pop() {
            let key = def_key(file, &name);
            if defs.contains_key(&key) {
                continue;
            }
            let source = self
                .doc(file)
                .pointer(&format!("/components/schemas/{name}"))
                .unwrap_or_else(|| panic!("{file}: no schema {name}"))
                .clone();
            let converted = conv.convert(file, &source);
            defs.insert(key, converted);
        }
        let obj = match root {
            Value::Object(ref mut o) => o,
            _ => unreachable!("converted schemas are objects"),
        };
        obj.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        obj.insert("$defs".into(), json!(defs));
        let compiled = jsonschema::draft202012::options()
            .should_validate_formats(true)
            // The `regex` crate (linear time, no look-arounds): `pattern`s are translated from
            // ECMA-262 to its syntax by `ecma_pattern`.
            .with_pattern_options(jsonschema::PatternOptions::regex())
            .build(&root)
            .unwrap_or_else(|e| panic!("the converted schema does not compile: {e}\n{root:#}"));
        Validator {
            compiled,
            schema: root,
        }
    }
}

fn file_tag(file: &str) -> &str {
    file.trim_end_matches(".yaml").trim_end_matches(".openapi")
}

fn def_key(file: &str, name: &str) -> String {
    format!("{}.{name}", file_tag(file))
}

struct Converter<'a> {
    specs: &'a Specs,
    pending: Vec<(&'static str, String)>,
    done: BTreeSet<(&'static str, String)>,
}

impl Converter<'_> {
    /// Where a `$ref` points: (file, schema name).
    fn target(&self, file: &'static str, reference: &str) -> (&'static str, String) {
        let (doc, pointer) = reference.split_once('#').unwrap_or((reference, ""));
        let target_file: &'static str = match doc {
            "" => file,
            // Trap 3: the remote receipt reference, mapped to the local copy.
            RECEIPT_REMOTE => RECEIPT_LOCAL,
            other => FILES
                .iter()
                .copied()
                .find(|f| *f == other)
                .unwrap_or_else(|| panic!("{file}: unsupported $ref {reference}")),
        };
        let name = pointer
            .strip_prefix("/components/schemas/")
            .unwrap_or_else(|| panic!("{file}: unsupported $ref {reference}"));
        assert!(
            self.specs
                .doc(target_file)
                .pointer(&format!("/components/schemas/{name}"))
                .is_some(),
            "{file}: dangling $ref {reference}"
        );
        (target_file, name.to_string())
    }

    fn convert(&mut self, file: &'static str, s: &Value) -> Value {
        let Some(obj) = s.as_object() else {
            // `true`/`false` schemas, or junk: keep as is.
            return s.clone();
        };
        let nullable = obj.get("nullable") == Some(&Value::Bool(true));
        let mut out = Map::new();
        if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
            // OpenAPI 3.0: siblings of `$ref` are ignored (except our nullable handling).
            let (f, name) = self.target(file, r);
            out.insert(
                "$ref".into(),
                json!(format!("#/$defs/{}", def_key(f, &name))),
            );
            if self.done.insert((f, name.clone())) {
                self.pending.push((f, name));
            }
        } else {
            let is_string = match obj.get("type") {
                Some(Value::String(t)) => t == "string",
                None => true,
                _ => false,
            };
            for (k, v) in obj {
                match k.as_str() {
                    "properties" | "patternProperties" => {
                        let props: Map<String, Value> = v
                            .as_object()
                            .map(|m| {
                                m.iter()
                                    .map(|(name, p)| (name.clone(), self.convert(file, p)))
                                    .collect()
                            })
                            .unwrap_or_default();
                        out.insert(k.clone(), Value::Object(props));
                    }
                    "items" | "not" | "additionalProperties" if v.is_object() => {
                        let c = self.convert(file, v);
                        out.insert(k.clone(), c);
                    }
                    "allOf" | "oneOf" | "anyOf" => {
                        let list: Vec<Value> = v
                            .as_array()
                            .map(|a| a.iter().map(|x| self.convert(file, x)).collect())
                            .unwrap_or_default();
                        out.insert(k.clone(), Value::Array(list));
                    }
                    // Trap 5: eCom puts `pattern` on integers.
                    "pattern" if !is_string => {}
                    // Every other `pattern` is kept, in the Rust regex syntax.
                    "pattern" => {
                        let ecma = v.as_str().unwrap_or_else(|| {
                            panic!("{file}: a `pattern` that is not a string: {v}")
                        });
                        out.insert(k.clone(), json!(ecma_pattern::ecma_to_rust(ecma)));
                    }
                    "exclusiveMinimum" | "exclusiveMaximum" => {
                        if let Value::Bool(true) = v {
                            let plain = if k == "exclusiveMinimum" {
                                "minimum"
                            } else {
                                "maximum"
                            };
                            if let Some(limit) = obj.get(plain) {
                                out.insert(k.clone(), limit.clone());
                            }
                        } else if v.is_number() {
                            out.insert(k.clone(), v.clone());
                        }
                    }
                    "minimum" | "maximum" => {
                        let exclusive = if k == "minimum" {
                            "exclusiveMinimum"
                        } else {
                            "exclusiveMaximum"
                        };
                        if obj.get(exclusive) != Some(&Value::Bool(true)) {
                            out.insert(k.clone(), v.clone());
                        }
                    }
                    "type"
                    | "enum"
                    | "required"
                    | "format"
                    | "minLength"
                    | "maxLength"
                    | "minItems"
                    | "maxItems"
                    | "uniqueItems"
                    | "multipleOf"
                    | "minProperties"
                    | "maxProperties"
                    | "additionalProperties"
                    | "const" => {
                        out.insert(k.clone(), v.clone());
                    }
                    // Annotations and OpenAPI-only keywords: `example`, `description`,
                    // `discriminator`, `readOnly`, `x-…`, and `nullable` (handled below).
                    _ => {}
                }
            }
        }
        let converted = Value::Object(out);
        if nullable {
            // "null, or else the schema": unlike `anyOf`, errors in the non-null case keep
            // their precise JSON pointer.
            json!({ "if": { "type": "null" }, "else": converted })
        } else {
            converted
        }
    }
}

pub struct Validator {
    compiled: jsonschema::Validator,
    pub schema: Value,
}

impl Validator {
    /// Every violation as "`<JSON pointer>`: <error> (schema path `<pointer>`)".
    pub fn errors(&self, instance: &Value) -> Vec<String> {
        self.compiled
            .iter_errors(instance)
            .map(|e| {
                let at = e.instance_path().to_string();
                let at = if at.is_empty() { "/".to_string() } else { at };
                format!("{at}: {e} (schema path {})", e.schema_path())
            })
            .collect()
    }
}

/// ePayment `AdjustResponse` is declared `application/problem+json` (trap 2). Checkout
/// declares its `CheckoutProblemDetails` as `application/json`; the simulator answers RFC 7807
/// `application/problem+json`. Both are JSON; these are the accepted differences.
pub fn media_type_exception(file: &str, declared: &str, actual: &str) -> bool {
    (file == EPAYMENT && declared == "application/problem+json" && actual == "application/json")
        || (file == CHECKOUT
            && declared == "application/json"
            && actual == "application/problem+json")
}

/// The media type without parameters, lower case.
pub fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}
