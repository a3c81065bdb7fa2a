//! `cargo xtask import`: Alibaba Cloud's OpenAPI metadata (`api-docs.json`)
//! to spec files.
//!
//! Facts only: names, types, formats, required, bounds, enums, examples,
//! methods, styles, response structure, error codes, access level and
//! endpoints. The metadata's prose is never carried. Existing specs are
//! updated by `merge`, keeping what maintainers wrote; a spec whose
//! content would not change is not touched. Every resulting spec is parsed
//! and validated in memory before anything is written, and each file is
//! written atomically, so a failed import changes nothing.

mod convert;
mod merge;
mod metadata;
mod paging;
mod sensitive;
#[cfg(test)]
mod tests;

pub use convert::{summary, REFERENCE_BASE};
pub use metadata::MetadataError;

use crate::diagnostic::Diagnostics;
use crate::output;
use crate::parse::{self, Parsed};
use crate::spec::{OperationSpec, RegionalEndpoint, ServiceSpec};
use metadata::Node;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// The first line of every spec the importer writes.
pub const SPEC_HEADER: &str = "\
# E-HPC operation spec; format: specs/README.md. Facts come from Alibaba Cloud's
# OpenAPI metadata (`cargo xtask import`); the summary, descriptions, examples,
# retryable marks and extra error rows are ours and kept on re-import.
";

#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The `api-docs.json` file.
    pub metadata: PathBuf,
    /// The `specs/` directory; the metadata's product and version are
    /// written into `<specs_dir>/<product>/<version>/` (`service.yaml` and
    /// `operations/`).
    pub specs_dir: PathBuf,
    /// Only these operations; all when `None`.
    pub only: Option<Vec<String>>,
    /// Write the changes, or only report them.
    pub write: bool,
}

/// What an import did (or, without `write`, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Spec files created.
    pub created: Vec<PathBuf>,
    /// Spec files whose content changed.
    pub updated: Vec<PathBuf>,
    /// Spec files already up to date.
    pub unchanged: usize,
    /// Things a maintainer may want to look at (dropped parameters, ...).
    pub notes: Vec<String>,
}

impl ImportReport {
    pub fn is_unchanged(&self) -> bool {
        self.created.is_empty() && self.updated.is_empty()
    }
}

#[derive(Debug)]
pub enum ImportError {
    /// The metadata file cannot be read.
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The metadata file is not JSON.
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
    /// The metadata holds something the importer does not understand.
    Metadata(MetadataError),
    /// `--only` names an operation the metadata does not have.
    UnknownOperations(Vec<String>),
    /// The existing specs, or the specs the import would produce, do not
    /// pass the generator's checks.
    Invalid(Diagnostics),
    /// Writing a spec failed (files written before it are complete).
    Write(std::io::Error),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Read { path, source } => {
                write!(f, "cannot read {}: {source}", path.display())
            }
            ImportError::Json { path, source } => {
                write!(f, "{} is not valid JSON: {source}", path.display())
            }
            ImportError::Metadata(error) => write!(f, "{error}; nothing was written"),
            ImportError::UnknownOperations(names) => write!(
                f,
                "the metadata has no operation named {}",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ImportError::Invalid(diagnostics) => write!(
                f,
                "the imported specs do not pass the generator's checks; nothing was written:\n{diagnostics}"
            ),
            ImportError::Write(error) => write!(f, "cannot write a spec: {error}"),
        }
    }
}

impl std::error::Error for ImportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ImportError::Read { source, .. } => Some(source),
            ImportError::Json { source, .. } => Some(source),
            ImportError::Metadata(error) => Some(error),
            ImportError::Write(error) => Some(error),
            ImportError::UnknownOperations(_) | ImportError::Invalid(_) => None,
        }
    }
}

impl From<MetadataError> for ImportError {
    fn from(error: MetadataError) -> Self {
        ImportError::Metadata(error)
    }
}

/// A file the import would write, with its new text.
struct Planned {
    path: PathBuf,
    text: String,
    created: bool,
}

