//! What goes on the wire, seen by a loopback server that records the raw
//! HTTP request: the method (POST where the service accepts it, as the
//! official SDKs send it), the placement (`in: query` parameters in the URL
//! query even on POST, with an empty body and no `Content-Type`), the
//! `Version` of the operation's own API version, and the encoding of every
//! parameter style. Every operation of both versions is sent through
//! `Client::call_json`; the expected query is worked out from the same JSON
//! parameters by the protocol's rules, independently of the SDK's encoder.
//! Literal, hand-worked expectations follow for each style.

mod request_values;

use codegen::model::{HttpMethod, Operation, Placement, Style};
use ehpc_sdk::{Client, Credentials, RetryConfig};
use request_values::Values;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One HTTP request as it arrived.
#[derive(Debug, Clone)]
struct Captured {
    method: String,
    /// Decoded query pairs, in order.
    query: Vec<(String, String)>,
    content_type: Option<String>,
    body: Vec<u8>,
}

/// A loopback HTTP server answering every request with a minimal success
/// body and keeping what it received.
struct Capture {
    endpoint: String,
    received: Arc<Mutex<Vec<Captured>>>,
}

impl Capture {
    async fn start() -> Capture {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let sink = received.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let sink = sink.clone();
                tokio::spawn(async move {
                    if let Some(request) = read_request(&mut socket).await {
                        sink.lock().unwrap().push(request);
                    }
                    let body = r#"{"RequestId":"CAPTURED"}"#;
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = socket.write_all(answer.as_bytes()).await;
                });
            }
        });
        Capture { endpoint, received }
    }

    fn take(&self) -> Vec<Captured> {
        std::mem::take(&mut *self.received.lock().unwrap())
    }
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Captured> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let read = socket.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
    };
    let head = String::from_utf8(buffer[..head_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_string();
    let target = request_line.next()?.to_string();
    let mut content_type = None;
    let mut length = 0;
    for line in lines {
        let (name, value) = line.split_once(':')?;
        match name.trim().to_ascii_lowercase().as_str() {
            "content-type" => content_type = Some(value.trim().to_string()),
            "content-length" => length = value.trim().parse().ok()?,
            _ => {}
        }
    }
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let read = socket.read(&mut chunk).await.ok()?;
        if read == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..read]);
    }
    let query = target.split_once('?').map_or("", |(_, q)| q);
    Some(Captured {
        method,
        query: decode_pairs(query),
        content_type,
        body,
    })
}

/// `a=b&c=d` with `%XX` escapes decoded.
fn decode_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' && index + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// Common parameters the runtime adds; not the operation's.
const COMMON: &[&str] = &[
    "AccessKeyId",
    "Action",
    "Format",
    "Signature",
    "SignatureMethod",
    "SignatureNonce",
    "SignatureVersion",
    "Timestamp",
    "Version",
];

/// The protocol's rules applied to a JSON parameter value: a scalar as
/// itself (numbers as JSON writes them), `json` as one JSON text, lists
/// and objects flattened (`Name.1`, `Name.Field`, indexes from 1).
fn expected_pairs(name: &str, style: Style, value: &Value, out: &mut Vec<(String, String)>) {
    match (style, value) {
        (_, Value::Null) => {}
        (Style::Json, value) => out.push((name.to_string(), value.to_string())),
        (_, Value::Array(items)) => {
            for (index, item) in items.iter().enumerate() {
                expected_pairs(&format!("{name}.{}", index + 1), Style::Flat, item, out);
            }
        }
        (_, Value::Object(fields)) => {
            for (key, item) in fields {
                expected_pairs(&format!("{name}.{key}"), Style::Flat, item, out);
            }
        }
        (_, Value::String(text)) => out.push((name.to_string(), text.clone())),
        (_, scalar) => out.push((name.to_string(), scalar.to_string())),
    }
}

/// Every operation of both versions, each with its version.
fn operations() -> Vec<(String, Operation)> {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    codegen::validate_all(&specs)
        .unwrap_or_else(|d| panic!("{d}"))
        .into_iter()
        .flat_map(|api| {
            let version = api.service.version.clone();
            api.operations
                .into_iter()
                .map(move |op| (version.clone(), op))
        })
        .collect()
}

