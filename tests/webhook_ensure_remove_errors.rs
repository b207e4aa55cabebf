//! ensure_webhook's answer when deletes fail: the new registration is answered in full (to be
//! stored), with the deleted ids in `removed` and each failed delete, with its error, in
//! `remove_errors` (a listed id the library refuses to put in a path, and one the API refuses).

mod common;

use common::misbehaving::{Reply, Server};
use serde_json::json;

#[test]
fn failed_deletes_are_answered_beside_the_new_registration() {
    let url = "https://shop.example/vipps/webhook";
    let server =
        Server::start(
            move |arrival| match (arrival.method.as_str(), arrival.path.as_str()) {
                (_, path) if path.starts_with("/accesstoken") => Reply::token(),
                ("GET", "/webhooks/v1/webhooks") => Reply::json(
                    200,
                    json!({"webhooks": [
                    {"id": "old-1", "url": url, "events": ["epayments.payment.captured.v1"]},
                    {"id": "old/2", "url": url, "events": ["epayments.payment.captured.v1"]},
                    {"id": "old-3", "url": url, "events": []},
                    {"id": "other", "url": "https://other.example/hook", "events": []}]}),
                ),
                ("POST", "/webhooks/v1/webhooks") => {
                    Reply::json(201, json!({"id": "new-1", "secret": "s3cr3t", "extra": 1}))
                }
                ("DELETE", "/webhooks/v1/webhooks/old-1") => Reply::status(204),
                ("DELETE", _) => Reply::json(
                    404,
                    json!({"type": "about:blank", "title": "Not Found", "status": 404,
                       "detail": "no such webhook"}),
                ),
                _ => Reply::status(500),
            },
        );
    let client = server.client(3000, json!({}));
    let answer = client
        .ensure_webhook(&json!({"url": url, "events": ["epayments.payment.captured.v1"]}))
        .unwrap();
    let keys: Vec<&String> = answer.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "changed",
            "events",
            "extra",
            "id",
            "remove_errors",
            "removed",
            "secret",
            "url"
        ],
        "{answer}"
    );
    assert_eq!(answer["id"], "new-1");
    assert_eq!(answer["secret"], "s3cr3t");
    assert_eq!(answer["changed"], true);
    assert_eq!(answer["events"], json!(["epayments.payment.captured.v1"]));
    assert_eq!(answer["removed"], json!(["old-1"]), "{answer}");
    let errors = answer["remove_errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{answer}");
    assert_eq!(errors[0]["id"], "old/2");
    assert_eq!(errors[0]["error"]["kind"], "invalid_input", "{answer}");
    assert!(errors[0]["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("id may contain only"));
    assert_eq!(errors[1]["id"], "old-3");
    assert_eq!(errors[1]["error"]["http_status"], 404, "{answer}");
    // The refused id never reached the API.
    assert_eq!(server.count("DELETE", "/webhooks/v1/webhooks/old/2"), 0);
    assert_eq!(server.count("DELETE", "/webhooks/v1/webhooks/old-3"), 1);
}
