//! Issue 15, defect 6: the eCom rule "the path and the body name the same order" must fail
//! closed. A path that cannot be decoded (a bad `%` escape, invalid UTF-8) or that is
//! ambiguous (the `/v2/payments/` or `/v2/consents/` marker twice, a marker hidden behind an
//! escape, segments after the id) is refused with 400; it never passes as the order in the
//! body. No simulator is needed: verification is local.

mod common;

use serde_json::{json, Value};
use vipps::Client;

const SECRET: &str = "a-callback-secret-for-the-path-tests";
const ORDER_A: &str = "acme-order-path-a";
const ORDER_B: &str = "acme-order-path-b";

fn client() -> Client {
    common::offline_client(json!({"callback_secret": SECRET}))
}

fn request(method: &str, url: &str, token: &str) -> Value {
    json!({"method": method, "url": url, "headers": {"Host": "shop.example", "Authorization": token}})
}

fn callback_body(order_id: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "merchantSerialNumber": "123456", "orderId": order_id,
        "transactionInfo": {"amount": 49900, "status": "RESERVED",
                            "timeStamp": "2018-12-12T11:18:38.246Z", "transactionId": "5432123456"}}))
    .unwrap()
}

/// Asserts the request was refused (not verified) with `status`.
fn refused(answer: &Value, status: u16, what: &str) {
    assert_eq!(answer["event"]["verified"], false, "{what}: {answer}");
    assert_eq!(answer["response"]["status"], status, "{what}: {answer}");
}

#[test]
fn a_genuine_callback_for_one_order_is_not_accepted_at_a_url_naming_another() {
    let client = client();
    let token_a = client.ecom_auth_token(ORDER_A).unwrap();
    let body = callback_body(ORDER_A);
    // The genuine delivery verifies.
    let good = format!("/cb/v2/payments/{ORDER_A}");
    let answer = client
        .handle_callback(&request("POST", &good, &token_a), &body)
        .unwrap();
    assert_eq!(answer["event"]["verified"], true, "{answer}");

    for url in [
        // A later segment that cannot be decoded.
        format!("/cb/v2/payments/{ORDER_B}/%zz"),
        format!("/cb/v2/payments/{ORDER_B}/x%"),
        format!("/cb/v2/payments/{ORDER_B}/%C3%28"),
        format!("/cb/v2/payments/{ORDER_B}/%4"),
        // The marker twice: which order does the URL name?
        format!("/cb/v2/payments/{ORDER_B}/v2/payments/{ORDER_A}"),
        format!("/cb/v2/payments/{ORDER_A}/v2/payments/{ORDER_B}"),
        // A marker hidden behind escapes or another case (a framework decodes and routes it).
        format!("/cb/v2/%70ayments/{ORDER_B}"),
        format!("/cb/V2/Payments/{ORDER_B}"),
        format!("/cb/v2/payments/{ORDER_A}%2Fv2%2Fpayments%2F{ORDER_B}"),
        // Segments after the orderId that Vipps never sends.
        format!("/cb/v2/payments/{ORDER_A}/{ORDER_B}"),
        format!("/cb/v2/payments/{ORDER_A}/"),
        // The bad escape before the marker.
        format!("/c%zzb/v2/payments/{ORDER_A}"),
    ] {
        let answer = client
            .handle_callback(&request("POST", &url, &token_a), &body)
            .unwrap();
        assert_eq!(answer["event"]["verified"], false, "{url}: {answer}");
        let status = answer["response"]["status"].as_u64().unwrap();
        assert!(status == 400 || status == 401, "{url}: {answer}");
        let rejection = answer["event"]["rejection"].as_str().unwrap();
        assert!(!rejection.contains(&token_a), "{rejection}");
    }
    // The decoding and ambiguity failures are 400 (malformed), the other order 401.
    for url in [
        format!("/cb/v2/payments/{ORDER_B}/%zz"),
        format!("/cb/v2/payments/{ORDER_B}/v2/payments/{ORDER_A}"),
    ] {
        let answer = client
            .handle_callback(&request("POST", &url, &token_a), &body)
            .unwrap();
        refused(&answer, 400, &url);
        assert!(
            answer["event"]["rejection"]
                .as_str()
                .unwrap()
                .contains("path"),
            "{answer}"
        );
    }
    let other = format!("/cb/v2/payments/{ORDER_B}");
    refused(
        &client
            .handle_callback(&request("POST", &other, &token_a), &body)
            .unwrap(),
        401,
        &other,
    );
    // Escaped characters that decode cleanly still match (an orderId has none, but the
    // comparison is on the decoded text).
    let escaped = format!("/c%62/v2/payments/{}", ORDER_A.replace('-', "%2D"));
    let answer = client
        .handle_callback(&request("POST", &escaped, &token_a), &body)
        .unwrap();
    assert_eq!(answer["event"]["verified"], true, "{escaped}: {answer}");
}

