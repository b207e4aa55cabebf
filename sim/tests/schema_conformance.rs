//! The simulator's responses, callbacks and webhooks against the official OpenAPI specs in
//! `shared/specs/` (converted to JSON Schema by `tests/schema/`, spec traps handled there).
//!
//! Every check records its failures (label, JSON pointer, schema error); each test fails at the
//! end with all of them, so one run shows everything that disagrees with the specs.

mod common;
mod schema;

use common::*;
use schema::{essence, media_type_exception, Declared, Specs};
use serde_json::{json, Value};
use std::sync::OnceLock;
use vipps_sim::{DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_MSN, DEFAULT_SUBSCRIPTION_KEY};

fn specs() -> &'static Specs {
    static SPECS: OnceLock<Specs> = OnceLock::new();
    SPECS.get_or_init(Specs::load)
}

/// Collects disagreements with the specs.
#[derive(Default)]
struct Report {
    checked: usize,
    failures: Vec<String>,
}

impl Report {
    fn body(&mut self, label: &str, declared: &Declared, body: &Value) {
        self.checked += 1;
        let errors = specs().validator(declared).errors(body);
        if !errors.is_empty() {
            self.failures.push(format!(
                "{label} ({}): {} error(s)\n    {}\n    body: {body}",
                declared.file,
                errors.len(),
                errors.join("\n    ")
            ));
        }
    }

    /// Status, media type and body of a response.
    fn response(
        &mut self,
        label: &str,
        r: &Resp,
        file: &'static str,
        path: &str,
        method: &str,
        status: u16,
    ) {
        if r.status != status {
            self.failures.push(format!(
                "{label}: expected HTTP {status}, got {}: {}",
                r.status, r.body
            ));
            return;
        }
        let declared = specs().response(file, path, method, &status.to_string());
        let actual = essence(r.header("content-type").unwrap_or(""));
        let wanted = essence(&declared.media_type);
        if actual != wanted && !media_type_exception(file, &wanted, &actual) {
            self.failures.push(format!(
                "{label}: Content-Type {actual:?}, the spec declares {wanted:?}"
            ));
        }
        match serde_json::from_str::<Value>(&r.body) {
            Ok(body) => self.body(label, &declared, &body),
            Err(e) => self
                .failures
                .push(format!("{label}: body is not JSON ({e}): {:?}", r.body)),
        }
    }

    fn finish(self, what: &str) {
        assert!(self.checked > 0, "{what}: nothing was checked");
        assert!(
            self.failures.is_empty(),
            "{what}: {} of {} checks disagree with the specs:\n{}",
            self.failures.len(),
            self.checked,
            self.failures.join("\n")
        );
        eprintln!("{what}: {} bodies valid", self.checked);
    }
}

fn session_body(reference: &str, callback: &str) -> Value {
    json!({
        "type": "PAYMENT",
        "merchantInfo": {
            "callbackUrl": callback,
            "returnUrl": "https://example.com/return",
            "callbackAuthorizationToken": "cb-token"
        },
        "transaction": {
            "amount": {"value": 25_000, "currency": "NOK"},
            "reference": reference,
            "paymentDescription": "Two pairs of socks",
            "orderSummary": {
                "orderLines": [{"name": "Socks", "id": "sku-1", "totalAmount": 25000,
                    "totalAmountExcludingTax": 20000, "totalTaxAmount": 5000, "taxRate": 2500,
                    "taxPercentage": 25}],
                "orderBottomLine": {"currency": "NOK"}
            }
        },
        "logistics": {"fixedOptions": [{"id": "home", "priority": 0, "isDefault": true,
            "brand": "POSTEN", "amount": {"value": 0, "currency": "NOK"}}]},
        "configuration": {"customConsent": {"text": "Newsletter?", "required": false}}
    })
}

const SESSION: &str = "/session";
const SESSION_REF: &str = "/session/{reference}";

#[test]
fn converter_rejects_what_the_specs_forbid() {
    let s = specs();
    // The validation is real: known-bad bodies fail, with a JSON pointer.
    let event = s.validator(&s.named(schema::EPAYMENT, "PaymentEvent"));
    let good = json!({"reference": "ref-0001", "pspReference": "123", "name": "CREATED",
        "amount": {"currency": "NOK", "value": 100}, "timestamp": "2024-01-01T10:00:00Z",
        "idempotencyKey": null, "success": true});
    assert_eq!(event.errors(&good), Vec::<String>::new());
    let mut bad = good.clone();
    bad.as_object_mut().unwrap().remove("name");
    bad["amount"]["value"] = json!(-1);
    let errors = event.errors(&bad);
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("/: ") && e.contains("name")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.starts_with("/amount/value")),
        "{errors:?}"
    );
    // Trap 1: without the patch, a real event would need `paymentAction`.
    assert!(!errors.iter().any(|e| e.contains("paymentAction")));

    // Trap 6: "SessionStarted" is an example, not a state.
    let session = s.validator(&s.named(schema::CHECKOUT, "SessionResponse"));
    let errors = session
        .errors(&json!({"sessionId": "a", "reference": "r", "sessionState": "SessionStarted"}));
    assert!(
        errors.iter().any(|e| e.starts_with("/sessionState")),
        "{errors:?}"
    );
    // nullable: null is fine where the spec says nullable, not elsewhere.
    assert!(session
        .errors(
            &json!({"sessionId": "a", "reference": "r", "sessionState": "SessionCreated",
            "merchantSerialNumber": null, "paymentMethod": null})
        )
        .is_empty());
    assert!(!session
        .errors(&json!({"sessionId": null, "reference": "r", "sessionState": "SessionCreated"}))
        .is_empty());

    // Trap 4: the eCom address type enum holds; the broken pattern does not reject H.
    let address = s.validator(&s.named(schema::MS_IMPORT, "ShippingCostAndMethod"));
    let a = json!({"addressId": 100, "addressLine1": "Robert Levins gate 5", "city": "Oslo",
        "country": "NO", "postCode": "0154", "addressType": "H"});
    assert_eq!(address.errors(&a), Vec::<String>::new());
    let mut wrong = a.clone();
    wrong["addressType"] = json!("X");
    assert!(!address.errors(&wrong).is_empty());

    // Trap 3: the receipt reference resolves to the local Order Management copy.
    let create = s.validator(&s.named(schema::EPAYMENT, "CreatePaymentRequest"));
    assert!(create.schema["$defs"]
        .as_object()
        .unwrap()
        .keys()
        .any(|k| k.starts_with("order-management-v2.0-tag-2.3.24.")));
    // Webhooks forbid extra properties (the one place the specs do).
    let reg = s.validator(&s.named(schema::WEBHOOKS, "RegisterResponse"));
    assert!(!reg
        .errors(&json!({"id": "0b6c4d3e-8f0a-4b1c-9d2e-3f4a5b6c7d8e", "secret": "s", "x": 1}))
        .is_empty());
    // format: date-time and uuid are checked.
    let mut late = good;
    late["timestamp"] = json!("yesterday");
    assert!(event
        .errors(&late)
        .iter()
        .any(|e| e.starts_with("/timestamp")));
}

