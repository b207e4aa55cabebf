//! Order Management over real HTTP: receipts, categories, images and the order read, every
//! refusal (400 with the field, 404, 409, bad credentials), the adding-up rule, and what the
//! stand-in of the customer's app shows.

mod common;
mod ecom_common;
mod om_common;

use common::Resp;
use om_common::{client, invalid_params, line, png, reason, receipt_for};
use serde_json::{json, Value};
use vipps_sim::{SimOptions, DEFAULT_MSN, DEFAULT_SUBSCRIPTION_KEY};

fn assert_error(r: &Resp, status: u16) {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let body = r.json();
    for key in ["title", "detail", "instance"] {
        assert!(
            body[key].as_str().is_some_and(|s| !s.is_empty()),
            "{key}: {body}"
        );
    }
}

fn stored(h: &common::Harness, order_id: &str) -> Resp {
    h.control("GET", &format!("/_sim/order-management/{order_id}"), None)
}

#[test]
fn a_receipt_is_stored_once_and_read_back() {
    let h = common::start();
    let om = client(&h);
    h.epayment().authorized("om-receipt-1", 25_000);
    let receipt = receipt_for(25_000);

    let r = om.add_receipt("om-receipt-1", &receipt);
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(
        r.json().as_str().is_some_and(|id| id.len() == 36),
        "{}",
        r.body
    );

    let r = om.get_order("om-receipt-1");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json(), json!({ "receipt": receipt }));

    // A second receipt, even a different valid one, is refused and changes nothing.
    let mut other = receipt_for(25_000);
    other["bottomLine"]["receiptNumber"] = json!("R-2");
    let r = om.add_receipt("om-receipt-1", &other);
    assert_error(&r, 409);
    assert!(r.json()["detail"]
        .as_str()
        .unwrap()
        .contains("om-receipt-1"));
    assert_eq!(om.get_order("om-receipt-1").json()["receipt"], receipt);

    let s = stored(&h, "om-receipt-1").json();
    assert_eq!(s["orders"][0]["msn"], DEFAULT_MSN);
    assert_eq!(s["orders"][0]["receipt"], receipt);
    assert_eq!(s["orders"][0]["category"], Value::Null);
}

#[test]
fn a_basket_that_does_not_add_up_is_refused_with_the_difference() {
    let h = common::start();
    let om = client(&h);
    h.epayment().authorized("om-sum-0001", 10_000);

    // Lines add up to 9 900: 100 øre short of the payment.
    let receipt = json!({"orderLines": [line("a", "A", 4_900), line("b", "B", 5_000)],
                         "bottomLine": {"currency": "NOK"}});
    let r = om.add_receipt("om-sum-0001", &receipt);
    assert_error(&r, 400);
    assert_eq!(invalid_params(&r), ["orderLines"]);
    let why = reason(&r, "orderLines");
    assert!(
        why.contains("9900") && why.contains("10000") && why.contains("-100"),
        "{why}"
    );

    // A line whose gross is not net + tax names the line and the difference.
    let mut bad = line("a", "A", 10_000);
    bad["totalTaxAmount"] = json!(2_001);
    let r = om.add_receipt(
        "om-sum-0001",
        &json!({"orderLines": [bad], "bottomLine": {"currency": "NOK"}}),
    );
    assert_error(&r, 400);
    assert_eq!(invalid_params(&r), ["orderLines[0].totalAmount"]);
    assert!(reason(&r, "orderLines[0].totalAmount").contains("difference is -1"));

    // The currency must be the payment's.
    let mut dkk = receipt_for(10_000);
    dkk["bottomLine"]["currency"] = json!("DKK");
    let r = om.add_receipt("om-sum-0001", &dkk);
    assert_error(&r, 400);
    assert_eq!(invalid_params(&r), ["bottomLine.currency"]);

    // Returns count negative, the tip counts: 12 000 - 2 500 + 500 = 10 000.
    let mut ret = line("r", "Returned socks", 2_500);
    ret["isReturn"] = json!(true);
    let receipt = json!({"orderLines": [line("a", "A", 12_000), ret],
                         "bottomLine": {"currency": "NOK", "tipAmount": 500}});
    // Nothing of the refusals was stored.
    assert_eq!(stored(&h, "om-sum-0001").status, 404);
    let r = om.add_receipt("om-sum-0001", &receipt);
    assert_eq!(r.status, 201, "{}", r.body);
}

