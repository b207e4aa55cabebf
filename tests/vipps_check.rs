//! `vipps-check`, the go-live command, run as a binary against an in-process simulator: its
//! report rows, the orders it leaves in the simulator's ledger, its exit codes, and its refusal
//! to run against production.

mod common;

use std::process::{Command, Output};

use common::Harness;
use serde_json::{json, Value};

fn vipps_check(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vipps-check"));
    command.args(args);
    for name in [
        "VIPPS_ENVIRONMENT",
        "VIPPS_CLIENT_ID",
        "VIPPS_CLIENT_SECRET",
        "VIPPS_SUBSCRIPTION_KEY",
        "VIPPS_MSN",
    ] {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    command.output().expect("vipps-check runs")
}

fn json_report(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn row<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no row {name}: {report:#}"))
}

fn reference_of(report: &Value, api: &str, status: &str) -> String {
    report["orders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["api"] == api && o["status"] == status)
        .unwrap_or_else(|| panic!("no {api} order {status}: {report:#}"))["reference"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn every_row_passes_against_the_simulator_and_the_orders_are_really_there() {
    let h = Harness::start();
    let output = vipps_check(&["--base-url", h.base_url(), "--ecom", "--json"], &[]);
    let report = json_report(&output);
    assert_eq!(output.status.code(), Some(0), "{report:#}");
    assert_eq!(report["passed"], true);
    assert_eq!(report["target"], "simulator");
    let names: Vec<&str> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "epayment_refund",
            "epayment_cancel",
            "ecom_refund",
            "ecom_cancel",
            "receipt",
            "webhook",
            "vipps_system_headers"
        ]
    );
    for name in names {
        assert_eq!(row(&report, name)["result"], "pass", "{report:#}");
    }
    assert!(row(&report, "vipps_system_headers")["detail"]
        .as_str()
        .unwrap()
        .starts_with("observed on all"));

    // The simulator's own books agree with the report.
    let refunded = reference_of(&report, "epayment", "refunded");
    let entry = h.ledger_entry(&refunded);
    assert_eq!(
        (&entry["captured"], &entry["refunded"]),
        (&json!(10000), &json!(10000))
    );
    let cancelled = reference_of(&report, "epayment", "cancelled");
    assert_eq!(h.ledger_entry(&cancelled)["cancelled"], 10000);
    let ecom_refunded = reference_of(&report, "ecom", "refunded");
    assert_eq!(h.ledger_entry(&ecom_refunded)["state"], "REFUND");
    let ecom_cancelled = reference_of(&report, "ecom", "cancelled");
    assert_eq!(h.ledger_entry(&ecom_cancelled)["state"], "VOID");
    let receipts = h.requests(&format!("/order-management/v2/ECOM/receipts/{refunded}"));
    assert_eq!(
        receipts.len(),
        1,
        "one receipt posted on the refunded order"
    );
    let registrations = h.requests("/webhooks/v1/webhooks");
    assert_eq!(
        registrations
            .iter()
            .map(|r| r["method"].as_str().unwrap())
            .filter(|m| *m == "POST" || *m == "DELETE")
            .count(),
        2,
        "registered once and deleted once"
    );
}

#[test]
fn the_text_report_names_the_orders_and_without_ecom_has_no_ecom_rows() {
    let h = Harness::start();
    let output = vipps_check(&["--base-url", h.base_url()], &[]);
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("[PASS] epayment_refund"), "{text}");
    assert!(text.contains("[PASS] receipt"), "{text}");
    assert!(!text.contains("ecom_"), "{text}");
    assert!(text.contains("-ep-refund"), "{text}");
    assert!(text.ends_with("Result: every row passed\n"), "{text}");
}

#[test]
fn a_failing_step_fails_its_row_and_the_exit_code() {
    let h = Harness::start();
    // The capture of the refund order is turned away: that row fails, and the receipt, which
    // needs the refunded order, is not tried; the other rows still run.
    h.fault(
        json!({"method": "POST", "path": "/epayment/v1/payments/*/capture",
                   "count": 1, "action": "respond", "status": 400}),
    );
    let output = vipps_check(&["--base-url", h.base_url(), "--json"], &[]);
    let report = json_report(&output);
    assert_eq!(output.status.code(), Some(1), "{report:#}");
    assert_eq!(report["passed"], false);
    assert_eq!(row(&report, "epayment_refund")["result"], "fail");
    assert!(row(&report, "epayment_refund")["detail"]
        .as_str()
        .unwrap()
        .contains("capture failed"));
    assert_eq!(row(&report, "receipt")["result"], "fail");
    assert_eq!(row(&report, "epayment_cancel")["result"], "pass");
    assert_eq!(row(&report, "webhook")["result"], "pass");
}

#[test]
fn production_is_refused_with_exit_code_2_before_any_request() {
    let h = Harness::start();
    for (args, env) in [
        (vec!["--environment", "production"], vec![]),
        (vec![], vec![("VIPPS_ENVIRONMENT", "production")]),
        (vec!["--base-url", "https://api.vipps.no"], vec![]),
        (vec!["--base-url", "https://shop-proxy.example.com"], vec![]),
    ] {
        let output = vipps_check(&args, &env);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?} {env:?}: {stderr}");
        assert!(stderr.contains("refused"), "{stderr}");
        assert!(output.stdout.is_empty());
    }
    // Production credentials aimed at the simulator's address with the production name are
    // refused too, and nothing reached the simulator.
    let output = vipps_check(
        &["--environment", "production", "--base-url", h.base_url()],
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(h.requests("/").is_empty(), "no request was sent");
}

#[test]
fn the_test_environment_needs_every_credential() {
    let output = vipps_check(
        &[
            "--environment",
            "test",
            "--client-id",
            "a",
            "--msn",
            "123456",
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("TEST client id"));
}

#[test]
fn an_unwritable_stdout_is_an_error_message_not_a_panic() {
    // `vipps-check --help | head -1`, or a full disk, must not end in a Rust panic.
    let h = Harness::start();
    for args in [vec!["--help"], vec!["--base-url", h.base_url()]] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_vipps-check"))
            .args(&args)
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(stderr.contains("could not write"), "{stderr}");
    }
}
