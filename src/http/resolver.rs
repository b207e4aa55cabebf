//! Host name resolution with a short cache.
//!
//! ureq resolves the host on every request, even on a pooled keep-alive connection, and with a
//! timeout set it does so on a new thread: `make bench` measured one thread per request, most
//! of the library's 100 µs of CPU per call and a 4 ms p99 under load (bench/RESULTS.md). The
//! answer is kept for 30 s, short enough to follow a DNS change of the API within a minute.
//! It uses ureq's `unversioned` API, which has no semver promise: Cargo.lock pins ureq.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a resolved address is reused.
const TTL: Duration = Duration::from_secs(30);

#[derive(Debug, Default)]
pub struct CachingResolver {
    inner: ureq::unversioned::resolver::DefaultResolver,
    cache: Mutex<
        Option<(
            String,
            Instant,
            ureq::unversioned::resolver::ResolvedSocketAddrs,
        )>,
    >,
}

impl ureq::unversioned::resolver::Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> std::result::Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let key = format!(
            "{}://{}",
            uri.scheme_str().unwrap_or(""),
            uri.authority().map(|a| a.as_str()).unwrap_or("")
        );
        if let Some((k, at, addrs)) = &*self.cache.lock().unwrap_or_else(|e| e.into_inner()) {
            if *k == key && at.elapsed() < TTL {
                return Ok(addrs.clone());
            }
        }
        let addrs = self.inner.resolve(uri, config, timeout)?;
        *self.cache.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((key, Instant::now(), addrs.clone()));
        Ok(addrs)
    }
}