#[test]
fn each_invalid_field_is_named() {
    let h = common::start();
    let om = client(&h);
    h.epayment().authorized("om-fields-1", 10_000);
    let cases: Vec<(Value, &[&str])> = vec![
        (json!({}), &["orderLines", "bottomLine"]),
        (
            json!({"orderLines": [], "bottomLine": {"currency": "NOK"}}),
            &["orderLines"],
        ),
        (
            json!({"orderLines": [{"name": "", "totalAmount": 100.5, "totalAmountExcludingTax": "80",
                   "totalTaxAmount": 20, "taxRate": 10_001}], "bottomLine": {}}),
            &[
                "orderLines[0].name",
                "orderLines[0].id",
                "orderLines[0].totalAmount",
                "orderLines[0].totalAmountExcludingTax",
                "orderLines[0].taxRate",
                "bottomLine.currency",
            ],
        ),
        (
            json!({"orderLines": [{"name": "A", "id": "1", "totalAmount": -100,
                   "totalAmountExcludingTax": -80, "totalTaxAmount": -20, "taxPercentage": 101,
                   "discount": -5, "isShipping": "yes",
                   "unitInfo": {"unitPrice": 100, "quantity": "2,5", "quantityUnit": "BOX"}}],
                   "bottomLine": {"currency": "SEK", "tipAmount": -1,
                                  "barcode": {"format": "QR"}}}),
            &[
                "orderLines[0].totalAmount",
                "orderLines[0].totalAmountExcludingTax",
                "orderLines[0].totalTaxAmount",
                "orderLines[0].taxPercentage",
                "orderLines[0].unitInfo.quantity",
                "orderLines[0].unitInfo.quantityUnit",
                "orderLines[0].discount",
                "orderLines[0].isShipping",
                "bottomLine.currency",
                "bottomLine.tipAmount",
                "bottomLine.barcode.format",
                "bottomLine.barcode.data",
            ],
        ),
    ];
    for (body, want) in cases {
        let r = om.add_receipt("om-fields-1", &body);
        assert_error(&r, 400);
        assert_eq!(invalid_params(&r), want, "{body}");
    }
    // Neither taxRate nor taxPercentage.
    let mut no_tax = line("a", "A", 10_000);
    no_tax.as_object_mut().unwrap().remove("taxRate");
    let r = om.add_receipt(
        "om-fields-1",
        &json!({"orderLines": [no_tax.clone()], "bottomLine": {"currency": "NOK"}}),
    );
    assert_eq!(invalid_params(&r), ["orderLines[0].taxRate"]);
    // The deprecated taxPercentage alone is enough; a decimal quantity is fine.
    no_tax["taxPercentage"] = json!(25);
    no_tax["unitInfo"]["quantity"] = json!("0.822");
    let r = om.add_receipt(
        "om-fields-1",
        &json!({"orderLines": [no_tax], "bottomLine": {"currency": "NOK"}}),
    );
    assert_eq!(r.status, 201, "{}", r.body);

    // Path parameters and malformed bodies.
    let r = om.add_receipt_as("CARD", "om-fields-1", "{}");
    assert_error(&r, 400);
    assert_eq!(invalid_params(&r), ["paymentType"]);
    let r = om.add_receipt_as("ECOM", "om%20fields", "{}");
    assert_eq!(invalid_params(&r), ["orderId"]);
    let r = om.add_receipt_as("ECOM", "om-fields-1", "{not json");
    assert_error(&r, 400);
    assert_eq!(invalid_params(&r), ["body"]);
}

