//! What the simulator saw: its request log (`GET /_sim/requests`), to check that every request
//! of the run carried the `Vipps-System-*` headers with the configured values.

use serde_json::Value;

pub const SYSTEM_HEADERS: [&str; 4] = [
    "vipps-system-name",
    "vipps-system-version",
    "vipps-system-plugin-name",
    "vipps-system-plugin-version",
];

fn requests(base_url: &str) -> Result<Vec<Value>, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let url = format!("{base_url}/_sim/requests");
    let mut answer = agent
        .get(&url)
        .call()
        .map_err(|e| format!("GET {url}: {e}"))?;
    if answer.status() != 200 {
        return Err(format!(
            "GET {url} answered {}: is this vipps-sim?",
            answer.status()
        ));
    }
    let text = answer
        .body_mut()
        .read_to_string()
        .map_err(|e| format!("GET {url}: {e}"))?;
    let body: Value = serde_json::from_str(&text).map_err(|e| format!("GET {url}: {e}"))?;
    body.as_array()
        .cloned()
        .ok_or(format!("GET {url}: not a JSON array"))
}

/// The highest sequence number in the log now, so the check reads only its own requests.
pub fn last_seq(base_url: &str) -> Result<u64, String> {
    Ok(requests(base_url)?
        .iter()
        .filter_map(|r| r["seq"].as_u64())
        .max()
        .unwrap_or(0))
}

/// Every request after `since` must carry the four headers with the `expected` values (in
/// the order of `SYSTEM_HEADERS`). Answers how many requests were checked, or the first few
/// that were not right.
pub fn check_headers(base_url: &str, since: u64, expected: &[String; 4]) -> Result<usize, String> {
    let log: Vec<Value> = requests(base_url)?
        .into_iter()
        .filter(|r| r["seq"].as_u64().is_some_and(|s| s > since))
        .collect();
    if log.is_empty() {
        return Err("the simulator logged no request from this run".into());
    }
    let mut wrong = wrong_headers(&log, expected);
    if wrong.is_empty() {
        Ok(log.len())
    } else {
        let count = wrong.len();
        wrong.truncate(5);
        Err(format!(
            "{count} header(s) wrong or missing, e.g. {}",
            wrong.join("; ")
        ))
    }
}

/// One line per header that a logged request lacked or had with another value.
fn wrong_headers(log: &[Value], expected: &[String; 4]) -> Vec<String> {
    let mut wrong = Vec::new();
    for request in log {
        for (name, value) in SYSTEM_HEADERS.iter().zip(expected) {
            let sent = request["headers"][*name].as_str();
            if sent != Some(value.as_str()) {
                wrong.push(format!(
                    "{} {}: {name} was {:?}",
                    request["method"].as_str().unwrap_or("?"),
                    request["path"].as_str().unwrap_or("?"),
                    sent.unwrap_or("missing")
                ));
            }
        }
    }
    wrong
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_missing_or_different_header_is_named() {
        let expected = ["shop", "1.0", "plugin", "2.0"].map(String::from);
        let good = json!({"method": "GET", "path": "/a", "headers": {
            "vipps-system-name": "shop", "vipps-system-version": "1.0",
            "vipps-system-plugin-name": "plugin", "vipps-system-plugin-version": "2.0"}});
        assert!(wrong_headers(std::slice::from_ref(&good), &expected).is_empty());
        let mut bad = good.clone();
        bad["path"] = json!("/b");
        bad["headers"]["vipps-system-version"] = json!("1.1");
        bad["headers"]
            .as_object_mut()
            .unwrap()
            .remove("vipps-system-plugin-name");
        assert_eq!(
            wrong_headers(&[good, bad], &expected),
            [
                "GET /b: vipps-system-version was \"1.1\"",
                "GET /b: vipps-system-plugin-name was \"missing\""
            ]
        );
    }
}
