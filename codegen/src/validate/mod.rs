//! Stage two: the spec model to the validated model. Every semantic rule of
//! `specs/README.md` is checked here and every problem is collected, so one
//! run reports them all.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::*;
use crate::naming;
use crate::parse::Parsed;
use crate::spec::{ErrorSpec, OperationSpec, ServiceSpec};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

pub mod docs;
mod fields;
mod paging;
mod rules;
pub mod waiters;

pub use rules::is_api_version;
use rules::*;

/// Validates the service file and every operation file together.
pub fn validate(
    service: &Parsed<ServiceSpec>,
    operations: &[Parsed<OperationSpec>],
) -> Result<Api, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let service_model = {
        let mut checker = Checker::new(service);
        let model = checker.service(&service.spec);
        diagnostics.0.extend(checker.diagnostics);
        model
    };
    let mut models = Vec::new();
    let mut seen: BTreeMap<String, &Path> = BTreeMap::new();
    for parsed in operations {
        let mut checker = Checker::new(parsed);
        let model = checker.operation(&parsed.spec);
        if let Some(first) = seen.insert(parsed.spec.name.clone(), &parsed.file) {
            checker.error(
                "name",
                format!(
                    "operation `{}` is already defined in {}",
                    parsed.spec.name,
                    first.display()
                ),
            );
        }
        diagnostics.0.extend(checker.diagnostics);
        models.push(model);
    }
    if diagnostics.is_empty() {
        let service = service_model.expect("a service with no diagnostics has a model");
        let mut operations: Vec<Operation> = models.into_iter().flatten().collect();
        operations.sort_by(|a, b| a.name.cmp(&b.name));
        for operation in &mut operations {
            operation.version = service.version.clone();
            operation.product = service.product.clone();
            operation.module_path = format!("crate::{}", service.path());
        }
        Ok(Api {
            service,
            operations,
            waiters: Vec::new(),
        })
    } else {
        Err(diagnostics)
    }
}

struct Checker<'a, T> {
    parsed: &'a Parsed<T>,
    diagnostics: Vec<Diagnostic>,
    /// Wire names from the operation down to the field being checked
    /// (`"[]"` for array items), for the docs of nested types.
    wire_trail: Vec<String>,
    /// The description of the array whose items are being checked: the
    /// doc of the struct its object items become.
    items_description: Option<String>,
}

/// Where a field stands decides which keys it may carry.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Parameter,
    RequestNested,
    Response,
}

impl<'a, T> Checker<'a, T> {
    fn new(parsed: &'a Parsed<T>) -> Self {
        Checker {
            parsed,
            diagnostics: Vec::new(),
            wire_trail: Vec::new(),
            items_description: None,
        }
    }

    fn error(&mut self, path: &str, message: impl Into<String>) {
        let mut diagnostic = Diagnostic::new(&self.parsed.file, path, message);
        diagnostic.location = self.parsed.locations.find(path);
        self.diagnostics.push(diagnostic);
    }

