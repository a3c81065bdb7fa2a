//! The spec model: the YAML files under `specs/` as Rust values.
//!
//! This stage only mirrors the file format (unknown keys are rejected by
//! serde); meaning is checked later by [`crate::validate`]. `specs/README.md`
//! documents every key.

use serde::{Deserialize, Serialize};
use serde_norway::{Number, Value};

/// `specs/<version>/service.yaml`: facts shared by every operation of one API version.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    /// Product code, `EHPC`.
    pub product: String,
    /// API version sent as `Version`, e.g. `2018-04-12`.
    pub version: String,
    /// API style; only `RPC` is supported.
    pub style: String,
    /// This version's operations are also reachable from the crate root
    /// (`ehpc_sdk::operation`, `Client::<action>()`), as they were when the
    /// crate spoke one version. At most one version sets it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub crate_root: bool,
    /// The Rust module the product's versions live under, for a product
    /// other than the crate's first (`instant`: `ehpc_sdk::instant::v2023_07_01`,
    /// `client.instant_v2023_07_01()`, feature `instant-v2023-07-01`).
    /// Absent: at the crate root (`ehpc_sdk::v2024_07_30`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// One line naming the API as its users know it (`E-HPC 2.0 clusters`):
    /// the first line of the version module's docs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// What the API is for and how it is used, for the version module's
    /// overview; required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The resources the operations act on, in the order the overview
    /// lists them; every operation names one in its `group`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupSpec>,
    /// Endpoint rules and the table of regional endpoints.
    pub endpoints: EndpointsSpec,
}

/// One entry of `groups` in `service.yaml`: a resource and the operations
/// acting on it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    /// snake_case id, the value of an operation's `group`.
    pub name: String,
    /// Heading in the overview (`Clusters`).
    pub title: String,
    /// What the resource is, for the overview.
    pub description: String,
}

/// `specs/<version>/errors.yaml`: descriptions of error codes that mean the
/// same in every operation of the version; an error row without a
/// description of its own takes the catalogue's.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorCatalogueSpec {
    #[serde(default)]
    pub errors: Vec<CatalogueErrorSpec>,
}

/// One code of the error catalogue.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueErrorSpec {
    /// The `Code` in the error body.
    pub code: String,
    /// What causes it and what the caller can do.
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointsSpec {
    /// Host pattern for a region not in the table, with `{region}`.
    pub rule: String,
    /// Host pattern used inside a VPC, with `{region}`.
    pub vpc_rule: String,
    /// Public endpoints by region.
    #[serde(default)]
    pub regional: Vec<RegionalEndpoint>,
    /// The product serves the regions of `regional` only: a client of
    /// another region is refused instead of sent to the rule's host.
    #[serde(default, skip_serializing_if = "is_false")]
    pub listed_regions_only: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RegionalEndpoint {
    pub region: String,
    pub endpoint: String,
}

/// One file under `specs/<version>/operations/`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OperationSpec {
    /// The `Action` value, UpperCamelCase.
    pub name: String,
    /// One sentence: what the operation does.
    pub summary: String,
    /// The resource group of `service.yaml` the operation belongs to;
    /// required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// What the operation does and changes, what it needs first, how to
    /// follow what it starts; required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// HTTP methods the service accepts; the first is the one the SDK uses.
    pub methods: Vec<String>,
    /// RAM authorization.
    pub ram: RamSpec,
    /// The service accepts the operation over HTTPS only (plain HTTP is
    /// refused by the service).
    #[serde(default, skip_serializing_if = "is_false")]
    pub https_only: bool,
    /// Safe to send twice: timeouts after sending may be retried.
    #[serde(default, skip_serializing_if = "is_false")]
    pub idempotent: bool,
    /// Only reads, so a timeout after sending may be retried. The importer
    /// sets it for `read` operations sent as GET; on one sent as POST only
    /// a maintainer sets it, deliberately, and re-imports keep it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub read_only: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    /// Link to the official API reference page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default)]
    pub parameters: Vec<FieldSpec>,
    /// Fields of the success body (including `RequestId`).
    #[serde(default)]
    pub response: Vec<FieldSpec>,
    #[serde(default)]
    pub errors: Vec<ErrorSpec>,
    /// The service's own example of a success body, as published with the
    /// API; tests decode it with the generated response type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_example: Option<Value>,
    /// How the operation pages through a list, when it does; inferred by
    /// `cargo xtask import`, kept when set by hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paginator: Option<PaginatorSpec>,
}

