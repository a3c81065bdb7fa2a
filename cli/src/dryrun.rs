//! `--dry-run`: the request the SDK would send, signed, with secrets
//! redacted. The client sends it to a proxy on the loopback interface that
//! keeps it and answers with an error, so nothing leaves the machine and
//! the request is signed for the real host, as it would be sent.

use crate::failure::Failure;
use codegen::model::{Field, Operation};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const REDACTED: &str = "** redacted **";

/// Headers and query parameters that carry credentials.
const SECRET_NAMES: &[&str] = &["SecurityToken", "x-acs-security-token"];

/// Listens for the one request; `proxy` is where the client should send it.
pub struct Capture {
    listener: TcpListener,
    pub proxy: String,
}

impl Capture {
    pub async fn start() -> Result<Capture, Failure> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| Failure::other(format!("--dry-run: cannot listen: {e}")))?;
        let address = listener
            .local_addr()
            .map_err(|e| Failure::other(e.to_string()))?;
        Ok(Capture {
            listener,
            proxy: format!("http://{address}"),
        })
    }

    /// The first request to arrive, as text; it is answered with an error
    /// the client does not retry.
    pub async fn request(self) -> Result<String, Failure> {
        let (mut stream, _) = self
            .listener
            .accept()
            .await
            .map_err(|e| Failure::other(e.to_string()))?;
        let mut raw = Vec::new();
        let mut buffer = [0u8; 8192];
        loop {
            let read = stream
                .read(&mut buffer)
                .await
                .map_err(|e| Failure::other(e.to_string()))?;
            raw.extend_from_slice(&buffer[..read]);
            if read == 0 || complete(&raw) {
                break;
            }
        }
        let body = r#"{"Code":"DryRun","Message":"not sent: --dry-run","RequestId":"dry-run"}"#;
        let answer = format!(
            "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        // The client gives up either way; a failed write changes nothing.
        let _ = stream.write_all(answer.as_bytes()).await;
        Ok(String::from_utf8_lossy(&raw).into_owned())
    }
}

/// Whether the head and the whole body (by `content-length`) are in.
fn complete(raw: &[u8]) -> bool {
    let text = String::from_utf8_lossy(raw);
    let Some(end) = text.find("\r\n\r\n") else {
        return false;
    };
    let length = text[..end]
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    raw.len() >= end + 4 + length
}

/// The names (last dotted segment) of the operation's secret parameters.
fn sensitive_names(operation: &Operation) -> Vec<String> {
    let fields = operation
        .parameters
        .iter()
        .chain(operation.request_types.iter().flat_map(|t| t.fields.iter()));
    let mut names: Vec<String> = fields
        .filter(|f: &&Field| f.sensitive)
        .map(|f| {
            f.wire_name
                .rsplit('.')
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    names.extend(SECRET_NAMES.iter().map(|s| s.to_string()));
    names
}

/// The captured request with every secret value replaced: query and form
/// pairs and headers by name, JSON values by key.
pub fn redact(request: &str, operation: &Operation) -> String {
    let secrets = sensitive_names(operation);
    let secret = |name: &str| {
        let last = name.rsplit('.').next().unwrap_or(name);
        secrets.iter().any(|s| s.eq_ignore_ascii_case(last))
    };
    let (head, body) = request.split_once("\r\n\r\n").unwrap_or((request, ""));
    let mut lines = head.lines();
    let request_line = lines.next().unwrap_or_default();
    let mut out = Vec::new();
    let mut parts: Vec<String> = request_line.split(' ').map(str::to_string).collect();
    if let Some(target) = parts.get_mut(1) {
        if let Some((path, query)) = target.clone().split_once('?') {
            *target = format!("{path}?{}", redact_pairs(query, &secret, &secrets));
        }
    }
    out.push(parts.join(" "));
    for line in lines {
        match line.split_once(':') {
            Some((name, _)) if secret(name.trim()) => out.push(format!("{name}: {REDACTED}")),
            _ => out.push(line.to_string()),
        }
    }
    let body = if body.trim_start().starts_with('{') {
        match serde_json::from_str::<serde_json::Value>(body) {
            Ok(mut value) => {
                redact_json(&mut value, &secrets);
                value.to_string()
            }
            Err(_) => body.to_string(),
        }
    } else {
        redact_pairs(body, &secret, &secrets)
    };
    format!("{}\n\n{body}\n", out.join("\n"))
}

fn redact_pairs(pairs: &str, secret: &dyn Fn(&str) -> bool, secrets: &[String]) -> String {
    pairs
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decoded = percent_decode(name);
            if secret(&decoded) {
                return format!("{name}={}", REDACTED.replace(' ', "%20"));
            }
            // A `json`-style parameter: secrets inside its JSON text.
            match serde_json::from_str::<serde_json::Value>(&percent_decode(value)) {
                Ok(mut json) if json.is_object() || json.is_array() => {
                    redact_json(&mut json, secrets);
                    format!("{name}={}", percent_encode(&json.to_string()))
                }
                _ => pair.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn redact_json(value: &mut serde_json::Value, secrets: &[String]) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if secrets.iter().any(|s| s.eq_ignore_ascii_case(key)) {
                    *item = serde_json::Value::String(REDACTED.into());
                } else {
                    redact_json(item, secrets);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|i| redact_json(i, secrets)),
        _ => {}
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
