//! ePayment user flows in the simulator: QR (a real, readable code per `qrFormat`), push
//! (the app page lists the payment with Approve and Reject), card (the landing page's form),
//! long-living payments (`expiresAt`, a receipt, the EXPIRED webhook on the simulated clock)
//! and profile sharing (the Userinfo API).

mod common;
use common::*;
use serde_json::{json, Value};
use vipps_sim::{DEFAULT_MSN, DEFAULT_SUBSCRIPTION_KEY};

fn create(h: &Harness, e: &Epay, reference: &str, extra: Value) -> Resp {
    let mut body = json!({
        "amount": {"currency": "NOK", "value": 25_000},
        "paymentMethod": {"type": "WALLET"},
        "reference": reference,
        "paymentDescription": "Flow test",
    });
    for (k, v) in extra.as_object().cloned().unwrap_or_default() {
        body[k] = v;
    }
    h.call(
        "POST",
        "/epayment/v1/payments",
        &e.headers(Some(&format!("k-{reference}"))),
        Some(&body.to_string()),
    )
}

/// A form POST without following the `303` (the shop's return URL is not reachable here).
fn post_form(h: &Harness, path: &str, form: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(None)
        .build()
        .into();
    let resp = agent
        .post(h.url(path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(form.to_string())
        .expect("POST");
    let status = resp.status().as_u16();
    (
        status,
        resp.into_body().read_to_string().unwrap_or_default(),
    )
}

/// Status, content type and bytes of a GET (images are not text).
fn fetch(h: &Harness, url: &str) -> (u16, String, Vec<u8>) {
    let resp = h.agent.get(url).call().expect("GET");
    let status = resp.status().as_u16();
    let ctype = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = resp.into_body().read_to_vec().expect("body");
    (status, ctype, bytes)
}

/// Reads a QR code from a grayscale raster.
fn decode(w: usize, h: usize, dark: impl Fn(usize, usize) -> bool) -> String {
    let mut img =
        rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| if dark(x, y) { 0 } else { 255 });
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    grids[0].decode().expect("readable QR code").1
}

fn decode_png(bytes: &[u8]) -> (u32, String) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes.to_vec()));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("frame");
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    let (w, h) = (info.width as usize, info.height as usize);
    assert_eq!(w, h);
    (info.width, decode(w, h, |x, y| buf[y * w + x] < 128))
}

