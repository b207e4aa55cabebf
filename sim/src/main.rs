//! The `vipps-sim` binary: prints its base URL as the first line of stdout and serves until
//! SIGTERM or SIGINT. With `--tls --ca-out FILE` it serves HTTPS and writes its CA to FILE.

mod cli;

use std::io::Write;
use vipps_sim::SimServer;

fn main() {
    let (opts, https) = match cli::parse(std::env::args().skip(1)) {
        Ok(cli::Command::Run(opts, https)) => (opts, https),
        Ok(cli::Command::Help) => {
            println!("{}", cli::USAGE);
            return;
        }
        Err(msg) => {
            eprintln!("vipps-sim: {msg}\n\n{}", cli::USAGE);
            std::process::exit(2);
        }
    };
    let started = match &https {
        None => SimServer::start(opts),
        Some(_) => SimServer::start_https(opts),
    };
    let server = match started {
        Ok(s) => s,
        Err(e) => {
            eprintln!("vipps-sim: cannot start: {e}");
            std::process::exit(1);
        }
    };
    if let (Some(https), Some(pem)) = (&https, server.ca_pem()) {
        // Written before the base URL is printed: a client that read the URL finds the file.
        if let Err(e) = write_ca(&https.ca_out, pem) {
            eprintln!("vipps-sim: cannot write --ca-out {}: {e}", https.ca_out);
            std::process::exit(1);
        }
    }
    let mut out = std::io::stdout();
    let _ = writeln!(out, "{}", server.base_url());
    let _ = out.flush();
    wait_for_signal();
    drop(server);
}

/// Writes the CA certificate whole or not at all (a reader never sees half a file).
fn write_ca(path: &str, pem: &str) -> std::io::Result<()> {
    let partial = format!("{path}.partial-{}", std::process::id());
    std::fs::write(&partial, pem)?;
    std::fs::rename(&partial, path)
}

/// Blocks until SIGTERM or SIGINT.
fn wait_for_signal() {
    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        // Without a runtime we cannot listen for signals; park forever (killing still works).
        loop {
            std::thread::park();
        }
    };
    rt.block_on(async {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            match signal(SignalKind::terminate()) {
                Ok(mut term) => {
                    tokio::select! {
                        _ = term.recv() => {}
                        _ = tokio::signal::ctrl_c() => {}
                    }
                }
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    });
}