#[test]
fn ecma_patterns_translate_to_rust() {
    use schema::ecma_pattern::ecma_to_rust;
    // T1, T2: ASCII digits and word characters, as in ECMA-262.
    assert_eq!(ecma_to_rust(r"^\d{8}$"), "^[0-9]{8}$");
    assert_eq!(ecma_to_rust(r"^[\d\w\/=+]+$"), "^[0-9A-Za-z0-9_/=+]+$");
    // T3: a `-` after a completed range is a literal.
    assert_eq!(ecma_to_rust(r"^[0-9A-Za-z-_\.]+$"), r"^[0-9A-Za-z\-_\.]+$");
    assert_eq!(ecma_to_rust("^[-a-zA-Z0-9]*$"), r"^[\-a-zA-Z0-9]*$");
    assert_eq!(
        ecma_to_rust("^[a-zA-Z0-9-]{8,50}$"),
        r"^[a-zA-Z0-9\-]{8,50}$"
    );
    // T4: ECMA's `.` stops at every line terminator.
    assert_eq!(ecma_to_rust("^a.b$"), r"^a[^\n\r\x{2028}\x{2029}]b$");
    // Unchanged where both agree.
    let datetime = r"^((?:(\d{4}-\d{2}-\d{2})(T|t)(\d{2}:\d{2}:\d{2}(?:\.\d+)?))(Z|z|([+-](?:2[0-3]|[01][0-9]):[0-5][0-9])))$";
    assert_eq!(
        ecma_to_rust(datetime),
        datetime.replace(r"\d", "[0-9]").replace("[+-]", r"[+\-]")
    );
    assert_eq!(ecma_to_rust("POSTEN"), "POSTEN");
    // What has no translation is refused, not passed through.
    for unknown in [r"^(?=a)", r"\s", r"(a)\1", r"\bword"] {
        assert!(
            std::panic::catch_unwind(|| ecma_to_rust(unknown)).is_err(),
            "{unknown} was accepted"
        );
    }
}

#[test]
fn converter_keeps_the_specs_patterns() {
    let s = specs();
    let check = |file: &'static str, name: &str, body: Value, bad_at: Option<&str>| {
        let errors = s.validator(&s.named(file, name)).errors(&body);
        match bad_at {
            None => assert_eq!(errors, Vec::<String>::new(), "{name} {body}"),
            Some(at) => assert!(
                errors
                    .iter()
                    .any(|e| e.starts_with(at) && e.contains("does not match")),
                "{name} {body}: {errors:?}"
            ),
        }
    };
    let ecom_customer = |mobile: &str| json!({"mobileNumber": mobile});
    check(
        schema::ECOM,
        "CustomerInfo",
        ecom_customer("91234567"),
        None,
    );
    check(
        schema::ECOM,
        "CustomerInfo",
        ecom_customer("4791234567"),
        Some("/mobileNumber"),
    );
    // T1: Arabic-Indic digits are not ECMA `\d`.
    check(
        schema::ECOM,
        "CustomerInfo",
        ecom_customer("٩١٢٣٤٥٦٧"),
        Some("/mobileNumber"),
    );
    // ePayment `Reference`: 8 to 50 of [a-zA-Z0-9-].
    let reference = s.validator(&s.named(schema::EPAYMENT, "Reference"));
    assert!(reference.errors(&json!("order-0001")).is_empty());
    for bad in ["order_0001", "short", "ordre-ø-0001", "order 0001"] {
        assert!(!reference.errors(&json!(bad)).is_empty(), "{bad}");
    }
    // T3: Order Management ids allow `-`, `_` and `.`.
    let om_id = s.validator(&s.named(schema::ORDER_MANAGEMENT, "OrderId"));
    assert!(om_id.errors(&json!("a-b_c.d")).is_empty());
    assert!(!om_id.errors(&json!("a/b")).is_empty());
    assert!(!om_id.errors(&json!("a,b")).is_empty());
    // Order Management quantities: decimal point, at most 8 decimals.
    let unit = |q: &str| json!({"quantity": q, "quantityUnit": "PCS", "unitPrice": 100});
    check(schema::ORDER_MANAGEMENT, "UnitInfo", unit("1.5"), None);
    check(
        schema::ORDER_MANAGEMENT,
        "UnitInfo",
        unit("1,5"),
        Some("/quantity"),
    );
    check(
        schema::ORDER_MANAGEMENT,
        "UnitInfo",
        unit("-1"),
        Some("/quantity"),
    );
    // Trap 8: exactly one of the three customer keys.
    let customer = s.validator(&s.named(schema::EPAYMENT, "Customer"));
    assert_eq!(
        customer.errors(&json!({"phoneNumber": "4791234567"})),
        Vec::<String>::new()
    );
    assert!(!customer
        .errors(&json!({"phoneNumber": "4791234567", "customerToken": "t"}))
        .is_empty());
    assert!(!customer.errors(&json!({})).is_empty());
    assert!(!customer
        .errors(&json!({"phoneNumber": "+4791234567"}))
        .is_empty());
    // Checkout's OrderLine is kept as written: `taxPercentage` is required there.
    let checkout_line = s.validator(&s.named(schema::CHECKOUT, "OrderLine"));
    let base = json!({"name": "Socks", "id": "sku-1", "totalAmount": 1000,
        "totalAmountExcludingTax": 800, "totalTaxAmount": 200});
    let mut rate_only = base.clone();
    rate_only["taxRate"] = json!(2500);
    assert!(!checkout_line.errors(&rate_only).is_empty());
    let mut both = rate_only.clone();
    both["taxPercentage"] = json!(25);
    assert_eq!(checkout_line.errors(&both), Vec::<String>::new());
    // Trap 9: `taxRate` or `taxPercentage` in the ePayment receipt's lines.
    {
        let (file, name) = (schema::EPAYMENT, "CreatePaymentRequest");
        let v = s.validator(&s.named(file, name));
        let line = |tax: Value| {
            let mut l = json!({"name": "Socks", "id": "sku-1", "totalAmount": 1000,
                "totalAmountExcludingTax": 800, "totalTaxAmount": 200});
            for (k, x) in tax.as_object().unwrap() {
                l[k] = x.clone();
            }
            if name == "OrderLine" {
                l
            } else {
                json!({"amount": {"value": 1000, "currency": "NOK"},
                    "paymentMethod": {"type": "WALLET"}, "reference": "order-0001",
                    "userFlow": "WEB_REDIRECT",
                    "receipt": {"orderLines": [l], "bottomLine": {"currency": "NOK"}}})
            }
        };
        assert_eq!(
            v.errors(&line(json!({"taxRate": 2550}))),
            Vec::<String>::new(),
            "{file}"
        );
        assert_eq!(
            v.errors(&line(json!({"taxPercentage": 25}))),
            Vec::<String>::new(),
            "{file}"
        );
        assert!(!v.errors(&line(json!({}))).is_empty(), "{file}");
        assert!(
            !v.errors(&line(json!({"taxRate": 10001}))).is_empty(),
            "{file}"
        );
    }
    // Checkout brands are unanchored patterns (`POSTEN` anywhere in the string).
    let posten = s.validator(&s.named(schema::CHECKOUT, "PostenLogisticsOption"));
    let errors = posten.errors(&json!({"brand": "BRING"}));
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("/brand") && e.contains("does not match")),
        "{errors:?}"
    );
}

