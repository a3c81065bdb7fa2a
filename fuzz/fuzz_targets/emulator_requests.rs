//! The emulator's request handling, through its public API: one emulator
//! on loopback for the whole run, and each input sent to it over a fresh
//! connection, either as raw bytes (the HTTP and parameter parsers) or as
//! parameters signed with the emulator's key (the checks of every
//! operation's parameters, past the signature). A panic in the emulator
//! aborts the process (libFuzzer's panic hook), which is the finding.

#![no_main]

use ehpc_emulator::{Emulator, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET};
use libfuzzer_sys::fuzz_target;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

struct Running {
    _runtime: tokio::runtime::Runtime,
    emulator: Emulator,
    addr: SocketAddr,
}

fn emulator() -> &'static Running {
    static RUNNING: OnceLock<Running> = OnceLock::new();
    RUNNING.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime");
        let emulator = runtime
            .block_on(Emulator::start())
            .expect("the emulator starts");
        let addr = emulator.addr();
        Running {
            _runtime: runtime,
            emulator,
            addr,
        }
    })
}

/// Sends `request` on a fresh connection and reads the answer to its end.
/// `complete` requests ask for the connection to close after the answer;
/// the others are ended by closing the sending side, so the emulator sees
/// where they end (and, like any HTTP/1 server by default, may then close
/// without answering).
fn exchange(addr: SocketAddr, request: &[u8], complete: bool) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).expect("the emulator accepts");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("a timeout");
    // The emulator may answer before reading everything, and close.
    let _ = stream.write_all(request);
    if !complete {
        let _ = stream.shutdown(Shutdown::Write);
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    answer
}

/// `name=value` lines signed as an RPC request, with the common parameters
/// the lines do not set.
fn signed_request(method: &str, text: &str) -> Vec<u8> {
    static NONCE: AtomicU64 = AtomicU64::new(0);
    let nonce = format!("fuzz-{}", NONCE.fetch_add(1, Ordering::Relaxed));
    let timestamp = ehpc_sdk::signing::timestamp(SystemTime::now());
    let mut params: Vec<(&str, &str)> = text
        .lines()
        .filter_map(|line| line.split_once('='))
        .collect();
    let defaults = [
        ("AccessKeyId", DEFAULT_ACCESS_KEY_ID),
        ("Format", "JSON"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("Version", "2018-04-12"),
        ("SignatureNonce", nonce.as_str()),
        ("Timestamp", timestamp.as_str()),
    ];
    for (name, value) in defaults {
        if !params.iter().any(|(n, _)| *n == name) {
            params.push((name, value));
        }
    }
    let signed = ehpc_sdk::signing::sign_params(method, DEFAULT_ACCESS_KEY_SECRET, params);
    match method {
        "GET" => format!(
            "GET /?{} HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n\r\n",
            signed.query
        )
        .into_bytes(),
        _ => format!(
            "POST / HTTP/1.1\r\nHost: fuzz\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{}",
            signed.query.len(),
            signed.query
        )
        .into_bytes(),
    }
}

fuzz_target!(|data: &[u8]| {
    let running = emulator();
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let answer = match selector % 3 {
        0 => exchange(running.addr, rest, false),
        mode => {
            let Ok(text) = std::str::from_utf8(rest) else {
                return;
            };
            let method = if mode == 1 { "GET" } else { "POST" };
            let answer = exchange(running.addr, &signed_request(method, text), true);
            // A complete request always gets an answer.
            assert!(
                answer.starts_with(b"HTTP/1.1 "),
                "no answer to a signed request"
            );
            answer
        }
    };
    let _ = answer;
    // The request log grows with every input; the run only needs the answers.
    static SEEN: AtomicU64 = AtomicU64::new(0);
    if SEEN.fetch_add(1, Ordering::Relaxed) % 256 == 0 {
        running.emulator.clear_requests();
    }
});