pub fn import(options: &ImportOptions) -> Result<ImportReport, ImportError> {
    let text = std::fs::read_to_string(&options.metadata).map_err(|source| ImportError::Read {
        path: options.metadata.clone(),
        source,
    })?;
    let root: serde_json::Value =
        serde_json::from_str(&text).map_err(|source| ImportError::Json {
            path: options.metadata.clone(),
            source,
        })?;
    let root = Node::root(&root);
    let version = root.require("info")?.require("version")?;
    let version_text = version.str()?;
    if !crate::validate::is_api_version(version_text) {
        return Err(version
            .error(format!(
                "version `{version_text}` is not a date, YYYY-MM-DD"
            ))
            .into());
    }
    let product = root.require("info")?.require("product")?;
    let product_text = product.str()?;
    if !product_text.starts_with(|c: char| c.is_ascii_uppercase())
        || !product_text.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return Err(product
            .error(format!("product `{product_text}` is not a product code"))
            .into());
    }
    let version_dir = options.specs_dir.join(product_text).join(version_text);
    let (service, existing, new_version) = if version_dir.join("service.yaml").is_file() {
        let (service, existing) = crate::load(&version_dir).map_err(ImportError::Invalid)?;
        (service, existing, false)
    } else {
        (first_service(&root, &version_dir)?, Vec::new(), true)
    };
    let apis = root.require("apis")?;
    let available: Vec<&str> = apis.members()?.into_iter().map(|(name, _)| name).collect();
    let selected: Vec<&str> = match &options.only {
        Some(only) => {
            let missing: Vec<String> = only
                .iter()
                .filter(|name| !available.contains(&name.as_str()))
                .cloned()
                .collect();
            if !missing.is_empty() {
                return Err(ImportError::UnknownOperations(missing));
            }
            available
                .iter()
                .copied()
                .filter(|name| only.iter().any(|o| o == name))
                .collect()
        }
        None => available,
    };

    let mut report = ImportReport::default();
    let mut planned = Vec::new();
    let new_service = service_spec(&root, &service.spec)?;
    if new_service != service.spec || new_version {
        planned.push(Planned {
            path: service.file.clone(),
            text: service_yaml(&new_service),
            created: new_version,
        });
    }

    let operations_dir = version_dir.join("operations");
    let existing_by_name: BTreeMap<&str, &Parsed<OperationSpec>> =
        existing.iter().map(|p| (p.spec.name.as_str(), p)).collect();
    let mut replaced = Vec::new();
    for name in &selected {
        let node = apis.require(name)?.in_operation(name);
        let imported =
            convert::operation(name, product_text, version_text, &node, &mut report.notes)?;
        let old = existing_by_name.get(name).map(|p| &p.spec);
        if let Some(old) = old {
            note_dropped(
                &mut report.notes,
                name,
                "parameter",
                &old.parameters,
                &imported.parameters,
            );
            note_dropped(
                &mut report.notes,
                name,
                "response field",
                &old.response,
                &imported.response,
            );
        }
        let merged = merge::operation(imported, old);
        if old == Some(&merged) {
            report.unchanged += 1;
            continue;
        }
        let (path, text) = match existing_by_name.get(name) {
            Some(parsed) => {
                let text = match appended_example(&parsed.file, &parsed.spec, &merged) {
                    Some(text) => text,
                    None => operation_yaml(&merged),
                };
                (parsed.file.clone(), text)
            }
            None => (
                operations_dir.join(format!("{name}.yaml")),
                operation_yaml(&merged),
            ),
        };
        replaced.push(name.to_string());
        planned.push(Planned {
            text,
            created: old.is_none(),
            path,
        });
    }

    drop(existing_by_name);
    check(service, existing, &planned, &replaced)?;

    for file in &planned {
        if file.created {
            report.created.push(file.path.clone());
        } else {
            report.updated.push(file.path.clone());
        }
    }
    if options.write {
        for file in &planned {
            output::write_atomically(&file.path, &file.text).map_err(ImportError::Write)?;
        }
    }
    Ok(report)
}

/// When the only change to a spec on disk is a response example it did not
/// have, the file's own text (layout, comments) is kept and the example
/// appended; any other change re-renders the file.
fn appended_example(
    file: &std::path::Path,
    old: &OperationSpec,
    merged: &OperationSpec,
) -> Option<String> {
    let example = merged.response_example.as_ref()?;
    if old.response_example.is_some() {
        return None;
    }
    let mut without = merged.clone();
    without.response_example = None;
    if &without != old {
        return None;
    }
    let mut text = std::fs::read_to_string(file).ok()?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let block = to_yaml(&serde_norway::Mapping::from_iter([(
        serde_norway::Value::from("response_example"),
        example.clone(),
    )]));
    text.push_str("\n# The service's own example of a success body, from the metadata.\n");
    text.push_str(&block);
    Some(text)
}

/// Runs the generator's parse and validate stages over the specs as they
/// would be after the import.
fn check(
    service: Parsed<ServiceSpec>,
    existing: Vec<Parsed<OperationSpec>>,
    planned: &[Planned],
    replaced: &[String],
) -> Result<(), ImportError> {
    let mut diagnostics = Diagnostics::default();
    let mut new_service = None;
    let mut operations = Vec::new();
    for file in planned {
        if file.path == service.file {
            match parse::parse_service(&file.path, &file.text) {
                Ok(parsed) => new_service = Some(parsed),
                Err(d) => diagnostics.push(d),
            }
        } else {
            match parse::parse_operation(&file.path, &file.text) {
                Ok(parsed) => operations.push(parsed),
                Err(d) => diagnostics.push(d),
            }
        }
    }
    if !diagnostics.is_empty() {
        return Err(ImportError::Invalid(diagnostics));
    }
    operations.extend(
        existing
            .into_iter()
            .filter(|p| !replaced.contains(&p.spec.name)),
    );
    let service = new_service.unwrap_or(service);
    crate::validate::validate(&service, &operations)
        .map(|_| ())
        .map_err(ImportError::Invalid)
}

