//! `ehpc-conformance`: the Rust half of the conformance suite against the
//! official SDKs (`tests/conformance/`).
//!
//! - `ehpc-conformance requests` prints, for every operation of every spec
//!   version, one logical request with every parameter set and one with
//!   the required ones only, as JSON objects keyed by wire names, generated
//!   from the specs (see `conformance_values`).
//! - `ehpc-conformance send --endpoint URL --signature v1|v3 --key-id ID
//!   --secret SECRET [--token TOKEN]` reads a JSON list of
//!   `{"version": …, "action": …, "params": {…}}` on standard input, sends
//!   each through the SDK (`Client::call_json`) in order, one attempt
//!   each, and prints a JSON list of outcomes.

use ehpc_sdk::{Client, Credentials, RetryConfig, SignatureVersion};
use ehpc_tests::conformance_values;
use serde_json::{json, Value};
use std::io::Read as _;
use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "\
Usage: ehpc-conformance requests
       ehpc-conformance send --endpoint URL --signature v1|v3 --key-id ID --secret SECRET [--token TOKEN]";

/// Sends one logical request through [`Client::call_json`], the path a
/// typed call takes.
async fn send_one(client: &Client, version: &str, action: &str, params: &Value) -> Value {
    match client.call_json(version, action, params.clone()).await {
        Ok(_) => json!({"sent": true, "ok": true}),
        // Refused before sending: not a valid request for the operation.
        Err(ehpc_sdk::Error::InvalidRequest(error)) => json!({
            "sent": false,
            "error": format!("not a valid request: {error}"),
        }),
        Err(error) => json!({
            "sent": true,
            "ok": false,
            "code": error.code(),
            "error": format!("{error:#}"),
        }),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("requests") => requests(),
        Some("send") => send(&args[1..]),
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn requests() -> Result<(), String> {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let versions = conformance_values::logical_requests(&specs)?;
    println!("{}", serde_json::to_string_pretty(&versions).expect("JSON"));
    Ok(())
}

fn send(args: &[String]) -> Result<(), String> {
    let mut endpoint = None;
    let mut signature = SignatureVersion::V1;
    let (mut key_id, mut secret, mut token) = (None, None, None);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .cloned()
                .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--endpoint" => endpoint = Some(value()?),
            "--signature" => {
                signature = match value()?.as_str() {
                    "v1" => SignatureVersion::V1,
                    "v3" => SignatureVersion::V3,
                    other => return Err(format!("unknown signature `{other}`")),
                }
            }
            "--key-id" => key_id = Some(value()?),
            "--secret" => secret = Some(value()?),
            "--token" => token = Some(value()?),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    let (Some(endpoint), Some(key_id), Some(secret)) = (endpoint, key_id, secret) else {
        return Err(format!(
            "--endpoint, --key-id and --secret are required\n{USAGE}"
        ));
    };
    let mut credentials = Credentials::new(key_id, secret);
    if let Some(token) = token {
        credentials = credentials.with_security_token(token);
    }
    let client = Client::builder()
        .endpoint(endpoint)
        .region("cn-hangzhou")
        .credentials(credentials)
        .signature_version(signature)
        .retry_config(RetryConfig::disabled())
        .build()
        .map_err(|e| e.to_string())?;
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| format!("cannot read the requests: {e}"))?;
    let requests: Vec<Value> =
        serde_json::from_str(&input).map_err(|e| format!("the requests are not JSON: {e}"))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let outcomes: Vec<Value> = runtime.block_on(async {
        let mut outcomes = Vec::with_capacity(requests.len());
        for request in &requests {
            let version = request["version"].as_str().unwrap_or_default();
            let action = request["action"].as_str().unwrap_or_default();
            outcomes.push(send_one(&client, version, action, &request["params"]).await);
        }
        outcomes
    });
    println!("{}", Value::Array(outcomes));
    Ok(())
}
