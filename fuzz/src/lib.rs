//! Shared by the fuzz targets: an offline client and the checks every answer must pass.
//!
//! The client points at a loopback port that nobody listens on, with one attempt and tiny
//! timeouts: every operation validates its JSON before sending, so invalid input never
//! reaches the network, and input that passes validation fails fast with a refused
//! connection (a `network` error). No fuzz target needs the simulator or the internet.

use serde_json::{json, Value};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use vipps::{Client, Error, ErrorKind};

pub const CALLBACK_SECRET: &str = "FUZZ-CALLBACK-SECRET-0123456789";
pub const WEBHOOK_SECRETS: [&str; 2] = [
    "FUZZ-WEBHOOK-SECRET-OLD-aaaa",
    "FUZZ-WEBHOOK-SECRET-NEW-bbbb",
];
/// The simulator's default credentials, which a client without credentials uses.
pub const SIM_SECRETS: [&str; 2] = ["sim-client-secret", "sim-subscription-key"];

/// The fixed "now" of the callback target (2024-05-02T10:00:00Z), so that the signed webhook
/// seeds (`x-ms-date: Thu, 02 May 2024 10:00:00 GMT`) verify and the fuzzer starts from
/// deliveries that reach the deepest code.
pub const NOW_UNIX: u64 = 1_714_644_000;

pub fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW_UNIX)
}

/// A loopback port with no listener: bound, then released.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().expect("a bound address").port()
}

/// The configuration of the offline client.
pub fn offline_config() -> String {
    json!({
        "base_url": format!("http://127.0.0.1:{}", closed_port()),
        "system_name": "fuzz", "system_version": "1.0",
        "plugin_name": "vipps-fuzz", "plugin_version": "1.0",
        "retry": {"max_attempts": 1, "base_delay_ms": 0, "max_delay_ms": 0},
        "timeouts": {"connect_ms": 50, "request_ms": 100, "total_ms": 200},
        "polling": {"initial_delay_ms": 0, "interval_ms": 1},
        "callback_secret": CALLBACK_SECRET,
        "webhook_secrets": WEBHOOK_SECRETS,
        "webhook_max_age_secs": 300,
    })
    .to_string()
}

/// One offline client per fuzzing process (as a shop shares one).
pub fn client() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(|| Client::new(&offline_config()).expect("the fuzz configuration is valid"))
}

/// Every configured secret of the offline client.
pub fn secrets() -> Vec<&'static str> {
    let mut all = vec![CALLBACK_SECRET];
    all.extend(WEBHOOK_SECRETS);
    all.extend(SIM_SECRETS);
    all
}

/// No configured secret in `text`, unless the fuzz input itself carries it (then an echo
/// of the input, e.g. a reference in a message, is no leak). The input is compared by its
/// letters and digits only, as functions such as make_order_id clean what they echo
/// (`SECRET--0123` comes back as `SECRET-0123`).
pub fn assert_no_secret(text: &str, input: &[u8], what: &str) {
    let letters = |bytes: &[u8]| -> Vec<u8> {
        bytes
            .iter()
            .copied()
            .filter(u8::is_ascii_alphanumeric)
            .collect()
    };
    for secret in secrets() {
        if text.contains(secret) && !contains(&letters(input), &letters(secret.as_bytes())) {
            panic!("a configured secret appears in {what}: {text}");
        }
    }
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// An error of an offline operation: refused before sending (`invalid_input`), or sent and
/// refused by the closed port (`network`, `timeout`). Anything else — above all `internal`,
/// a caught panic — is a bug.
pub fn check_offline_error(error: &Error, input: &[u8], operation: &str) {
    let allowed = [
        ErrorKind::InvalidInput,
        ErrorKind::Network,
        ErrorKind::Timeout,
    ];
    assert!(
        allowed.contains(&error.kind),
        "{operation}: unexpected error kind {}: {error}",
        error.kind.as_str()
    );
    let text = format!("{error} {error:?} {}", error.to_json());
    assert_no_secret(&text, input, operation);
}

/// `value` as text, checked to parse back as JSON. (Not compared with the value: serde_json
/// does not promise that a float such as 1.23e58, passed through from a body, reads back to
/// the same last bit.)
pub fn round_trip(value: &Value) -> String {
    let text = value.to_string();
    serde_json::from_str::<Value>(&text).expect("the answer is valid JSON");
    text
}