#[test]
fn access_token_and_webhooks_api() {
    let h = start();
    let mut report = Report::default();
    let r = h.call(
        "POST",
        "/accesstoken/get",
        &[
            ("client_id", DEFAULT_CLIENT_ID),
            ("client_secret", DEFAULT_CLIENT_SECRET),
            ("Ocp-Apim-Subscription-Key", DEFAULT_SUBSCRIPTION_KEY),
        ],
        None,
    );
    report.response(
        "token 200",
        &r,
        schema::ACCESS_TOKEN,
        "/accesstoken/get",
        "post",
        200,
    );

    let bearer = format!("Bearer {}", h.token());
    let hdrs = [
        ("Authorization", bearer.as_str()),
        ("Ocp-Apim-Subscription-Key", DEFAULT_SUBSCRIPTION_KEY),
        ("Merchant-Serial-Number", DEFAULT_MSN),
    ];
    let body =
        json!({"url": "https://example.com/hooks", "events": ["epayments.payment.captured.v1"]});
    let r = h.call(
        "POST",
        "/webhooks/v1/webhooks",
        &hdrs,
        Some(&body.to_string()),
    );
    report.response(
        "webhooks register 201",
        &r,
        schema::WEBHOOKS,
        "/v1/webhooks",
        "post",
        201,
    );
    let r = h.call("GET", "/webhooks/v1/webhooks", &hdrs, None);
    report.response(
        "webhooks list 200",
        &r,
        schema::WEBHOOKS,
        "/v1/webhooks",
        "get",
        200,
    );
    let bad = json!({"url": "ftp://example.com/x", "events": []});
    let r = h.call(
        "POST",
        "/webhooks/v1/webhooks",
        &hdrs,
        Some(&bad.to_string()),
    );
    report.response(
        "webhooks register 400",
        &r,
        schema::WEBHOOKS,
        "/v1/webhooks",
        "post",
        400,
    );
    report.finish("access token + webhooks");
}