fn client(endpoint: &str) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .credentials(Credentials::new("id", "secret"))
        .retry_config(RetryConfig::disabled())
        .build()
        .unwrap()
}

/// Splits the query into the operation's parameters, sorted, and the value
/// of `Version`.
fn operation_pairs(captured: &Captured) -> (Vec<(String, String)>, Option<String>) {
    let version = captured
        .query
        .iter()
        .find(|(n, _)| n == "Version")
        .map(|(_, v)| v.clone());
    let mut pairs: Vec<(String, String)> = captured
        .query
        .iter()
        .filter(|(n, _)| !COMMON.contains(&n.as_str()))
        .cloned()
        .collect();
    pairs.sort();
    (pairs, version)
}

/// `json`-style values compared as JSON (key order is the type's, not the
/// drawn object's).
fn normalized(operation: &Operation, pairs: Vec<(String, String)>) -> Vec<(String, Value)> {
    pairs
        .into_iter()
        .map(|(name, value)| {
            let json = operation
                .parameters
                .iter()
                .any(|p| p.wire_name == name && p.style == Style::Json);
            let value = if json {
                serde_json::from_str(&value).unwrap_or(Value::String(value))
            } else {
                Value::String(value)
            };
            (name, value)
        })
        .collect()
}

#[tokio::test]
async fn every_operation_is_sent_with_its_method_placement_version_and_styles() {
    let capture = Capture::start().await;
    let client = client(&capture.endpoint);
    let mut styles_seen = std::collections::BTreeSet::new();
    for (index, (version, operation)) in operations().iter().enumerate() {
        assert!(
            operation
                .parameters
                .iter()
                .all(|p| p.placement == Placement::Query),
            "{version} {}: every parameter of both metadata files is in the query",
            operation.name
        );
        for round in 0..4u64 {
            let params = Values::new(operation, (index as u64) << 8 | round).parameters();
            let context = format!(
                "{version} {} {}",
                operation.name,
                Value::from(params.clone())
            );
            client
                .call_json(version, &operation.name, Value::Object(params.clone()))
                .await
                .unwrap_or_else(|e| panic!("{context}: {e}"));
            let captured = capture.take();
            let [captured] = captured.as_slice() else {
                panic!("{context}: {} requests", captured.len());
            };
            let expected_method = if operation.methods.contains(&HttpMethod::Post) {
                "POST"
            } else {
                "GET"
            };
            assert_eq!(captured.method, expected_method, "{context}");
            assert!(captured.body.is_empty(), "{context}: a body was sent");
            assert_eq!(captured.content_type, None, "{context}");
            let (pairs, sent_version) = operation_pairs(captured);
            assert_eq!(sent_version.as_deref(), Some(version.as_str()), "{context}");

            let mut expected = Vec::new();
            for field in &operation.parameters {
                if let Some(value) = params.get(&field.wire_name) {
                    styles_seen.insert(format!("{:?}", field.style));
                    expected_pairs(&field.wire_name, field.style, value, &mut expected);
                }
            }
            expected.sort();
            assert_eq!(
                normalized(operation, pairs),
                normalized(operation, expected),
                "{context}"
            );
        }
    }
    assert_eq!(
        styles_seen.into_iter().collect::<Vec<_>>(),
        ["Flat", "Json", "Plain", "RepeatList"],
        "every style was exercised"
    );
}