    fn service(&mut self, spec: &ServiceSpec) -> Option<Service> {
        let start = self.diagnostics.len();
        if !is_upper_camel(&spec.product) && !spec.product.chars().all(|c| c.is_ascii_uppercase()) {
            self.error(
                "product",
                format!("product code `{}` must be letters", spec.product),
            );
        }
        if !is_api_version(&spec.version) {
            self.error(
                "version",
                format!("version `{}` must be a date, YYYY-MM-DD", spec.version),
            );
        }
        if spec.style != "RPC" {
            self.error(
                "style",
                format!("style `{}` is not supported; only `RPC` is", spec.style),
            );
        }
        for (key, rule) in [
            ("endpoints.rule", &spec.endpoints.rule),
            ("endpoints.vpc_rule", &spec.endpoints.vpc_rule),
        ] {
            if !rule.contains("{region}") || !is_host(&rule.replace("{region}", "region")) {
                self.error(
                    key,
                    format!("`{rule}` must be a host name containing `{{region}}`"),
                );
            }
        }
        let mut regions = HashSet::new();
        for (index, entry) in spec.endpoints.regional.iter().enumerate() {
            let path = format!("endpoints.regional[{index}]");
            if !is_region(&entry.region) {
                self.error(
                    &format!("{path}.region"),
                    format!("`{}` is not a region id", entry.region),
                );
            }
            if !regions.insert(entry.region.as_str()) {
                self.error(
                    &format!("{path}.region"),
                    format!("region `{}` is listed twice", entry.region),
                );
            }
            if !is_host(&entry.endpoint) {
                self.error(
                    &format!("{path}.endpoint"),
                    format!("`{}` is not a host name", entry.endpoint),
                );
            }
        }
        if let Some(namespace) = &spec.namespace {
            let snake = namespace.starts_with(|c: char| c.is_ascii_lowercase())
                && namespace
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !snake {
                self.error(
                    "namespace",
                    format!("namespace `{namespace}` must be a snake_case module name"),
                );
            }
        }
        if spec.endpoints.listed_regions_only && spec.endpoints.regional.is_empty() {
            self.error(
                "endpoints.listed_regions_only",
                "`listed_regions_only` needs the regions in `regional`",
            );
        }
        if self.diagnostics.len() > start {
            return None;
        }
        let mut regional: Vec<(String, String)> = spec
            .endpoints
            .regional
            .iter()
            .map(|e| (e.region.clone(), e.endpoint.clone()))
            .collect();
        regional.sort();
        Some(Service {
            product: spec.product.clone(),
            version: spec.version.clone(),
            module: naming::version_module(&spec.version),
            namespace: spec.namespace.clone(),
            feature: match &spec.namespace {
                Some(namespace) => format!(
                    "{}-{}",
                    namespace.replace('_', "-"),
                    naming::version_feature(&spec.version)
                ),
                None => naming::version_feature(&spec.version),
            },
            crate_root: spec.crate_root,
            endpoint_rule: spec.endpoints.rule.clone(),
            vpc_rule: spec.endpoints.vpc_rule.clone(),
            regional,
            listed_regions_only: spec.endpoints.listed_regions_only,
            summary: spec.summary.as_ref().map(|s| s.trim().to_string()),
            description: spec.description.clone(),
            groups: spec
                .groups
                .iter()
                .map(|g| Group {
                    name: g.name.clone(),
                    title: g.title.clone(),
                    description: g.description.clone(),
                })
                .collect(),
        })
    }

