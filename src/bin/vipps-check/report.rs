//! The report a merchant keeps: the orders made, their final states, and one row per
//! checklist item, as plain text or JSON.

use serde_json::{json, Value};

/// One checklist row.
#[derive(Debug)]
pub struct Row {
    pub name: &'static str,
    pub passed: bool,
    /// What was seen (or, on failure, which step failed and why).
    pub detail: String,
}

/// An order the check made.
#[derive(Debug)]
pub struct Order {
    pub api: &'static str,
    pub reference: String,
    /// The API's own final state (ePayment `state` with its aggregate, eCom `transactionInfo.status`).
    pub api_state: String,
    /// The library's normalized status.
    pub status: String,
}

#[derive(Debug)]
pub struct Report {
    pub target: String,
    pub base_url: String,
    pub msn: String,
    pub started_at: String,
    pub orders: Vec<Order>,
    pub rows: Vec<Row>,
}

impl Report {
    pub fn passed(&self) -> bool {
        !self.rows.is_empty() && self.rows.iter().all(|r| r.passed)
    }

    pub fn to_json(&self) -> Value {
        json!({
            "tool": "vipps-check",
            "version": vipps::VERSION,
            "target": self.target,
            "base_url": self.base_url,
            "merchant_serial_number": self.msn,
            "started_at": self.started_at,
            "passed": self.passed(),
            "orders": self.orders.iter().map(|o| json!({
                "api": o.api, "reference": o.reference,
                "api_state": o.api_state, "status": o.status,
            })).collect::<Vec<_>>(),
            "rows": self.rows.iter().map(|r| json!({
                "name": r.name, "result": if r.passed { "pass" } else { "fail" },
                "detail": r.detail,
            })).collect::<Vec<_>>(),
        })
    }

    pub fn to_text(&self) -> String {
        let mut out = format!(
            "Vipps MobilePay go-live check (vipps-check {})\n\
             target:   {} ({})\nMSN:      {}\nstarted:  {}\n\nOrders:\n",
            vipps::VERSION,
            self.target,
            self.base_url,
            self.msn,
            self.started_at
        );
        for o in &self.orders {
            out.push_str(&format!(
                "  {:<9} {:<40} {:<22} {}\n",
                o.api, o.reference, o.api_state, o.status
            ));
        }
        out.push_str("\nChecklist:\n");
        for r in &self.rows {
            let mark = if r.passed { "PASS" } else { "FAIL" };
            out.push_str(&format!("  [{mark}] {}: {}\n", r.name, r.detail));
        }
        let verdict = if self.passed() {
            "every row passed"
        } else {
            "NOT PASSED: see the rows marked FAIL"
        };
        out.push_str(&format!("\nResult: {verdict}\n"));
        out
    }
}
