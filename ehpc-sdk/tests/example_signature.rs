//! The `stop_visual_service` example, pointed at a local HTTP server, sends
//! a request whose signature a separate implementation of the algorithm
//! (written here from the protocol description, sharing no code with
//! `ehpc_sdk::signing`) accepts.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;

const SECRET: &str = "example-secret";

fn decode_component(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn encode_component(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Recomputes the signature of a GET query the way the service does.
fn expected_signature(params: &BTreeMap<String, String>) -> String {
    let canonical: Vec<String> = params
        .iter()
        .filter(|(name, _)| name.as_str() != "Signature")
        .map(|(name, value)| format!("{}={}", encode_component(name), encode_component(value)))
        .collect();
    let string_to_sign = format!("GET&%2F&{}", encode_component(&canonical.join("&")));
    let mut mac = Hmac::<Sha1>::new_from_slice(format!("{SECRET}&").as_bytes()).unwrap();
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn example_binary() -> PathBuf {
    // Integration tests run from target/<profile>/deps; cargo builds the
    // package's examples next to it before running them.
    let deps = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    let binary = deps.parent().unwrap().join("examples").join(format!(
        "stop_visual_service{}",
        std::env::consts::EXE_SUFFIX
    ));
    assert!(
        binary.exists(),
        "{} is missing: cargo test builds examples",
        binary.display()
    );
    binary
}

#[test]
fn the_example_sends_a_request_an_independent_verifier_accepts() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut request_line = String::new();
        reader.read_line(&mut request_line).unwrap();
        loop {
            let mut header = String::new();
            reader.read_line(&mut header).unwrap();
            if header.trim().is_empty() {
                break;
            }
        }
        let target = request_line.split_whitespace().nth(1).unwrap().to_string();
        let query = target.split_once('?').map(|(_, q)| q).unwrap_or_default();
        let params: BTreeMap<String, String> = query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .map(|(n, v)| (decode_component(n), decode_component(v)))
            .collect();
        let accepted = params.get("Signature") == Some(&expected_signature(&params));
        let body = if accepted {
            r#"{"Message":"Service stopped","RequestId":"4A1C-LOCAL"}"#.to_string()
        } else {
            r#"{"Code":"SignatureDoesNotMatch","Message":"mismatch","RequestId":"4A1C-LOCAL"}"#
                .to_string()
        };
        let status = if accepted {
            "200 OK"
        } else {
            "400 Bad Request"
        };
        let mut stream = stream;
        write!(
            stream,
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        (request_line, params, accepted)
    });

    let output = Command::new(example_binary())
        .args([
            "--cluster-id",
            "ehpc-hz-jeJki6****",
            "--cidr-ip",
            "100.168.0.0/16",
        ])
        .args(["--endpoint", &format!("http://{address}")])
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "example-key")
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
        .env("ALIBABA_CLOUD_SECURITY_TOKEN", "example-token")
        .output()
        .unwrap();
    let (request_line, params, accepted) = server.join().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert!(request_line.starts_with("GET /?"), "{request_line}");
    assert!(accepted, "signature rejected; parameters: {params:?}");
    assert_eq!(params["Action"], "StopVisualService");
    assert_eq!(params["Version"], "2018-04-12");
    assert_eq!(params["Port"], "12016", "the default port");
    assert_eq!(params["CidrIp"], "100.168.0.0/16");
    assert_eq!(params["SecurityToken"], "example-token");
    assert_eq!(params["SignatureMethod"], "HMAC-SHA1");
    assert!(
        output.status.success(),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    assert!(stdout.contains("4A1C-LOCAL"), "{stdout}");
}
