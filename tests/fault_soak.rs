//! The fault soak: randomized orders through the library against vipps-sim with every kind of
//! injected fault, the shop side driven as a plugin would (webhooks folded with apply_event,
//! the answers of its own calls, and reconciliation polling). At the end the simulator's ledger
//! and the shop's view agree exactly: no double capture or refund, no lost outcome, no order
//! left pending that is final in the ledger.
//!
//! `cargo test --test fault_soak` runs a bounded version (150 orders); `VIPPS_SOAK_ORDERS=1000`
//! runs the long one (`make soak`).

mod common;

use common::poll::poll_until;
use common::receiver::{Captured, Receiver};
use common::{payment_request, reference, Harness};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use vipps::Client;

/// Faults on the library's own calls, each injected on the exact path of one order's call.
const CALL_FAULTS: [&str; 7] = [
    "500",
    "502",
    "503",
    "429",
    "delay",
    "drop",
    "process_then_drop",
];
/// Faults on the simulator's webhook deliveries.
const DELIVERY_FAULTS: [&str; 3] = ["drop", "duplicate", "delay"];

/// A small deterministic generator (splitmix64), so a failing seed can be rerun.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

#[derive(Default)]
struct Counts {
    faults: BTreeMap<String, u32>,
    outcomes: BTreeMap<String, u32>,
}

impl Counts {
    fn add(map: &mut BTreeMap<String, u32>, key: &str) {
        *map.entry(key.to_owned()).or_default() += 1;
    }
}

/// The shop's view of one order: the furthest-along of what it learned (README rank rule).
#[derive(Clone, Debug, Default, PartialEq)]
struct View {
    status: String,
    authorized: i64,
    captured: i64,
    refunded: i64,
    cancelled: i64,
}

fn rank(status: &str) -> i64 {
    match status {
        "pending" | "" => 0,
        "authorized" => 10,
        "partially_captured" => 20,
        "captured" => 30,
        "partially_refunded" => 40,
        "refunded" => 50,
        _ => 60,
    }
}

impl View {
    fn from(value: &Value) -> View {
        let n = |name: &str| value[name].as_i64().unwrap_or(0);
        View {
            status: value["status"].as_str().unwrap_or("pending").to_owned(),
            authorized: n("authorized"),
            captured: n("captured"),
            refunded: n("refunded"),
            cancelled: n("cancelled"),
        }
    }

    fn key(&self) -> (i64, i64) {
        (
            rank(&self.status),
            self.captured + self.refunded + self.cancelled,
        )
    }

    fn merge(&mut self, other: View) {
        if other.key() > self.key() {
            *self = other;
        }
    }
}

struct Shop {
    /// Set once the webhook is registered: the shop verifies with the secret it got then.
    client: OnceLock<Client>,
    webhook_records: Mutex<BTreeMap<String, Value>>,
    rejected_deliveries: Mutex<u32>,
}

impl Shop {
    /// The shop's webhook endpoint: verify, fold into the stored record, answer.
    fn receive(&self, captured: &Captured) -> (u16, String) {
        let Some(client) = self.client.get() else {
            return (503, String::new());
        };
        let answer = client
            .handle_callback(&captured.request_json(), &captured.body)
            .expect("valid request_json");
        let event = &answer["event"];
        if event["verified"] != true {
            *self.rejected_deliveries.lock().unwrap() += 1;
        } else if let Some(reference) = event["reference"].as_str() {
            let mut records = self.webhook_records.lock().unwrap();
            let stored = records.get(reference).cloned().unwrap_or(Value::Null);
            let folded = client
                .apply_event(&json!({"record": stored, "event": event}))
                .expect("a verified event folds");
            records.insert(reference.to_owned(), folded["record"].clone());
        }
        (
            answer["response"]["status"].as_u64().unwrap_or(500) as u16,
            String::new(),
        )
    }
}

