//! `vipps-delay-proxy`: network latency on loopback, in user space (the kernel here has no
//! netem qdisc). A TCP relay that holds every chunk, in each direction, for half the RTT, so
//! that a TCP connect, a TLS handshake and each request pay their real round trips.
//!
//!     vipps-delay-proxy --listen 127.0.0.1:0 --upstream 127.0.0.1:7878 --rtt-ms 20
//!
//! prints its address (`127.0.0.1:PORT`) as the first line of stdout and relays until killed.
//!
//! How faithful it is (bench/wan/README.md has the longer version):
//! - Data: a chunk read at time t from one side is written to the other at t + RTT/2 (order
//!   kept: the delay is constant). A request and its answer therefore cost one RTT.
//! - TCP handshake: the kernel completes the client's connect to the proxy at once, which this
//!   program cannot delay. It charges the SYN/SYN-ACK round trip instead on the first bytes:
//!   nothing the client sends reaches the server before accept + RTT + RTT/2, as if the client
//!   could only send once its connect had completed one RTT after it began. For protocols where
//!   the client speaks first (HTTP, TLS) the total is exact; only the split between "connect" and
//!   "first write" differs, so a client's connect timeout never sees the RTT.
//! - TLS: its messages are data, so TLS 1.3 costs its one RTT and TLS 1.2 its two.
//! - Nagle and delayed ACKs act on the loopback hops (client-proxy, proxy-server), where ACKs
//!   come within microseconds, not after an RTT. A client that writes a request in two pieces
//!   and would stall on Nagle + the server's delayed ACK over a real WAN does not stall here. The
//!   proxy sets TCP_NODELAY on both of its sockets, so it adds no Nagle delay of its own.
//! - Not emulated: bandwidth, loss, slow start (the messages here fit the initial window), and
//!   the connection close handshake (a FIN is relayed after RTT/2 like data).
//! - Timing: std::thread::sleep until the chunk's due time (typically 50-100 µs late on an idle
//!   machine, more on a loaded one); measured with the RTT 0 run and reported with the results.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const USAGE: &str = "usage: vipps-delay-proxy --listen ADDR --upstream ADDR --rtt-ms N";

struct Args {
    listen: String,
    upstream: SocketAddr,
    half_rtt: Duration,
    rtt: Duration,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut listen, mut upstream, mut rtt_ms) = (None, None, None);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--listen" => listen = Some(value),
            "--upstream" => {
                upstream = Some(
                    value
                        .parse::<SocketAddr>()
                        .map_err(|_| format!("--upstream expects IP:PORT, got {value:?}"))?,
                )
            }
            "--rtt-ms" => {
                rtt_ms = Some(
                    value
                        .parse::<f64>()
                        .ok()
                        .filter(|v| (0.0..=10_000.0).contains(v))
                        .ok_or(format!("--rtt-ms expects 0 to 10000, got {value:?}"))?,
                )
            }
            other => return Err(format!("unknown option {other}")),
        }
    }
    let rtt = Duration::from_secs_f64(rtt_ms.ok_or("--rtt-ms is required")? / 1e3);
    Ok(Args {
        listen: listen.unwrap_or_else(|| "127.0.0.1:0".to_owned()),
        upstream: upstream.ok_or("--upstream is required")?,
        half_rtt: rtt / 2,
        rtt,
    })
}

fn main() {
    let args = match parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("vipps-delay-proxy: {e}\n{USAGE}");
            std::process::exit(2);
        }
    };
    let listener = match TcpListener::bind(&args.listen) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("vipps-delay-proxy: cannot listen on {}: {e}", args.listen);
            std::process::exit(1);
        }
    };
    match listener.local_addr() {
        Ok(addr) => println!("{addr}"),
        Err(e) => {
            eprintln!("vipps-delay-proxy: {e}");
            std::process::exit(1);
        }
    }
    for client in listener.incoming() {
        let Ok(client) = client else { continue };
        let accepted = Instant::now();
        let (upstream, half_rtt, rtt) = (args.upstream, args.half_rtt, args.rtt);
        std::thread::spawn(move || relay(client, upstream, accepted, half_rtt, rtt));
    }
}

/// One connection: a reader and a writer thread per direction.
fn relay(
    client: TcpStream,
    upstream: SocketAddr,
    accepted: Instant,
    half_rtt: Duration,
    rtt: Duration,
) {
    let Ok(server) = TcpStream::connect(upstream) else {
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (Ok(client2), Ok(server2)) = (client.try_clone(), server.try_clone()) else {
        return;
    };
    // Client to server: nothing before the emulated connect has completed (accept + RTT).
    let earliest = accepted + rtt;
    let up = std::thread::spawn(move || pipe(client, server, half_rtt, Some(earliest)));
    pipe(server2, client2, half_rtt, None);
    let _ = up.join();
}

/// Copies `from` to `to`, each chunk delivered `delay` after it was read (and not before
/// `earliest` + `delay`). Ends with a half-close of `to` once `from` has ended.
fn pipe(mut from: TcpStream, to: TcpStream, delay: Duration, earliest: Option<Instant>) {
    let (tx, rx) = mpsc::channel::<(Instant, Vec<u8>)>();
    let writer = std::thread::spawn(move || {
        let mut to = to;
        for (due, chunk) in rx {
            let now = Instant::now();
            if due > now {
                std::thread::sleep(due - now);
            }
            if chunk.is_empty() {
                break;
            }
            if to.write_all(&chunk).is_err() {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Write);
    });
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = from.read(&mut buf).unwrap_or(0);
        let mut sent_at = Instant::now();
        if let Some(earliest) = earliest {
            sent_at = sent_at.max(earliest);
        }
        // An empty chunk stands for the end of the stream.
        if tx.send((sent_at + delay, buf[..n].to_vec())).is_err() || n == 0 {
            break;
        }
    }
    drop(tx);
    let _ = writer.join();
    let _ = from.shutdown(Shutdown::Read);
}
