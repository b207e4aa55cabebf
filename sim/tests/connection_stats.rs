//! `/_sim/stats` counts the TCP connections the simulator accepted, so a benchmark can tell
//! keep-alive (many requests, one connection) from a connection per request.

mod common;

use common::*;
use std::io::{Read, Write};
use std::net::TcpStream;

fn connections(h: &Harness) -> u64 {
    h.control("GET", "/_sim/stats", None).json()["connections"]
        .as_u64()
        .expect("stats has connections")
}

#[test]
fn each_accepted_connection_counts_once_whatever_it_carries() {
    let h = start();
    // The harness's agent keeps its connection: reading the counter opens none after the first.
    let before = connections(&h);
    assert_eq!(connections(&h), before);
    let addr = h.server.base_url().trim_start_matches("http://").to_owned();
    for requests in [1, 3] {
        let mut stream = TcpStream::connect(&addr).unwrap();
        for i in 0..requests {
            let close = if i + 1 == requests {
                "close"
            } else {
                "keep-alive"
            };
            write!(
                stream,
                "GET /_sim/stats HTTP/1.1\r\nHost: sim\r\nConnection: {close}\r\n\r\n"
            )
            .unwrap();
            // Read this answer before the next request (the answers are small).
            let mut seen = Vec::new();
            let mut buf = [0u8; 4096];
            while !seen.ends_with(b"}") {
                let n = stream.read(&mut buf).unwrap();
                assert!(n > 0, "closed early: {}", String::from_utf8_lossy(&seen));
                seen.extend_from_slice(&buf[..n]);
            }
        }
    }
    // One connection with one request, one with three: two connections.
    assert_eq!(connections(&h), before + 2);
}