#[test]
fn checkout_responses_and_callbacks() {
    let h = start();
    let s = specs();
    let mut report = Report::default();
    let rx = Receiver::start("/cb", &[]);
    let headers = common::checkout_headers();
    let create = |reference: &str| {
        h.call(
            "POST",
            "/checkout/v3/session",
            &headers,
            Some(&session_body(reference, &rx.url).to_string()),
        )
    };
    let get = |reference: &str| {
        h.call(
            "GET",
            &format!("/checkout/v3/session/{reference}"),
            &headers[..4],
            None,
        )
    };

    let r = create("schema-co-0001");
    report.response("create 200", &r, schema::CHECKOUT, SESSION, "post", 200);
    let token = r.json()["token"].as_str().unwrap_or_default().to_string();
    let r = get("schema-co-0001");
    report.response(
        "get SessionCreated",
        &r,
        schema::CHECKOUT,
        SESSION_REF,
        "get",
        200,
    );
    // Open the page: PaymentInitiated.
    let page = h.call("GET", &format!("/sim/checkout/?token={token}"), &[], None);
    assert_eq!(page.status, 200);
    let r = get("schema-co-0001");
    assert_eq!(r.json()["sessionState"], "PaymentInitiated");
    report.response(
        "get PaymentInitiated",
        &r,
        schema::CHECKOUT,
        SESSION_REF,
        "get",
        200,
    );
    h.control("POST", "/_sim/payments/schema-co-0001/approve", None);
    let r = get("schema-co-0001");
    assert_eq!(r.json()["sessionState"], "PaymentSuccessful");
    report.response(
        "get PaymentSuccessful",
        &r,
        schema::CHECKOUT,
        SESSION_REF,
        "get",
        200,
    );
    // The same body, broken in ways the spec forbids, fails where it is broken.
    let paid = r.json();
    let session = s.validator(&s.named(schema::CHECKOUT, "SessionResponse"));
    for (pointer, broken) in [
        ("/paymentDetails/state", json!("PAID")),
        ("/paymentDetails/amount/value", json!("25000")),
        ("/userInfo/sub", Value::Null),
        ("/billingDetails/firstName", json!(7)),
        ("/paymentMethod", json!("Cash")),
    ] {
        let mut body = paid.clone();
        *body
            .pointer_mut(pointer)
            .unwrap_or_else(|| panic!("{pointer} in {paid}")) = broken;
        let errors = session.errors(&body);
        assert!(
            errors.iter().any(|e| e.starts_with(pointer)),
            "{pointer}: {errors:?}"
        );
    }

    // Rejected and expired sessions; the expire endpoint answers a SessionResponse too.
    create("schema-co-0002");
    h.control("POST", "/_sim/payments/schema-co-0002/reject", None);
    report.response(
        "get PaymentTerminated",
        &get("schema-co-0002"),
        schema::CHECKOUT,
        SESSION_REF,
        "get",
        200,
    );
    create("schema-co-0003");
    h.control("POST", "/_sim/payments/schema-co-0003/expire", None);
    report.response(
        "get SessionExpired",
        &get("schema-co-0003"),
        schema::CHECKOUT,
        SESSION_REF,
        "get",
        200,
    );
    create("schema-co-0004");
    let r = h.call(
        "POST",
        "/checkout/v3/session/schema-co-0004/expire",
        &headers[..4],
        None,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    report.body(
        "expire endpoint",
        &s.named(schema::CHECKOUT, "SessionResponse"),
        &r.json(),
    );

    // Problems.
    report.response(
        "get unknown 404",
        &get("schema-co-none"),
        schema::CHECKOUT,
        SESSION_REF,
        "get",
        404,
    );
    report.response(
        "create duplicate 409",
        &create("schema-co-0001"),
        schema::CHECKOUT,
        SESSION,
        "post",
        409,
    );
    let r = h.call(
        "POST",
        "/checkout/v3/session",
        &headers,
        Some(r#"{"merchantInfo":{}}"#),
    );
    report.response(
        "create invalid 400",
        &r,
        schema::CHECKOUT,
        SESSION,
        "post",
        400,
    );
    let r = h.call(
        "GET",
        "/checkout/v3/session/schema-co-0001",
        &headers[..2],
        None,
    );
    report.response(
        "get unauthorized 401",
        &r,
        schema::CHECKOUT,
        SESSION_REF,
        "get",
        401,
    );

    // The session callbacks (approved, rejected, expired).
    let got = rx.wait_for(3, 10);
    let declared = s.callback_body(schema::CHECKOUT, SESSION, "post", "Payment completed");
    let states = s.enum_values(schema::CHECKOUT, "ExternalSessionState");
    for (i, cb) in got.iter().enumerate() {
        let body: Value = serde_json::from_str(&cb.body).expect("callback JSON");
        let state = body["sessionState"].as_str().unwrap_or("");
        assert!(states.iter().any(|s| s == state) && state != "SessionStarted");
        report.body(
            &format!("session callback #{i} ({state})"),
            &declared,
            &body,
        );
    }
    report.finish("checkout");
}

/// (request path, body) of what a [`json_merchant`] received.
type Got = std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>;

/// A merchant server that answers every request `200` with the JSON `answer`.
fn json_merchant(answer: String) -> (String, Got) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let got: Got = Default::default();
    let got2 = std::sync::Arc::clone(&got);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or("")
                .to_string();
            let mut len = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() || line.trim().is_empty() {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; len];
            let _ = reader.read_exact(&mut body);
            got2.lock()
                .unwrap()
                .push((path, String::from_utf8_lossy(&body).into_owned()));
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    (base, got)
}

fn wait_until(got: &Got, n: usize) -> Vec<(String, String)> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let v = got.lock().unwrap().clone();
        if v.len() >= n || std::time::Instant::now() > deadline {
            return v;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn checkout_page_payment_and_dynamic_logistics_callback() {
    let h = start();
    let s = specs();
    let mut report = Report::default();
    let rx = Receiver::start("/cb", &[]);
    let answer = r#"[{"id":"bud","priority":0,"isDefault":true,"brand":"PORTERBUDDY","type":"HOME_DELIVERY","amount":{"value":9900,"currency":"NOK"}}]"#;
    let (base, logistics_got) = json_merchant(answer.to_string());
    let logistics_url = format!("{base}/logistics");
    let mut body = session_body("schema-page-001", &rx.url);
    body["logistics"]["dynamicOptionsCallback"] = json!(logistics_url);
    let r = h.call(
        "POST",
        "/checkout/v3/session",
        &common::checkout_headers(),
        Some(&body.to_string()),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let token = r.json()["token"].as_str().unwrap_or_default().to_string();
    let pay = json!({"token": token, "email": "kari@example.com", "phone": "4791234567",
        "firstName": "Kari", "lastName": "Nordmann", "streetAddress": "Storgata 1",
        "postalCode": "0155", "city": "Oslo", "country": "NO"});
    let r = h.call(
        "POST",
        "/sim/checkout/shipping-options",
        &[],
        Some(&pay.to_string()),
    );
    assert_eq!(r.json()["source"], "dynamic", "{}", r.body);
    let mut pay = pay;
    pay["shipping"] = json!("bud");
    let r = h.call("POST", "/sim/checkout/pay", &[], Some(&pay.to_string()));
    assert_eq!(r.status, 200, "{}", r.body);

    let sent = logistics_got.lock().unwrap().clone();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].0, "/logistics");
    let declared = s.callback_body(schema::CHECKOUT, SESSION, "post", "Dynamic logistics");
    report.body(
        "dynamic logistics request",
        &declared,
        &serde_json::from_str(&sent[0].1).unwrap(),
    );
    let cb = &rx.wait_for(1, 5)[0];
    let declared = s.callback_body(schema::CHECKOUT, SESSION, "post", "Payment completed");
    let cb: Value = serde_json::from_str(&cb.body).unwrap();
    assert_eq!(cb["shippingDetails"]["shippingMethodId"], "bud");
    report.body("session callback after the page's Pay", &declared, &cb);
    report.finish("checkout page");
}

#[test]
fn epayment_responses_and_webhooks() {
    let h = start();
    let s = specs();
    let mut report = Report::default();
    let e = h.epayment();
    let hooks = Receiver::start("/hooks", &[]);
    let events: Vec<String> = [
        "created",
        "authorized",
        "captured",
        "refunded",
        "cancelled",
        "aborted",
        "expired",
        "terminated",
    ]
    .iter()
    .map(|n| format!("epayments.payment.{n}.v1"))
    .collect();
    let r = e.register_webhook(&hooks.url, json!(events));
    assert_eq!(r.status, 201, "{}", r.body);

    const PAYMENTS: &str = "/epayment/v1/payments";
    const PAYMENT: &str = "/epayment/v1/payments/{reference}";
    let create = |reference: &str, extra: Value| {
        let mut body = json!({
            "amount": {"currency": "NOK", "value": 10_000},
            "paymentMethod": {"type": "WALLET"},
            "reference": reference,
            "userFlow": "WEB_REDIRECT",
            "returnUrl": "https://example.com/return",
            "paymentDescription": "Schema check"
        });
        for (k, v) in extra.as_object().cloned().unwrap_or_default() {
            body[k] = v;
        }
        h.call(
            "POST",
            PAYMENTS,
            &e.headers(Some(&format!("c-{reference}"))),
            Some(&body.to_string()),
        )
    };

    let r = create(
        "schema-ep-0001",
        json!({"metadata": {"order": "42"}, "profile": {"scope": "name email"}}),
    );
    report.response("create 201", &r, schema::EPAYMENT, PAYMENTS, "post", 201);
    report.response(
        "get CREATED",
        &e.get("schema-ep-0001"),
        schema::EPAYMENT,
        PAYMENT,
        "get",
        200,
    );
    h.control("POST", "/_sim/payments/schema-ep-0001/approve", None);
    report.response(
        "get AUTHORIZED",
        &e.get("schema-ep-0001"),
        schema::EPAYMENT,
        PAYMENT,
        "get",
        200,
    );
    let r = e.modify("schema-ep-0001", "capture", Some(4_000), "cap-1");
    report.response(
        "capture 200",
        &r,
        schema::EPAYMENT,
        "/epayment/v1/payments/{reference}/capture",
        "post",
        200,
    );
    let r = e.modify("schema-ep-0001", "refund", Some(1_000), "ref-1");
    report.response(
        "refund 200",
        &r,
        schema::EPAYMENT,
        "/epayment/v1/payments/{reference}/refund",
        "post",
        200,
    );
    let r = e.modify("schema-ep-0001", "cancel", None, "can-1");
    report.response(
        "cancel 200",
        &r,
        schema::EPAYMENT,
        "/epayment/v1/payments/{reference}/cancel",
        "post",
        200,
    );
    let r = e.events("schema-ep-0001");
    report.response(
        "events 200",
        &r,
        schema::EPAYMENT,
        "/epayment/v1/payments/{reference}/events",
        "get",
        200,
    );

    // A QR payment (redirectUrl), a PUSH_MESSAGE payment (none), one cancelled before approval,
    // one rejected and one expired.
    let r = create(
        "schema-ep-0002",
        json!({"userFlow": "QR", "returnUrl": null}),
    );
    report.response("create QR 201", &r, schema::EPAYMENT, PAYMENTS, "post", 201);
    let r = create(
        "schema-ep-0003",
        json!({"userFlow": "PUSH_MESSAGE", "customer": {"phoneNumber": "4791234567"}}),
    );
    report.response(
        "create push 201",
        &r,
        schema::EPAYMENT,
        PAYMENTS,
        "post",
        201,
    );
    report.response(
        "get push",
        &e.get("schema-ep-0003"),
        schema::EPAYMENT,
        PAYMENT,
        "get",
        200,
    );
    let r = e.modify("schema-ep-0003", "cancel", None, "can-3");
    report.response(
        "cancel CREATED 200",
        &r,
        schema::EPAYMENT,
        "/epayment/v1/payments/{reference}/cancel",
        "post",
        200,
    );
    create("schema-ep-0004", json!({}));
    h.control("POST", "/_sim/payments/schema-ep-0004/reject", None);
    report.response(
        "get ABORTED",
        &e.get("schema-ep-0004"),
        schema::EPAYMENT,
        PAYMENT,
        "get",
        200,
    );
    create("schema-ep-0005", json!({}));
    h.control("POST", "/_sim/payments/schema-ep-0005/expire", None);
    report.response(
        "get EXPIRED",
        &e.get("schema-ep-0005"),
        schema::EPAYMENT,
        PAYMENT,
        "get",
        200,
    );
    report.response(
        "events EXPIRED",
        &e.events("schema-ep-0005"),
        schema::EPAYMENT,
        "/epayment/v1/payments/{reference}/events",
        "get",
        200,
    );

    // Problems: 400 invalid create, 409 duplicate, 404 unknown, 400 over-capture, 409 key reuse.
    let r = h.call(
        "POST",
        PAYMENTS,
        &e.headers(Some("bad-1")),
        Some(r#"{"reference":"x"}"#),
    );
    report.response("create 400", &r, schema::EPAYMENT, PAYMENTS, "post", 400);
    let r = create("schema-ep-0001", json!({}));
    report.response(
        "create duplicate 409",
        &r,
        schema::EPAYMENT,
        PAYMENTS,
        "post",
        409,
    );
    let r = e.modify("schema-ep-none", "capture", Some(1), "cap-x");
    report.response(
        "capture unknown 404",
        &r,
        schema::EPAYMENT,
        "/epayment/v1/payments/{reference}/capture",
        "post",
        404,
    );
    let r = e.modify("schema-ep-0001", "refund", Some(1_000_000), "ref-big");
    report.response(
        "refund too much 400",
        &r,
        schema::EPAYMENT,
        "/epayment/v1/payments/{reference}/refund",
        "post",
        400,
    );
    let r = e.modify("schema-ep-0001", "capture", Some(5), "cap-1");
    report.response(
        "capture key reuse 409",
        &r,
        schema::EPAYMENT,
        "/epayment/v1/payments/{reference}/capture",
        "post",
        409,
    );

    // 429 over the documented rate limit: the spec declares no 429, so the body is checked
    // against its `Problem` (a documented local addition, sim/README.md).
    h.control("POST", "/_sim/rate-limits", Some(json!({"enabled": true})));
    let mut limited = None;
    for i in 0..6 {
        limited = Some(e.modify("schema-ep-none", "cancel", None, &format!("lim-{i}")));
    }
    h.control("POST", "/_sim/rate-limits", Some(json!({"enabled": false})));
    let r = limited.expect("six calls made");
    assert_eq!(r.status, 429, "{}", r.body);
    assert!(r.header("retry-after").is_some());
    report.body(
        "cancel over the rate limit 429",
        &s.named(schema::EPAYMENT, "Problem"),
        &r.json(),
    );

    // Every webhook body is a WebhookEvent.
    let declared = s.named(schema::EPAYMENT, "WebhookEvent");
    hooks.wait_for(12, 10);
    let got = settle(&hooks, 300);
    for (i, d) in got.iter().enumerate() {
        let body: Value = serde_json::from_str(&d.body).expect("webhook JSON");
        report.body(
            &format!("webhook #{i} ({})", body["name"]),
            &declared,
            &body,
        );
    }
    report.finish("epayment");
}

/// eCom v2 (another module of the simulator): initiate, details, status, capture, refund,
/// cancel, errors and the payment callback.
#[test]
fn ecom_responses_and_callback() {
    let h = start();
    let s = specs();
    let mut report = Report::default();
    let bearer = format!("Bearer {}", h.token());
    let rx = Receiver::start("/ecom", &[]);
    let headers = |request_id: Option<&'static str>| {
        let mut v = vec![
            ("Authorization".to_string(), bearer.clone()),
            (
                "Ocp-Apim-Subscription-Key".to_string(),
                DEFAULT_SUBSCRIPTION_KEY.to_string(),
            ),
            (
                "Merchant-Serial-Number".to_string(),
                DEFAULT_MSN.to_string(),
            ),
        ];
        if let Some(id) = request_id {
            v.push(("X-Request-Id".to_string(), id.to_string()));
        }
        v
    };
    let call = |method: &str, path: &str, request_id: Option<&'static str>, body: Option<Value>| {
        let hs = headers(request_id);
        let refs: Vec<(&str, &str)> = hs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        h.call(method, path, &refs, body.map(|b| b.to_string()).as_deref())
    };
    let initiate = |order_id: &str| {
        call(
            "POST",
            "/ecomm/v2/payments",
            None,
            Some(json!({
                "customerInfo": {"mobileNumber": "91234567"},
                "merchantInfo": {
                    "merchantSerialNumber": DEFAULT_MSN,
                    "callbackPrefix": rx.url,
                    "fallBack": "https://example.com/fallback",
                    "authToken": "ecom-token"
                },
                "transaction": {"orderId": order_id, "amount": 20_000, "transactionText": "Socks"}
            })),
        )
    };
    let action = |amount: Option<i64>| {
        let mut tx = json!({"transactionText": "Shipped"});
        if let Some(a) = amount {
            tx["amount"] = json!(a);
        }
        Some(json!({"merchantInfo": {"merchantSerialNumber": DEFAULT_MSN}, "transaction": tx}))
    };
    const PAYMENTS: &str = "/ecomm/v2/payments";

    let r = initiate("schema-ecom-1");
    report.response("initiate 200", &r, schema::ECOM, PAYMENTS, "post", 200);
    let details = |o: &str| {
        call(
            "GET",
            &format!("/ecomm/v2/payments/{o}/details"),
            None,
            None,
        )
    };
    let status = |o: &str| call("GET", &format!("/ecomm/v2/payments/{o}/status"), None, None);
    report.response(
        "details INITIATE",
        &details("schema-ecom-1"),
        schema::ECOM,
        "/ecomm/v2/payments/{orderId}/details",
        "get",
        200,
    );
    report.response(
        "status INITIATE",
        &status("schema-ecom-1"),
        schema::ECOM,
        "/ecomm/v2/payments/{orderId}/status",
        "get",
        200,
    );
    let r = h.control("POST", "/_sim/payments/schema-ecom-1/approve", None);
    assert_eq!(r.status, 200, "{}", r.body);
    report.response(
        "details RESERVE",
        &details("schema-ecom-1"),
        schema::ECOM,
        "/ecomm/v2/payments/{orderId}/details",
        "get",
        200,
    );
    let r = call(
        "POST",
        "/ecomm/v2/payments/schema-ecom-1/capture",
        Some("cap-1"),
        action(Some(5_000)),
    );
    report.response(
        "capture 200",
        &r,
        schema::ECOM,
        "/ecomm/v2/payments/{orderId}/capture",
        "post",
        200,
    );
    let r = call(
        "POST",
        "/ecomm/v2/payments/schema-ecom-1/refund",
        Some("ref-1"),
        action(Some(1_000)),
    );
    report.response(
        "refund 200",
        &r,
        schema::ECOM,
        "/ecomm/v2/payments/{orderId}/refund",
        "post",
        200,
    );
    report.response(
        "details after refund",
        &details("schema-ecom-1"),
        schema::ECOM,
        "/ecomm/v2/payments/{orderId}/details",
        "get",
        200,
    );
    report.response(
        "status after refund",
        &status("schema-ecom-1"),
        schema::ECOM,
        "/ecomm/v2/payments/{orderId}/status",
        "get",
        200,
    );

    initiate("schema-ecom-2");
    h.control("POST", "/_sim/payments/schema-ecom-2/approve", None);
    let r = call(
        "PUT",
        "/ecomm/v2/payments/schema-ecom-2/cancel",
        None,
        action(None),
    );
    report.response(
        "cancel 200",
        &r,
        schema::ECOM,
        "/ecomm/v2/payments/{orderId}/cancel",
        "put",
        200,
    );
    initiate("schema-ecom-3");
    h.control("POST", "/_sim/payments/schema-ecom-3/reject", None);
    report.response(
        "details rejected",
        &details("schema-ecom-3"),
        schema::ECOM,
        "/ecomm/v2/payments/{orderId}/details",
        "get",
        200,
    );

    // Errors (`default: ErrorResponse`).
    let r = call(
        "GET",
        "/ecomm/v2/payments/schema-ecom-none/details",
        None,
        None,
    );
    assert!(r.status >= 400, "{}", r.body);
    report.response(
        "details unknown",
        &r,
        schema::ECOM,
        "/ecomm/v2/payments/{orderId}/details",
        "get",
        r.status,
    );
    let r = call(
        "POST",
        "/ecomm/v2/payments/schema-ecom-1/capture",
        Some("cap-2"),
        action(Some(1_000_000)),
    );
    assert!(r.status >= 400, "{}", r.body);
    report.response(
        "capture too much",
        &r,
        schema::ECOM,
        "/ecomm/v2/payments/{orderId}/capture",
        "post",
        r.status,
    );
    let r = call("POST", PAYMENTS, None, Some(json!({"transaction": {}})));
    assert!(r.status >= 400, "{}", r.body);
    report.response(
        "initiate invalid",
        &r,
        schema::ECOM,
        PAYMENTS,
        "post",
        r.status,
    );

    // The payment callbacks (reserved, cancelled... whatever the sim sends).
    let declared = s.request_body(
        schema::MS_IMPORT,
        "/callbackPrefix/v2/payments/{orderId}",
        "post",
    );
    let got = rx.wait_for(2, 10);
    std::thread::sleep(std::time::Duration::from_millis(200));
    let got = if rx.received().len() > got.len() {
        rx.received()
    } else {
        got
    };
    for (i, cb) in got.iter().enumerate() {
        let body: Value = serde_json::from_str(&cb.body).expect("callback JSON");
        report.body(&format!("ecom callback #{i} {}", cb.path), &declared, &body);
    }
    report.finish("ecom");
}