/// Rasterizes the SVG's `<path d="M{x} {y}h{w}v{h}H{x}V{y}…">` rectangles and reads the code.
fn decode_svg(svg: &str) -> String {
    let attr = |name: &str| -> usize {
        let start = svg.find(&format!(" {name}=\"")).expect(name) + name.len() + 3;
        svg[start..start + svg[start..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    let (w, h) = (attr("width"), attr("height"));
    let d_start = svg.find(" d=\"").expect("a path") + 4;
    let d = &svg[d_start..d_start + svg[d_start..].find('"').unwrap()];
    let mut dark = vec![false; w * h];
    for rect in d.split('M').filter(|s| !s.is_empty()) {
        let nums: Vec<usize> = rect
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        let (x, y, rw, rh) = (nums[0], nums[1], nums[2], nums[3]);
        for yy in y..y + rh {
            for xx in x..x + rw {
                dark[yy * w + xx] = true;
            }
        }
    }
    decode(w, h, |x, y| dark[y * w + x])
}

#[test]
fn qr_flow_returns_a_readable_code_per_format_that_opens_the_payment() {
    let h = start();
    let e = h.epayment();
    let landing = |r: &str| h.url(&format!("/sim/landing/{r}"));

    // Default: an SVG image.
    let r = create(&h, &e, "qr-svg-0001", json!({"userFlow": "QR"}));
    assert_eq!(r.status, 201, "{}", r.body);
    let url = r.json()["redirectUrl"].as_str().unwrap().to_string();
    assert_eq!(url, h.url("/sim/qr/qr-svg-0001"));
    let (status, ctype, bytes) = fetch(&h, &url);
    assert_eq!((status, ctype.as_str()), (200, "image/svg+xml"));
    assert_eq!(
        decode_svg(std::str::from_utf8(&bytes).unwrap()),
        landing("qr-svg-0001")
    );

    // PNG at the asked size.
    let r = create(
        &h,
        &e,
        "qr-png-0001",
        json!({"userFlow": "QR", "qrFormat": {"format": "IMAGE/PNG", "size": 400}}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let url = r.json()["redirectUrl"].as_str().unwrap().to_string();
    let (status, ctype, bytes) = fetch(&h, &url);
    assert_eq!((status, ctype.as_str()), (200, "image/png"));
    assert_eq!(decode_png(&bytes), (400, landing("qr-png-0001")));

    // TEXT/TARGETURL: the URL itself, which opens the payment.
    let r = create(
        &h,
        &e,
        "qr-url-0001",
        json!({"userFlow": "QR", "qrFormat": {"format": "TEXT/TARGETURL"}}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["redirectUrl"], landing("qr-url-0001"));

    // Scanning and approving authorizes; the one-time code is then gone.
    let r = post_form(&h, "/sim/landing/qr-png-0001/approve", "");
    assert_eq!(r.0, 200, "no returnUrl: the page says it is done; {}", r.1);
    assert_eq!(e.get("qr-png-0001").json()["state"], "AUTHORIZED");
    assert_eq!(fetch(&h, &url).0, 404);

    // A size outside 100..=2000 is refused.
    let r = create(
        &h,
        &e,
        "qr-bad-0001",
        json!({"userFlow": "QR", "qrFormat": {"format": "IMAGE/PNG", "size": 50}}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
}

#[test]
fn push_flow_waits_in_the_app_of_that_phone_number() {
    let h = start();
    let e = h.epayment();
    let phone = "4798765432";
    let r = create(&h, &e, "push-0000", json!({"userFlow": "PUSH_MESSAGE"}));
    assert_eq!(r.status, 400, "customer is required: {}", r.body);
    for reference in ["push-0001", "push-0002"] {
        let r = create(
            &h,
            &e,
            reference,
            json!({"userFlow": "PUSH_MESSAGE", "customer": {"phoneNumber": phone}}),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        assert!(r.json().get("redirectUrl").is_none(), "{}", r.body);
    }
    let page = h.call("GET", &format!("/sim/app/{phone}"), &[], None);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("data-reference=\"push-0001\""));
    assert!(page.body.contains("data-reference=\"push-0002\""));
    // Another phone number sees nothing and cannot act.
    let other = h.call("GET", "/sim/app/4712345678", &[], None);
    assert!(other.body.contains("id=\"no-pending\""), "{}", other.body);
    let r = post_form(&h, "/sim/app/4712345678/pending/push-0001/approve", "");
    assert_eq!(r.0, 404);
    assert_eq!(e.get("push-0001").json()["state"], "CREATED");

    let approve = post_form(
        &h,
        &format!("/sim/app/{phone}/pending/push-0001/approve"),
        "",
    );
    assert_eq!(approve.0, 303);
    let reject = post_form(
        &h,
        &format!("/sim/app/{phone}/pending/push-0002/reject"),
        "",
    );
    assert_eq!(reject.0, 303);
    assert_eq!(e.get("push-0001").json()["state"], "AUTHORIZED");
    assert_eq!(e.get("push-0002").json()["state"], "ABORTED");
    let page = h.call("GET", &format!("/sim/app/{phone}"), &[], None);
    assert!(page.body.contains("id=\"no-pending\""));
    assert!(page
        .body
        .contains("class=\"payment\" data-reference=\"push-0001\""));
}

#[test]
fn card_payments_are_web_redirect_only_and_paid_through_the_card_form() {
    let h = start();
    let e = h.epayment();
    let card = json!({"type": "CARD"});
    let r = create(
        &h,
        &e,
        "card-qr-0001",
        json!({"userFlow": "QR", "paymentMethod": card}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    let r = create(
        &h,
        &e,
        "card-0001",
        json!({"userFlow": "WEB_REDIRECT", "returnUrl": "https://shop.example/back",
               "paymentMethod": card, "receiptUrl": "https://shop.example/r/1",
               "customerInteraction": "CUSTOMER_NOT_PRESENT"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let page = h.call("GET", "/sim/landing/card-0001", &[], None);
    assert!(page.body.contains("id=\"card-form\""), "{}", page.body);
    assert!(!page.body.contains("id=\"approve\""));
    let form = |body: &str| post_form(&h, "/sim/landing/card-0001/approve", body);
    let bad = form("cardNumber=4925000000000005&expiry=12%2F30&cvc=123");
    assert_eq!(bad.0, 400);
    assert!(bad.1.contains("card-error"));
    assert_eq!(e.get("card-0001").json()["state"], "CREATED");
    let good = form("cardNumber=4925+0000+0000+0004&expiry=12%2F30&cvc=123");
    assert_eq!(good.0, 303, "{}", good.1);
    let got = e.get("card-0001").json();
    assert_eq!(got["state"], "AUTHORIZED");
    assert_eq!(got["paymentMethod"]["type"], "CARD");
    assert_eq!(got["paymentMethod"]["cardBin"], "492500");
}

#[test]
fn long_living_payment_needs_a_receipt_and_expires_with_a_webhook() {
    let h = start();
    let e = h.epayment();
    let hooks = Receiver::start("/hooks", &[]);
    let reg = json!({"url": hooks.url, "events": ["epayments.payment.expired.v1"]});
    let r = h.call(
        "POST",
        "/webhooks/v1/webhooks",
        &[
            ("Authorization", e.bearer.as_str()),
            ("Ocp-Apim-Subscription-Key", DEFAULT_SUBSCRIPTION_KEY),
            ("Merchant-Serial-Number", DEFAULT_MSN),
        ],
        Some(&reg.to_string()),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let now = h.control("POST", "/_sim/clock/advance", Some(json!({"seconds": 0})));
    let now_ms = vipps_sim::timefmt::parse_rfc3339(now.json()["now"].as_str().unwrap())
        .expect("the simulated time");
    let at = |minutes: i64| vipps_sim::timefmt::rfc3339_ms(now_ms + minutes * 60_000);
    let push = json!({"userFlow": "PUSH_MESSAGE", "customer": {"phoneNumber": "4798765432"}});
    let with = |extra: Value| {
        let mut v = push.clone();
        for (k, x) in extra.as_object().cloned().unwrap() {
            v[k] = x;
        }
        v
    };
    let receipt = json!({"orderLines": [], "bottomLine": {"currency": "NOK"}});
    let r = create(&h, &e, "long-0001", with(json!({"expiresAt": at(60)})));
    assert_eq!(r.status, 400);
    assert_eq!(r.error_code().as_deref(), Some("6130"), "{}", r.body);
    let r = create(
        &h,
        &e,
        "long-0002",
        with(json!({"expiresAt": at(5), "receipt": receipt})),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    let r = create(
        &h,
        &e,
        "long-0003",
        with(json!({"expiresAt": at(60), "receipt": receipt})),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    // Past the usual five minutes it still waits in the app ...
    let r = h.control(
        "POST",
        "/_sim/clock/advance",
        Some(json!({"seconds": 30 * 60})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let page = h.call("GET", "/sim/app/4798765432", &[], None);
    assert!(
        page.body.contains("data-reference=\"long-0003\""),
        "{}",
        page.body
    );
    assert!(hooks.received().is_empty());
    // ... and at its expiresAt it expires, with the webhook.
    let r = h.control(
        "POST",
        "/_sim/clock/advance",
        Some(json!({"seconds": 31 * 60})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let got = hooks.wait_for(1, 10);
    let body: Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!(body["reference"], "long-0003");
    assert_eq!(body["name"], "EXPIRED");
    let e = h.epayment(); // tokens expire on the simulated clock too
    assert_eq!(e.get("long-0003").json()["state"], "EXPIRED");
}

#[test]
fn userinfo_answers_the_granted_scopes_for_a_week() {
    let h = start();
    let e = h.epayment();
    let r = create(
        &h,
        &e,
        "profile-0001",
        json!({"userFlow": "WEB_REDIRECT", "returnUrl": "https://shop.example/back",
               "profile": {"scope": "name phoneNumber"}}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(e.get("profile-0001").json()["profile"].get("sub").is_none());
    h.control("POST", "/_sim/payments/profile-0001/approve", None);
    let sub = e.get("profile-0001").json()["profile"]["sub"]
        .as_str()
        .expect("sub once authorized")
        .to_string();
    let path = format!("/vipps-userinfo-api/userinfo/{sub}");
    let r = h.call("GET", &path, &[], None);
    assert_eq!(r.status, 401);
    let r = h.call("GET", &path, &[("Authorization", e.bearer.as_str())], None);
    assert_eq!(r.status, 200, "{}", r.body);
    let info = r.json();
    assert_eq!(info["sub"], sub);
    assert_eq!(info["name"], "Ada Lovelace");
    assert!(info["phone_number"].is_string());
    assert!(info.get("email").is_none() && info.get("address").is_none());
    let r = h.call(
        "GET",
        "/vipps-userinfo-api/userinfo/not-a-sub",
        &[("Authorization", e.bearer.as_str())],
        None,
    );
    assert_eq!(r.status, 404);
    let r = h.control(
        "POST",
        "/_sim/clock/advance",
        Some(json!({"seconds": 169 * 3600})),
    );
    assert_eq!(r.status, 200);
    let e = h.epayment();
    let r = h.call("GET", &path, &[("Authorization", e.bearer.as_str())], None);
    assert_eq!(r.status, 404, "{}", r.body);
}
