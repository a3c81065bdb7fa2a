//! The operations that act on the resource model, one module per API
//! version: each reads its parameters, calls the model, and lays the
//! result over the answer its spec's examples give, so fields the model
//! does not keep still come back in the documented shape. Every other
//! operation keeps answering from its examples.

mod v2018_04_12;
mod v2023_07_01;
mod v2024_07_30;

use crate::model::{ClusterPhase, Model, ModelError, NodePhase, Scope};
use crate::wire::request::RpcRequest;
use crate::wire::timestamp;
use serde_json::Value;

/// The actions answered from the model, by API version.
pub(crate) const STATEFUL: &[(&str, &[&str])] = &[
    (v2018_04_12::VERSION, v2018_04_12::STATEFUL),
    (v2023_07_01::VERSION, v2023_07_01::STATEFUL),
    (v2024_07_30::VERSION, v2024_07_30::STATEFUL),
];

/// Region of requests that name none.
const DEFAULT_REGION: &str = "cn-hangzhou";

/// What a stateful call needs besides the model.
pub(crate) struct Call<'a> {
    /// Whose resources: the access key, or the account a temporary key
    /// acts for.
    pub(crate) account: String,
    pub(crate) request: &'a RpcRequest,
    /// The example answer, with the fresh `RequestId`.
    pub(crate) example: Value,
    pub(crate) now: u64,
    /// A fresh id for `TaskId`.
    pub(crate) task_id: String,
}

impl Call<'_> {
    fn param(&self, name: &str) -> Option<&str> {
        self.request.param(name)
    }

    fn text(&self, name: &str) -> String {
        self.param(name).unwrap_or_default().to_string()
    }

    fn region(&self) -> String {
        self.param("RegionId").unwrap_or(DEFAULT_REGION).to_string()
    }

    /// A `style: json` parameter, decoded; the parameter checks have
    /// made sure it is JSON of the declared kind.
    fn json(&self, name: &str) -> Option<Value> {
        serde_json::from_str(self.param(name)?).ok()
    }
}

/// The answer of `action` of `version` from the model, or `None` when it
/// is not stateful. A refusal comes with the code the version's service
/// answers it with.
pub(crate) fn answer(
    model: &mut Model,
    version: &str,
    action: &str,
    call: Call<'_>,
) -> Option<Result<Value, (&'static str, ModelError)>> {
    let account = call.account.clone();
    let region = call.region();
    let scope = Scope {
        account: &account,
        region: &region,
    };
    match version {
        v2018_04_12::VERSION => v2018_04_12::answer(model, &scope, action, &call)
            .map(|result| result.map_err(|error| (error.code(), error))),
        v2023_07_01::VERSION => v2023_07_01::answer(model, &scope, action, &call)
            .map(|result| result.map_err(|error| (error.code(), error))),
        v2024_07_30::VERSION => v2024_07_30::answer(model, &scope, action, &call)
            .map(|result| result.map_err(|error| (v2024_07_30::code(action, &error), error))),
        _ => None,
    }
}

/// Emulator-clock seconds as the service writes times.
fn time(seconds: u64) -> String {
    timestamp::format(timestamp::from_unix(
        i64::try_from(seconds).unwrap_or(i64::MAX),
    ))
}

/// Cluster status values, the same in both versions (2018-04-12's
/// metadata lists them; 2024-07-30's examples and waiters agree).
fn cluster_status(phase: ClusterPhase) -> &'static str {
    match phase {
        ClusterPhase::Creating => "creating",
        ClusterPhase::Initializing => "init",
        ClusterPhase::Running => "running",
        ClusterPhase::Exception => "exception",
    }
}

/// Node status values, the same in both versions (as for clusters).
fn node_status(phase: NodePhase) -> &'static str {
    match phase {
        NodePhase::Installing => "uninit",
        NodePhase::Initializing => "initing",
        NodePhase::Running => "running",
        NodePhase::Exception => "exception",
    }
}

/// The strings of a JSON list parameter; absent is `None`.
pub(super) fn string_list(call: &Call<'_>, name: &str) -> Option<Vec<String>> {
    let value = call.json(name)?;
    Some(
        value
            .as_array()?
            .iter()
            .filter_map(|item| item.as_str().map(str::to_string))
            .collect(),
    )
}

/// The objects of a JSON list parameter.
pub(super) fn object_list(call: &Call<'_>, name: &str) -> Vec<Value> {
    match call.json(name) {
        Some(Value::Array(items)) => items.into_iter().filter(Value::is_object).collect(),
        _ => Vec::new(),
    }
}

/// A member of a JSON object as text, whatever its scalar type.
pub(super) fn member(object: &Value, name: &str) -> Option<String> {
    match object.get(name)? {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// Whether `value` passes a list filter (absent or empty: everything).
pub(super) fn admits(filter: &Option<Vec<String>>, value: &str) -> bool {
    filter
        .as_ref()
        .is_none_or(|wanted| wanted.is_empty() || wanted.iter().any(|w| w == value))
}
