//! The HTML pages over real HTTP: the Checkout frontend (`/sim/checkout/`), the ePayment
//! landing page (`/sim/landing/{reference}`), the dynamic logistics callback, and the frontend
//! SDK stand-in (`/sim/vippsCheckoutSDK.js`).

mod common;

use common::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Write;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const CALLBACK_TOKEN: &str = "cb-token-pages-1";
const RETURN_URL: &str = "https://shop.example/return?order=1";

fn session_body(reference: &str, callback_url: &str) -> Value {
    json!({
        "type": "PAYMENT",
        "merchantInfo": {
            "callbackUrl": callback_url,
            "returnUrl": RETURN_URL,
            "callbackAuthorizationToken": CALLBACK_TOKEN
        },
        "transaction": {
            "amount": {"value": 25_000, "currency": "NOK"},
            "reference": reference,
            "paymentDescription": "Two pairs of socks",
            "orderSummary": {
                "orderLines": [{"name": "Wool socks", "id": "sku-1", "totalAmount": 25000,
                    "totalAmountExcludingTax": 20000, "totalTaxAmount": 5000, "taxRate": 2500,
                    "taxPercentage": 25}],
                "orderBottomLine": {"currency": "NOK"}
            }
        },
        "prefillCustomer": {"firstName": "Kari", "email": "kari@example.com"},
        "logistics": {"fixedOptions": [
            {"id": "posten-pickup", "priority": 1, "isDefault": true, "brand": "POSTEN",
             "type": "PICKUP_POINT", "amount": {"value": 4900, "currency": "NOK"}},
            {"id": "store", "priority": 0, "isDefault": false, "brand": "OTHER",
             "title": "Pick up in store", "amount": {"value": 0, "currency": "NOK"}}
        ]}
    })
}

