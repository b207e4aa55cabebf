//! Issue 20, the user flows: QR (image or target URL), PUSH_MESSAGE (the payment waits in the
//! customer's app), long-living payments (`expiresAt` with a receipt, EXPIRED and its webhook
//! on the simulated clock), profile sharing (`profile.sub` and `get_userinfo`) and card
//! payments, each driven through the library against the simulator. Bad combinations are
//! refused before anything is sent.

mod common;

use common::receiver::Receiver;
use common::{reference, Harness};
use serde_json::{json, Value};
use std::time::{SystemTime, UNIX_EPOCH};
use vipps::{Client, ErrorKind};

const PHONE: &str = "4798765432";

fn request(reference: &str, flow: &str, extra: Value) -> Value {
    let mut body = json!({
        "amount": {"value": 25_000, "currency": "NOK"},
        "paymentMethod": {"type": "WALLET"},
        "reference": reference,
        "userFlow": flow,
        "paymentDescription": "Two pairs of socks",
    });
    for (k, v) in extra.as_object().cloned().unwrap_or_default() {
        body[k] = v;
    }
    body
}

/// GET or form POST without following redirects: (status, content type, bytes).
fn http(method: &str, url: &str) -> (u16, String, Vec<u8>) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let req = ureq::http::Request::builder()
        .method(method)
        .uri(url)
        .header("Content-Type", "application/x-www-form-urlencoded");
    let mut resp = agent.run(req.body(String::new()).unwrap()).expect("answer");
    let ctype = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = resp.body_mut().read_to_vec().unwrap_or_default();
    (resp.status().as_u16(), ctype, bytes)
}

fn page(url: &str) -> String {
    String::from_utf8(http("GET", url).2).unwrap()
}

fn state(client: &Client, r: &str) -> Value {
    client.get_payment(&json!({"reference": r})).unwrap()["normalized"]["status"].clone()
}

/// The simulator saw no create request for this reference.
fn nothing_sent(h: &Harness, r: &str) {
    let sent = h
        .requests("/epayment/v1/payments")
        .into_iter()
        .filter(|q| q["body"].as_str().is_some_and(|b| b.contains(r)))
        .count();
    assert_eq!(sent, 0, "a refused request must not be sent");
}

fn advance(h: &Harness, seconds: i64) {
    let (status, body) = h.control(
        "POST",
        "/_sim/clock/advance",
        Some(json!({"seconds": seconds})),
    );
    assert_eq!(status, 200, "{body}");
}

fn rfc3339_in(seconds: i64) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    vipps_sim::timefmt::rfc3339_ms((now + seconds) * 1000)
}

#[test]
fn qr_flow_gives_an_image_or_the_target_url() {
    let h = Harness::start();
    let client = h.client();
    let r = reference("qr-png");
    let data = client
        .create_payment(&request(
            &r,
            "QR",
            json!({"qrFormat": {"format": "IMAGE/PNG", "size": 300}}),
        ))
        .unwrap();
    let image = data["redirectUrl"].as_str().unwrap();
    let (status, ctype, bytes) = http("GET", image);
    assert_eq!((status, ctype.as_str()), (200, "image/png"));
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));

    let r = reference("qr-svg");
    let data = client
        .create_payment(&request(&r, "QR", json!({})))
        .unwrap();
    let (status, ctype, bytes) = http("GET", data["redirectUrl"].as_str().unwrap());
    assert_eq!((status, ctype.as_str()), (200, "image/svg+xml"));
    assert!(String::from_utf8(bytes).unwrap().contains("<svg"));

    let r = reference("qr-url");
    let data = client
        .create_payment(&request(
            &r,
            "QR",
            json!({"qrFormat": {"format": "TEXT/TARGETURL"}}),
        ))
        .unwrap();
    let target = data["redirectUrl"].as_str().unwrap();
    assert!(
        page(target).contains(&r),
        "the target URL opens the payment"
    );
    assert_eq!(http("POST", &format!("{target}/approve")).0, 200);
    assert_eq!(state(&client, &r), "authorized");

    // qrFormat belongs to QR; a size outside 100..=2000 is refused.
    let r = reference("qr-bad");
    let with_web = request(
        &r,
        "WEB_REDIRECT",
        json!({"returnUrl": "https://shop.example/r", "qrFormat": {"format": "IMAGE/PNG"}}),
    );
    let e = client.create_payment(&with_web).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert!(e.message.starts_with("qrFormat"), "{}", e.message);
    let too_big = request(
        &r,
        "QR",
        json!({"qrFormat": {"format": "IMAGE/PNG", "size": 2001}}),
    );
    let e = client.create_payment(&too_big).unwrap_err();
    assert!(e.message.starts_with("qrFormat.size"), "{}", e.message);
    nothing_sent(&h, &r);
}

