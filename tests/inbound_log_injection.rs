//! Issue 15, defect 7: text from an unverified request (a body's reference or orderId, the URL,
//! the method) must not forge log lines or rejection reasons. Every such text is escaped
//! (control characters, U+2028/2029 and bidi controls as visible escapes) and cut to a bounded
//! length before it reaches a log line or `event.rejection`.

mod common;

use serde_json::{json, Value};
use vipps::Client;

const SECRET: &str = "a-callback-secret-for-the-log-tests";
const FORGED: &str = "2026-01-01 vipps INFO forged";

fn client(log: &std::path::Path) -> Client {
    common::offline_client(
        json!({"callback_secret": SECRET, "log": {"level": "debug", "file": log}}),
    )
}

fn log_path(name: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!(
        "vipps-log-injection-{name}-{}.log",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    path
}

/// A line the logger wrote: `<secs>.<millis> vipps <LEVEL> <message>`.
fn is_logger_line(line: &str) -> bool {
    let Some((stamp, rest)) = line.split_once(' ') else {
        return false;
    };
    let stamp_ok = stamp.split_once('.').is_some_and(|(s, ms)| {
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && ms.len() == 3
    });
    stamp_ok && rest.starts_with("vipps ")
}

fn assert_safe(text: &str, what: &str) {
    for c in [
        '\n', '\r', '\t', '\u{b}', '\u{c}', '\u{85}', '\u{2028}', '\u{2029}', '\u{1b}', '\u{202e}',
    ] {
        assert!(!text.contains(c), "{what} contains {c:?}: {text:?}");
    }
}

#[test]
fn forged_lines_in_a_reference_do_not_reach_the_log_or_the_rejection() {
    let path = log_path("checkout");
    let client = client(&path);
    let reference = format!("acme-order-1\n{FORGED}\r\n{FORGED}\u{2028}{FORGED}\u{1b}[2K\u{202e}");
    let body =
        json!({"sessionId": "s-1", "sessionState": "PaymentSuccessful", "reference": reference});
    let request = json!({"method": "POST", "url": "/vipps/callback",
                         "headers": {"Authorization": "not-the-token"}});
    let answer = client
        .handle_callback(&request, &serde_json::to_vec(&body).unwrap())
        .unwrap();
    assert_eq!(answer["event"]["verified"], false, "{answer}");
    assert_eq!(answer["response"]["status"], 401);
    let rejection = answer["event"]["rejection"].as_str().unwrap();
    assert_safe(rejection, "rejection");
    assert!(
        rejection.contains("acme-order-1\\n2026-01-01"),
        "{rejection}"
    );
    assert_safe(answer["event"]["reference"].as_str().unwrap(), "reference");

    // An eCom orderId and a URL carrying line breaks.
    let order = format!("acme-order-2\n{FORGED}");
    let body = json!({"orderId": order, "transactionInfo": {"amount": 100, "status": "RESERVED",
                      "transactionId": "1", "timeStamp": "2018-12-12T11:18:38.246Z"}});
    let request = json!({"method": "POST", "url": format!("/cb\n{FORGED}\u{2029}/x"),
                         "headers": {"Authorization": "not-the-token"}});
    let answer = client
        .handle_callback(&request, &serde_json::to_vec(&body).unwrap())
        .unwrap();
    assert_eq!(answer["event"]["verified"], false, "{answer}");
    assert_safe(answer["event"]["rejection"].as_str().unwrap(), "rejection");

    let text = std::fs::read_to_string(&path).expect("the log file is written");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "one line per refused request: {text}");
    for line in &lines {
        assert!(
            is_logger_line(line),
            "a line the logger did not start: {line:?}"
        );
        assert!(!line.starts_with(FORGED), "{line:?}");
        assert!(line.contains(" vipps WARN inbound POST "), "{line:?}");
        assert_safe(line, "log line");
    }
    assert!(lines[1].contains("/cb\\n2026-01-01"), "{}", lines[1]);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn untrusted_text_is_cut_to_a_bounded_length() {
    let path = log_path("long");
    let client = client(&path);
    let reference = "r".repeat(100_000);
    let body =
        json!({"sessionId": "s-1", "sessionState": "PaymentSuccessful", "reference": reference});
    let request = json!({"method": "POST", "url": format!("/cb/{}", "p".repeat(100_000)),
                         "headers": {"Authorization": "not-the-token"}});
    let answer = client
        .handle_callback(&request, &serde_json::to_vec(&body).unwrap())
        .unwrap();
    let event: &Value = &answer["event"];
    assert_eq!(event["verified"], false);
    let rejection = event["rejection"].as_str().unwrap();
    assert!(rejection.len() < 1_000, "{} bytes", rejection.len());
    assert!(rejection.contains("cut"), "{rejection}");
    assert!(event["reference"].as_str().unwrap().len() < 1_000);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.len() < 2_000, "{} bytes", text.len());
    let _ = std::fs::remove_file(&path);
}