/// eCom express: the shipping-details request the simulator sends (`ShippingCostAndMethod`,
/// where the `addressType` trap lives) and the express payment callback.
#[test]
fn ecom_express_shipping_details_and_callback() {
    let h = start();
    let s = specs();
    let mut report = Report::default();
    let order = "schema-ecom-x1";
    let answer = json!({
        "addressId": 100,
        "orderId": order,
        "shippingDetails": [
            {"isDefault": "Y", "priority": 1, "shippingCost": 49.5, "shippingMethod": "Posten",
             "shippingMethodId": "posten"}
        ]
    });
    let (base, got) = json_merchant(answer.to_string());
    let bearer = format!("Bearer {}", h.token());
    let body = json!({
        "customerInfo": {"mobileNumber": "91234567"},
        "merchantInfo": {
            "merchantSerialNumber": DEFAULT_MSN,
            "callbackPrefix": format!("{base}/cb"),
            "shippingDetailsPrefix": format!("{base}/shipping"),
            "consentRemovalPrefix": format!("{base}/consents"),
            "fallBack": "https://example.com/fallback",
            "authToken": "ecom-token",
            "paymentType": "eComm Express Payment"
        },
        "transaction": {"orderId": order, "amount": 20_000, "transactionText": "Socks"}
    });
    let r = h.call(
        "POST",
        "/ecomm/v2/payments",
        &[
            ("Authorization", bearer.as_str()),
            ("Ocp-Apim-Subscription-Key", DEFAULT_SUBSCRIPTION_KEY),
        ],
        Some(&body.to_string()),
    );
    report.response(
        "express initiate 200",
        &r,
        schema::ECOM,
        "/ecomm/v2/payments",
        "post",
        200,
    );
    let r = h.control("POST", &format!("/_sim/payments/{order}/approve"), None);
    assert_eq!(r.status, 200, "{}", r.body);
    let sent = wait_until(&got, 2);
    let shipping = s.request_body(
        schema::MS_IMPORT,
        "/shippingDetailsPrefix/v2/payments/{orderId}/shippingDetails",
        "post",
    );
    let callback = s.request_body(
        schema::MS_IMPORT,
        "/callbackPrefix/v2/payments/{orderId}",
        "post",
    );
    let mut kinds = Vec::new();
    for (path, body) in &sent {
        let v: Value = serde_json::from_str(body).expect("JSON request");
        if path.ends_with("/shippingDetails") {
            kinds.push("shipping");
            report.body("express shipping-details request", &shipping, &v);
        } else if path.starts_with("/cb/") {
            kinds.push("callback");
            assert!(v.get("shippingDetails").is_some(), "{v}");
            report.body("express payment callback", &callback, &v);
        }
    }
    kinds.sort_unstable();
    assert_eq!(kinds, ["callback", "shipping"], "{sent:?}");
    report.finish("ecom express");
}

