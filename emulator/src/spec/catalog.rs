//! The operations the emulator serves, learned from the spec files: the
//! copies embedded at build time, or a directory given at start.

use codegen::diagnostic::{Diagnostic, Diagnostics};
use codegen::model::{Api, Operation, StructType};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// A spec file compiled into the emulator.
pub(crate) struct EmbeddedSpec {
    pub(crate) path: &'static str,
    pub(crate) text: &'static str,
}

mod embedded {
    use super::EmbeddedSpec;
    include!(concat!(env!("OUT_DIR"), "/embedded_specs.rs"));
}

/// The validated specs: the service's version and every operation, by
/// action name.
#[derive(Debug, Clone)]
pub struct Catalog {
    product: String,
    version: String,
    operations: BTreeMap<String, Operation>,
}

impl Catalog {
    /// The specs compiled into the emulator (the workspace's `specs/` at
    /// build time).
    pub fn embedded() -> Result<Catalog, SpecError> {
        Catalog::from_texts(
            "the embedded specs",
            (embedded::SERVICE.path, embedded::SERVICE.text),
            embedded::OPERATIONS
                .iter()
                .map(|spec| (spec.path, spec.text)),
        )
    }

    /// Specs given as `(path, text)`: the service file and operation files.
    pub(crate) fn from_texts<'a>(
        origin: &str,
        service: (&str, &str),
        operations: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Catalog, SpecError> {
        let mut diagnostics = Diagnostics::default();
        let service = codegen::parse::parse_service(Path::new(service.0), service.1)
            .map_err(|d| diagnostics.push(d))
            .ok();
        let mut parsed = Vec::new();
        for (path, text) in operations {
            match codegen::parse::parse_operation(Path::new(path), text) {
                Ok(operation) => parsed.push(operation),
                Err(diagnostic) => diagnostics.push(diagnostic),
            }
        }
        match service {
            Some(service) if diagnostics.is_empty() => {
                let api = codegen::validate::validate(&service, &parsed)
                    .map_err(|d| SpecError::new(origin, d))?;
                Ok(Catalog::from_api(api))
            }
            _ => Err(SpecError::new(origin, diagnostics)),
        }
    }

    /// The specs of a directory laid out like `specs/` (`service.yaml` and
    /// `operations/*.yaml`), read now.
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Catalog, SpecError> {
        let dir = dir.as_ref();
        let origin = dir.display().to_string();
        let (service, operations) = codegen::load(dir).map_err(|d| SpecError::new(&origin, d))?;
        let api = codegen::validate::validate(&service, &operations)
            .map_err(|d| SpecError::new(&origin, d))?;
        Ok(Catalog::from_api(api))
    }

    fn from_api(api: Api) -> Catalog {
        Catalog {
            product: api.service.product,
            version: api.service.version,
            operations: api
                .operations
                .into_iter()
                .map(|operation| (operation.name.clone(), operation))
                .collect(),
        }
    }

    /// The product code, e.g. `EHPC`.
    pub fn product(&self) -> &str {
        &self.product
    }

    /// The API version requests must carry, e.g. `2018-04-12`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Every served action, sorted.
    pub fn operation_names(&self) -> impl Iterator<Item = &str> {
        self.operations.keys().map(String::as_str)
    }

    /// The validated spec of one action.
    pub fn operation(&self, action: &str) -> Option<&Operation> {
        self.operations.get(action)
    }
}

/// The embedded service file, for tests that pair it with their own
/// operations.
#[cfg(test)]
pub(crate) fn embedded_service() -> (&'static str, &'static str) {
    (embedded::SERVICE.path, embedded::SERVICE.text)
}

/// The object type `name` of an operation, request or response side.
pub(crate) fn struct_type<'a>(types: &'a [StructType], name: &str) -> Option<&'a StructType> {
    types.iter().find(|t| t.name == name)
}

/// The specs could not be read or are not valid; every problem found is
/// listed, each with its file and place.
#[derive(Debug)]
pub struct SpecError {
    origin: String,
    problems: Vec<Diagnostic>,
}

impl SpecError {
    fn new(origin: &str, diagnostics: Diagnostics) -> Self {
        SpecError {
            origin: origin.to_string(),
            problems: diagnostics.0,
        }
    }

    /// Files the problems were found in.
    pub fn files(&self) -> Vec<PathBuf> {
        self.problems.iter().map(|d| d.file.clone()).collect()
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} cannot be served:", self.origin)?;
        for problem in &self.problems {
            write!(f, "\n  {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecError {}