#[test]
fn unknown_orders_are_404() {
    let opts = SimOptions {
        merchant_serial_numbers: vec![DEFAULT_MSN.to_string(), "654321".to_string()],
        ..SimOptions::default()
    };
    let h = common::start_with(opts);
    let om = client(&h);
    h.epayment().authorized("om-mine-001", 10_000);
    let receipt = receipt_for(10_000);
    assert_error(&om.add_receipt("no-such-order", &receipt), 404);
    assert_error(&om.get_order("no-such-order"), 404);
    let cat = json!({"category": "RECEIPT", "orderDetailsUrl": "https://example.com/o/1"});
    assert_error(&om.set_category("no-such-order", &cat), 404);
    // Known order, nothing stored yet: 404 too.
    let r = om.get_order("om-mine-001");
    assert_error(&r, 404);
    assert!(r.json()["detail"]
        .as_str()
        .unwrap()
        .contains("No receipt or category"));
    // RECURRING agreements are not simulated.
    assert_error(
        &om.add_receipt_as("RECURRING", "om-mine-001", &receipt.to_string()),
        404,
    );
    // Another merchant does not see this merchant's payment.
    let other = om_common::Om {
        msn: "654321".into(),
        ..client(&h)
    };
    assert_error(&other.add_receipt("om-mine-001", &receipt), 404);
    assert_eq!(om.add_receipt("om-mine-001", &receipt).status, 201);
    assert_error(&other.get_order("om-mine-001"), 404);
}

#[test]
fn credentials_are_checked_and_system_headers_logged() {
    let h = common::start();
    let om = client(&h);
    h.epayment().authorized("om-auth-0001", 10_000);
    let body = receipt_for(10_000).to_string();
    let path = "/order-management/v2/ECOM/receipts/om-auth-0001";
    let without = |skip: &str| -> Vec<(&str, &str)> {
        om.headers()
            .into_iter()
            .filter(|(k, _)| *k != skip)
            .collect()
    };
    let r = h.call("POST", path, &without("Authorization"), Some(&body));
    assert_error(&r, 401);
    let mut bad_token = without("Authorization");
    bad_token.push(("Authorization", "Bearer nope"));
    assert_error(&h.call("POST", path, &bad_token, Some(&body)), 401);
    let mut bad_key = without("Ocp-Apim-Subscription-Key");
    bad_key.push(("Ocp-Apim-Subscription-Key", "wrong"));
    assert_error(&h.call("POST", path, &bad_key, Some(&body)), 401);
    assert_error(
        &h.call(
            "POST",
            path,
            &without("Merchant-Serial-Number"),
            Some(&body),
        ),
        400,
    );
    let mut other_msn = without("Merchant-Serial-Number");
    other_msn.push(("Merchant-Serial-Number", "999999"));
    assert_error(&h.call("POST", path, &other_msn, Some(&body)), 403);
    // The Vipps-System headers may be up to 100 characters here (30 in ePayment).
    let long = "x".repeat(100);
    let mut long_ok = without("Vipps-System-Name");
    long_ok.push(("Vipps-System-Name", &long));
    let r = h.call(
        "GET",
        "/order-management/v2/ECOM/om-auth-0001",
        &long_ok,
        None,
    );
    assert_error(&r, 404);
    let too_long = "x".repeat(101);
    let mut long_bad = without("Vipps-System-Name");
    long_bad.push(("Vipps-System-Name", &too_long));
    let r = h.call("POST", path, &long_bad, Some(&body));
    assert_error(&r, 400);
    assert_eq!(invalid_params(&r), ["Vipps-System-Name"]);
    let images = "/order-management/v1/images";
    assert_error(
        &h.call("POST", images, &without("Authorization"), Some("{}")),
        401,
    );
    // None of these stored anything; the real one goes through.
    assert_eq!(stored(&h, "om-auth-0001").status, 404);
    assert_eq!(h.call("POST", path, &om.headers(), Some(&body)).status, 201);

    let log = h
        .control("GET", "/_sim/requests?path_prefix=/order-management", None)
        .json();
    let last = log.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["status"], 201);
    assert_eq!(last["headers"]["vipps-system-name"], "acme");
    assert_eq!(last["headers"]["vipps-system-plugin-version"], "2.0");
    assert_eq!(
        last["headers"]["ocp-apim-subscription-key"],
        DEFAULT_SUBSCRIPTION_KEY
    );
}