    fn operation(&mut self, spec: &OperationSpec) -> Option<Operation> {
        let start = self.diagnostics.len();
        if !is_upper_camel(&spec.name) {
            self.error(
                "name",
                format!(
                    "`{}` is not a valid operation name: use UpperCamelCase letters and digits",
                    spec.name
                ),
            );
        }
        let stem = self
            .parsed
            .file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        if stem != spec.name {
            self.error(
                "name",
                format!(
                    "operation `{}` must live in a file named `{}.yaml`",
                    spec.name, spec.name
                ),
            );
        }
        if spec.summary.trim().is_empty() {
            self.error("summary", "summary is empty: say what the operation does");
        }
        let methods = self.methods(&spec.methods);
        let access_level = match spec.ram.access_level.as_str() {
            "read" => Some(AccessLevel::Read),
            "write" => Some(AccessLevel::Write),
            "list" => Some(AccessLevel::List),
            other => {
                self.error(
                    "ram.access_level",
                    format!("unknown access level `{other}`: expected read, write or list"),
                );
                None
            }
        };
        if spec.read_only && access_level == Some(AccessLevel::Write) {
            self.error(
                "read_only",
                "a `write` operation cannot be `read_only`: the access level says it changes state",
            );
        }
        if !is_ram_action(&spec.ram.action) {
            self.error(
                "ram.action",
                format!(
                    "`{}` is not a RAM action: expected `product:Action`",
                    spec.ram.action
                ),
            );
        }
        if let Some(reference) = &spec.reference {
            if !reference.starts_with("https://") {
                self.error(
                    "reference",
                    format!("`{reference}` must be an https:// link"),
                );
            }
        }

        // Request and response types share the operation's module.
        let mut request_types = TypeNames::reserving(operation_type_names(&spec.name));
        let parameters = self.fields(
            "parameters",
            &spec.parameters,
            Place::Parameter,
            &mut request_types,
        );
        let mut response_types = TypeNames::reserving(
            operation_type_names(&spec.name)
                .chain(request_types.types.iter().map(|t| t.name.clone())),
        );
        let response = self.fields(
            "response",
            &spec.response,
            Place::Response,
            &mut response_types,
        );
        if let Some(index) = spec
            .response
            .iter()
            .position(|f| f.name.as_deref() == Some("RequestId"))
        {
            if spec.response[index].ty != "string" {
                self.error(
                    &format!("response[{index}].type"),
                    "`RequestId` must be a string",
                );
            }
        }
        let errors = self.errors(&spec.errors);
        let paginator = spec
            .paginator
            .as_ref()
            .and_then(|p| self.paginator(p, &parameters, &response));
        if spec
            .response_example
            .as_ref()
            .is_some_and(|example| !example.is_mapping())
        {
            self.error(
                "response_example",
                "must be a mapping: the example of a whole success body",
            );
        }

        if self.diagnostics.len() > start {
            return None;
        }
        Some(Operation {
            source: self.parsed.file.clone(),
            name: spec.name.clone(),
            snake: naming::snake(&spec.name),
            summary: spec.summary.trim().to_string(),
            description: spec.description.clone(),
            group: spec.group.clone(),
            method: if methods.contains(&HttpMethod::Post) {
                HttpMethod::Post
            } else {
                HttpMethod::Get
            },
            methods,
            // Filled in once the service is known.
            product: String::new(),
            version: String::new(),
            module_path: String::new(),
            https_only: spec.https_only,
            ram_action: spec.ram.action.clone(),
            access_level: access_level?,
            idempotent: spec.idempotent,
            read_only: spec.read_only,
            deprecated: spec.deprecated,
            reference: spec.reference.clone(),
            parameters,
            response,
            request_types: request_types.types,
            response_types: response_types.types,
            errors,
            paginator,
        })
    }

    fn methods(&mut self, methods: &[String]) -> Vec<HttpMethod> {
        if methods.is_empty() {
            self.error("methods", "list at least one HTTP method (GET or POST)");
        }
        let mut out = Vec::new();
        for (index, method) in methods.iter().enumerate() {
            let parsed = match method.as_str() {
                "GET" => HttpMethod::Get,
                "POST" => HttpMethod::Post,
                other => {
                    self.error(
                        &format!("methods[{index}]"),
                        format!("unsupported HTTP method `{other}`: expected GET or POST"),
                    );
                    continue;
                }
            };
            if out.contains(&parsed) {
                self.error(
                    &format!("methods[{index}]"),
                    format!("method `{method}` is listed twice"),
                );
            }
            out.push(parsed);
        }
        out
    }

    fn errors(&mut self, specs: &[ErrorSpec]) -> Vec<ErrorCase> {
        let mut codes = HashSet::new();
        let mut variants = HashSet::new();
        let mut out = Vec::new();
        for (index, spec) in specs.iter().enumerate() {
            let path = format!("errors[{index}]");
            if !(400..=599).contains(&spec.status) {
                self.error(
                    &format!("{path}.status"),
                    format!(
                        "status {} is not an HTTP error status (400-599)",
                        spec.status
                    ),
                );
            }
            if !is_error_code(&spec.code) {
                self.error(
                    &format!("{path}.code"),
                    format!("`{}` is not a valid error code", spec.code),
                );
                continue;
            }
            if !codes.insert(spec.code.clone()) {
                self.error(
                    &format!("{path}.code"),
                    format!("duplicate error code `{}`", spec.code),
                );
                continue;
            }
            let variant = naming::variant(&spec.code);
            if variant == "Unhandled" || !variants.insert(variant.clone()) {
                self.error(
                    &format!("{path}.code"),
                    format!(
                        "error code `{}` becomes the variant `{variant}`, which is already taken",
                        spec.code
                    ),
                );
                continue;
            }
            if spec.message.trim().is_empty() {
                self.error(&format!("{path}.message"), "message is empty");
            }
            out.push(ErrorCase {
                status: spec.status,
                code: spec.code.clone(),
                snake: naming::snake(&variant),
                variant,
                message: spec.message.clone(),
                description: spec.description.clone(),
                retryable: spec.retryable,
            });
        }
        out
    }
}

