//! Bad input gets an error answer or a closed connection, and the next
//! request is served.

mod support;

use ehpc_emulator::{Emulator, MAX_BODY_BYTES, MAX_QUERY_BYTES};
use std::net::SocketAddr;
use support::*;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

async fn still_serves(addr: SocketAddr) {
    let answer = get(addr, &signed("GET", SECRET, stop_visual_service())).await;
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
}

/// The status of the answer, if there was one; the connection is closed
/// either way.
async fn status_of(addr: SocketAddr, bytes: &[u8]) -> Option<u16> {
    exchange(addr, bytes).await.map(|answer| answer.status)
}

#[tokio::test]
async fn garbage_and_non_utf8_bytes_on_the_socket() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    for bytes in [
        garbage.as_slice(),
        b"\x00\x01\x02\r\n\r\n",
        b"GET /?Action=\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: \xff\r\nX: \x01\r\n\r\n",
        b"HELLO\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
    ] {
        let status = status_of(addr, bytes).await;
        assert!(
            status.is_none_or(|s| (400..500).contains(&s)),
            "{:?} got {status:?}",
            String::from_utf8_lossy(bytes)
        );
        still_serves(addr).await;
    }
}

#[tokio::test]
async fn invalid_percent_encoding_is_an_invalid_parameter() {
    let emulator = Emulator::start().await.unwrap();
    for query in ["Action=%zz", "Action=%4", "Action=%FF%FE", "%C3=1"] {
        let request = format!("GET /?{query} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        let answer = exchange(emulator.addr(), request.as_bytes()).await.unwrap();
        assert_eq!(
            (answer.status, answer.code().as_str()),
            (400, "InvalidParameter"),
            "{query}"
        );
        still_serves(emulator.addr()).await;
    }
    assert!(emulator
        .requests()
        .iter()
        .any(|r| r.status == Some(400) && r.action.is_none()));
}

#[tokio::test]
async fn huge_query_strings_and_bodies_are_refused() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();

    let long = "a".repeat(MAX_QUERY_BYTES + 1);
    let request = format!("GET /?X={long} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let answer = exchange(addr, request.as_bytes()).await.unwrap();
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (414, "RequestURITooLong")
    );
    still_serves(addr).await;

    // Beyond the largest request head read, hyper answers for itself.
    let huge = "a".repeat(1024 * 1024);
    let request = format!("GET /?X={huge} HTTP/1.1\r\nHost: x\r\n\r\n");
    let status = status_of(addr, request.as_bytes()).await;
    assert!(status.is_none_or(|s| s == 414 || s == 431), "{status:?}");
    still_serves(addr).await;

    let body = "a".repeat(MAX_BODY_BYTES + 1);
    let request = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let status = status_of(addr, request.as_bytes()).await;
    assert!(status.is_none_or(|s| s == 413), "{status:?}");
    still_serves(addr).await;
}

#[tokio::test]
async fn other_paths_methods_and_media_types() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    for (request, status) in [
        ("GET /elsewhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 404),
        ("PUT / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", 405),
        (
            "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
            415,
        ),
        ("GET /?A=1&A=2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400),
    ] {
        let answer = exchange(addr, request.as_bytes()).await.unwrap();
        assert_eq!(answer.status, status, "{request}");
        assert!(answer.json()["Code"].is_string());
    }
    still_serves(addr).await;
}

#[tokio::test]
async fn clients_that_stop_halfway_do_not_block_others() {
    let emulator = Emulator::start().await.unwrap();
    let mut idle = Vec::new();
    for partial in [
        &b"GET /?Action=Stop"[..],
        b"POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\nabc",
    ] {
        let mut stream = TcpStream::connect(emulator.addr()).await.unwrap();
        stream.write_all(partial).await.unwrap();
        idle.push(stream);
    }
    still_serves(emulator.addr()).await;
    drop(idle);
    still_serves(emulator.addr()).await;
}

/// Writes the head of a request whose body never comes in full.
async fn trickle(addr: SocketAddr) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: 100000\r\n\r\nA",
        )
        .await
        .unwrap();
    stream
}

#[tokio::test]
async fn a_body_that_never_arrives_is_cut_off_at_the_deadline() {
    let emulator = Emulator::builder()
        .body_read_timeout(std::time::Duration::from_millis(200))
        .start()
        .await
        .unwrap();
    let addr = emulator.addr();
    let mut stream = trickle(addr).await;
    let mut answer = Vec::new();
    tokio::io::AsyncReadExt::read_to_end(&mut stream, &mut answer)
        .await
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408 "), "{answer}");
    assert!(answer.contains("RequestTimeout"), "{answer}");
    still_serves(addr).await;
}

#[tokio::test]
async fn connections_over_the_cap_are_turned_away_and_slots_come_back() {
    let emulator = Emulator::builder()
        .max_connections(4)
        .start()
        .await
        .unwrap();
    let addr = emulator.addr();
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(trickle(addr).await);
    }
    // The four are being read; a fifth is answered at once.
    let turned_away = status_of(addr, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert_eq!(turned_away, Some(503));
    drop(held);
    // Closed connections give their slots back as the server notices.
    for attempt in 0.. {
        let answer = get(addr, &signed("GET", SECRET, stop_visual_service())).await;
        if answer.status == 200 {
            break;
        }
        assert!(attempt < 200, "the slots never came back");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn request_heads_over_64_kib_get_431() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    let head = |padding: usize| {
        format!(
            "GET /__emulator/operations HTTP/1.1\r\nHost: x\r\nX-Pad: {}\r\n\
             Connection: close\r\n\r\n",
            "a".repeat(padding)
        )
    };
    // Exactly at the limit, and one byte over.
    let fixed = head(0).len();
    let at_limit = head(64 * 1024 - fixed);
    assert_eq!(at_limit.len(), 64 * 1024);
    assert_eq!(status_of(addr, at_limit.as_bytes()).await, Some(200));
    let over = head(64 * 1024 - fixed + 1);
    assert_eq!(status_of(addr, over.as_bytes()).await, Some(431));
    for size in [100 * 1024, 200 * 1024] {
        let status = status_of(addr, head(size).as_bytes()).await;
        assert!(status.is_none_or(|s| s == 431), "{size}: {status:?}");
    }
    still_serves(addr).await;
}