#[test]
fn categories_link_the_order_and_may_show_an_image() {
    let h = common::start();
    let om = client(&h);
    h.epayment().authorized("om-cat-0001", 10_000);
    let r = om.set_category(
        "om-cat-0001",
        &json!({"category": "ORDER_CONFIRMATION", "orderDetailsUrl": "https://shop.example/orders/1"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.json().is_string());
    assert_eq!(
        om.get_order("om-cat-0001").json(),
        json!({"category": {"category": "ORDER_CONFIRMATION", "orderDetailsUrl": "https://shop.example/orders/1"}})
    );

    // The latest category replaces the previous one; a local shop may use http on loopback.
    assert_eq!(om.upload("logo-1", &png(200, 200)).status, 200);
    let latest = json!({"category": "TICKET", "orderDetailsUrl": "http://127.0.0.1:8080/t/1", "imageId": "logo-1"});
    assert_eq!(om.set_category("om-cat-0001", &latest).status, 200);
    assert_eq!(om.get_order("om-cat-0001").json()["category"], latest);

    for (body, field) in [
        (
            json!({"category": "SHIPPING", "orderDetailsUrl": "https://x.example"}),
            "category",
        ),
        (json!({"orderDetailsUrl": "https://x.example"}), "category"),
        (json!({"category": "RECEIPT"}), "orderDetailsUrl"),
        (
            json!({"category": "RECEIPT", "orderDetailsUrl": "http://shop.example/o"}),
            "orderDetailsUrl",
        ),
        (
            json!({"category": "RECEIPT", "orderDetailsUrl": "/relative"}),
            "orderDetailsUrl",
        ),
        (
            json!({"category": "RECEIPT", "orderDetailsUrl": "https://x.example", "imageId": "a/b"}),
            "imageId",
        ),
        (
            json!({"category": "RECEIPT", "orderDetailsUrl": "https://x.example", "imageId": "never-uploaded"}),
            "imageId",
        ),
    ] {
        let r = om.set_category("om-cat-0001", &body);
        assert_error(&r, 400);
        assert_eq!(invalid_params(&r), [field], "{body}");
    }
    assert_eq!(om.get_order("om-cat-0001").json()["category"], latest);
}

#[test]
fn images_are_png_or_jpeg_up_to_2_mb_and_ids_are_unique() {
    let h = common::start();
    let om = client(&h);
    let r = om.upload("socks-orange-123", &png(300, 167));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json(), json!({"imageId": "socks-orange-123"}));

    // Same id again, same content: 409 (the library treats it as done).
    assert_error(&om.upload("socks-orange-123", &png(300, 167)), 409);

    let mut big = png(300, 300);
    big.resize(2 * 1024 * 1024 + 1, 0);
    let mut exactly = png(300, 300);
    exactly.resize(2 * 1024 * 1024, 0);
    let cases: Vec<(String, &str, &str)> = vec![
        (json!({"imageId": "i1", "src": "not base64!", "type": "base64"}).to_string(), "src", "base64"),
        (json!({"imageId": "i1", "src": om_common::b64(b"GIF89a-not-a-png"), "type": "base64"}).to_string(), "src", "PNG or JPEG"),
        (json!({"imageId": "i1", "src": om_common::b64(&png(300, 166)), "type": "base64"}).to_string(), "src", "167"),
        (json!({"imageId": "i1", "src": om_common::b64(&big), "type": "base64"}).to_string(), "src", "larger"),
        (json!({"imageId": "i1", "src": om_common::b64(&png(300, 300)), "type": "url"}).to_string(), "type", "base64"),
        (json!({"imageId": "bad id", "src": om_common::b64(&png(300, 300)), "type": "base64"}).to_string(), "imageId", "^[0-9A-Za-z"),
        (json!({"imageId": "x".repeat(129), "src": om_common::b64(&png(300, 300)), "type": "base64"}).to_string(), "imageId", "128"),
    ];
    for (body, field, why) in cases {
        let r = om.upload_raw(&body);
        assert_error(&r, 400);
        assert_eq!(invalid_params(&r), [field]);
        assert!(reason(&r, field).contains(why), "{}", r.body);
    }
    // Exactly 2 MiB passes (the body is larger than the 1 MiB limit of other endpoints).
    let r = om.upload("big-one", &exactly);
    assert_eq!(r.status, 200, "{}", r.body);

    // The app serves the image with its type.
    let mut r = h
        .agent
        .get(h.url(&format!("/sim/app/images/{DEFAULT_MSN}/socks-orange-123")))
        .call()
        .expect("image response");
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.body_mut().read_to_vec().unwrap(), png(300, 167));
}