/// Calls `op` until it succeeds, retrying a retryable failure with the same idempotency key
/// (the key is in the request) as a plugin's job queue would.
fn until_done(op: impl Fn() -> vipps::Result<Value>, counts: &Mutex<Counts>) -> Value {
    for _ in 0..20 {
        match op() {
            Ok(answer) => return answer,
            Err(error) if error.retryable => Counts::add(
                &mut counts.lock().unwrap().outcomes,
                "call failed retryably, retried by the shop",
            ),
            Err(error) => panic!("a call failed for good: {error}"),
        }
    }
    panic!("a call never succeeded");
}

fn inject(h: &Harness, rng: &mut Rng, method: &str, path: &str, counts: &Mutex<Counts>) {
    let fault = CALL_FAULTS[rng.below(CALL_FAULTS.len() as u64) as usize];
    let body = match fault {
        "500" | "502" | "503" => {
            json!({"method": method, "path": path, "count": 1, "action": "respond", "status": fault.parse::<u16>().unwrap()})
        }
        "429" => {
            json!({"method": method, "path": path, "count": 1, "action": "respond", "status": 429, "retry_after": 0})
        }
        "delay" => {
            json!({"method": method, "path": path, "count": 1, "action": "delay", "delay_ms": 700})
        }
        other => json!({"method": method, "path": path, "count": 1, "action": other}),
    };
    h.fault(body);
    Counts::add(&mut counts.lock().unwrap().faults, &format!("call {fault}"));
}

fn config() -> Value {
    // Short timeouts so a delay fault is a timeout; quick retries so the soak runs fast.
    json!({"timeouts": {"connect_ms": 300, "request_ms": 400, "total_ms": 15000},
           "retry": {"max_attempts": 4, "base_delay_ms": 5, "max_delay_ms": 50}})
}

/// One order as a plugin drives it; returns the view its own calls gave and the captures and
/// refunds it made (each exactly once, whatever the faults).
fn run_order(
    h: &Harness,
    client: &Client,
    rng: &mut Rng,
    reference: &str,
    counts: &Mutex<Counts>,
) -> (View, Vec<i64>, Vec<i64>) {
    let nok = |v: i64| json!({"value": v, "currency": "NOK"});
    let amount = 1000 + rng.below(9000) as i64;
    let (mut captures, mut refunds) = (Vec::new(), Vec::new());
    let mut view = View {
        status: "pending".into(),
        ..View::default()
    };
    if rng.chance(30) {
        inject(h, rng, "POST", "/epayment/v1/payments", counts);
    }
    let mut create = payment_request(reference, amount);
    create["idempotency_key"] = json!(format!("create-{reference}"));
    until_done(|| client.create_payment(&create), counts);

    if rng.chance(25) {
        let action = DELIVERY_FAULTS[rng.below(3) as usize];
        h.control(
            "POST",
            "/_sim/callback-faults",
            Some(json!({"target": "webhook", "action": action, "delay_ms": 300, "count": 1})),
        );
        Counts::add(
            &mut counts.lock().unwrap().faults,
            &format!("webhook {action}"),
        );
    }
    let user = rng.below(10);
    let action = match user {
        0 => "reject",
        1 => "expire",
        _ => "approve",
    };
    let (status, body) = h.control(
        "POST",
        &format!("/_sim/payments/{reference}/{action}"),
        Some(json!({})),
    );
    assert_eq!(status, 200, "{action} {reference}: {body}");
    let outcome = match action {
        "reject" => "customer rejected",
        "expire" => "payment expired",
        _ => "customer approved",
    };
    Counts::add(&mut counts.lock().unwrap().outcomes, outcome);
    if action != "approve" {
        return (view, captures, refunds);
    }
    view.merge(View {
        status: "authorized".into(),
        authorized: amount,
        ..View::default()
    });

    let mut remaining = amount;
    for step in 0..2 {
        if remaining == 0 || !rng.chance(if step == 0 { 85 } else { 50 }) {
            break;
        }
        let value = if rng.chance(50) {
            remaining
        } else {
            1 + rng.below(remaining as u64) as i64
        };
        if rng.chance(35) {
            inject(
                h,
                rng,
                "POST",
                &format!("/epayment/v1/payments/{reference}/capture"),
                counts,
            );
        }
        let request = json!({"reference": reference, "amount": nok(value), "idempotency_key": format!("capture-{reference}-{step}")});
        let answer = until_done(|| client.capture(&request), counts);
        view.merge(View::from(&answer["normalized"]));
        captures.push(value);
        remaining -= value;
    }
    let captured: i64 = captures.iter().sum();
    if captured > 0 && rng.chance(40) {
        let value = 1 + rng.below(captured as u64) as i64;
        if rng.chance(35) {
            inject(
                h,
                rng,
                "POST",
                &format!("/epayment/v1/payments/{reference}/refund"),
                counts,
            );
        }
        let request = json!({"reference": reference, "amount": nok(value), "idempotency_key": format!("refund-{reference}-0")});
        let answer = until_done(|| client.refund(&request), counts);
        view.merge(View::from(&answer["normalized"]));
        refunds.push(value);
    }
    if remaining > 0 && rng.chance(40) {
        if rng.chance(35) {
            inject(
                h,
                rng,
                "POST",
                &format!("/epayment/v1/payments/{reference}/cancel"),
                counts,
            );
        }
        let request =
            json!({"reference": reference, "idempotency_key": format!("cancel-{reference}")});
        let answer = until_done(|| client.cancel(&request), counts);
        view.merge(View::from(&answer["normalized"]));
    }
    (view, captures, refunds)
}