#[test]
fn push_flow_is_approved_in_the_app_of_that_phone_number() {
    let h = Harness::start();
    let client = h.client();
    let r = reference("push");
    let e = client
        .create_payment(&request(&r, "PUSH_MESSAGE", json!({})))
        .unwrap_err();
    assert!(
        e.message.starts_with("customer is required"),
        "{}",
        e.message
    );
    for bad in ["+4798765432", "98765432", "47 98765432"] {
        let e = client
            .create_payment(&request(
                &r,
                "PUSH_MESSAGE",
                json!({"customer": {"phoneNumber": bad}}),
            ))
            .unwrap_err();
        assert!(
            e.message.starts_with("customer.phoneNumber"),
            "{bad}: {}",
            e.message
        );
    }
    nothing_sent(&h, &r);

    let data = client
        .create_payment(&request(
            &r,
            "PUSH_MESSAGE",
            json!({"customer": {"phoneNumber": PHONE}}),
        ))
        .unwrap();
    assert!(data.get("redirectUrl").is_none(), "{data}");
    let app = format!("{}/sim/app/{PHONE}", h.base_url());
    assert!(page(&app).contains(&format!("data-reference=\"{r}\"")));
    let (status, _, _) = http("POST", &format!("{app}/pending/{r}/approve"));
    assert_eq!(status, 303);
    assert_eq!(state(&client, &r), "authorized");
}

#[test]
fn native_redirect_needs_a_return_url_and_opens_the_landing_page() {
    let h = Harness::start();
    let client = h.client();
    let r = reference("native");
    let e = client
        .create_payment(&request(&r, "NATIVE_REDIRECT", json!({})))
        .unwrap_err();
    assert!(
        e.message.starts_with("returnUrl is required"),
        "{}",
        e.message
    );
    let data = client
        .create_payment(&request(
            &r,
            "NATIVE_REDIRECT",
            json!({"returnUrl": "myshopapp://vipps/return"}),
        ))
        .unwrap();
    assert!(page(data["redirectUrl"].as_str().unwrap()).contains(&r));
}

#[test]
fn long_living_payment_needs_a_receipt_and_expires_at_its_time() {
    let h = Harness::start();
    let receiver = Receiver::start();
    let client = h.client();
    client
        .register_webhook(
            &json!({"url": receiver.url("/hook"), "events": ["epayments.payment.expired.v1"]}),
        )
        .unwrap();
    let r = reference("long");
    let push = json!({"customer": {"phoneNumber": PHONE}, "expiresAt": rfc3339_in(20 * 60)});
    let e = client
        .create_payment(&request(&r, "PUSH_MESSAGE", push.clone()))
        .unwrap_err();
    assert!(
        e.message.starts_with("receipt is required"),
        "{}",
        e.message
    );
    let mut with_receipt = request(&r, "PUSH_MESSAGE", push);
    with_receipt["receipt"] = json!({
        "orderLines": [{"name": "Socks", "id": "socks", "totalAmount": 25_000,
                        "totalAmountExcludingTax": 20_000, "totalTaxAmount": 5_000, "taxRate": 2500}],
        "bottomLine": {"currency": "NOK"}
    });
    for (flow, extra) in [
        (
            "WEB_REDIRECT",
            json!({"returnUrl": "https://shop.example/r"}),
        ),
        (
            "NATIVE_REDIRECT",
            json!({"returnUrl": "https://shop.example/r"}),
        ),
    ] {
        let mut body = with_receipt.clone();
        body["userFlow"] = json!(flow);
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let e = client.create_payment(&body).unwrap_err();
        assert!(
            e.message.starts_with("expiresAt can only"),
            "{flow}: {}",
            e.message
        );
    }
    let mut too_soon = with_receipt.clone();
    too_soon["expiresAt"] = json!(rfc3339_in(5 * 60));
    assert!(client.create_payment(&too_soon).is_err());
    let mut too_late = with_receipt.clone();
    too_late["expiresAt"] = json!(rfc3339_in(61 * 24 * 3600));
    assert!(client.create_payment(&too_late).is_err());
    nothing_sent(&h, &r);

    client.create_payment(&with_receipt).unwrap();
    // The usual five minutes pass; the payment waits until its expiresAt.
    advance(&h, 10 * 60);
    assert_eq!(state(&client, &r), "pending");
    advance(&h, 11 * 60);
    let all = receiver.wait_until(10, |all| {
        all.iter().any(|c| c.json()["reference"] == r.as_str())
    });
    let hook = all
        .iter()
        .find(|c| c.json()["reference"] == r.as_str())
        .unwrap();
    assert_eq!(hook.json()["name"], "EXPIRED");
    assert_eq!(state(&client, &r), "expired");
}