/// Sends `params` as `action` of `version` and returns the operation's own
/// query pairs, as they arrived.
async fn sent(version: &str, action: &str, params: Value) -> Vec<(String, String)> {
    let capture = Capture::start().await;
    let client = client(&capture.endpoint);
    client
        .call_json(version, action, params)
        .await
        .unwrap_or_else(|e| panic!("{action}: {e}"));
    let captured = capture.take();
    assert_eq!(captured.len(), 1);
    let (pairs, sent_version) = operation_pairs(&captured[0]);
    assert_eq!(sent_version.as_deref(), Some(version));
    pairs
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = expected
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn json_style_lists_and_objects_are_one_json_value() {
    // 2024-07-30 ListClusters: ClusterIds is a json-style list.
    assert_eq!(
        sent(
            "2024-07-30",
            "ListClusters",
            json!({"ClusterIds": ["ehpc-hz-1", "ehpc-hz-2"], "PageSize": 10}),
        )
        .await,
        pairs(&[
            ("ClusterIds", r#"["ehpc-hz-1","ehpc-hz-2"]"#),
            ("PageSize", "10")
        ])
    );
    // 2024-07-30 CreateJob: JobSpec is a json-style object with a nested
    // object, keys in the type's order.
    assert_eq!(
        sent(
            "2024-07-30",
            "CreateJob",
            json!({
                "ClusterId": "ehpc-hz-1",
                "JobName": "a b*~/中文+&=%",
                "JobSpec": {
                    "CommandLine": "sleep 1",
                    "Resources": {"Cores": 2, "Memory": "4gb"},
                    "JobQueue": "comp"
                }
            }),
        )
        .await,
        pairs(&[
            ("ClusterId", "ehpc-hz-1"),
            ("JobName", "a b*~/中文+&=%"),
            (
                "JobSpec",
                r#"{"CommandLine":"sleep 1","JobQueue":"comp","Resources":{"Cores":2,"Memory":"4gb"}}"#
            ),
        ])
    );
}

#[tokio::test]
async fn repeat_list_and_flat_count_from_one() {
    // 2024-07-30 ListSoftwares: OsInfos is a repeatList of objects.
    assert_eq!(
        sent(
            "2024-07-30",
            "ListSoftwares",
            json!({"OsInfos": [
                {"Architecture": "x86_64", "OsTag": "CentOS_7.9_64"},
                {"Architecture": "arm64", "OsTag": "Alinux 3"}
            ]}),
        )
        .await,
        pairs(&[
            ("OsInfos.1.Architecture", "x86_64"),
            ("OsInfos.1.OsTag", "CentOS_7.9_64"),
            ("OsInfos.2.Architecture", "arm64"),
            ("OsInfos.2.OsTag", "Alinux 3"),
        ])
    );
    // 2024-07-30 ListAddonTemplates: AddonNames is a flat list.
    assert_eq!(
        sent(
            "2024-07-30",
            "ListAddonTemplates",
            json!({"AddonNames": ["Login", "Slurm"]}),
        )
        .await,
        pairs(&[("AddonNames.1", "Login"), ("AddonNames.2", "Slurm")])
    );
}

#[tokio::test]
async fn floats_are_written_one_way_at_the_top_level_and_nested() {
    // 2018-04-12 ApplyNodes: ComputeSpotPriceLimit is a top-level float,
    // InstanceTypeModel.N.MaxPrice a nested one. A whole-valued float keeps
    // its `.0` in both places, as the official SDKs write it.
    let sent = sent(
        "2018-04-12",
        "ApplyNodes",
        json!({
            "ClusterId": "ehpc-hz-1",
            "TargetCapacity": 1,
            "ZoneInfos": [{"ZoneId": "cn-hangzhou-b", "VSwitchId": "vsw-1"}],
            "ComputeSpotPriceLimit": 3.0,
            "InstanceTypeModel": [{"InstanceType": "ecs.g7.large", "MaxPrice": 3.0}, {"MaxPrice": 0.25}]
        }),
    )
    .await;
    let value = |name: &str| {
        sent.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(value("ComputeSpotPriceLimit"), Some("3.0"));
    assert_eq!(value("InstanceTypeModel.1.MaxPrice"), Some("3.0"));
    assert_eq!(value("InstanceTypeModel.2.MaxPrice"), Some("0.25"));
}

#[tokio::test]
async fn an_operation_accepting_get_and_post_goes_out_as_post_with_an_empty_body() {
    let capture = Capture::start().await;
    let client = client(&capture.endpoint);
    // 2018-04-12 SubmitServerlessJob accepts GET and POST; its long
    // json-encoded parameters stay in the query, as the official SDKs send them.
    client
        .call_json(
            "2018-04-12",
            "SubmitServerlessJob",
            json!({
                "ClusterId": "ehpc-hz-1",
                "JobName": "job",
                "Container": {"Image": "busybox", "Command": ["sleep", "1"]}
            }),
        )
        .await
        .unwrap();
    let captured = capture.take();
    assert_eq!(captured[0].method, "POST");
    assert!(captured[0].body.is_empty());
    assert_eq!(captured[0].content_type, None);
    assert!(captured[0]
        .query
        .iter()
        .any(|(n, v)| n == "Container" && v == r#"{"Command":["sleep","1"],"Image":"busybox"}"#));
}
