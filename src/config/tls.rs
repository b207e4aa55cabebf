//! `tls`: which certificate authorities the client trusts.
//!
//! `roots` picks the base set: `webpki` (Mozilla's roots, compiled into the library: the same
//! on every machine, the default) or `platform` (the operating system's trust store, where a
//! company's own CA is usually installed). `ca_file` ADDS the certificates of a PEM bundle to
//! that set, for a TLS-inspecting proxy or a private test server; it never replaces the public
//! roots. The file is read once, when the client is made, so a missing or empty file fails
//! `vipps_client_new` with a message naming `tls.ca_file` rather than the first payment.

use crate::error::Result;
use crate::json::input::Fields;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

const KNOWN_KEYS: &[&str] = &["ca_file", "roots"];

/// The base set of trusted roots.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Roots {
    /// Mozilla's root program, compiled in (webpki-roots).
    #[default]
    WebPki,
    /// The operating system's trust store (rustls-platform-verifier).
    Platform,
}

#[derive(Clone, Default, PartialEq, Eq)]
pub struct TlsSettings {
    pub roots: Roots,
    /// The path given as `ca_file`, for messages.
    pub ca_file: Option<String>,
    /// The certificates read from `ca_file`, added to `roots`.
    pub extra_roots: Vec<CertificateDer<'static>>,
}

/// The path and how many certificates, not their bytes (a bundle can hold hundreds).
impl std::fmt::Debug for TlsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsSettings")
            .field("roots", &self.roots)
            .field("ca_file", &self.ca_file)
            .field("extra_roots", &self.extra_roots.len())
            .finish()
    }
}

impl TlsSettings {
    pub fn read(f: &Fields) -> Result<TlsSettings> {
        let Some(t) = f.opt_object("tls")? else {
            return Ok(TlsSettings::default());
        };
        if let Some((unknown, _)) = t.entries().find(|(k, _)| !KNOWN_KEYS.contains(&k.as_str())) {
            return Err(t.error(
                unknown,
                format!("is not a known setting (known: {})", KNOWN_KEYS.join(", ")),
            ));
        }
        let roots = match t.check_enum("roots", &["webpki", "platform"])? {
            Some("platform") => Roots::Platform,
            _ => Roots::WebPki,
        };
        let ca_file = t.opt_str("ca_file")?;
        let extra_roots = match ca_file {
            Some(path) => read_pem_bundle(&t, path)?,
            None => Vec::new(),
        };
        Ok(TlsSettings {
            roots,
            ca_file: ca_file.map(str::to_owned),
            extra_roots,
        })
    }
}

fn read_pem_bundle(t: &Fields, path: &str) -> Result<Vec<CertificateDer<'static>>> {
    if path.is_empty() {
        return Err(t.error("ca_file", "must be the path of a PEM file"));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| t.error("ca_file", format!("cannot be read ({path:?}: {e})")))?;
    let mut certificates = Vec::new();
    for item in CertificateDer::pem_slice_iter(&bytes) {
        let certificate = item.map_err(|e| {
            t.error(
                "ca_file",
                format!("is not a valid PEM file ({path:?}: {e:?})"),
            )
        })?;
        // A certificate that webpki cannot use as a trust anchor is refused here, not on the
        // first handshake.
        if webpki_anchor_parses(&certificate).is_err() {
            return Err(t.error(
                "ca_file",
                format!("holds a certificate that cannot be parsed ({path:?})"),
            ));
        }
        certificates.push(certificate);
    }
    if certificates.is_empty() {
        return Err(t.error(
            "ca_file",
            format!("holds no certificate (no \"-----BEGIN CERTIFICATE-----\" block in {path:?})"),
        ));
    }
    Ok(certificates)
}

fn webpki_anchor_parses(certificate: &CertificateDer<'_>) -> std::result::Result<(), ()> {
    let mut store = rustls::RootCertStore::empty();
    store.add(certificate.clone()).map_err(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::json::input::parse_object;

    fn read(json: &str) -> Result<TlsSettings> {
        let map = parse_object(json, "configuration", ErrorKind::Config)?;
        TlsSettings::read(&Fields::new(&map, "", ErrorKind::Config))
    }

    fn temp_file(name: &str, contents: &[u8]) -> String {
        let dir = std::env::temp_dir().join(format!("vipps-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, contents).unwrap();
        path.to_string_lossy().into_owned()
    }

    #[test]
    fn the_default_is_the_compiled_in_roots_and_nothing_added() {
        let settings = read("{}").unwrap();
        assert_eq!(settings, TlsSettings::default());
        assert_eq!(settings.roots, Roots::WebPki);
        assert_eq!(
            read(r#"{"tls":{"roots":"platform"}}"#).unwrap().roots,
            Roots::Platform
        );
    }

    #[test]
    fn mistakes_name_the_field() {
        let cases = [
            (r#"{"tls":{"roots":"system"}}"#, "tls.roots must be one of"),
            (
                r#"{"tls":{"root":"webpki"}}"#,
                "tls.root is not a known setting",
            ),
            (r#"{"tls":"webpki"}"#, "tls must be"),
            (r#"{"tls":{"ca_file":""}}"#, "tls.ca_file must be the path"),
            (
                r#"{"tls":{"ca_file":"/nonexistent/vipps-ca.pem"}}"#,
                "tls.ca_file cannot be read",
            ),
        ];
        for (json, expected) in cases {
            let err = read(json).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Config, "{json}");
            assert!(err.message.contains(expected), "{json}: {}", err.message);
        }
    }

    #[test]
    fn a_file_without_a_certificate_is_refused() {
        let path = temp_file("empty.pem", b"just some text\n");
        let err = read(&format!(r#"{{"tls":{{"ca_file":{path:?}}}}}"#)).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Config);
        assert!(
            err.message.contains("tls.ca_file holds no certificate"),
            "{}",
            err.message
        );
        let garbage = temp_file(
            "garbage.pem",
            b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        );
        let err = read(&format!(r#"{{"tls":{{"ca_file":{garbage:?}}}}}"#)).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Config);
        assert!(err.message.contains("tls.ca_file"), "{}", err.message);
    }
}
