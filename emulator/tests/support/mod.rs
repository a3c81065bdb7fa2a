//! Raw HTTP and signing for the emulator's own tests: requests are built
//! by hand here, so each check can be aimed at exactly one mistake.

#![allow(dead_code)]

pub mod v2024;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha1::Sha1;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub const KEY_ID: &str = ehpc_emulator::DEFAULT_ACCESS_KEY_ID;
pub const SECRET: &str = ehpc_emulator::DEFAULT_ACCESS_KEY_SECRET;

pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub fn canonical(params: &[(String, String)]) -> String {
    let mut pairs: Vec<String> = params
        .iter()
        .map(|(n, v)| format!("{}={}", encode(n), encode(v)))
        .collect();
    pairs.sort();
    pairs.join("&")
}

pub fn string_to_sign(method: &str, params: &[(String, String)]) -> String {
    format!("{method}&%2F&{}", encode(&canonical(params)))
}

pub fn signature(method: &str, secret: &str, params: &[(String, String)]) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(format!("{secret}&").as_bytes()).unwrap();
    mac.update(string_to_sign(method, params).as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

pub fn now_timestamp() -> String {
    timestamp_at(SystemTime::now())
}

pub fn timestamp_at(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since the epoch (Gregorian).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

static NONCE: AtomicU64 = AtomicU64::new(0);

pub fn fresh_nonce() -> String {
    format!(
        "test-{}-{}",
        std::process::id(),
        NONCE.fetch_add(1, Ordering::Relaxed)
    )
}

/// Common parameters of a correct request, unsigned.
pub fn common(action: &str) -> Vec<(String, String)> {
    [
        ("Action", action.to_string()),
        ("Version", "2018-04-12".to_string()),
        ("Format", "JSON".to_string()),
        ("AccessKeyId", KEY_ID.to_string()),
        ("SignatureMethod", "HMAC-SHA1".to_string()),
        ("SignatureVersion", "1.0".to_string()),
        ("SignatureNonce", fresh_nonce()),
        ("Timestamp", now_timestamp()),
    ]
    .into_iter()
    .map(|(n, v)| (n.to_string(), v))
    .collect()
}

/// A correct StopVisualService request, unsigned.
pub fn stop_visual_service() -> Vec<(String, String)> {
    let mut params = common("StopVisualService");
    for (n, v) in [
        ("ClusterId", "ehpc-hz-1"),
        ("CidrIp", "10.0.0.0/24"),
        ("Port", "12016"),
    ] {
        params.push((n.to_string(), v.to_string()));
    }
    params
}

pub fn set(params: &mut Vec<(String, String)>, name: &str, value: &str) {
    params.retain(|(n, _)| n != name);
    params.push((name.to_string(), value.to_string()));
}

pub fn remove(params: &mut Vec<(String, String)>, name: &str) {
    params.retain(|(n, _)| n != name);
}

/// Adds `Signature` computed with `secret`.
pub fn signed(
    method: &str,
    secret: &str,
    mut params: Vec<(String, String)>,
) -> Vec<(String, String)> {
    let signature = signature(method, secret, &params);
    params.push(("Signature".to_string(), signature));
    params
}

#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn code(&self) -> String {
        self.json()["Code"].as_str().unwrap_or_default().to_string()
    }

    pub fn message(&self) -> String {
        self.json()["Message"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

/// Writes `bytes` on a fresh connection and reads until the server closes
/// it; `None` when it closed without an answer.
pub async fn exchange(addr: SocketAddr, bytes: &[u8]) -> Option<Answer> {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    // The server may close before reading everything; that is an answer too.
    let _ = stream.write_all(bytes).await;
    let mut received = Vec::new();
    let _ = stream.read_to_end(&mut received).await;
    if received.is_empty() {
        return None;
    }
    let split = received
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head");
    let head = String::from_utf8_lossy(&received[..split]).into_owned();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    Some(Answer {
        status,
        head,
        body: received[split + 4..].to_vec(),
    })
}

pub async fn get(addr: SocketAddr, params: &[(String, String)]) -> Answer {
    let query: Vec<String> = params
        .iter()
        .map(|(n, v)| format!("{}={}", encode(n), encode(v)))
        .collect();
    let request = format!(
        "GET /?{} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n",
        query.join("&")
    );
    exchange(addr, request.as_bytes()).await.expect("an answer")
}

pub async fn post(addr: SocketAddr, params: &[(String, String)]) -> Answer {
    let body: Vec<String> = params
        .iter()
        .map(|(n, v)| format!("{}={}", encode(n), encode(v)))
        .collect();
    let body = body.join("&");
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    exchange(addr, request.as_bytes()).await.expect("an answer")
}
