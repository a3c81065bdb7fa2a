//! The validated model: what the emitter works from. Every name here is
//! already checked and converted; nothing in it can fail to generate.

use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    pub service: Service,
    /// Sorted by name.
    pub operations: Vec<Operation>,
    /// Sorted by name.
    pub waiters: Vec<Waiter>,
}

/// How an operation pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Paginator {
    pub style: PagingStyle,
    /// Rust name of the top-level response array of items, and its item type.
    pub items_field: String,
    pub item_type: Type,
    /// Rust names and types of the paging parameters and response fields;
    /// `page_param` is the one that picks the page (`PageNumber` or
    /// `NextToken`), `page_size` the one that sizes it (`PageSize` or
    /// `MaxResults`).
    pub page_param: Option<(String, Type)>,
    pub page_size: Option<(String, Type)>,
    pub total_count: Option<(String, Type)>,
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PagingStyle {
    PageNumber,
    Token,
}

/// A waiter, checked against the operation it polls.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiter {
    /// snake_case name.
    pub name: String,
    pub summary: String,
    /// The operation polled (its `Action`) and its snake_case name.
    pub operation: String,
    pub operation_snake: String,
    /// (wire name, Rust setter name, type) of each parameter taken.
    pub parameters: Vec<(String, String, Type)>,
    /// The state path as written and as Rust field steps.
    pub state: String,
    pub state_steps: Vec<StateStep>,
    pub success: Vec<String>,
    pub failure: Vec<String>,
    pub success_errors: Vec<String>,
    pub min_delay: u64,
    pub max_delay: u64,
    pub max_wait: u64,
}

/// One step of a state path: a field (Rust name), and whether it is an
/// array whose every item is followed.
#[derive(Debug, Clone, PartialEq)]
pub struct StateStep {
    pub field: String,
    pub array: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub product: String,
    pub version: String,
    /// The Rust module of this version, `v2018_04_12`.
    pub module: String,
    /// The product's module above it (`instant`), when it has one.
    pub namespace: Option<String>,
    /// The Cargo feature that compiles this version, `v2018-04-12`
    /// (`instant-v2023-07-01` under a namespace).
    pub feature: String,
    /// Its operations are also reachable from the crate root.
    pub crate_root: bool,
    pub endpoint_rule: String,
    pub vpc_rule: String,
    /// (region, host), sorted by region.
    pub regional: Vec<(String, String)>,
    /// Regions outside `regional` are refused.
    pub listed_regions_only: bool,
    /// One line naming the API, and its overview.
    pub summary: Option<String>,
    pub description: Option<String>,
    /// Resource groups, in the overview's order.
    pub groups: Vec<Group>,
}

impl Service {
    /// The version's module from the crate root: `v2018_04_12`,
    /// `instant::v2023_07_01`.
    pub fn path(&self) -> String {
        match &self.namespace {
            Some(namespace) => format!("{namespace}::{}", self.module),
            None => self.module.clone(),
        }
    }

    /// The name of the handle method on the client: `v2018_04_12`,
    /// `instant_v2023_07_01`.
    pub fn handle(&self) -> String {
        match &self.namespace {
            Some(namespace) => format!("{namespace}_{}", self.module),
            None => self.module.clone(),
        }
    }
}

/// A resource and the operations acting on it, for the overview.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub name: String,
    pub title: String,
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Post,
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessLevel {
    Read,
    Write,
    List,
}

impl AccessLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::Read => "read",
            AccessLevel::Write => "write",
            AccessLevel::List => "list",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub source: PathBuf,
    /// The `Action`, e.g. `StopVisualService`.
    pub name: String,
    /// snake_case module and client method name.
    pub snake: String,
    pub summary: String,
    pub description: Option<String>,
    /// The resource group (`service.yaml`'s `groups`) it belongs to.
    pub group: Option<String>,
    /// As the spec lists them.
    pub methods: Vec<HttpMethod>,
    /// The one the SDK sends: POST when the service accepts it, as the
    /// official SDKs do.
    pub method: HttpMethod,
    /// The product code, whose endpoint the operation is sent to.
    pub product: String,
    /// The API version sent as `Version`.
    pub version: String,
    /// Path of the version's module from the crate root, `crate::v2018_04_12`.
    pub module_path: String,
    pub https_only: bool,
    pub ram_action: String,
    pub access_level: AccessLevel,
    pub idempotent: bool,
    pub read_only: bool,
    pub deprecated: bool,
    pub reference: Option<String>,
    pub parameters: Vec<Field>,
    pub response: Vec<Field>,
    /// Object types named by parameters and response fields, each once.
    pub request_types: Vec<StructType>,
    pub response_types: Vec<StructType>,
    pub errors: Vec<ErrorCase>,
    pub paginator: Option<Paginator>,
}

impl Operation {
    /// Safe to retry after sending because it only reads: set in the spec,
    /// and only on a `read` or `list` operation.
    pub fn read_only(&self) -> bool {
        self.read_only
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `Name=value`; the only style for scalars.
    Plain,
    /// `Name.1=a`, `Name.1.Field=b`.
    RepeatList,
    /// `Name.Field=value`.
    Flat,
    /// One JSON-encoded value.
    Json,
}

/// Where a request parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// The URL query, whatever the method.
    Query,
    /// A form body (`application/x-www-form-urlencoded`).
    Form,
    /// A JSON body.
    Body,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    String,
    Int32,
    Int64,
    Float,
    Boolean,
    Array(Box<Type>),
    /// A generated struct, by Rust type name.
    Object(String),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    pub minimum: Option<Bound>,
    pub maximum: Option<Bound>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    /// Allowed values, as they go on the wire.
    pub enum_values: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    Int(i64),
    Float(f64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub wire_name: String,
    /// snake_case, unique in its struct; a keyword stays as is and is
    /// emitted as a raw identifier.
    pub rust_name: String,
    pub ty: Type,
    pub required: bool,
    pub style: Style,
    /// Request parameters: where it travels; `Query` elsewhere.
    pub placement: Placement,
    pub description: Option<String>,
    /// Example as it would go on the wire.
    pub example: Option<String>,
    /// Default the service applies, as on the wire.
    pub default: Option<String>,
    pub constraints: Constraints,
    /// Known values with their meanings (of the items, for an array).
    pub values: Vec<KnownValue>,
    /// Response arrays wrapped in `{"<wrapper>": [...]}` on the wire.
    pub wrapper: Option<String>,
    pub deprecated: bool,
    /// Request parameters only: a secret, redacted by the generated `Debug`.
    pub sensitive: bool,
}

/// A documented value of a field: what the service sends or accepts, and
/// what it means.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownValue {
    /// As on the wire.
    pub value: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StructType {
    pub name: String,
    /// Where it stands, e.g. `Clusters[]`, for its docs.
    pub origin: String,
    pub description: Option<String>,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ErrorCase {
    pub status: u16,
    pub code: String,
    /// UpperCamelCase enum variant, unique in the operation.
    pub variant: String,
    /// snake_case for the `is_*` predicate.
    pub snake: String,
    pub message: String,
    pub description: Option<String>,
    pub retryable: bool,
}