#[test]
fn shipping_details_paths_must_name_one_order() {
    let client = client();
    let token_b = client.ecom_auth_token(ORDER_B).unwrap();
    let body = serde_json::to_vec(
        &json!({"addressId": 100, "addressLine1": "Robert Levins gate 5",
        "city": "Oslo", "country": "NO", "postCode": "0154", "addressType": "H"}),
    )
    .unwrap();
    let good = format!("/ship/v2/payments/{ORDER_B}/shippingDetails");
    let answer = client
        .handle_callback(&request("POST", &good, &token_b), &body)
        .unwrap();
    assert_eq!(answer["event"]["verified"], true, "{answer}");
    assert_eq!(answer["event"]["order_id"], ORDER_B);
    for url in [
        format!(
            "/ship/v2/payments/{ORDER_A}/shippingDetails/v2/payments/{ORDER_B}/shippingDetails"
        ),
        format!("/ship/v2/payments/{ORDER_A}/v2/payments/{ORDER_B}/shippingDetails"),
        format!("/ship/v2/payments/{ORDER_B}/x/shippingDetails"),
        format!("/s%zz/v2/payments/{ORDER_B}/shippingDetails"),
        format!("/ship/v2/payments/{ORDER_B}%C3%28/shippingDetails"),
    ] {
        let answer = client
            .handle_callback(
                &json!({"method": "POST", "url": url, "kind": "ecom_shipping_details",
                        "headers": {"Authorization": token_b}}),
                &body,
            )
            .unwrap();
        refused(&answer, 400, &url);
    }
}

#[test]
fn consent_removal_paths_must_name_one_user() {
    let client = client();
    let token = client.ecom_auth_token(ORDER_A).unwrap();
    let consent = |url: &str| {
        json!({"method": "DELETE", "url": url, "headers": {"Authorization": token},
               "reference": ORDER_A, "kind": "ecom_consent_removal"})
    };
    let good = "/c/v2/consents/uiJskNQ6qNN1iwN891uuob%3D%3D";
    let answer = client.handle_callback(&consent(good), b"").unwrap();
    assert_eq!(answer["event"]["verified"], true, "{answer}");
    assert_eq!(answer["event"]["user_id"], "uiJskNQ6qNN1iwN891uuob==");
    // A base64 userId may carry '/' (escaped) and '+' (literal in a path).
    let answer = client
        .handle_callback(&consent("/c/v2/consents/ab%2Fc+d"), b"")
        .unwrap();
    assert_eq!(answer["event"]["user_id"], "ab/c+d", "{answer}");
    for url in [
        "/c/v2/consents/user-1/v2/consents/user-2",
        "/c/v2/consents/user-1/extra",
        "/c/v2/consents/user-1/%zz",
        "/c/v2/consents/%C3%28",
        "/c%zz/v2/consents/user-1",
        "/c/v2/consents/user-1%2Fv2%2Fconsents%2Fuser-2",
    ] {
        refused(
            &client.handle_callback(&consent(url), b"").unwrap(),
            400,
            url,
        );
    }
}

#[test]
fn a_checkout_shipping_callback_names_its_reference_once() {
    let client = client();
    let reference = "acme-order-ship-q";
    let token = client.checkout_callback_token(reference).unwrap();
    let body = serde_json::to_vec(&json!({"streetAddress": "Robert Levins gate 5",
        "postalCode": "0154", "region": "Oslo", "country": "NO"}))
    .unwrap();
    let shipping = |url: String| {
        json!({"method": "POST", "url": url, "kind": "checkout_shipping",
               "headers": {"Authorization": token}})
    };
    let answer = client
        .handle_callback(&shipping(format!("/ship?reference={reference}")), &body)
        .unwrap();
    assert_eq!(answer["event"]["verified"], true, "{answer}");
    assert_eq!(answer["event"]["reference"], reference);
    // Repeated (PHP reads the last, most frameworks the first) or undecodable: refused.
    for url in [
        format!("/ship?reference={reference}&reference=acme-order-other"),
        format!("/ship?reference=acme-order-other&reference={reference}"),
        format!("/ship?reference={reference}&referenc%65=acme-order-other"),
        format!("/ship?reference=%zz&reference={reference}"),
    ] {
        refused(
            &client
                .handle_callback(&shipping(url.clone()), &body)
                .unwrap(),
            400,
            &url,
        );
    }
    // A reference the plugin passed must be the one the URL names.
    let mut other = shipping(format!("/ship?reference={reference}"));
    other["reference"] = json!("acme-order-other");
    refused(
        &client.handle_callback(&other, &body).unwrap(),
        401,
        "other reference",
    );
}