#[test]
fn ecom_orders_take_receipts_for_their_amount() {
    let h = common::start();
    let om = client(&h);
    let e = ecom_common::client(&h);
    e.reserved("ecom-om-1", 15_000);
    let r = om.add_receipt("ecom-om-1", &receipt_for(14_900));
    assert_error(&r, 400);
    assert!(reason(&r, "orderLines").contains("difference of -100"));
    let r = om.add_receipt("ecom-om-1", &receipt_for(15_000));
    assert_eq!(r.status, 201, "{}", r.body);
    // eCom test approve used 91234567: the app of +47 91234567 shows it.
    let page = h.call("GET", "/sim/app/4791234567", &[], None).body;
    assert!(page.contains("data-reference=\"ecom-om-1\""), "{page}");
    assert!(page.contains("data-state=\"RESERVE\""), "{page}");
}

fn count(page: &str, needle: &str) -> usize {
    page.matches(needle).count()
}

/// The `<li class="payment" data-reference="…">` element of one payment.
fn payment_html<'p>(page: &'p str, reference: &str) -> &'p str {
    let start = page
        .find(&format!("data-reference=\"{reference}\""))
        .unwrap_or_else(|| panic!("{reference} not on the page: {page}"));
    let end = page[start..].find("</li>").expect("closing li") + start;
    &page[start..end]
}