fn note_dropped(
    notes: &mut Vec<String>,
    operation: &str,
    what: &str,
    old: &[crate::spec::FieldSpec],
    new: &[crate::spec::FieldSpec],
) {
    for field in old {
        if !new.iter().any(|f| f.name == field.name) {
            notes.push(format!(
                "{operation}: {what} `{}` is not in the metadata any more and was removed",
                field.name.as_deref().unwrap_or_default()
            ));
        }
    }
}

/// The service of a version not on disk yet: the metadata's facts, and
/// endpoint rules read off its regional table (`ehpc.<region>.aliyuncs.com`
/// gives `ehpc.{region}.aliyuncs.com`, and `ehpc-vpc.{region}...` inside a
/// VPC, the platform's rule).
fn first_service(
    root: &Node<'_>,
    version_dir: &std::path::Path,
) -> Result<Parsed<ServiceSpec>, MetadataError> {
    let endpoints = root.require("endpoints")?;
    let mut rule: Option<String> = None;
    for entry in endpoints.items()? {
        let region = entry.require("regionId")?.str()?;
        let host = entry.require("endpoint")?;
        let text = host.str()?;
        let Some((prefix, suffix)) = text.split_once(&format!(".{region}.")) else {
            return Err(host.error(format!(
                "endpoint `{text}` does not follow `<product>.<region>.<domain>`; write service.yaml by hand"
            )));
        };
        let this = format!("{prefix}.{{region}}.{suffix}");
        match &rule {
            Some(rule) if *rule != this => {
                return Err(host.error(format!(
                    "endpoint `{text}` does not follow `{rule}` as the others do; write service.yaml by hand"
                )))
            }
            _ => rule = Some(this),
        }
    }
    let rule = rule.ok_or_else(|| endpoints.error("no endpoint listed"))?;
    let vpc_rule = match rule.split_once('.') {
        Some((product, rest)) => format!("{product}-vpc.{rest}"),
        None => rule.clone(),
    };
    let spec = ServiceSpec {
        product: String::new(),
        version: String::new(),
        style: String::new(),
        crate_root: false,
        namespace: None,
        summary: None,
        description: None,
        groups: Vec::new(),
        endpoints: crate::spec::EndpointsSpec {
            rule,
            vpc_rule,
            regional: Vec::new(),
            listed_regions_only: false,
        },
    };
    Ok(Parsed {
        file: version_dir.join("service.yaml"),
        spec,
        locations: Default::default(),
    })
}

/// `service.yaml` with the metadata's product, version, style and regional
/// endpoints; the endpoint rules (not in the metadata) stay.
fn service_spec(root: &Node<'_>, old: &ServiceSpec) -> Result<ServiceSpec, MetadataError> {
    let info = root.require("info")?;
    let text =
        |key: &str| -> Result<String, MetadataError> { Ok(info.require(key)?.str()?.to_string()) };
    let mut regional = Vec::new();
    if let Some(endpoints) = root.get("endpoints")? {
        for entry in endpoints.items()? {
            regional.push(RegionalEndpoint {
                region: entry.require("regionId")?.str()?.to_string(),
                endpoint: entry.require("endpoint")?.str()?.to_string(),
            });
        }
    }
    regional.sort_by(|a, b| a.region.cmp(&b.region));
    let mut spec = old.clone();
    spec.product = text("product")?;
    spec.version = text("version")?;
    spec.style = text("style")?;
    spec.endpoints.regional = regional;
    Ok(spec)
}

fn service_yaml(spec: &ServiceSpec) -> String {
    format!(
        "# E-HPC API {}: facts shared by every operation. The regional table comes from\n\
         # Alibaba Cloud's OpenAPI metadata (`cargo xtask import`).\n{}",
        spec.version,
        to_yaml(spec)
    )
}

/// The YAML text of an operation spec: keys in the model's order, so the
/// same spec always renders the same bytes.
pub fn operation_yaml(spec: &OperationSpec) -> String {
    format!("{SPEC_HEADER}{}", to_yaml(spec))
}

fn to_yaml<T: serde::Serialize>(value: &T) -> String {
    match serde_norway::to_string(value) {
        Ok(text) => text,
        Err(error) => unreachable!("spec models always serialize: {error}"),
    }
}