/// Rules between APIs: the versions of one product share its endpoint
/// rules and hosts (the client resolves one endpoint per product), no two
/// APIs share a Rust module, and at most one version is at the crate root.
pub fn across_versions(apis: &[(Parsed<ServiceSpec>, Api)]) -> Diagnostics {
    let mut diagnostics = Diagnostics::default();
    let mut error = |parsed: &Parsed<ServiceSpec>, path: &str, message: String| {
        let mut diagnostic = Diagnostic::new(&parsed.file, path, message);
        diagnostic.location = parsed.locations.find(path);
        diagnostics.push(diagnostic);
    };
    let mut root: Option<&Path> = None;
    for (index, (parsed, api)) in apis.iter().enumerate() {
        let earlier = &apis[..index];
        if api.service.crate_root {
            match root {
                Some(first_root) => error(
                    parsed,
                    "crate_root",
                    format!(
                        "only one version may be at the crate root; {} already is",
                        first_root.display()
                    ),
                ),
                None => root = Some(&parsed.file),
            }
        }
        if let Some((first_parsed, _)) = earlier
            .iter()
            .find(|(_, other)| other.service.path() == api.service.path())
        {
            error(
                parsed,
                "version",
                format!(
                    "module `{}` is taken by {}: give one product a `namespace`",
                    api.service.path(),
                    first_parsed.file.display()
                ),
            );
        }
        let Some((first_parsed, first)) = earlier
            .iter()
            .find(|(_, other)| other.service.product == api.service.product)
        else {
            continue;
        };
        let pairs = [
            (
                "endpoints.rule",
                &api.service.endpoint_rule,
                &first.service.endpoint_rule,
            ),
            (
                "endpoints.vpc_rule",
                &api.service.vpc_rule,
                &first.service.vpc_rule,
            ),
        ];
        for (key, mine, theirs) in pairs {
            if mine != theirs {
                error(
                    parsed,
                    key,
                    format!(
                        "`{mine}` differs from `{theirs}` in {}: the versions share one endpoint",
                        first_parsed.file.display()
                    ),
                );
            }
        }
        if api.service.namespace != first.service.namespace {
            error(
                parsed,
                "namespace",
                format!(
                    "the versions of product `{}` share one namespace, as in {}",
                    api.service.product,
                    first_parsed.file.display()
                ),
            );
        }
        for (position, (region, host)) in api.service.regional.iter().enumerate() {
            let other = earlier.iter().find_map(|(other_parsed, other)| {
                (other.service.product == api.service.product)
                    .then(|| {
                        other
                            .service
                            .regional
                            .iter()
                            .find(|(r, h)| r == region && h != host)
                            .map(|(_, h)| (other_parsed, h))
                    })
                    .flatten()
            });
            if let Some((other_parsed, other_host)) = other {
                let position = parsed
                    .spec
                    .endpoints
                    .regional
                    .iter()
                    .position(|e| &e.region == region)
                    .unwrap_or(position);
                error(
                    parsed,
                    &format!("endpoints.regional[{position}].endpoint"),
                    format!(
                        "region `{region}` is `{host}` here but `{other_host}` in {}",
                        other_parsed.file.display()
                    ),
                );
            }
        }
    }
    diagnostics
}