mod om_common;

#[test]
fn order_management_responses() {
    use om_common::{client, png, receipt_for};
    let om_file = schema::ORDER_MANAGEMENT;
    let s = specs();
    // The validation is real: an ErrorResponse without `instance` and a receipt line without
    // `totalTaxAmount` fail.
    let error = s.validator(&s.named(om_file, "ErrorResponse"));
    assert!(!error
        .errors(&json!({"title": "t", "detail": "d"}))
        .is_empty());
    let mut bad_receipt = receipt_for(1000);
    bad_receipt["orderLines"][0]
        .as_object_mut()
        .unwrap()
        .remove("totalTaxAmount");
    assert!(!s
        .validator(&s.named(om_file, "Receipt"))
        .errors(&bad_receipt)
        .is_empty());

    let h = start();
    let om = client(&h);
    let mut report = Report::default();
    h.epayment().authorized("om-schema-01", 25_000);
    let receipt = receipt_for(25_000);
    // What the tests send is a valid `Receipt` too.
    report.body("receipt request", &s.named(om_file, "Receipt"), &receipt);

    const RECEIPTS: &str = "/v2/{paymentType}/receipts/{orderId}";
    const CATEGORIES: &str = "/v2/{paymentType}/categories/{orderId}";
    const ORDER: &str = "/v2/{paymentType}/{orderId}";
    const IMAGES: &str = "/v1/images";

    let r = om.add_receipt("om-schema-01", &receipt);
    report.response("receipt 201", &r, om_file, RECEIPTS, "post", 201);
    let r = om.add_receipt("om-schema-01", &receipt);
    report.response("receipt 409", &r, om_file, RECEIPTS, "post", 409);
    let r = om.add_receipt("no-such-order", &receipt);
    report.response("receipt 404", &r, om_file, RECEIPTS, "post", 404);
    let r = om.add_receipt("om-schema-01", &json!({"orderLines": []}));
    report.response("receipt 400", &r, om_file, RECEIPTS, "post", 400);
    h.epayment().authorized("om-schema-02", 10_000);
    let r = om.add_receipt("om-schema-02", &receipt);
    report.response("receipt 400 (sum)", &r, om_file, RECEIPTS, "post", 400);

    let r = om.get_order("om-schema-01");
    report.response("order 200 (receipt)", &r, om_file, ORDER, "get", 200);
    let r = om.get_order("om-schema-02");
    report.response("order 404", &r, om_file, ORDER, "get", 404);

    let r = om.upload("logo-1", &png(200, 200));
    report.response("image 200", &r, om_file, IMAGES, "post", 200);
    // The spec declares no 400 or 409 for images; they are `ErrorResponse`s like the others.
    let r = om.upload("logo-1", &png(200, 200));
    assert_eq!(r.status, 409, "{}", r.body);
    report.body("image 409", &s.named(om_file, "ErrorResponse"), &r.json());
    let r = om.upload("logo-2", b"not an image");
    assert_eq!(r.status, 400, "{}", r.body);
    report.body("image 400", &s.named(om_file, "ErrorResponse"), &r.json());

    let category = json!({"category": "ORDER_CONFIRMATION",
        "orderDetailsUrl": "https://shop.example/orders/1", "imageId": "logo-1"});
    report.body("category request", &s.named(om_file, "Order"), &category);
    let r = om.set_category("om-schema-01", &category);
    report.response("category 200", &r, om_file, CATEGORIES, "put", 200);
    let r = om.set_category("om-schema-02", &json!({"category": "NOPE"}));
    report.response("category 400", &r, om_file, CATEGORIES, "put", 400);
    let r = om.set_category("no-such-order", &category);
    report.response("category 404", &r, om_file, CATEGORIES, "put", 404);
    let r = om.get_order("om-schema-01");
    report.response("order 200 (both)", &r, om_file, ORDER, "get", 200);
    let r = om.set_category("om-schema-02", &category);
    report.response("category 200 (only)", &r, om_file, CATEGORIES, "put", 200);
    let r = om.get_order("om-schema-02");
    report.response("order 200 (category)", &r, om_file, ORDER, "get", 200);
    report.finish("order management");
}

