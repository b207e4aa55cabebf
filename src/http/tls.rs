//! The TLS layer of the agent, built from the `tls` settings (config/tls.rs).
//!
//! ureq's own rustls connector can trust either its compiled-in roots, the platform's, or a
//! given list, but not a list ADDED to one of the first two, which is what `tls.ca_file` means.
//! So the library makes the rustls client configuration itself and wraps ureq's TCP transport
//! with it here, through ureq's `unversioned` transport API (Cargo.lock pins ureq).
//!
//! The configuration (and with it rustls's in-memory session cache) is made per agent, that is
//! per process: a forked PHP-FPM child never resumes a session with its parent's tickets.

use crate::config::tls::{Roots, TlsSettings};
use crate::error::{Error, Result};
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};
use std::io::{Read, Write};
use std::sync::Arc;
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, Transport,
    TransportAdapter,
};

/// Builds the rustls client configuration for `settings`. Fails (kind `config`) when the
/// platform's trust store cannot be loaded.
pub fn client_config(settings: &TlsSettings) -> Result<Arc<ClientConfig>> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::config(format!("tls: no usable TLS version ({e})")))?;
    let config = match settings.roots {
        Roots::WebPki => {
            let mut store = RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            };
            for certificate in &settings.extra_roots {
                // Checked when the file was read (config/tls.rs).
                store.add(certificate.clone()).map_err(|e| {
                    Error::config(format!("tls.ca_file holds an unusable certificate ({e})"))
                })?;
            }
            builder.with_root_certificates(store)
        }
        Roots::Platform => {
            let verifier = platform_verifier(settings, provider).map_err(|e| {
                Error::config(format!(
                    "tls.roots \"platform\": the system's trust store cannot be used ({e})"
                ))
            })?;
            // "dangerous" only in name: the platform verifier does verify the chain.
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(verifier))
        }
    };
    Ok(Arc::new(config.with_no_client_auth()))
}

#[cfg(not(target_os = "android"))]
fn platform_verifier(
    settings: &TlsSettings,
    provider: Arc<rustls::crypto::CryptoProvider>,
) -> std::result::Result<rustls_platform_verifier::Verifier, rustls::Error> {
    rustls_platform_verifier::Verifier::new_with_extra_roots(
        settings.extra_roots.iter().cloned(),
        provider,
    )
}

/// Android's verifier cannot take extra roots.
#[cfg(target_os = "android")]
fn platform_verifier(
    settings: &TlsSettings,
    provider: Arc<rustls::crypto::CryptoProvider>,
) -> std::result::Result<rustls_platform_verifier::Verifier, rustls::Error> {
    if !settings.extra_roots.is_empty() {
        return Err(rustls::Error::General(
            "tls.ca_file cannot be added to the platform's roots on Android".to_owned(),
        ));
    }
    rustls_platform_verifier::Verifier::new(provider)
}

/// A copy of `config` with an empty session cache of its own (see the module comment).
pub fn for_this_process(config: &ClientConfig) -> Arc<ClientConfig> {
    let mut fresh = config.clone();
    fresh.resumption = rustls::client::Resumption::default();
    Arc::new(fresh)
}

/// Wraps the chained transport (TCP, or a CONNECT tunnel) in TLS when the URL is https.
pub struct TlsConnector {
    pub config: Arc<ClientConfig>,
}

impl<In: Transport> Connector<In> for TlsConnector {
    type Out = Either<In, TlsTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> std::result::Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else {
            return Ok(None);
        };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let host = details
            .uri
            .host()
            .ok_or(ureq::Error::Tls("the URL has no host"))?;
        // An IPv6 literal comes with its brackets.
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let name = ServerName::try_from(host.to_owned())
            .map_err(|_| ureq::Error::Tls("the host is not a valid TLS server name"))?;
        let mut connection = ClientConnection::new(self.config.clone(), name)?;
        let mut socket = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        // The handshake gets the connect timeout's budget (counted from here, not from the
        // TCP connect: at most one connect timeout more; the call's deadline still bounds it).
        socket.set_timeout(details.timeout);
        connection.complete_io(&mut socket)?;
        Ok(Some(Either::B(TlsTransport {
            buffers: LazyBuffers::new(
                details.config.input_buffer_size(),
                details.config.output_buffer_size(),
            ),
            stream: StreamOwned::new(connection, socket),
        })))
    }
}

impl std::fmt::Debug for TlsConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TlsConnector")
    }
}

/// An established TLS connection, as ureq's HTTP/1.1 layer sees it.
pub struct TlsTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl std::fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TlsTransport")
    }
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(
        &mut self,
        amount: usize,
        timeout: NextTimeout,
    ) -> std::result::Result<(), ureq::Error> {
        self.stream.sock.set_timeout(timeout);
        let output = self
            .buffers
            .output()
            .get(..amount)
            .ok_or(ureq::Error::Tls("more output requested than buffered"))?;
        self.stream.write_all(output)?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> std::result::Result<bool, ureq::Error> {
        self.stream.sock.set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let amount = self.stream.read(input)?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.sock.get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}
