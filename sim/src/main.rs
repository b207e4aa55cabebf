//! The `vipps-sim` binary: prints its base URL as the first line of stdout and serves until
//! SIGTERM or SIGINT.

mod cli;

use std::io::Write;
use vipps_sim::SimServer;

fn main() {
    let opts = match cli::parse(std::env::args().skip(1)) {
        Ok(cli::Command::Run(opts)) => opts,
        Ok(cli::Command::Help) => {
            println!("{}", cli::USAGE);
            return;
        }
        Err(msg) => {
            eprintln!("vipps-sim: {msg}\n\n{}", cli::USAGE);
            std::process::exit(2);
        }
    };
    let server = match SimServer::start(opts) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("vipps-sim: cannot start: {e}");
            std::process::exit(1);
        }
    };
    let mut out = std::io::stdout();
    let _ = writeln!(out, "{}", server.base_url());
    let _ = out.flush();
    wait_for_signal();
    drop(server);
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
