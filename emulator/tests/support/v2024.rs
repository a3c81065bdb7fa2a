//! Calls of API version 2024-07-30 (E-HPC 2.0), signed with version 1.0,
//! json-style parameters as JSON text, as the official SDKs send them.

use super::*;
use ehpc_emulator::Emulator;
use std::time::Duration;

pub const VERSION: &str = "2024-07-30";

/// Far past every phase with the default settings.
pub const SETTLE: Duration = Duration::from_secs(100_000);

pub async fn call(addr: SocketAddr, action: &str, extra: &[(&str, &str)]) -> Answer {
    let mut params = common(action);
    set(&mut params, "Version", VERSION);
    for (name, value) in extra {
        params.push((name.to_string(), value.to_string()));
    }
    get(addr, &signed("GET", SECRET, params)).await
}

/// The answer, which must be a success.
pub async fn ok(addr: SocketAddr, action: &str, extra: &[(&str, &str)]) -> Value {
    let answer = call(addr, action, extra).await;
    assert_eq!(
        answer.status,
        200,
        "{action}: {}",
        String::from_utf8_lossy(&answer.body)
    );
    answer.json()
}

/// `(status, code)` of an answer that must be a refusal.
pub async fn refused(addr: SocketAddr, action: &str, extra: &[(&str, &str)]) -> (u16, String) {
    let answer = call(addr, action, extra).await;
    assert_ne!(answer.status, 200, "{action} succeeded");
    (answer.status, answer.code())
}

pub async fn create_cluster(addr: SocketAddr, name: &str) -> String {
    let body = ok(addr, "CreateCluster", &[("ClusterName", name)]).await;
    body["ClusterId"].as_str().unwrap().to_string()
}

pub async fn running_cluster(emulator: &Emulator, name: &str) -> String {
    let id = create_cluster(emulator.addr(), name).await;
    emulator.advance_clock(SETTLE);
    id
}

pub async fn cluster_status(addr: SocketAddr, cluster: &str) -> String {
    let body = ok(addr, "GetCluster", &[("ClusterId", cluster)]).await;
    body["ClusterStatus"].as_str().unwrap().to_string()
}

/// Node ids of a `CreateNodes` of `count` nodes in queue `comp`.
pub async fn create_nodes(addr: SocketAddr, cluster: &str, count: u32) -> Vec<String> {
    let count = count.to_string();
    let body = ok(
        addr,
        "CreateNodes",
        &[
            ("ClusterId", cluster),
            ("Count", &count),
            ("QueueName", "comp"),
            ("ComputeNode", r#"{"InstanceType":"ecs.c7.large"}"#),
        ],
    )
    .await;
    strings_of(&body["InstanceIds"])
}

pub async fn create_job(addr: SocketAddr, cluster: &str, command: &str) -> String {
    let spec = serde_json::json!({"CommandLine": command, "JobQueue": "comp"}).to_string();
    let body = ok(
        addr,
        "CreateJob",
        &[
            ("ClusterId", cluster),
            ("JobName", "job"),
            ("JobSpec", &spec),
        ],
    )
    .await;
    body["JobId"].as_str().unwrap().to_string()
}

pub async fn job_state(addr: SocketAddr, cluster: &str, job: &str) -> String {
    let body = ok(addr, "GetJob", &[("ClusterId", cluster), ("JobId", job)]).await;
    body["JobInfo"]["State"].as_str().unwrap().to_string()
}

/// The strings of a JSON list.
pub fn strings_of(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|item| item.as_str().unwrap().to_string())
        .collect()
}

/// Field `field` of each item of a JSON list.
pub fn fields(value: &Value, field: &str) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|item| item[field].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The same call signed with version 3 (`ACS3-HMAC-SHA256`): action and
/// version in headers, the parameters in the query.
pub async fn call_v3(addr: SocketAddr, action: &str, extra: &[(&str, &str)]) -> Answer {
    use sha2::{Digest, Sha256};
    let hex = |bytes: &[u8]| -> String { bytes.iter().map(|b| format!("{b:02x}")).collect() };
    let host = addr.to_string();
    let body_hash = hex(&Sha256::digest(b""));
    let date = now_timestamp();
    let nonce = fresh_nonce();
    let headers = [
        ("host", host.as_str()),
        ("x-acs-action", action),
        ("x-acs-content-sha256", body_hash.as_str()),
        ("x-acs-date", date.as_str()),
        ("x-acs-signature-nonce", nonce.as_str()),
        ("x-acs-version", VERSION),
    ];
    let query: Vec<(String, String)> = extra
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    let canonical_headers: String = headers.iter().map(|(n, v)| format!("{n}:{v}\n")).collect();
    let signed_names = headers.map(|(n, _)| n).join(";");
    let canonical_request = format!(
        "GET\n/\n{}\n{canonical_headers}\n{signed_names}\n{body_hash}",
        canonical(&query)
    );
    let string_to_sign = format!(
        "ACS3-HMAC-SHA256\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    );
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(string_to_sign.as_bytes());
    let signature = hex(&mac.finalize().into_bytes());
    let mut request = format!(
        "GET /?{} HTTP/1.1\r\nConnection: close\r\n",
        canonical(&query)
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!(
        "authorization: ACS3-HMAC-SHA256 Credential={KEY_ID},SignedHeaders={signed_names},Signature={signature}\r\n\r\n"
    ));
    exchange(addr, request.as_bytes()).await.expect("an answer")
}