/// Waits until every event of the orders (the API's event log, read once: no call is running
/// any more) is a webhook that the simulator either delivered with a 2xx answer or dropped by
/// a fault; an event is known by its name and PSP reference. Duplicates count once.
fn wait_for_webhooks<'a>(h: &Harness, client: &Client, references: impl Iterator<Item = &'a str>) {
    let key = |e: &Value| format!("{}|{}|{}", e["reference"], e["name"], e["pspReference"]);
    let mut expected = BTreeSet::new();
    for reference in references {
        let answer = client
            .get_payment_events(&json!({"reference": reference}))
            .unwrap();
        expected.extend(answer["events"].as_array().unwrap().iter().map(key));
    }
    poll_until(
        Duration::from_secs(30),
        "every webhook delivered or dropped",
        || {
            let (_, log) = h.control("GET", "/_sim/callbacks", None);
            let settled: BTreeSet<String> = log
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["kind"] == "webhook")
                .filter(|d| {
                    d["attempt"] == 0
                        || d["status"]
                            .as_u64()
                            .is_some_and(|s| (200..300).contains(&s))
                })
                .filter_map(|d| serde_json::from_str::<Value>(d["body"].as_str()?).ok())
                .map(|body| key(&body))
                .collect();
            expected.is_subset(&settled).then_some(())
        },
    );
}