fn create_session(h: &Harness, body: &Value) -> String {
    let r = h.call(
        "POST",
        "/checkout/v3/session",
        &common::checkout_headers(),
        Some(&body.to_string()),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(
        v["checkoutFrontendUrl"],
        format!("{}/sim/checkout/", h.server.base_url())
    );
    v["token"].as_str().expect("token").to_string()
}

fn poll(h: &Harness, reference: &str) -> Value {
    let r = h.call(
        "GET",
        &format!("/checkout/v3/session/{reference}"),
        &common::checkout_headers()[..4],
        None,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

/// An agent that reports redirects instead of following them.
fn no_redirects() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

/// Posts a form as a browser does; returns (status, Location, body).
fn post_form(h: &Harness, path: &str, fields: &[(&str, &str)]) -> (u16, Option<String>, String) {
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect();
    let resp = no_redirects()
        .post(&h.url(path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(body.join("&"))
        .unwrap_or_else(|e| panic!("POST {path}: {e}"));
    let status = resp.status().as_u16();
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let text = resp.into_body().read_to_string().unwrap_or_default();
    (status, location, text)
}

fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn post_json(h: &Harness, path: &str, body: &Value) -> Resp {
    h.call("POST", path, &[], Some(&body.to_string()))
}

fn page(h: &Harness, token: &str) -> Resp {
    h.call(
        "GET",
        &format!("/sim/checkout/?token={}", enc(token)),
        &[],
        None,
    )
}

fn assert_html(r: &Resp) {
    assert!(
        r.header("content-type")
            .is_some_and(|c| c.starts_with("text/html")),
        "{:?}",
        r.headers
    );
}

fn full_form<'a>(token: &'a str, shipping: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("token", token),
        ("email", "kari@example.com"),
        ("phone", "+47 912 34 567"),
        ("firstName", "Kari"),
        ("lastName", "Nordmann"),
        ("streetAddress", "Storgata 1"),
        ("postalCode", "0155"),
        ("city", "Oslo"),
        ("country", "no"),
        ("shipping", shipping),
    ]
}

#[test]
fn checkout_page_shows_the_session_and_pay_approves_it() {
    let h = start();
    let rx = Receiver::start("/callback", &[]);
    let token = create_session(&h, &session_body("pages-pay-0001", &rx.url));
    assert_eq!(poll(&h, "pages-pay-0001")["sessionState"], "SessionCreated");

    let r = page(&h, &token);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_html(&r);
    let csp = r.header("content-security-policy").unwrap_or("");
    assert!(csp.contains("frame-ancestors *"), "{csp}");
    assert!(r.header("x-frame-options").is_none());
    for needle in [
        "250.00 NOK",
        "Merchant 123456",
        "Two pairs of socks",
        "Wool socks",
        "id=\"pay\"",
        "id=\"cancel\"",
        "name=\"shipping\" value=\"posten-pickup\" required checked",
        "name=\"shipping\" value=\"store\"",
        "Posten – pickup point",
        "49.00 NOK",
        "id=\"email\" name=\"email\" type=\"email\" autocomplete=\"email\" value=\"kari@example.com\"",
        "id=\"firstName\" name=\"firstName\" type=\"text\" autocomplete=\"given-name\" value=\"Kari\"",
        "src=\"/sim/assets/checkout.js\"",
    ] {
        assert!(r.body.contains(needle), "missing {needle:?} in {}", r.body);
    }
    for id in [
        "phone",
        "lastName",
        "streetAddress",
        "postalCode",
        "city",
        "country",
    ] {
        assert!(r.body.contains(&format!("id=\"{id}\"")), "no #{id}");
    }
    // No external resources: scripts and styles come from the simulator itself.
    for attr in ["src=\"http", "href=\"http", "src=\"//", "href=\"//"] {
        assert!(!r.body.contains(attr), "external resource {attr:?}");
    }
    // Opening the page starts the payment.
    assert_eq!(
        poll(&h, "pages-pay-0001")["sessionState"],
        "PaymentInitiated"
    );

    let (status, location, _) = post_form(&h, "/sim/checkout/pay", &full_form(&token, "store"));
    assert_eq!(status, 303);
    assert_eq!(location.as_deref(), Some(RETURN_URL));

    let entry = h.ledger_entry("pages-pay-0001");
    assert_eq!(entry["state"], "AUTHORIZED");
    assert_eq!(entry["authorized"], 25_000);

    let got = rx.wait_for(1, 5);
    assert_eq!(got[0].headers["authorization"], CALLBACK_TOKEN);
    let cb: Value = serde_json::from_str(&got[0].body).expect("callback JSON");
    assert_eq!(cb["sessionState"], "PaymentSuccessful");
    assert_eq!(cb["reference"], "pages-pay-0001");
    let ship = &cb["shippingDetails"];
    assert_eq!(ship["shippingMethodId"], "store");
    assert_eq!(ship["amount"], json!({"value": 0, "currency": "NOK"}));
    assert_eq!(ship["streetAddress"], "Storgata 1");
    assert_eq!(ship["postalCode"], "0155");
    assert_eq!(ship["city"], "Oslo");
    assert_eq!(ship["country"], "NO");
    assert_eq!(ship["lastName"], "Nordmann");
    assert_eq!(ship["phoneNumber"], "4791234567");
    assert_eq!(cb["billingDetails"]["email"], "kari@example.com");
    assert_eq!(cb["billingDetails"]["city"], "Oslo");
    assert_eq!(cb["userInfo"]["email"], "kari@example.com");
    assert!(cb["userInfo"]["sub"].is_string());
    // The poll says the same.
    let s = poll(&h, "pages-pay-0001");
    assert_eq!(s["sessionState"], "PaymentSuccessful");
    assert_eq!(s["shippingDetails"], cb["shippingDetails"]);

    // The finished session cannot be paid again; its page says it is completed.
    let (status, _, body) = post_form(&h, "/sim/checkout/pay", &full_form(&token, "store"));
    assert_eq!(status, 409, "{body}");
    let r = page(&h, &token);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("id=\"status\"") && r.body.contains("PaymentSuccessful"));
    assert!(!r.body.contains("id=\"pay\""));
    assert!(r.body.contains("\"finalStatus\":\"PaymentSuccessful\""));
}

#[test]
fn checkout_pay_as_json_validates_the_fields_by_elements() {
    let h = start();
    let rx = Receiver::start("/cb", &[]);
    let mut body = session_body("pages-json-0001", &rx.url);
    body["configuration"] = json!({"elements": "PaymentAndContactInfo"});
    let token = create_session(&h, &body);
    let r = page(&h, &token);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("id=\"email\""));
    assert!(!r.body.contains("id=\"streetAddress\""));

    // Missing and invalid fields: 400 naming them; nothing changes.
    let r = post_json(
        &h,
        "/sim/checkout/pay",
        &json!({"token": token, "email": "nope", "firstName": "Kari", "shipping": "store"}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    let fields = r.json()["fields"].clone();
    assert_eq!(fields, json!(["lastName", "email", "phone"]));
    assert_eq!(h.ledger_entry("pages-json-0001")["state"], "CREATED");
    // An option the session does not offer.
    let r = post_json(
        &h,
        "/sim/checkout/pay",
        &json!({"token": token, "email": "k@example.com", "phone": "4791234567",
                "firstName": "Kari", "lastName": "N", "shipping": "teleport"}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.json()["fields"], json!(["shipping"]));

    let r = post_json(
        &h,
        "/sim/checkout/pay",
        &json!({"token": token, "email": "k@example.com", "phone": "4791234567",
                "firstName": "Kari", "lastName": "N", "shipping": "posten-pickup",
                "paymentMethod": "Card"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["returnUrl"], RETURN_URL);
    assert_eq!(v["sessionState"], "PaymentSuccessful");
    let cb: Value = serde_json::from_str(&rx.wait_for(1, 5)[0].body).unwrap();
    assert_eq!(cb["paymentMethod"], "Card");
    let ship = &cb["shippingDetails"];
    assert_eq!(ship["shippingMethodId"], "posten-pickup");
    assert_eq!(ship["amount"]["value"], 4900);
    assert_eq!(ship["email"], "k@example.com");
    assert!(ship.get("streetAddress").is_none(), "{ship}");
    assert!(cb["billingDetails"].get("streetAddress").is_none());
}

#[test]
fn payment_only_asks_for_nothing() {
    let h = start();
    let rx = Receiver::start("/cb", &[]);
    let mut body = session_body("pages-only-0001", &rx.url);
    body["configuration"] = json!({"elements": "PaymentOnly"});
    let token = create_session(&h, &body);
    let r = page(&h, &token);
    assert_eq!(r.status, 200);
    for id in ["email", "phone", "streetAddress", "country"] {
        assert!(!r.body.contains(&format!("id=\"{id}\"")), "#{id} shown");
    }
    assert!(!r.body.contains("name=\"shipping\""));
    assert!(r.body.contains("id=\"pay\""));
    let (status, location, _) = post_form(&h, "/sim/checkout/pay", &[("token", &token)]);
    assert_eq!((status, location.as_deref()), (303, Some(RETURN_URL)));
    let cb: Value = serde_json::from_str(&rx.wait_for(1, 5)[0].body).unwrap();
    assert_eq!(cb["sessionState"], "PaymentSuccessful");
    assert!(cb.get("shippingDetails").is_none(), "{cb}");
}

#[test]
fn cancel_terminates_and_returns_to_the_shop() {
    let h = start();
    let rx = Receiver::start("/cb", &[]);
    let token = create_session(&h, &session_body("pages-cancel-01", &rx.url));
    assert_eq!(page(&h, &token).status, 200);
    let (status, location, _) = post_form(&h, "/sim/checkout/cancel", &[("token", &token)]);
    assert_eq!((status, location.as_deref()), (303, Some(RETURN_URL)));
    assert_eq!(h.ledger_entry("pages-cancel-01")["state"], "ABORTED");
    let cb: Value = serde_json::from_str(&rx.wait_for(1, 5)[0].body).unwrap();
    assert_eq!(cb["sessionState"], "PaymentTerminated");
    assert_eq!(cb["paymentDetails"]["state"], "TERMINATED");
    // JSON cancel of a finished session: 409.
    let r = post_json(&h, "/sim/checkout/cancel", &json!({"token": token}));
    assert_eq!(r.status, 409, "{}", r.body);
}

#[test]
fn unknown_missing_and_expired_tokens_get_error_pages() {
    let h = start();
    let r = page(&h, "not-a-token");
    assert_eq!(r.status, 404);
    assert_html(&r);
    assert!(r.body.contains("Session expired or not known"));
    let r = h.call("GET", "/sim/checkout/", &[], None);
    assert_eq!(r.status, 400);
    assert_html(&r);
    let (status, _, body) = post_form(&h, "/sim/checkout/pay", &[("token", "nope")]);
    assert_eq!(status, 404, "{body}");
    assert!(body.contains("<h1>"));
    let r = post_json(&h, "/sim/checkout/pay", &json!({"token": "nope"}));
    assert_eq!(r.status, 404);
    assert!(r.json()["error"].is_string());
    let r = h.call("POST", "/sim/checkout/pay", &[], Some("{not json"));
    assert_eq!(r.status, 400);

    let token = create_session(
        &h,
        &session_body("pages-expired-1", "http://127.0.0.1:9/cb"),
    );
    h.control(
        "POST",
        "/_sim/clock/advance",
        Some(json!({"seconds": 3601})),
    );
    let r = page(&h, &token);
    assert_eq!(r.status, 404, "{}", r.body);
    assert!(r.body.contains("expired"));
    assert_eq!(h.ledger_entry("pages-expired-1")["state"], "EXPIRED");
}

/// A merchant endpoint for the dynamic logistics callback: answers every request with the
/// given status and body after `delay_ms`, and records what it got.
/// (lower-case headers, body) of one received request.
type Got = (BTreeMap<String, String>, String);

struct JsonReceiver {
    url: String,
    got: Arc<Mutex<Vec<Got>>>,
}

impl JsonReceiver {
    fn start(status: u16, body: &str, delay_ms: u64) -> JsonReceiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!(
            "http://127.0.0.1:{}/shipping",
            listener.local_addr().unwrap().port()
        );
        let got = Arc::new(Mutex::new(Vec::new()));
        let got2 = Arc::clone(&got);
        let body = body.to_string();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let Some(request) = read_request(&stream) else {
                    continue;
                };
                got2.lock().unwrap().push((request.headers, request.body));
                std::thread::sleep(Duration::from_millis(delay_ms));
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        JsonReceiver { url, got }
    }

    fn received(&self) -> Vec<Got> {
        self.got.lock().unwrap().clone()
    }
}

fn dynamic_session(h: &Harness, reference: &str, dynamic_url: &str, callback: &str) -> String {
    let mut body = session_body(reference, callback);
    body["logistics"]["dynamicOptionsCallback"] = json!(dynamic_url);
    create_session(h, &body)
}

const ADDRESS: [(&str, &str); 4] = [
    ("streetAddress", "Robert Levins gate 5"),
    ("postalCode", "0154"),
    ("city", "Oslo"),
    ("country", "NO"),
];

fn ask_options(h: &Harness, token: &str) -> Value {
    let mut req = json!({"token": token});
    for (k, v) in ADDRESS {
        req[k] = json!(v);
    }
    let r = post_json(h, "/sim/checkout/shipping-options", &req);
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

#[test]
fn dynamic_shipping_options_come_from_the_merchant() {
    let h = start();
    let rx = Receiver::start("/cb", &[]);
    let merchant = JsonReceiver::start(
        200,
        r#"[{"id":"dyn-home","priority":0,"isDefault":true,"brand":"PORTERBUDDY","type":"HOME_DELIVERY",
            "amount":{"value":9900,"currency":"NOK"}},
           {"id":"dyn-box","priority":1,"isDefault":false,"brand":"POSTNORD","type":"PICKUP_POINT",
            "amount":{"value":3900,"currency":"NOK"}}]"#,
        0,
    );
    let token = dynamic_session(&h, "pages-dyn-00001", &merchant.url, &rx.url);
    let r = page(&h, &token);
    assert!(r.body.contains("id=\"shipping-status\""));
    assert!(r.body.contains("\"dynamicOptions\":true"));

    let answer = ask_options(&h, &token);
    assert_eq!(answer["source"], "dynamic", "{answer}");
    let ids: Vec<&str> = answer["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["dyn-home", "dyn-box"]);
    assert_eq!(
        answer["options"][1]["sdk"]["price"],
        json!({"fractionalDenomination": 3900, "currency": "NOK"})
    );

    let got = merchant.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0["authorization"], CALLBACK_TOKEN);
    assert!(got[0].0["content-type"].starts_with("application/json"));
    let sent: Value = serde_json::from_str(&got[0].1).unwrap();
    assert_eq!(
        sent,
        json!({"streetAddress": "Robert Levins gate 5", "postalCode": "0154",
               "region": "Oslo", "country": "NO"})
    );
    let log = h.control("GET", "/_sim/callbacks", None).json();
    let calls: Vec<&Value> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "checkout_shipping")
        .collect();
    assert_eq!(calls.len(), 1, "{log}");
    assert_eq!(calls[0]["status"], 200);
    assert_eq!(calls[0]["url"], merchant.url.as_str());

    // The page would now show the dynamic options: the page re-rendered shows them too.
    let r = page(&h, &token);
    assert!(r.body.contains("value=\"dyn-box\""), "{}", r.body);
    // A fixed option is no longer on offer; a dynamic one is.
    let mut form = full_form(&token, "store");
    let (status, _, _) = post_form(&h, "/sim/checkout/pay", &form);
    assert_eq!(status, 400);
    form.pop();
    form.push(("shipping", "dyn-box"));
    let (status, location, body) = post_form(&h, "/sim/checkout/pay", &form);
    assert_eq!(
        (status, location.as_deref()),
        (303, Some(RETURN_URL)),
        "{body}"
    );
    let cb: Value = serde_json::from_str(&rx.wait_for(1, 5)[0].body).unwrap();
    assert_eq!(cb["shippingDetails"]["shippingMethodId"], "dyn-box");
    assert_eq!(
        cb["shippingDetails"]["amount"],
        json!({"value": 3900, "currency": "NOK"})
    );
}

#[test]
fn dynamic_shipping_falls_back_to_fixed_options() {
    let h = start();
    // A failing merchant.
    let failing = JsonReceiver::start(500, r#"{"error":"boom"}"#, 0);
    let token = dynamic_session(&h, "pages-dyn-fail1", &failing.url, "http://127.0.0.1:9/cb");
    let answer = ask_options(&h, &token);
    assert_eq!(answer["source"], "fixed");
    assert!(answer["fallbackReason"].as_str().unwrap().contains("500"));
    assert_eq!(answer["options"].as_array().unwrap().len(), 2);

    // An empty list.
    let empty = JsonReceiver::start(200, "[]", 0);
    let token = dynamic_session(&h, "pages-dyn-empty", &empty.url, "http://127.0.0.1:9/cb");
    assert_eq!(ask_options(&h, &token)["source"], "fixed");

    // Too slow: the 8 s limit, shortened here through the delivery policy's timeout.
    let r = h.call(
        "PUT",
        "/_sim/delivery-policy",
        &[],
        Some(r#"{"timeout_ms": 300}"#),
    );
    assert!(r.status < 300, "{}", r.body);
    let slow = JsonReceiver::start(
        200,
        r#"[{"id":"late","priority":0,"isDefault":true,"brand":"OTHER","title":"Late","amount":{"value":1,"currency":"NOK"}}]"#,
        1500,
    );
    let token = dynamic_session(&h, "pages-dyn-slow1", &slow.url, "http://127.0.0.1:9/cb");
    let started = std::time::Instant::now();
    let answer = ask_options(&h, &token);
    assert!(started.elapsed() < Duration::from_millis(1400));
    assert_eq!(answer["source"], "fixed", "{answer}");
    let log = h.control("GET", "/_sim/callbacks", None).json();
    let slow_call = log
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["url"] == slow.url.as_str())
        .cloned()
        .expect("slow call logged");
    assert_eq!(slow_call["kind"], "checkout_shipping");
    assert!(slow_call["status"].is_null() && slow_call["error"].is_string());
}

#[test]
fn pay_without_script_asks_the_dynamic_callback_itself() {
    let h = start();
    let rx = Receiver::start("/cb", &[]);
    let merchant = JsonReceiver::start(
        200,
        r#"[{"id":"dyn-1","priority":0,"isDefault":true,"brand":"HELTHJEM","amount":{"value":5000,"currency":"NOK"}}]"#,
        0,
    );
    let token = dynamic_session(&h, "pages-dyn-noscr", &merchant.url, &rx.url);
    let mut form = full_form(&token, "");
    form.pop();
    let (status, _, body) = post_form(&h, "/sim/checkout/pay", &form);
    assert_eq!(status, 303, "{body}");
    assert_eq!(merchant.received().len(), 1);
    let cb: Value = serde_json::from_str(&rx.wait_for(1, 5)[0].body).unwrap();
    assert_eq!(cb["shippingDetails"]["shippingMethodId"], "dyn-1");
}

fn create_epayment(h: &Harness, reference: &str, flow: &str, return_url: Option<&str>) -> Value {
    let e = h.epayment();
    let mut body = json!({
        "amount": {"currency": "NOK", "value": 12_345},
        "paymentMethod": {"type": "WALLET"},
        "reference": reference,
        "userFlow": flow,
        "paymentDescription": "A <fine> hat"
    });
    if let Some(u) = return_url {
        body["returnUrl"] = json!(u);
    }
    let r = h.call(
        "POST",
        "/epayment/v1/payments",
        &e.headers(Some(&format!("k-{reference}"))),
        Some(&body.to_string()),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()
}

#[test]
fn landing_page_approves_and_rejects() {
    let h = start();
    let created = create_epayment(&h, "landing-approve-1", "WEB_REDIRECT", Some(RETURN_URL));
    let redirect = created["redirectUrl"].as_str().unwrap();
    assert_eq!(
        redirect,
        format!("{}/sim/landing/landing-approve-1", h.server.base_url())
    );
    let r = h.call("GET", "/sim/landing/landing-approve-1", &[], None);
    assert_eq!(r.status, 200);
    assert_html(&r);
    for needle in [
        "123.45 NOK",
        "A &lt;fine&gt; hat",
        "Merchant 123456",
        "id=\"approve\"",
        "id=\"reject\"",
        "action=\"/sim/landing/landing-approve-1/approve\"",
        "action=\"/sim/landing/landing-approve-1/reject\"",
    ] {
        assert!(r.body.contains(needle), "missing {needle:?} in {}", r.body);
    }
    let (status, location, _) = post_form(&h, "/sim/landing/landing-approve-1/approve", &[]);
    assert_eq!((status, location.as_deref()), (303, Some(RETURN_URL)));
    let entry = h.ledger_entry("landing-approve-1");
    assert_eq!(entry["state"], "AUTHORIZED");
    assert_eq!(entry["authorized"], 12_345);
    // Again: refused, nothing changes.
    let (status, _, body) = post_form(&h, "/sim/landing/landing-approve-1/approve", &[]);
    assert_eq!(status, 409, "{body}");
    let r = h.call("GET", "/sim/landing/landing-approve-1", &[], None);
    assert!(r.body.contains("This payment is AUTHORIZED"));
    assert!(!r.body.contains("id=\"approve\""));

    create_epayment(&h, "landing-reject-1", "WEB_REDIRECT", Some(RETURN_URL));
    let (status, location, _) = post_form(&h, "/sim/landing/landing-reject-1/reject", &[]);
    assert_eq!((status, location.as_deref()), (303, Some(RETURN_URL)));
    assert_eq!(h.ledger_entry("landing-reject-1")["state"], "ABORTED");

    // QR without returnUrl: a "done" page instead of a redirect.
    create_epayment(&h, "landing-qr-0001", "QR", None);
    let (status, location, body) = post_form(&h, "/sim/landing/landing-qr-0001/approve", &[]);
    assert_eq!((status, location), (200, None));
    assert!(body.contains("Payment approved"));
}

#[test]
fn landing_page_for_unknown_references_is_404() {
    let h = start();
    let r = h.call("GET", "/sim/landing/no-such-ref", &[], None);
    assert_eq!(r.status, 404);
    assert_html(&r);
    assert!(r.body.contains("no-such-ref"));
    let (status, _, _) = post_form(&h, "/sim/landing/no-such-ref/approve", &[]);
    assert_eq!(status, 404);
    // A reference with markup is escaped.
    let r = h.call("GET", "/sim/landing/%3Cb%3Ex", &[], None);
    assert_eq!(r.status, 404);
    assert!(r.body.contains("&lt;b&gt;x") && !r.body.contains("<b>x"));
    // Checkout sessions are not paid on the landing page.
    create_session(
        &h,
        &session_body("landing-checkout", "http://127.0.0.1:9/cb"),
    );
    let r = h.call("GET", "/sim/landing/landing-checkout", &[], None);
    assert_eq!(r.status, 404);
}

#[test]
fn sdk_and_assets_are_served_as_scripts() {
    let h = start();
    let r = h.call("GET", "/sim/vippsCheckoutSDK.js", &[], None);
    assert_eq!(r.status, 200);
    assert!(r
        .header("content-type")
        .is_some_and(|c| c.starts_with("text/javascript")));
    for needle in [
        "global.VippsCheckout = VippsCheckout",
        "global.VippsCheckoutDirect = VippsCheckoutDirect",
        "checkoutFrontendUrl",
        "iFrameContainerId",
        "session_status_changed",
        "customer_information_changed",
    ] {
        assert!(r.body.contains(needle), "{needle}");
    }
    let r = h.call("GET", "/sim/assets/checkout.js", &[], None);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("postMessage"));
    let r = h.call("GET", "/sim/assets/pages.css", &[], None);
    assert!(r
        .header("content-type")
        .is_some_and(|c| c.starts_with("text/css")));
}

fn node() -> Option<std::path::PathBuf> {
    let ok = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then(|| "node".into())
}

/// Runs the SDK stand-in and the checkout page script under node with a minimal fake DOM.
#[test]
fn sdk_and_page_scripts_run_under_node() {
    let Some(node) = node() else {
        eprintln!("node not found: skipping the script run");
        return;
    };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js");
    for script in ["sdk_test.js", "checkout_page_test.js"] {
        let out = std::process::Command::new(&node)
            .arg(dir.join(script))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("node runs");
        assert!(
            out.status.success(),
            "{script}:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
