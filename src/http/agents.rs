//! One HTTP agent (and so one connection pool) per process and per connection settings,
//! shared by every client made with those settings.
//!
//! PHP-FPM runs each request in a fresh PHP scope, so a shop makes a new client per request
//! and frees it at the end. If the pool belonged to the client, every request would pay a new
//! TCP connection and TLS handshake: three round trips instead of one at real network latency
//! (bench/wan). Kept here, the pool outlives the client, like the access-token cache
//! (auth.rs) already does. Only settings that shape a connection make the key: clients with
//! other credentials or merchants share connections safely (each request carries its own
//! headers).
//!
//! Both maps are per process (per_process.rs): a forked child starts empty and never locks a
//! mutex it inherited, nor uses its parent's sockets.

use crate::config::Config;
use crate::error::Result;
use crate::per_process::PerProcess;
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex};

/// More distinct connection settings than this in one process (a misuse, e.g. a per-request
/// plugin name) starts the maps over rather than letting them grow.
const MAX_ENTRIES: usize = 32;

/// Vectors, searched in order (a handful of entries), not hash maps: a hash map's table is held
/// by a pointer into its middle, which valgrind reports as "possibly lost" for these
/// process-lifetime values (`make valgrind` counts that as an error).
type Registry<T> = PerProcess<Mutex<Vec<(String, T)>>>;

static AGENTS: Registry<ureq::Agent> = PerProcess::new();
static TLS_CONFIGS: Registry<Arc<rustls::ClientConfig>> = PerProcess::new();

/// What decides how a connection is made: the origin, the proxy, the TLS trust settings (the
/// added certificates by content, so an edited file is a new key), the connect timeout and the
/// User-Agent. The text never holds a secret (a proxy URL with a password is hashed).
pub fn key(config: &Config, origin: &str) -> String {
    let mut digest = Sha256::new();
    for certificate in &config.tls.extra_roots {
        digest.update((certificate.len() as u64).to_be_bytes());
        digest.update(certificate.as_ref());
    }
    digest.update(b"|proxy|");
    digest.update(config.proxy.as_deref().unwrap_or("").as_bytes());
    let digest = digest.finalize();
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!(
        "{origin}|{:?}|{hex}|{}|{}",
        config.tls.roots,
        config.timeouts.connect.as_millis(),
        config.system.plugin_name
    )
}

/// This process's agent for `key`, made by `make` the first time.
pub fn agent(key: &str, make: impl FnOnce() -> ureq::Agent) -> ureq::Agent {
    let agents = AGENTS.get(|| Mutex::new(Vec::new()));
    let mut agents = agents.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, agent)) = agents.iter().find(|(k, _)| k == key) {
        return agent.clone();
    }
    if agents.len() >= MAX_ENTRIES {
        agents.clear();
    }
    let agent = make();
    agents.push((key.to_owned(), agent.clone()));
    agent
}

/// This process's TLS configuration for `key`, built by `make` the first time (loading the
/// platform's trust store takes milliseconds: once per process, not per client).
pub fn tls_config(
    key: &str,
    make: impl FnOnce() -> Result<Arc<rustls::ClientConfig>>,
) -> Result<Arc<rustls::ClientConfig>> {
    let configs = TLS_CONFIGS.get(|| Mutex::new(Vec::new()));
    let mut configs = configs.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, config)) = configs.iter().find(|(k, _)| k == key) {
        return Ok(config.clone());
    }
    if configs.len() >= MAX_ENTRIES {
        configs.clear();
    }
    let config = make()?;
    configs.push((key.to_owned(), config.clone()));
    Ok(config)
}
