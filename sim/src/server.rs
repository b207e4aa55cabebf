//! Running the simulator: a thread with its own tokio runtime and a hand-written accept loop.
//!
//! The accept loop (instead of `axum::serve`) gives each connection a [`ConnAbort`] handle, so a
//! fault can close the TCP connection without a response, exactly like a network failure.

use crate::conn::ConnAbort;
use crate::options::SimOptions;
use crate::routes;
use crate::state::Sim;
use crate::tls::SimTls;
use axum::body::Body;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use std::net::{Ipv4Addr, SocketAddr, TcpListener as StdListener};
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::Service;

/// A running simulator. Dropping it shuts the server down and joins its thread.
pub struct SimServer {
    base_url: String,
    /// With `--tls`: the PEM of the CA that signed the server's certificate.
    ca_pem: Option<String>,
    sim: Arc<Sim>,
    shutdown: watch::Sender<bool>,
    thread: Option<JoinHandle<()>>,
}

impl SimServer {
    /// Binds 127.0.0.1:`opts.port` and returns once the socket is listening (plain HTTP).
    pub fn start(opts: SimOptions) -> std::io::Result<SimServer> {
        Self::start_with(opts, None)
    }

    /// As [`SimServer::start`], serving HTTPS with a certificate for 127.0.0.1 and localhost
    /// from a CA made now; [`SimServer::ca_pem`] is what a client must trust.
    pub fn start_https(opts: SimOptions) -> std::io::Result<SimServer> {
        Self::start_with(opts, Some(SimTls::generate()?))
    }

    fn start_with(opts: SimOptions, tls: Option<SimTls>) -> std::io::Result<SimServer> {
        let listener = StdListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, opts.port)))?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        let scheme = if tls.is_some() { "https" } else { "http" };
        let base_url = format!("{scheme}://127.0.0.1:{port}");
        let ca_pem = tls.as_ref().map(|t| t.ca_pem.clone());
        let acceptor = tls.map(|t| tokio_rustls::TlsAcceptor::from(t.server_config));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("vipps-sim")
            .enable_all()
            .build()?;
        let sim = Arc::new(Sim::new(opts, base_url.clone(), runtime.handle().clone()));
        let (shutdown, shutdown_rx) = watch::channel(false);
        let (ready_tx, ready_rx) = mpsc::channel::<std::io::Result<()>>();
        let sim2 = Arc::clone(&sim);
        let thread = std::thread::Builder::new()
            .name("vipps-sim-server".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = match TcpListener::from_std(listener) {
                        Ok(l) => l,
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                            return;
                        }
                    };
                    let _ = ready_tx.send(Ok(()));
                    let app = routes::app(Arc::clone(&sim2));
                    accept_loop(listener, app, sim2, acceptor, shutdown_rx).await;
                });
                // Outbound deliveries may still be sleeping or sending; do not wait long for them.
                runtime.shutdown_timeout(Duration::from_millis(500));
            })?;
        match ready_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(e),
            Err(_) => return Err(std::io::Error::other("simulator thread failed to start")),
        }
        Ok(SimServer {
            base_url,
            ca_pem,
            sim,
            shutdown,
            thread: Some(thread),
        })
    }

    /// e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The CA certificate (PEM) of a simulator started with [`SimServer::start_https`].
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// The simulator's state, for in-process inspection.
    pub fn sim(&self) -> &Arc<Sim> {
        &self.sim
    }
}

impl Drop for SimServer {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// How long a client may take to complete the TLS handshake before its connection is dropped.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

async fn accept_loop(
    listener: TcpListener,
    app: Router,
    sim: Arc<Sim>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Transient errors (e.g. too many open files): back off briefly and go on.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            _ = shutdown.changed() => return,
        };
        // Counted for `/_sim/stats`: how many connections clients open (keep-alive shows as
        // few connections for many requests).
        sim.stats.count_connection();
        let _ = stream.set_nodelay(true);
        match &tls {
            None => {
                tokio::spawn(serve_connection(stream, app.clone(), shutdown.clone()));
            }
            Some(acceptor) => {
                tokio::spawn(serve_tls(
                    acceptor.clone(),
                    stream,
                    app.clone(),
                    shutdown.clone(),
                ));
            }
        }
    }
}

async fn serve_tls(
    acceptor: tokio_rustls::TlsAcceptor,
    stream: TcpStream,
    app: Router,
    shutdown: watch::Receiver<bool>,
) {
    // A client that refuses the certificate ends the handshake with an alert: just drop it.
    if let Ok(Ok(tls)) = tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await
    {
        serve_connection(tls, app, shutdown).await;
    }
}

async fn serve_connection<S>(stream: S, app: Router, mut shutdown: watch::Receiver<bool>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let abort = ConnAbort::default();
    let handle = abort.clone();
    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(handle.clone());
        let mut app = app.clone();
        async move { app.call(req.map(Body::new)).await }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    // Whichever comes first: the client is done, a fault drops the connection (the socket is
    // closed with no response written), or the server shuts down.
    tokio::select! {
        _ = conn => {}
        _ = abort.aborted() => {}
        _ = shutdown.changed() => {}
    }
}
