//! `Client::call_json`: every operation of both versions through the
//! emulator by version and action name, with the same checks and errors as
//! a typed call.

mod request_values;

use codegen::model::Operation;
use ehpc_emulator::{Emulator, Fault, Times};
use ehpc_sdk::{Client, Credentials, Error, RetryConfig};
use request_values::Values;
use serde_json::{json, Value};
use std::path::Path;

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

fn client(emulator: &Emulator) -> Client {
    Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(Credentials::new(
            ehpc_emulator::DEFAULT_ACCESS_KEY_ID,
            ehpc_emulator::DEFAULT_ACCESS_KEY_SECRET,
        ))
        .retry_config(RetryConfig::disabled())
        .build()
        .unwrap()
}

#[tokio::test]
async fn every_operation_of_every_api_answers_by_name() {
    // Requests about resources that do not exist: answered from the
    // examples, so that only the parameter checks can refuse them.
    let emulator = Emulator::builder().examples_only().start().await.unwrap();
    let client = client(&emulator);
    let operations = operations();
    let mut per_version = std::collections::BTreeMap::new();
    for (index, (version, operation)) in operations.iter().enumerate() {
        let params = Values::new(operation, index as u64).parameters();
        let answer = client
            .call_json(version, &operation.name, Value::Object(params.clone()))
            .await
            .unwrap_or_else(|e| panic!("{version} {} {params:?}: {e}", operation.name));
        let request_id = answer["RequestId"].as_str().unwrap_or_default();
        assert!(
            !request_id.is_empty(),
            "{version} {}: {answer}",
            operation.name
        );
        let record = emulator.requests().pop().unwrap();
        assert_eq!(record.action.as_deref(), Some(operation.name.as_str()));
        assert_eq!(record.request_id.as_deref(), Some(request_id));
        assert!(record
            .params
            .iter()
            .any(|(n, v)| n == "Version" && v == version));
        *per_version.entry(version.clone()).or_insert(0) += 1;
    }
    assert_eq!(
        per_version.into_iter().collect::<Vec<_>>(),
        [
            ("2018-04-12".to_string(), 102),
            ("2023-07-01".to_string(), 38),
            ("2024-07-30".to_string(), 45)
        ]
    );
}

#[tokio::test]
async fn the_answer_is_the_typed_response_written_back() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    let typed = client.v2024_07_30().list_clusters().send().await.unwrap();
    let by_name = client
        .call_json("2024-07-30", "ListClusters", json!({}))
        .await
        .unwrap();
    let mut typed = serde_json::to_value(typed).unwrap();
    typed["RequestId"] = by_name["RequestId"].clone();
    assert_eq!(by_name, typed);
}

#[tokio::test]
async fn service_errors_keep_code_message_request_id_and_status() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    emulator
        .inject(
            "GetJob",
            Fault::error(400, "Throttling.User", "slow down"),
            Times::Next(1),
        )
        .unwrap();
    let error = client
        .call_json(
            "2024-07-30",
            "GetJob",
            json!({"ClusterId": "ehpc-hz-1", "JobId": "1"}),
        )
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("Throttling.User"), "{error}");
    assert_eq!(error.status(), Some(400));
    let record = emulator.requests().pop().unwrap();
    assert_eq!(error.request_id(), record.request_id.as_deref());
    let Error::Service(details) = &error else {
        panic!("{error:?}");
    };
    assert!(!details.message().is_empty());
}

#[tokio::test]
async fn bad_parameters_are_refused_before_sending() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    // A required parameter missing, an unknown name, a broken limit.
    for (version, action, params, expected) in [
        ("2024-07-30", "GetJob", json!({"JobId": "1"}), "ClusterId"),
        (
            "2024-07-30",
            "ListClusters",
            json!({"NoSuchParameter": 1}),
            "NoSuchParameter",
        ),
        (
            "2018-04-12",
            "StopVisualService",
            json!({"ClusterId": "c", "CidrIp": "0.0.0.0/0", "Port": 70000}),
            "Port",
        ),
    ] {
        let error = client.call_json(version, action, params).await.unwrap_err();
        let Error::InvalidRequest(invalid) = &error else {
            panic!("{action}: {error:?}");
        };
        assert_eq!(invalid.operation, action);
        assert!(error.to_string().contains(expected), "{error}");
    }
    assert!(emulator.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_call_by_product_reaches_the_same_operation() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    let answer = client
        .call_product_json("EHPC", "2024-07-30", "ListClusters", json!({}))
        .await
        .unwrap();
    assert!(answer["RequestId"].is_string(), "{answer}");
    let record = emulator.requests().pop().unwrap();
    assert_eq!(record.action.as_deref(), Some("ListClusters"));
}

#[tokio::test]
async fn an_unknown_version_or_action_names_what_exists() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    let error = client
        .call_json("2020-01-01", "ListClusters", json!({}))
        .await
        .unwrap_err();
    let Error::InvalidRequest(invalid) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(invalid.parameter, "Version");
    assert!(
        invalid.reason.contains("EHPC 2018-04-12, EHPC 2024-07-30"),
        "{error}"
    );

    // A product that does not have the version.
    let error = client
        .call_product_json("EhpcInstant", "2024-07-30", "ListClusters", json!({}))
        .await
        .unwrap_err();
    let Error::InvalidRequest(invalid) = &error else {
        panic!("{error:?}");
    };
    assert!(
        invalid
            .reason
            .starts_with("EhpcInstant 2024-07-30 is not an API"),
        "{error}"
    );

    // StopVisualService is a 2018-04-12 action only.
    let error = client
        .call_json("2024-07-30", "StopVisualService", json!({}))
        .await
        .unwrap_err();
    let Error::InvalidRequest(invalid) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(invalid.parameter, "Action");
    assert!(invalid.reason.contains("ListClusters"), "{error}");
    assert!(invalid.reason.contains("CreateJob"), "{error}");
    assert!(emulator.requests().is_empty(), "nothing was sent");
}
