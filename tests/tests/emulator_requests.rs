//! Property: every request built from values the spec allows is accepted
//! by the emulator, which checks parameters against the same specs the way
//! the service does; and values the spec forbids are refused.
//!
//! For every operation (from the validated spec model, matched to its
//! generated types through `ehpc_sdk::for_each_operation!`), parameter
//! values are drawn at random (seeded, reproducible) as a JSON object with
//! wire names, deserialized into the generated request type (feature
//! `serde-requests`) and sent with the real client. The builders and the
//! fluent calls are exercised by a second, hand-written test.

mod request_values;

use codegen::model::{Api, Bound, Field, Style, Type};
use ehpc_emulator::Emulator;
use ehpc_sdk::operation::{
    add_users, create_cluster, modify_cluster_attributes, submit_serverless_job,
};
use ehpc_sdk::{Client, Credentials, RetryConfig};
use request_values::{as_f64, Random, Values};
use serde_json::Value;
use std::path::Path;

/// Requests drawn per operation.
const ROUNDS: u64 = 8;
/// Lists longer than this are not drawn to break their item limit.
const LONGEST_BROKEN_LIST: u64 = 100;

/// What became of a JSON object offered as an operation's request.
#[derive(Debug)]
enum Outcome {
    /// It is not a valid request value; serde's message.
    NotDeserialized(String),
    /// It was sent: the request serialized back, and the answer.
    Sent {
        serialized: Value,
        answer: Result<(), Refusal>,
    },
}

#[derive(Debug)]
struct Refusal {
    code: Option<String>,
    text: String,
}

macro_rules! typed_requests {
    ($( ($action:ident, $module:ident, $request:ident, $response:ident, $error:ident) ),* $(,)?) => {
        pub const ACTIONS: &[&str] = &[$(stringify!($action)),*];

        /// `params` as the action's generated request, sent with `client`.
        pub async fn deserialize_and_send(client: &Client, action: &str, params: &Value) -> Outcome {
            match action {
                $(
                    stringify!($action) => {
                        let request: operation::$module::$request =
                            match serde_json::from_value(params.clone()) {
                                Ok(request) => request,
                                Err(error) => return Outcome::NotDeserialized(error.to_string()),
                            };
                        let serialized = serde_json::to_value(&request)
                            .expect("a request serializes");
                        let answer = client.execute(&request).await.map(drop).map_err(|error| {
                            Refusal {
                                code: error.code().map(str::to_owned),
                                text: format!("{error:#}"),
                            }
                        });
                        Outcome::Sent { serialized, answer }
                    }
                )*
                other => panic!("no generated request type for `{other}`"),
            }
        }
    };
}

mod v2018_04_12 {
    use super::{Outcome, Refusal};
    use ehpc_sdk::v2018_04_12::operation;
    use ehpc_sdk::Client;
    use serde_json::Value;
    ehpc_sdk::for_each_v2018_04_12_operation!(typed_requests);
}

mod v2024_07_30 {
    use super::{Outcome, Refusal};
    use ehpc_sdk::v2024_07_30::operation;
    use ehpc_sdk::Client;
    use serde_json::Value;
    ehpc_sdk::for_each_v2024_07_30_operation!(typed_requests);
}

mod instant_v2023_07_01 {
    use super::{Outcome, Refusal};
    use ehpc_sdk::instant::v2023_07_01::operation;
    use ehpc_sdk::Client;
    use serde_json::Value;
    ehpc_sdk::for_each_instant_v2023_07_01_operation!(typed_requests);
}

/// `params` as the generated request of `action` in `version`.
async fn deserialize_and_send(
    client: &Client,
    version: &str,
    action: &str,
    params: &Value,
) -> Outcome {
    match version {
        "2018-04-12" => v2018_04_12::deserialize_and_send(client, action, params).await,
        "2024-07-30" => v2024_07_30::deserialize_and_send(client, action, params).await,
        "2023-07-01" => instant_v2023_07_01::deserialize_and_send(client, action, params).await,
        other => panic!("no generated version `{other}`"),
    }
}

