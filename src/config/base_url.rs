//! The API base URL and the rule that plain HTTP is only for loopback.

use crate::error::{Error, Result};

/// A validated base URL without a trailing slash, e.g. `https://apitest.vipps.no`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BaseUrl {
    text: String,
    https: bool,
    host: String,
}

impl BaseUrl {
    pub fn parse(text: &str) -> Result<BaseUrl> {
        let trimmed = text.trim_end_matches('/');
        let (https, rest) = if let Some(rest) = trimmed.strip_prefix("https://") {
            (true, rest)
        } else if let Some(rest) = trimmed.strip_prefix("http://") {
            (false, rest)
        } else {
            return Err(Error::config(
                "base_url must start with https:// (or http:// for a local simulator)",
            ));
        };
        let authority = rest.split('/').next().unwrap_or_default();
        if authority.is_empty() || authority.contains('@') || rest.contains(['?', '#', ' ']) {
            return Err(Error::config(
                "base_url must be scheme://host[:port][/path] with no user, query or fragment",
            ));
        }
        let host = host_of(authority)?;
        if !https && !is_loopback(&host) {
            // Plain HTTP would send credentials and tokens in clear text over a network.
            return Err(Error::config(format!(
                "base_url uses plain http for {host}, which is not a loopback address; use https"
            )));
        }
        Ok(BaseUrl {
            text: trimmed.to_owned(),
            https,
            host,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn is_https(&self) -> bool {
        self.https
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    /// Joins an API path (starting with `/`) onto the base.
    pub fn join(&self, path: &str) -> String {
        format!("{}{}", self.text, path)
    }
}

fn host_of(authority: &str) -> Result<String> {
    let host = if let Some(rest) = authority.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    if host.is_empty() {
        return Err(Error::config("base_url has no host"));
    }
    Ok(host.to_ascii_lowercase())
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_and_http_only_on_loopback() {
        assert!(BaseUrl::parse("https://apitest.vipps.no/").is_ok());
        assert!(BaseUrl::parse("http://127.0.0.1:7878").is_ok());
        assert!(BaseUrl::parse("http://localhost:1").is_ok());
        assert!(BaseUrl::parse("http://[::1]:8080").is_ok());
        assert!(BaseUrl::parse("http://127.9.9.9").is_ok());
        let err = BaseUrl::parse("http://api.vipps.no").unwrap_err();
        assert!(err.message.contains("not a loopback"), "{}", err.message);
        assert!(BaseUrl::parse("http://10.0.0.1").is_err());
        assert!(BaseUrl::parse("ftp://x").is_err());
        assert!(BaseUrl::parse("https://user@host").is_err());
    }

    #[test]
    fn trailing_slash_is_dropped_and_paths_join() {
        let url = BaseUrl::parse("http://127.0.0.1:9/").unwrap();
        assert_eq!(
            url.join("/accesstoken/get"),
            "http://127.0.0.1:9/accesstoken/get"
        );
        assert_eq!(url.host(), "127.0.0.1");
    }
}