#[test]
fn profile_sharing_gives_a_sub_and_the_granted_userinfo() {
    let h = Harness::start();
    let client = h.client();
    let r = reference("profile");
    let bad_scope = request(
        &r,
        "WEB_REDIRECT",
        json!({"returnUrl": "https://shop.example/r", "profile": {"scope": "name shoeSize"}}),
    );
    let e = client.create_payment(&bad_scope).unwrap_err();
    assert!(e.message.starts_with("profile.scope"), "{}", e.message);
    client
        .create_payment(&request(
            &r,
            "WEB_REDIRECT",
            json!({"returnUrl": "https://shop.example/r", "profile": {"scope": "name email"}}),
        ))
        .unwrap();
    h.approve(&r);
    let payment = client.get_payment(&json!({"reference": r})).unwrap();
    let sub = payment["profile"]["sub"]
        .as_str()
        .expect("a sub")
        .to_owned();
    let info = client.get_userinfo(&json!({"sub": sub})).unwrap();
    assert_eq!(info["sub"], sub.as_str());
    assert_eq!(info["given_name"], "Ada");
    assert_eq!(info["email"], "ada.lovelace@example.com");
    assert!(info.get("phone_number").is_none() && info.get("address").is_none());

    let before = h.requests("/vipps-userinfo-api").len();
    for bad in [
        json!({}),
        json!({"sub": "../payments"}),
        json!({"sub": sub, "scope": "nin"}),
    ] {
        let e = client.get_userinfo(&bad).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput, "{bad}");
    }
    assert_eq!(h.requests("/vipps-userinfo-api").len(), before);
    let e = client
        .get_userinfo(&json!({"sub": "00000000-0000-0000-0000-000000000000"}))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound, "{e:?}");
}

#[test]
fn card_payment_passes_its_fields_through_and_is_paid_with_the_card_form() {
    let h = Harness::start();
    let client = h.client();
    let r = reference("card");
    let card = |flow: &str, extra: Value| {
        let mut body = request(&r, flow, extra);
        body["paymentMethod"] = json!({"type": "CARD"});
        body
    };
    let e = client.create_payment(&card("QR", json!({}))).unwrap_err();
    assert!(e.message.starts_with("paymentMethod.type"), "{}", e.message);
    let e = client
        .create_payment(&card(
            "WEB_REDIRECT",
            json!({"returnUrl": "https://shop.example/r", "receiptUrl": "http://shop.example/receipt"}),
        ))
        .unwrap_err();
    assert!(e.message.starts_with("receiptUrl"), "{}", e.message);
    nothing_sent(&h, &r);

    let extra = json!({
        "returnUrl": "https://shop.example/r",
        "receiptUrl": "https://shop.example/receipt/1",
        "customerInteraction": "CUSTOMER_NOT_PRESENT",
        "metadata": {"orderId": "1001"},
        "industryData": {"airlineData": {"agencyInvoiceNumber": "A1", "airlineCode": "074",
            "airlineDesignatorCode": "KL", "passengerName": "ADA LOVELACE", "ticketNumber": "123-1234567890"}},
    });
    let data = client
        .create_payment(&card("WEB_REDIRECT", extra.clone()))
        .unwrap();
    let sent = h
        .requests("/epayment/v1/payments")
        .into_iter()
        .find(|q| q["body"].as_str().is_some_and(|b| b.contains(&r)))
        .expect("the create request");
    let body: Value = serde_json::from_str(sent["body"].as_str().unwrap()).unwrap();
    for field in [
        "receiptUrl",
        "customerInteraction",
        "metadata",
        "industryData",
    ] {
        assert_eq!(body[field], extra[field], "{field} is passed through");
    }
    let landing = data["redirectUrl"].as_str().unwrap();
    assert!(page(landing).contains("id=\"card-form\""));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let resp = agent
        .post(format!("{landing}/approve"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send("cardNumber=4925000000000004&expiry=12%2F30&cvc=123")
        .unwrap();
    assert_eq!(resp.status().as_u16(), 303);
    let payment = client.get_payment(&json!({"reference": r})).unwrap();
    assert_eq!(payment["normalized"]["status"], "authorized");
    assert_eq!(payment["paymentMethod"]["type"], "CARD");
    assert_eq!(payment["paymentMethod"]["cardBin"], "492500");
    assert_eq!(payment["metadata"]["orderId"], "1001");
}