fn actions(version: &str) -> &'static [&'static str] {
    match version {
        "2018-04-12" => v2018_04_12::ACTIONS,
        "2024-07-30" => v2024_07_30::ACTIONS,
        "2023-07-01" => instant_v2023_07_01::ACTIONS,
        other => panic!("no generated version `{other}`"),
    }
}

/// The validated model of the committed specs of every version, which the
/// SDK is generated from and the emulator serves: each operation with its
/// version.
fn operations() -> Vec<(String, codegen::model::Operation)> {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let apis = codegen::validate_all(&specs).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(apis.len(), 3, "every API");
    apis.into_iter()
        .flat_map(|api| {
            let version = api.service.version.clone();
            api.operations
                .into_iter()
                .map(move |op| (version.clone(), op))
        })
        .collect()
}

/// The validated model of one version.
fn api() -> Api {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/EHPC/2018-04-12");
    let (service, operations) = codegen::load(&specs).unwrap_or_else(|d| panic!("{d}"));
    codegen::validate::validate(&service, &operations).unwrap_or_else(|d| panic!("{d}"))
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

/// Distinct, reproducible seeds per operation and round.
fn seed(operation: usize, round: u64) -> u64 {
    (operation as u64) << 32 | round
}

/// Whether the parameters the emulator received carry `field`: by its own
/// name, or as `Name.1…` / `Name.Field…` when flattened.
fn received(params: &[(String, String)], field: &Field) -> bool {
    let name = &field.wire_name;
    match field.style {
        Style::Plain | Style::Json => params.iter().any(|(n, _)| n == name),
        Style::RepeatList | Style::Flat => {
            let prefix = format!("{name}.");
            params.iter().any(|(n, _)| n.starts_with(&prefix))
        }
    }
}

#[tokio::test]
async fn every_operation_of_every_version_accepts_every_valid_request() {
    let operations = operations();
    for version in ["2018-04-12", "2024-07-30", "2023-07-01"] {
        let specified: Vec<&str> = operations
            .iter()
            .filter(|(v, _)| v == version)
            .map(|(_, op)| op.name.as_str())
            .collect();
        assert_eq!(
            specified,
            actions(version),
            "one generated request type per spec"
        );
    }
    // Requests about resources that do not exist: answered from the
    // examples, so that only the parameter checks can refuse them.
    let emulator = Emulator::builder().examples_only().start().await.unwrap();
    let client = client(&emulator);

    let mut sent = Vec::new();
    for (index, (version, operation)) in operations.iter().enumerate() {
        for round in 0..ROUNDS {
            let seed = seed(index, round);
            let params = Value::Object(Values::new(operation, seed).parameters());
            let context = format!(
                "{version} {}, seed {seed}, parameters {params}",
                operation.name
            );
            match deserialize_and_send(&client, version, &operation.name, &params).await {
                Outcome::NotDeserialized(error) => {
                    panic!("{context}: not a valid request value: {error}")
                }
                Outcome::Sent { serialized, answer } => {
                    assert_eq!(serialized, params, "{context}: serialized differently");
                    if let Err(refusal) = answer {
                        panic!("{context}: refused: {refusal:?}");
                    }
                }
            }
            sent.push((version, operation, params));
        }
    }

    let records = emulator.requests();
    assert_eq!(records.len(), sent.len(), "one request per call");
    for (record, (version, operation, params)) in records.iter().zip(&sent) {
        assert_eq!(record.action.as_deref(), Some(operation.name.as_str()));
        let sent_version = record.params.iter().find(|(n, _)| n == "Version");
        assert_eq!(
            sent_version.map(|(_, v)| v.as_str()),
            Some(version.as_str()),
            "{}",
            operation.name
        );
        assert_eq!(record.status, Some(200), "{}: {record:?}", operation.name);
        for field in &operation.parameters {
            assert_eq!(
                received(&record.params, field),
                params.get(&field.wire_name).is_some(),
                "{}: `{}` sent {params} received {:?}",
                operation.name,
                field.wire_name,
                record.params
            );
        }
    }
}

#[tokio::test]
async fn a_missing_required_parameter_or_an_unknown_name_does_not_deserialize() {
    let operations = operations();
    // Requests about resources that do not exist: answered from the
    // examples, so that only the parameter checks can refuse them.
    let emulator = Emulator::builder().examples_only().start().await.unwrap();
    let client = client(&emulator);
    let mut required = 0;
    for (index, (version, operation)) in operations.iter().enumerate() {
        let valid = Values::new(operation, seed(index, ROUNDS)).parameters();
        for field in operation.parameters.iter().filter(|f| f.required) {
            required += 1;
            let mut params = valid.clone();
            params.remove(&field.wire_name);
            let outcome =
                deserialize_and_send(&client, version, &operation.name, &params.into()).await;
            let missing = format!("missing field `{}`", field.wire_name);
            assert!(
                matches!(&outcome, Outcome::NotDeserialized(e) if e.contains(&missing)),
                "{}: without `{}`: {outcome:?}",
                operation.name,
                field.wire_name
            );
        }

        let mut params = valid.clone();
        params.insert("NoSuchParameter".into(), Value::from("x"));
        let outcome = deserialize_and_send(&client, version, &operation.name, &params.into()).await;
        assert!(
            matches!(&outcome, Outcome::NotDeserialized(e) if e.contains("unknown field `NoSuchParameter`")),
            "{}: {outcome:?}",
            operation.name
        );
    }
    assert!(required > 0, "some operation has a required parameter");
    assert!(emulator.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn every_broken_limit_is_refused_by_the_emulator() {
    let operations = operations();
    // Requests about resources that do not exist: answered from the
    // examples, so that only the parameter checks can refuse them.
    let emulator = Emulator::builder().examples_only().start().await.unwrap();
    let client = client(&emulator);
    let mut broken = 0;
    for (index, (version, operation)) in operations.iter().enumerate() {
        let mut values = Values::new(operation, seed(index, ROUNDS + 1));
        let valid = values.parameters();
        for field in &operation.parameters {
            for (limit, value) in violations(field, &mut values) {
                broken += 1;
                let mut params = valid.clone();
                params.insert(field.wire_name.clone(), value);
                let params = Value::Object(params);
                let context = format!(
                    "{}: `{}` {limit}: {params}",
                    operation.name, field.wire_name
                );
                // Limits are the builder's and the service's business,
                // not the deserializer's.
                let Outcome::Sent { answer, .. } =
                    deserialize_and_send(&client, version, &operation.name, &params).await
                else {
                    panic!("{context}: not deserialized");
                };
                let refusal = answer.expect_err(&context);
                assert_eq!(
                    refusal.code.as_deref(),
                    Some("InvalidParameter"),
                    "{context}"
                );
                assert!(
                    refusal.text.contains(&format!("`{}`", field.wire_name)),
                    "{context}: {}",
                    refusal.text
                );
            }
        }
    }
    assert!(broken > 0, "some parameter has limits");
}

/// Values of `field`'s type that each break one of its limits, with the
/// limit they break. Limits no value of the type can break are left out.
fn violations(field: &Field, values: &mut Values) -> Vec<(String, Value)> {
    let limits = &field.constraints;
    let mut out = Vec::new();
    let (type_min, type_max) = match field.ty {
        Type::Int32 => (i64::from(i32::MIN), i64::from(i32::MAX)),
        _ => (i64::MIN, i64::MAX),
    };
    match &field.ty {
        Type::Int32 | Type::Int64 => {
            if let Some(Bound::Int(min)) = limits.minimum {
                if let Some(below) = min.checked_sub(1).filter(|v| *v >= type_min) {
                    out.push((format!("below {min}"), Value::from(below)));
                }
            }
            if let Some(Bound::Int(max)) = limits.maximum {
                if let Some(above) = max.checked_add(1).filter(|v| *v <= type_max) {
                    out.push((format!("above {max}"), Value::from(above)));
                }
            }
        }
        Type::Float => {
            if let Some(min) = limits.minimum {
                let min = as_f64(min);
                out.push((format!("below {min}"), Value::from(min - 1.0)));
            }
            if let Some(max) = limits.maximum {
                let max = as_f64(max);
                out.push((format!("above {max}"), Value::from(max + 1.0)));
            }
        }
        Type::String => {
            if let Some(min) = limits.min_length.filter(|min| *min > 0) {
                let text = values.random.text(min - 1);
                out.push((format!("shorter than {min}"), Value::from(text)));
            }
            if let Some(max) = limits.max_length {
                let text = values.random.text(max + 1);
                out.push((format!("longer than {max}"), Value::from(text)));
            }
        }
        Type::Array(item) => {
            if let Some(min) = limits.min_items.filter(|min| *min > 1) {
                out.push((format!("under {min} items"), values.list(item, min - 1)));
            }
            if let Some(max) = limits.max_items.filter(|max| *max < LONGEST_BROKEN_LIST) {
                out.push((format!("over {max} items"), values.list(item, max + 1)));
            }
        }
        Type::Boolean | Type::Object(_) => {}
    }
    if !limits.enum_values.is_empty() {
        let allowed = |v: &Value| {
            let wire = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            limits.enum_values.contains(&wire)
        };
        let outsider = match field.ty {
            Type::String => Some(Value::from("not-an-allowed-value")),
            Type::Int32 | Type::Int64 => Some(Value::from(type_max)),
            Type::Float => Some(Value::from(-1.5e300)),
            Type::Boolean => [Value::from(true), Value::from(false)]
                .into_iter()
                .find(|v| !allowed(v)),
            _ => None,
        };
        if let Some(value) = outsider.filter(|v| !allowed(v)) {
            out.push(("outside its enum".to_owned(), value));
        }
    }
    out
}

/// The same property through the typed builders and fluent calls, for
/// operations covering every parameter style.
#[tokio::test]
async fn random_requests_from_the_builders_pass_the_emulators_checks() {
    // Requests about resources that do not exist: answered from the
    // examples, so that only the parameter checks can refuse them.
    let emulator = Emulator::builder().examples_only().start().await.unwrap();
    let client = client(&emulator);
    const BUILDER_ROUNDS: u64 = 12;
    for seed in 1..=BUILDER_ROUNDS {
        let mut r = Random::new(seed);

        let users = (0..1 + r.below(3))
            .map(|_| {
                add_users::UserItem::new()
                    .name(text(&mut r))
                    .password(text(&mut r))
                    .group(text(&mut r))
            })
            .collect();
        let answer = client
            .add_users()
            .cluster_id(text(&mut r))
            .user(users)
            .r#async(r.flag())
            .send()
            .await;
        assert!(answer.is_ok(), "AddUsers, seed {seed}: {answer:?}");

        let answer = client
            .un_tag_resources()
            .region_id(text(&mut r))
            .resource_type(text(&mut r))
            .resource_id(texts(&mut r, 50))
            .tag_key(texts(&mut r, 5))
            .all(r.flag())
            .send()
            .await;
        assert!(answer.is_ok(), "UnTagResources, seed {seed}: {answer:?}");

        let volumes = (0..1 + r.below(2))
            .map(|_| {
                create_cluster::AdditionalVolumesItem::new()
                    .volume_id(text(&mut r))
                    .roles(vec![create_cluster::RolesItem::new().name(text(&mut r))])
            })
            .collect();
        let answer = client
            .create_cluster()
            .name(text(&mut r))
            .ecs_order_manager_instance_type(text(&mut r))
            .ecs_order_manager_count(1 + r.below(2) as i32)
            .additional_volumes(volumes)
            .ram_node_types(texts(&mut r, 5))
            .send()
            .await;
        assert!(answer.is_ok(), "CreateCluster, seed {seed}: {answer:?}");

        let answer = client
            .modify_cluster_attributes()
            .cluster_id(text(&mut r))
            .win_ad_par(
                modify_cluster_attributes::WinAdPar::new()
                    .ad_user(text(&mut r))
                    .ad_dc(text(&mut r)),
            )
            .send()
            .await;
        assert!(
            answer.is_ok(),
            "ModifyClusterAttributes, seed {seed}: {answer:?}"
        );

        let answer = client
            .submit_serverless_job()
            .cluster_id(text(&mut r))
            .job_name(text(&mut r))
            .container(
                submit_serverless_job::Container::new()
                    .image(text(&mut r))
                    .command(texts(&mut r, 3)),
            )
            .depends_on(vec![submit_serverless_job::DependsOnItem::new()
                .job_id(text(&mut r))
                .r#type(text(&mut r))])
            .v_switch_id(texts(&mut r, 10))
            .cpu((1 + r.below(64)) as f64 / 4.0)
            .job_priority(r.below(1 << 40) as i64)
            .send()
            .await;
        assert!(
            answer.is_ok(),
            "SubmitServerlessJob, seed {seed}: {answer:?}"
        );

        let answer = client
            .list_jobs_with_filters()
            .cluster_id(text(&mut r))
            .users(texts(&mut r, 1))
            .queues(texts(&mut r, 1))
            .page_size(1 + r.below(50) as i64)
            .send()
            .await;
        assert!(
            answer.is_ok(),
            "ListJobsWithFilters, seed {seed}: {answer:?}"
        );

        let answer = client
            .list_clusters()
            .page_number(1 + r.below(100) as i32)
            .page_size(1 + r.below(50) as i32)
            .send()
            .await;
        assert!(answer.is_ok(), "ListClusters, seed {seed}: {answer:?}");
        assert!(answer.unwrap().clusters.len() <= 50);
    }
    assert_eq!(emulator.requests().len() as u64, 7 * BUILDER_ROUNDS);
}

/// 1 to 12 characters.
fn text(r: &mut Random) -> String {
    let length = 1 + r.below(12);
    r.text(length)
}

fn texts(r: &mut Random, max: u64) -> Vec<String> {
    let count = 1 + r.below(max);
    (0..count).map(|_| text(r)).collect()
}

/// The spec model of one parameter.
fn parameter<'a>(api: &'a Api, action: &str, name: &str) -> &'a Field {
    api.operations
        .iter()
        .find(|op| op.name == action)
        .and_then(|op| op.parameters.iter().find(|f| f.wire_name == name))
        .unwrap_or_else(|| panic!("{action} has no parameter {name}"))
}

/// Out-of-range values never reach the wire: `build()` refuses them.
#[test]
fn the_builders_refuse_values_outside_the_limits() {
    let api = api();
    let max_items = parameter(&api, "SubmitServerlessJob", "VSwitchId")
        .constraints
        .max_items
        .expect("VSwitchId has an item limit");
    let too_many = (0..=max_items).map(|i| format!("vsw-{i}")).collect();
    let error = ehpc_sdk::operation::submit_serverless_job::SubmitServerlessJobRequest::builder()
        .cluster_id("c")
        .job_name("j")
        .container(submit_serverless_job::Container::new().image("i"))
        .v_switch_id(too_many)
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("VSwitchId"), "{error}");

    let Some(Bound::Int(maximum)) = parameter(&api, "ListClusters", "PageSize")
        .constraints
        .maximum
    else {
        panic!("PageSize has an integer maximum");
    };
    let error = ehpc_sdk::operation::list_clusters::ListClustersRequest::builder()
        .page_size(i32::try_from(maximum + 1).unwrap())
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("PageSize"), "{error}");
}
