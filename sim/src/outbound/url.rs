//! Splitting a delivery URL into the parts the webhook signature covers.

/// The parts of an absolute `http(s)` URL.
#[derive(Debug, PartialEq, Eq)]
pub struct UrlParts<'a> {
    pub scheme: &'a str,
    /// `host[:port]`, without userinfo: what the `Host` header and the signature carry.
    pub authority: &'a str,
    /// Path plus `?query`; `/` when the URL has no path.
    pub path_and_query: String,
}

pub fn split(url: &str) -> Option<UrlParts<'_>> {
    let (scheme, rest) = url.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if authority.is_empty() {
        return None;
    }
    let tail = &rest[end..];
    let tail = tail.split_once('#').map_or(tail, |(t, _)| t);
    let path_and_query = if tail.starts_with('?') || tail.is_empty() {
        format!("/{tail}")
    } else {
        tail.to_string()
    };
    Some(UrlParts {
        scheme,
        authority,
        path_and_query,
    })
}

/// The host part of an authority (drops the port; keeps IPv6 brackets off).
pub fn host_of(authority: &str) -> &str {
    if let Some(rest) = authority.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    authority.split(':').next().unwrap_or(authority)
}

pub fn is_loopback_host(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.starts_with("127.") || host == "::1"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_authority_and_path() {
        let p = split("https://webhook.site/e2cee29b?x=1#frag").unwrap();
        assert_eq!(p.scheme, "https");
        assert_eq!(p.authority, "webhook.site");
        assert_eq!(p.path_and_query, "/e2cee29b?x=1");
        let q = split("http://user@127.0.0.1:8080").unwrap();
        assert_eq!(
            (q.authority, q.path_and_query.as_str()),
            ("127.0.0.1:8080", "/")
        );
        assert!(split("ftp://x/y").is_none());
        assert!(split("http:///y").is_none());
        assert_eq!(host_of("127.0.0.1:8080"), "127.0.0.1");
        assert_eq!(host_of("[::1]:80"), "::1");
        assert!(is_loopback_host("localhost") && !is_loopback_host("example.com"));
    }
}