/// The user flows (issue 20): QR, push, card and long-living creations and their payments and
/// webhook against the ePayment spec; the Userinfo API against the local schema
/// `schema/userinfo.local.json` (no spec covers it; docs/api-notes.md, section 5).
#[test]
fn epayment_user_flows_and_userinfo() {
    let h = start();
    let s = specs();
    let mut report = Report::default();
    let e = h.epayment();
    let hooks = Receiver::start("/hooks", &[]);
    let r = e.register_webhook(&hooks.url, json!(["epayments.payment.expired.v1"]));
    assert_eq!(r.status, 201, "{}", r.body);
    const PAYMENTS: &str = "/epayment/v1/payments";
    const PAYMENT: &str = "/epayment/v1/payments/{reference}";
    let now = h.control("POST", "/_sim/clock/advance", Some(json!({"seconds": 0})));
    let now_ms = vipps_sim::timefmt::parse_rfc3339(now.json()["now"].as_str().unwrap()).unwrap();
    let create = |reference: &str, extra: Value| {
        let mut body = json!({
            "amount": {"currency": "NOK", "value": 10_000},
            "paymentMethod": {"type": "WALLET"},
            "reference": reference,
            "paymentDescription": "Schema check"
        });
        for (k, v) in extra.as_object().cloned().unwrap_or_default() {
            body[k] = v;
        }
        h.call(
            "POST",
            PAYMENTS,
            &e.headers(Some(&format!("c-{reference}"))),
            Some(&body.to_string()),
        )
    };
    let cases = [
        ("schema-qr-0001", json!({"userFlow": "QR"})),
        (
            "schema-qr-0002",
            json!({"userFlow": "QR", "qrFormat": {"format": "IMAGE/PNG", "size": 300}}),
        ),
        (
            "schema-qr-0003",
            json!({"userFlow": "QR", "qrFormat": {"format": "TEXT/TARGETURL"}}),
        ),
        (
            "schema-push-0001",
            json!({"userFlow": "PUSH_MESSAGE", "customer": {"phoneNumber": "4798765432"},
                   "customerInteraction": "CUSTOMER_PRESENT"}),
        ),
        (
            "schema-native-0001",
            json!({"userFlow": "NATIVE_REDIRECT", "returnUrl": "myshopapp://return"}),
        ),
        (
            "schema-card-0001",
            json!({"userFlow": "WEB_REDIRECT", "paymentMethod": {"type": "CARD"},
                   "returnUrl": "https://example.com/return", "receiptUrl": "https://example.com/r/1",
                   "profile": {"scope": "name email phoneNumber address birthDate"}}),
        ),
        (
            "schema-long-0001",
            json!({"userFlow": "PUSH_MESSAGE", "customer": {"phoneNumber": "4798765432"},
                   "expiresAt": vipps_sim::timefmt::rfc3339_ms(now_ms + 20 * 60_000),
                   "receipt": {"orderLines": [], "bottomLine": {"currency": "NOK"}}}),
        ),
    ];
    for (reference, extra) in cases {
        let r = create(reference, extra);
        report.response(
            &format!("create {reference}"),
            &r,
            schema::EPAYMENT,
            PAYMENTS,
            "post",
            201,
        );
        report.response(
            &format!("get {reference}"),
            &e.get(reference),
            schema::EPAYMENT,
            PAYMENT,
            "get",
            200,
        );
    }
    // The long-living one without a receipt: a problem with code 6130.
    let r = create(
        "schema-long-0002",
        json!({"userFlow": "QR", "expiresAt": vipps_sim::timefmt::rfc3339_ms(now_ms + 20 * 60_000)}),
    );
    report.response(
        "create long-living without receipt",
        &r,
        schema::EPAYMENT,
        PAYMENTS,
        "post",
        400,
    );
    // Card approved through the landing form; its payment, then the user info of its sub.
    let form = h
        .agent
        .post(h.url("/sim/landing/schema-card-0001/approve"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send("cardNumber=4925000000000004&expiry=12%2F30&cvc=123".to_string());
    drop(form); // the 303 leads to example.com, which is not reachable here
    let card = e.get("schema-card-0001");
    report.response(
        "get CARD authorized",
        &card,
        schema::EPAYMENT,
        PAYMENT,
        "get",
        200,
    );
    let sub = card.json()["profile"]["sub"]
        .as_str()
        .expect("sub")
        .to_string();
    let r = h.call(
        "GET",
        &format!("/vipps-userinfo-api/userinfo/{sub}"),
        &[("Authorization", e.bearer.as_str())],
        None,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let local: Value = serde_json::from_str(include_str!("schema/userinfo.local.json")).unwrap();
    let userinfo = jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&local)
        .expect("the local userinfo schema compiles");
    let claims = r.json();
    report.checked += 1;
    let errors: Vec<String> = userinfo
        .iter_errors(&claims)
        .map(|e| e.to_string())
        .collect();
    if !errors.is_empty() {
        report
            .failures
            .push(format!("userinfo: {errors:?}\n    body: {claims}"));
    }
    for claim in ["name", "email", "phone_number", "address", "birthdate"] {
        assert!(claims.get(claim).is_some(), "{claim} missing in {claims}");
    }
    // The long-living payment expires at its expiresAt: the webhook body against the spec.
    h.control(
        "POST",
        "/_sim/clock/advance",
        Some(json!({"seconds": 21 * 60})),
    );
    // Every other open payment times out too (the 5-minute customer timeout): all are checked.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let got = loop {
        let got = hooks.received();
        if got.iter().any(|g| g.body.contains("schema-long-0001"))
            || std::time::Instant::now() > deadline
        {
            break got;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let event = s.named(schema::EPAYMENT, "WebhookEvent");
    for hook in got.iter() {
        let body: Value = serde_json::from_str(&hook.body).unwrap();
        report.body("EXPIRED webhook", &event, &body);
    }
    assert!(got.iter().any(|g| g.body.contains("schema-long-0001")));
    report.finish("user flows");
}

/// ePayment Express: the create (spec), the dynamic shipping callback and its answer, the
/// payment with `shippingDetails` and `userDetails`, and the authorized webhook with
/// `userDetails`; the Express shapes against the documented local additions.
#[test]
fn epayment_express_responses_callback_and_webhook() {
    use schema::local_additions as local;
    let h = start();
    let s = specs();
    // The local schemas are real: known-bad bodies fail.
    let bad_user = json!({"firstName": "Ada", "email": "ada", "mobileNumber": "+47 912"});
    let errors = s.validator(&local::user_details()).errors(&bad_user);
    assert!(errors.iter().any(|e| e.contains("lastName")), "{errors:?}");
    assert!(
        errors.iter().any(|e| e.starts_with("/mobileNumber")),
        "{errors:?}"
    );
    let bad_callback = json!({"Reference": "x", "AddressLine1": "Storgata 1", "City": "Oslo",
        "PostCode": "0155", "Country": "Norway"});
    let errors = s
        .validator(&local::shipping_callback_request())
        .errors(&bad_callback);
    assert!(
        errors.iter().any(|e| e.starts_with("/Reference")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.starts_with("/Country")),
        "{errors:?}"
    );
    let mut report = Report::default();
    let e = h.epayment();
    let hooks = Receiver::start("/hooks", &[]);
    let r = e.register_webhook(&hooks.url, json!(["epayments.payment.authorized.v1"]));
    assert_eq!(r.status, 201, "{}", r.body);
    let answer = json!({"groups": [{"brand": "POSTEN", "type": "PICKUP_POINT", "isDefault": true,
        "priority": 0, "options": [{"id": "posten-pickup", "name": "Posten pickup point",
        "amount": {"currency": "NOK", "value": 5900}, "isDefault": true, "priority": 0,
        "meta": "Storgata 1, 0155 Oslo", "estimatedDelivery": "1-3 days"}]}]});
    report.body(
        "the shipping answer the test merchant gives",
        &local::shipping_callback_response(),
        &answer,
    );
    let (base, got) = json_merchant(answer.to_string());
    const PAYMENTS: &str = "/epayment/v1/payments";
    const PAYMENT: &str = "/epayment/v1/payments/{reference}";
    let body = json!({
        "amount": {"currency": "NOK", "value": 10_000},
        "paymentMethod": {"type": "WALLET"},
        "reference": "schema-express-1",
        "userFlow": "WEB_REDIRECT",
        "returnUrl": "https://example.com/return",
        "profile": {"scope": "name address email phoneNumber"},
        "shipping": {"dynamicOptions": {"callbackUrl": format!("{base}/shipping"),
            "callbackAuthorizationToken": "Bearer express-token"}}
    });
    let r = h.call(
        "POST",
        PAYMENTS,
        &e.headers(Some("c-schema-express-1")),
        Some(&body.to_string()),
    );
    report.response(
        "express create 201",
        &r,
        schema::EPAYMENT,
        PAYMENTS,
        "post",
        201,
    );
    report.response(
        "express get CREATED",
        &e.get("schema-express-1"),
        schema::EPAYMENT,
        PAYMENT,
        "get",
        200,
    );
    let approved = h.control(
        "POST",
        "/_sim/epayment/schema-express-1/express/approve",
        Some(json!({"address_index": 1})),
    );
    assert_eq!(approved.status, 200, "{}", approved.body);

    let sent = got.lock().unwrap().clone();
    assert_eq!(sent.len(), 1);
    report.body(
        "dynamic shipping callback request",
        &local::shipping_callback_request(),
        &serde_json::from_str(&sent[0].1).unwrap(),
    );
    let r = e.get("schema-express-1");
    report.response(
        "express get AUTHORIZED",
        &r,
        schema::EPAYMENT,
        PAYMENT,
        "get",
        200,
    );
    let payment = r.json();
    assert_eq!(payment["amount"]["value"], 15_900, "{payment}");
    report.body(
        "shippingDetails",
        &local::shipping_details(),
        &payment["shippingDetails"],
    );
    report.body(
        "userDetails",
        &local::user_details(),
        &payment["userDetails"],
    );

    let webhook = &hooks.wait_for(1, 10)[0];
    let webhook: Value = serde_json::from_str(&webhook.body).unwrap();
    report.body(
        "authorized webhook",
        &s.named(schema::EPAYMENT, "WebhookEvent"),
        &webhook,
    );
    report.body(
        "authorized webhook userDetails",
        &local::user_details(),
        &webhook["userDetails"],
    );

    // Create refusals name the field, as a Problem.
    let mut bad = body.clone();
    bad["reference"] = json!("schema-express-2");
    bad["profile"]["scope"] = json!("name email");
    let r = h.call(
        "POST",
        PAYMENTS,
        &e.headers(Some("c-schema-express-2")),
        Some(&bad.to_string()),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("profile.scope"), "{}", r.body);
    report.body(
        "express create 400",
        &s.named(schema::EPAYMENT, "Problem"),
        &r.json(),
    );
    report.finish("epayment express");
}
