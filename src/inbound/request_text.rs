//! Reads `request_json` text straight into an [`InboundRequest`], without building a
//! `serde_json::Value` tree first: webhooks are the library's hottest call, and the tree (a
//! map node and an allocation per key, then freeing it all) cost more than verifying the
//! signature.
//!
//! Only text this typed reader takes as it is goes this way. Anything else (invalid JSON, a
//! wrong type, a duplicate key, an escaped string) answers `None`, and the caller reads the
//! text as a `Value` with [`InboundRequest::parse`], whose errors name the field. Both end in
//! [`InboundRequest::from_parts`], so they accept and refuse the same requests.

use super::request::{lower_case, InboundRequest, Parts};
use crate::error::Result;
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// `None` when the text is not read this way (see the module comment).
pub(crate) fn read<'a>(text: &'a str, body: &'a [u8]) -> Option<Result<InboundRequest<'a>>> {
    // serde would also read a struct from an array of its fields: only objects come here.
    if !text.trim_start().starts_with('{') {
        return None;
    }
    let fields: RequestFields<'a> = serde_json::from_str(text).ok()?;
    let parts = Parts {
        method: fields.method,
        url: fields.url,
        headers: fields.headers.map(|h| h.0).unwrap_or_default(),
        kind: fields.kind,
        expected_token: fields.expected_token,
        reference: fields.reference,
        host: fields.host,
        webhook_secrets: fields.webhook_secrets.unwrap_or_default(),
    };
    Some(InboundRequest::from_parts(parts, body))
}

/// The fields of `request_json`, borrowed from the text (a string with escapes fails to
/// borrow, which sends it the `Value` way). Unknown fields are ignored, as there.
#[derive(Deserialize)]
struct RequestFields<'t> {
    #[serde(borrow, default)]
    method: Option<&'t str>,
    #[serde(borrow, default)]
    url: Option<&'t str>,
    #[serde(borrow, default)]
    headers: Option<Headers<'t>>,
    #[serde(borrow, default)]
    kind: Option<&'t str>,
    #[serde(borrow, default)]
    expected_token: Option<&'t str>,
    #[serde(borrow, default)]
    reference: Option<&'t str>,
    #[serde(borrow, default)]
    host: Option<&'t str>,
    #[serde(borrow, default)]
    webhook_secrets: Option<Vec<&'t str>>,
}

/// `{name: value or [values]}` as (lower-cased name, value) pairs, ordered by the names as
/// written, as a `Value` object would iterate them (this decides which of two spellings of a
/// repeated header is "first").
struct Headers<'t>(Vec<(Cow<'t, str>, &'t str)>);

impl<'de: 't, 't> Deserialize<'de> for Headers<'t> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_map(HeadersVisitor(PhantomData))
    }
}

struct HeadersVisitor<'t>(PhantomData<&'t str>);

impl<'de: 't, 't> Visitor<'de> for HeadersVisitor<'t> {
    type Value = Headers<'t>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of header names to a string or an array of strings")
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Headers<'t>, A::Error> {
        let mut named: Vec<(&'t str, HeaderValues<'t>)> = Vec::with_capacity(16);
        while let Some(name) = map.next_key::<&'de str>()? {
            named.push((name, map.next_value()?));
        }
        named.sort_by_key(|(name, _)| *name);
        if named
            .windows(2)
            .any(|pair| matches!(pair, [a, b] if a.0 == b.0))
        {
            // A `Value` keeps the last of repeated keys; leave that to the `Value` way.
            return Err(serde::de::Error::custom("a header name is repeated"));
        }
        let mut out = Vec::with_capacity(named.len());
        for (name, values) in named {
            let lower = lower_case(name);
            for value in values.0 {
                out.push((lower.clone(), value));
            }
        }
        Ok(Headers(out))
    }
}

/// One header's value: a string, or an array of strings (a repeated header).
struct HeaderValues<'t>(Vec<&'t str>);

impl<'de: 't, 't> Deserialize<'de> for HeaderValues<'t> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_any(HeaderValuesVisitor(PhantomData))
    }
}

struct HeaderValuesVisitor<'t>(PhantomData<&'t str>);

impl<'de: 't, 't> Visitor<'de> for HeaderValuesVisitor<'t> {
    type Value = HeaderValues<'t>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string or an array of strings")
    }

    fn visit_borrowed_str<E: serde::de::Error>(
        self,
        value: &'de str,
    ) -> std::result::Result<Self::Value, E> {
        Ok(HeaderValues(vec![value]))
    }

    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut values = Vec::new();
        while let Some(value) = seq.next_element::<&'de str>()? {
            values.push(value);
        }
        Ok(HeaderValues(values))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// What the `Value` way reads from the same text.
    fn by_value(text: &str) -> Result<String> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            crate::error::Error::invalid_input(format!("request_json is not valid JSON: {e}"))
        })?;
        InboundRequest::parse(&value, b"{}").map(|r| describe(&r))
    }

    fn describe(r: &InboundRequest) -> String {
        let headers: Vec<(&str, Vec<&str>)> = ["host", "x-many", "authorization", "x-ms-date"]
            .into_iter()
            .map(|name| (name, r.header_values(name).collect()))
            .collect();
        format!(
            "{} {} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
            r.method,
            r.path_and_query,
            r.url_authority,
            r.pinned_host,
            headers,
            r.kind_hint,
            r.expected_token,
            r.reference,
            r.header("X-MANY")
        )
    }

    #[test]
    fn both_ways_read_the_same_request_or_the_typed_way_steps_aside() {
        let typed_cases = [
            r#"{"method":"post","url":"https://shop.example/cb?a=1","headers":{"Host":"h","X-Many":["a","b"],"x-many":"c"},"kind":"epayment_webhook","expected_token":"t","reference":"r","extra":{"x":[1]}}"#,
            r#"{"url":"/cb","headers":null,"kind":null}"#,
            r#"{"url":"/cb"}"#,
            r#"{"url":"/cb","method":"P OST"}"#,
            r#"{"url":"ftp://x/y"}"#,
            r#"{"url":"/cb","kind":"nope"}"#,
            r#"{"method":"GET"}"#,
            r#"{"url":"/cb","headers":{"X-Many":[]}}"#,
            r#"{"url":"/cb","expected_token":"t"}"#,
            r#"{"url":"/cb","expected_token":"t","reference":""}"#,
            r#"{"url":"/cb","host":"shop.example:8443"}"#,
            r#"{"url":"/cb","host":"https://shop.example"}"#,
        ];
        for text in typed_cases {
            let typed = read(text, b"{}").expect("read the typed way");
            let typed = typed.map(|r| describe(&r)).map_err(|e| e.message);
            assert_eq!(typed, by_value(text).map_err(|e| e.message), "{text}");
        }
        let value_cases = [
            r#"{"url":"/cb","url":"/other"}"#,
            r#"{"url":"/cb","headers":{"Host":"a","Host":"b"}}"#,
            r#"{"url":"/cb","headers":{"Host":1}}"#,
            r#"{"url":"/cb","headers":{"Host":null}}"#,
            r#"{"url":"/cb","headers":{"X":["a",null]}}"#,
            r#"{"url":"/c\u0062","headers":{"Host":"a\"b"}}"#,
            r#"{"url":5}"#,
            r#"[]"#,
            r#"["POST","/cb"]"#,
            r#"{"url":"/cb""#,
        ];
        for text in value_cases {
            assert!(read(text, b"{}").is_none(), "{text}");
        }
        // The escaped case still reads correctly the Value way.
        assert!(by_value(r#"{"url":"/c\u0062"}"#).unwrap().contains("/cb"));
    }
}