/// The `paginator` key of an operation.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PaginatorSpec {
    /// `page_number` (`PageNumber`, `PageSize`, `TotalCount`) or `token`
    /// (`NextToken`, `MaxResults`).
    pub style: String,
    /// Wire name of the top-level response array holding the items.
    pub items: String,
    /// Wire name of the parameter that sizes a page, when it is not the
    /// style's usual one (`PageSize`, `MaxResults`): `MaxResult`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<String>,
}

/// `specs/<version>/waiters.yaml`: the waiters of one version.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WaitersSpec {
    #[serde(default)]
    pub waiters: Vec<WaiterSpec>,
}

/// One waiter: an operation polled until a state is reached.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WaiterSpec {
    /// snake_case; the client method is `wait_until_<name>`.
    pub name: String,
    /// One sentence: what the waiter waits for.
    pub summary: String,
    /// The operation polled.
    pub operation: String,
    /// Wire names of the operation's parameters the waiter takes.
    #[serde(default)]
    pub parameters: Vec<String>,
    /// Field path of the state in the answer: wire names joined by `.`,
    /// `[]` after an array (`Nodes[].Status`: every node's status).
    pub state: String,
    /// States meaning success (every state found must be one).
    pub success: Vec<String>,
    /// States meaning failure (any state found being one).
    #[serde(default)]
    pub failure: Vec<String>,
    /// Error codes meaning success (a not-found for a "deleted" waiter).
    #[serde(default)]
    pub success_errors: Vec<String>,
    /// Shortest and longest pause between polls, in seconds.
    pub min_delay: u64,
    pub max_delay: u64,
    /// Default bound on the whole wait, in seconds.
    pub max_wait: u64,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RamSpec {
    /// The RAM action, e.g. `ehpc:StopVisualService`.
    pub action: String,
    /// `read`, `write` or `list`.
    pub access_level: String,
}

/// A request parameter, a response field, a property of an object or the
/// item shape of an array. Which keys apply depends on where the field
/// stands; validation says so when one does not.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// Wire name; absent on array items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `string`, `integer`, `number`, `boolean`, `array` or `object`.
    #[serde(rename = "type")]
    pub ty: String,
    /// `int32`/`int64` for integers, `float`/`double` for numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// Request parameters only: `repeatList`, `flat` or `json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<String>,
    /// Request parameters only: where the parameter travels, `query`
    /// (the default), `formData` (a form body) or `body` (a JSON body).
    #[serde(default, rename = "in", skip_serializing_if = "Option::is_none")]
    pub placement: Option<String>,
    /// Request parameters only: the value is a secret (a password) and
    /// the generated `Debug` prints it redacted. The importer sets it from
    /// the name; `false` written by hand keeps it off across re-imports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitive: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u64>,
    /// Allowed values.
    #[serde(default, rename = "enum", skip_serializing_if = "Option::is_none")]
    pub enum_values: Option<Vec<Value>>,
    /// Known values, each with what it means: documentation, not a check
    /// (the service may add values). Scalars only; for an array of
    /// scalars, on its `items`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<ValueSpec>>,
    /// Item shape of an array.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<FieldSpec>>,
    /// Fields of an object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<Vec<FieldSpec>>,
    /// Response arrays only: the service wraps the list in an object with
    /// this one key (`{"Clusters": {"ClusterInfoSimple": [...]}}`); the SDK
    /// exposes the list directly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wrapper: Option<String>,
    /// Name of the generated Rust type for an object (defaults from the
    /// field name or the wrapper key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
}

/// One entry of a field's `values`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ValueSpec {
    /// The value as the service spells it, of the field's type.
    pub value: Value,
    /// One line on what it means.
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorSpec {
    /// HTTP status the service answers with.
    pub status: u16,
    /// The `Code` in the error body.
    pub code: String,
    /// The `Message` the service sends (may contain `%s`).
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Worth retrying: the condition is transient.
    #[serde(default, skip_serializing_if = "is_false")]
    pub retryable: bool,
}

fn is_false(value: &bool) -> bool {
    !*value
}