#[test]
fn the_app_page_shows_the_users_payments_with_receipt_and_category() {
    let h = common::start();
    let om = client(&h);
    let epay = h.epayment();
    // Created for a phone number, approved by the simulated user.
    let body = json!({
        "amount": {"currency": "NOK", "value": 25_000},
        "paymentMethod": {"type": "WALLET"},
        "reference": "om-app-0001",
        "userFlow": "PUSH_MESSAGE",
        "customer": {"phoneNumber": "4798765432"},
        "paymentDescription": "Socks"
    });
    let r = h.call(
        "POST",
        "/epayment/v1/payments",
        &epay.headers(Some("k-app-1")),
        Some(&body.to_string()),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        h.control("POST", "/_sim/payments/om-app-0001/approve", None)
            .status,
        200
    );
    // Approved through the test endpoint with the customer's number.
    assert_eq!(epay.create("om-app-0002", 5_000, "k-app-2").status, 201);
    let r = h.call(
        "POST",
        "/epayment/v1/test/payments/om-app-0002/approve",
        &epay.headers(None),
        Some(r#"{"customer":{"phoneNumber":"4798765432"}}"#),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    // Someone else's payment.
    epay.authorized("om-app-0003", 7_000);

    let mut receipt = receipt_for(25_000);
    receipt["orderLines"][0]["name"] = json!("Socks <b>&</b>");
    assert_eq!(om.add_receipt("om-app-0001", &receipt).status, 201);
    assert_eq!(om.upload("logo", &png(200, 200)).status, 200);
    let cat = json!({"category": "ORDER_CONFIRMATION", "orderDetailsUrl": "https://shop.example/o?id=1&x=2", "imageId": "logo"});
    assert_eq!(om.set_category("om-app-0001", &cat).status, 200);

    let r = h.call("GET", "/sim/app/+47%2098%2076%2054%2032", &[], None);
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    let page = r.body;
    assert_eq!(count(&page, "class=\"payment\""), 2, "{page}");
    assert!(!page.contains("om-app-0003"));
    // Newest first.
    assert!(page.find("om-app-0002").unwrap() < page.find("om-app-0001").unwrap());

    let first = payment_html(&page, "om-app-0001");
    assert!(first.contains("data-state=\"AUTHORIZED\"") && first.contains("data-amount=\"25000\""));
    assert_eq!(count(first, "class=\"receipt-line\""), 3);
    assert!(first.contains("Socks &lt;b&gt;&amp;&lt;/b&gt;"), "{first}");
    assert!(first
        .contains("data-line-id=\"shipping\" data-total-amount=\"4900\" data-shipping=\"true\""));
    assert!(first.contains("class=\"bottom-line\" data-total-amount=\"25000\" data-total-tax=\"5000\" data-currency=\"NOK\""), "{first}");
    assert!(first.contains("250.00 NOK"));
    assert!(first.contains(
        "class=\"category-link\" data-category=\"ORDER_CONFIRMATION\" href=\"https://shop.example/o?id=1&amp;x=2\""
    ), "{first}");
    assert!(first.contains(&format!("src=\"/sim/app/images/{DEFAULT_MSN}/logo\"")));

    let second = payment_html(&page, "om-app-0002");
    assert!(second.contains("class=\"no-receipt\"") && !second.contains("category-link"));

    // The default user (no number given anywhere) has the third payment.
    let page = h.call("GET", "/sim/app/4791234567", &[], None).body;
    assert!(page.contains("data-reference=\"om-app-0003\""));
    // Nobody's history; not a number.
    let page = h.call("GET", "/sim/app/4700000000", &[], None).body;
    assert!(page.contains("id=\"empty\"") && !page.contains("class=\"payment\""));
    assert_eq!(h.call("GET", "/sim/app/abc", &[], None).status, 404);

    // Reset forgets receipts, categories, images and the history.
    assert_eq!(h.control("POST", "/_sim/reset", None).status, 204);
    assert_eq!(stored(&h, "om-app-0001").status, 404);
    let page = h.call("GET", "/sim/app/4798765432", &[], None).body;
    assert!(page.contains("id=\"empty\""));
    assert_eq!(
        h.call(
            "GET",
            &format!("/sim/app/images/{DEFAULT_MSN}/logo"),
            &[],
            None
        )
        .status,
        404
    );
}

#[test]
fn checkout_sessions_and_the_approve_body_name_the_phone() {
    let h = common::start();
    let epay = h.epayment();
    assert_eq!(epay.create("om-phone-01", 1_000, "k1").status, 201);
    let r = h.control(
        "POST",
        "/_sim/payments/om-phone-01/approve",
        Some(json!({"phoneNumber": "4587654321"})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let page = h.call("GET", "/sim/app/4587654321", &[], None).body;
    assert!(page.contains("data-reference=\"om-phone-01\""), "{page}");

    // Checkout: the phone of the billing details the user shared; without any, the default.
    for reference in ["om-phone-02", "om-phone-03"] {
        let body = json!({
            "type": "PAYMENT",
            "merchantInfo": {"callbackUrl": "http://127.0.0.1:9/cb", "returnUrl": "https://example.com/r",
                             "callbackAuthorizationToken": "t"},
            "transaction": {"amount": {"value": 1_000, "currency": "NOK"}, "reference": reference,
                "paymentDescription": "Socks"}
        });
        let r = h.call(
            "POST",
            "/checkout/v3/session",
            &common::checkout_headers(),
            Some(&body.to_string()),
        );
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let r = h.control(
        "POST",
        "/_sim/payments/om-phone-02/approve",
        Some(json!({"billingDetails": {"phoneNumber": "4712345678", "firstName": "Kari"}})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        h.control("POST", "/_sim/payments/om-phone-03/approve", None)
            .status,
        200
    );
    let page = h.call("GET", "/sim/app/4712345678", &[], None).body;
    assert!(page.contains("data-reference=\"om-phone-02\""), "{page}");
    assert!(!page.contains("om-phone-03"));
    let page = h.call("GET", "/sim/app/4791234567", &[], None).body;
    assert!(page.contains("data-reference=\"om-phone-03\""), "{page}");
}

#[test]
fn receipts_given_with_the_payment_count_as_the_receipt() {
    let h = common::start();
    let om = client(&h);
    // Checkout: the session's orderSummary is the receipt.
    let summary_lines = json!([
        line("sku-1", "Socks", 20_000),
        line("ship", "Postage", 5_000)
    ]);
    let session = |reference: &str, amount: i64| {
        json!({
            "type": "PAYMENT",
            "merchantInfo": {"callbackUrl": "http://127.0.0.1:9/cb", "returnUrl": "https://example.com/r",
                             "callbackAuthorizationToken": "t"},
            "transaction": {"amount": {"value": amount, "currency": "NOK"}, "reference": reference,
                "paymentDescription": "Socks and postage",
                "orderSummary": {"orderLines": summary_lines, "orderBottomLine": {"currency": "NOK"}}}
        })
    };
    for (reference, amount) in [("om-co-0001", 25_000), ("om-co-0002", 30_000)] {
        let r = h.call(
            "POST",
            "/checkout/v3/session",
            &common::checkout_headers(),
            Some(&session(reference, amount).to_string()),
        );
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let want = json!({"orderLines": summary_lines, "bottomLine": {"currency": "NOK"}});
    let r = om.get_order("om-co-0001");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["receipt"], want);
    assert_error(&om.add_receipt("om-co-0001", &receipt_for(25_000)), 409);
    assert_eq!(
        stored(&h, "om-co-0001").json()["orders"][0]["receipt"],
        want
    );
    // A summary that does not add up to the session amount is no receipt; one may be posted.
    assert_error(&om.get_order("om-co-0002"), 404);
    assert_eq!(
        om.add_receipt("om-co-0002", &receipt_for(30_000)).status,
        201
    );

    // ePayment: `receipt` in the create request.
    let epay = h.epayment();
    let body = json!({
        "amount": {"currency": "NOK", "value": 12_000},
        "paymentMethod": {"type": "WALLET"},
        "reference": "om-ep-0001",
        "userFlow": "WEB_REDIRECT",
        "returnUrl": "https://example.com/return",
        "receipt": receipt_for(12_000)
    });
    let r = h.call(
        "POST",
        "/epayment/v1/payments",
        &epay.headers(Some("k-ep-1")),
        Some(&body.to_string()),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        om.get_order("om-ep-0001").json()["receipt"],
        receipt_for(12_000)
    );
    assert_error(&om.add_receipt("om-ep-0001", &receipt_for(12_000)), 409);
}

#[test]
fn the_app_page_counts_returns_negative_and_shows_the_tip() {
    let h = common::start();
    let om = client(&h);
    h.epayment().authorized("om-ret-0001", 10_000);
    let mut ret = line("r1", "Returned socks", 2_500);
    ret["isReturn"] = json!(true);
    let receipt = json!({"orderLines": [line("a", "Boots", 12_000), ret],
                         "bottomLine": {"currency": "NOK", "tipAmount": 500}});
    assert_eq!(om.add_receipt("om-ret-0001", &receipt).status, 201);
    let page = h.call("GET", "/sim/app/4791234567", &[], None).body;
    let item = payment_html(&page, "om-ret-0001");
    assert!(item.contains("data-line-id=\"r1\" data-total-amount=\"-2500\" data-shipping=\"false\" data-return=\"true\""), "{item}");
    assert!(item.contains("-25.00 NOK"));
    // 12 000 - 2 500 + 500 tip = the payment; VAT 2 400 - 500.
    assert!(
        item.contains("class=\"bottom-line\" data-total-amount=\"10000\" data-total-tax=\"1900\""),
        "{item}"
    );
    assert!(
        item.contains("<span class=\"bottom-tip\">5.00 NOK</span>"),
        "{item}"
    );
}
