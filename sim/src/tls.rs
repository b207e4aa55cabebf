//! HTTPS for `vipps-sim --tls`: a certificate authority made at start, and a server
//! certificate it signs for `127.0.0.1` and `localhost`.
//!
//! A client trusts the simulator by adding the CA's PEM (written by `--ca-out`) to its roots
//! (the library: `"tls": {"ca_file": ...}`), exactly as a shop would trust a private CA. The
//! CA's key lives only in memory and dies with the process, so no leftover file can be used
//! to impersonate anything later.

use base64::Engine;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::sync::Arc;

/// What a TLS simulator serves with, and what its clients need to trust it.
pub struct SimTls {
    pub server_config: Arc<rustls::ServerConfig>,
    /// The CA certificate, PEM.
    pub ca_pem: String,
}

impl SimTls {
    pub fn generate() -> std::io::Result<SimTls> {
        let fail = |what: &str, e: &dyn std::fmt::Display| {
            std::io::Error::other(format!("TLS setup: {what}: {e}"))
        };
        let ca_key = KeyPair::generate().map_err(|e| fail("CA key", &e))?;
        let mut ca_params =
            CertificateParams::new(Vec::<String>::new()).map_err(|e| fail("CA parameters", &e))?;
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "vipps-sim test CA");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_cert = ca_params
            .self_signed(&ca_key)
            .map_err(|e| fail("CA certificate", &e))?;
        let issuer = Issuer::new(ca_params, ca_key);

        let server_key = KeyPair::generate().map_err(|e| fail("server key", &e))?;
        let mut server_params =
            CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
                .map_err(|e| fail("server parameters", &e))?;
        server_params
            .distinguished_name
            .push(DnType::CommonName, "vipps-sim");
        server_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        server_params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        let server_cert = server_params
            .signed_by(&server_key, &issuer)
            .map_err(|e| fail("server certificate", &e))?;

        let chain: Vec<CertificateDer<'static>> =
            vec![server_cert.der().clone(), ca_cert.der().clone()];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut server_config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| fail("protocol versions", &e))?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| fail("server key pair", &e))?;
        server_config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(SimTls {
            server_config: Arc::new(server_config),
            ca_pem: pem("CERTIFICATE", ca_cert.der()),
        })
    }
}

/// PEM text: base64 in lines of 64 characters between the BEGIN and END lines.
fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}