#[test]
fn the_ledger_and_the_shop_agree_after_a_fault_soak() {
    let orders: usize = std::env::var("VIPPS_SOAK_ORDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let seed: u64 = std::env::var("VIPPS_SOAK_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_261_121);
    let threads = 8;
    let started = Instant::now();
    let h = Arc::new(Harness::start());
    let client = Arc::new(h.client_with(config()));
    let shop = Arc::new(Shop {
        client: OnceLock::new(),
        webhook_records: Mutex::new(BTreeMap::new()),
        rejected_deliveries: Mutex::new(0),
    });
    let endpoint = shop.clone();
    let receiver = Receiver::answering(Arc::new(move |c: &Captured| endpoint.receive(c)));
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
    let registered = client
        .register_webhook(&json!({"url": receiver.url("/vipps/webhook"), "events": events}))
        .unwrap();
    let mut shop_config = config();
    shop_config["webhook_secrets"] = json!([registered["secret"]]);
    assert!(shop.client.set(h.client_with(shop_config)).is_ok());

    let counts = Arc::new(Mutex::new(Counts::default()));
    let prefix = reference("soak");
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let (h, client, counts, prefix) =
                (h.clone(), client.clone(), counts.clone(), prefix.clone());
            std::thread::spawn(move || {
                let mut rng = Rng(seed ^ (t as u64).wrapping_mul(0x1000_0000_0001));
                (t..orders)
                    .step_by(threads)
                    .map(|i| {
                        let reference = format!("{prefix}-{i}");
                        let (view, captures, refunds) =
                            run_order(&h, &client, &mut rng, &reference, &counts);
                        (reference, view, captures, refunds)
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut done = Vec::new();
    for worker in workers {
        done.extend(worker.join().expect("no worker panicked"));
    }
    // Delayed and retried deliveries land later, as at a shop's endpoint over time: wait until
    // every webhook the simulator generated has settled.
    wait_for_webhooks(
        &h,
        &client,
        done.iter().map(|(reference, ..)| reference.as_str()),
    );

    let (_, ledger) = h.control("GET", "/_sim/ledger", None);
    let ledger: BTreeMap<String, Value> = ledger["payments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["reference"].as_str().unwrap().to_owned(), p.clone()))
        .collect();
    let records = shop.webhook_records.lock().unwrap().clone();
    let mut counts = counts.lock().unwrap();
    for (reference, mut view, captures, refunds) in done {
        let truth = &ledger[&reference];
        assert_eq!(
            truth["captures"],
            json!(captures),
            "{reference}: every capture exactly once"
        );
        assert_eq!(
            truth["refunds"],
            json!(refunds),
            "{reference}: every refund exactly once"
        );
        let mut needs_polling = view.status == "pending";
        match records.get(&reference) {
            // A record that missed a delivery says so; its status is only a guess.
            Some(record) if record["complete"] == false => {
                needs_polling = true;
                Counts::add(&mut counts.outcomes, "webhook record with a gap");
            }
            Some(record) => view.merge(View::from(record)),
            None => Counts::add(&mut counts.outcomes, "order without any webhook"),
        }
        if needs_polling || view.status == "pending" {
            // The plugin's cron: an order the shop still thinks pending is reconciled by polling.
            let polled = shop
                .client
                .get()
                .unwrap()
                .reconcile(&json!({"reference": reference}))
                .unwrap();
            view.merge(View::from(&polled));
            Counts::add(&mut counts.outcomes, "reconciled by polling");
        }
        let expected = vipps::status::from_epayment(&json!({
            "state": truth["state"], "amount": {"value": truth["amount"], "currency": "NOK"},
            "aggregate": {"authorizedAmount": {"value": truth["authorized"]}, "capturedAmount": {"value": truth["captured"]},
                          "refundedAmount": {"value": truth["refunded"]}, "cancelledAmount": {"value": truth["cancelled"]}}}));
        let expected = View::from(&expected.to_json());
        assert_eq!(
            view, expected,
            "{reference}: the shop's view differs from the ledger {truth}"
        );
        Counts::add(&mut counts.outcomes, &format!("final {}", expected.status));
    }
    let rejected = *shop.rejected_deliveries.lock().unwrap();
    assert_eq!(rejected, 0, "every genuine delivery verified");
    println!(
        "fault soak: {orders} orders, seed {seed}, {:.1} s",
        started.elapsed().as_secs_f64()
    );
    println!("faults injected: {:?}", counts.faults);
    println!("outcomes: {:?}", counts.outcomes);
    if orders >= 1000 {
        for fault in CALL_FAULTS
            .iter()
            .map(|f| format!("call {f}"))
            .chain(DELIVERY_FAULTS.iter().map(|f| format!("webhook {f}")))
        {
            let n = counts.faults.get(&fault).copied().unwrap_or(0);
            assert!(n >= 20, "{fault} was injected only {n} times");
        }
    }
}
