//! The operations the emulator serves, learned from the spec files: the
//! copies embedded at build time, or a directory given at start.

use codegen::diagnostic::{Diagnostic, Diagnostics};
use codegen::model::{Api, Operation, StructType};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// One API version's spec files compiled into the emulator.
pub(crate) struct EmbeddedVersion {
    pub(crate) service: EmbeddedSpec,
    pub(crate) operations: &'static [EmbeddedSpec],
}

/// A spec file compiled into the emulator.
pub(crate) struct EmbeddedSpec {
    pub(crate) path: &'static str,
    pub(crate) text: &'static str,
}

mod embedded {
    use super::{EmbeddedSpec, EmbeddedVersion};
    include!(concat!(env!("OUT_DIR"), "/embedded_specs.rs"));
}

/// The validated specs: every API version served, each with its
/// operations by action name.
#[derive(Debug, Clone)]
pub struct Catalog {
    product: String,
    /// The product of each version (`EhpcInstant` for 2023-07-01).
    products: BTreeMap<String, String>,
    /// By version, then by action.
    versions: BTreeMap<String, BTreeMap<String, Operation>>,
}

impl Catalog {
    /// The specs compiled into the emulator (the workspace's `specs/` at
    /// build time, every version).
    pub fn embedded() -> Result<Catalog, SpecError> {
        let origin = "the embedded specs";
        let mut diagnostics = Diagnostics::default();
        let mut apis = Vec::new();
        for version in embedded::VERSIONS {
            match parse_version(
                (version.service.path, version.service.text),
                version.operations.iter().map(|spec| (spec.path, spec.text)),
            ) {
                Ok(api) => apis.push(api),
                Err(found) => diagnostics.0.extend(found.0),
            }
        }
        if !diagnostics.is_empty() {
            return Err(SpecError::new(origin, diagnostics));
        }
        Ok(Catalog::from_apis(apis))
    }

    /// Specs of one version given as `(path, text)`: the service file and
    /// operation files.
    #[cfg(test)]
    pub(crate) fn from_texts<'a>(
        origin: &str,
        service: (&str, &str),
        operations: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Catalog, SpecError> {
        parse_version(service, operations)
            .map(|api| Catalog::from_apis(vec![api]))
            .map_err(|d| SpecError::new(origin, d))
    }

    /// The specs of a directory, read now: laid out like `specs/` (one
    /// `<version>/` directory each with `service.yaml` and
    /// `operations/*.yaml`), or one version's directory alone.
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Catalog, SpecError> {
        let dir = dir.as_ref();
        let origin = dir.display().to_string();
        if dir.join("service.yaml").is_file() {
            let (service, operations) =
                codegen::load(dir).map_err(|d| SpecError::new(&origin, d))?;
            let api = codegen::validate::validate(&service, &operations)
                .map_err(|d| SpecError::new(&origin, d))?;
            return Ok(Catalog::from_apis(vec![api]));
        }
        // The emulator needs no prose: only the structural rules apply.
        let apis = codegen::validate_all_with(dir, codegen::Docs::Optional)
            .map_err(|d| SpecError::new(&origin, d))?;
        Ok(Catalog::from_apis(apis))
    }

    fn from_apis(apis: Vec<Api>) -> Catalog {
        let product = apis
            .first()
            .map(|api| api.service.product.clone())
            .unwrap_or_default();
        let products = apis
            .iter()
            .map(|api| (api.service.version.clone(), api.service.product.clone()))
            .collect();
        let versions = apis
            .into_iter()
            .map(|api| {
                let operations = api
                    .operations
                    .into_iter()
                    .map(|operation| (operation.name.clone(), operation))
                    .collect();
                (api.service.version, operations)
            })
            .collect();
        Catalog {
            product,
            products,
            versions,
        }
    }

    /// The product code, e.g. `EHPC`.
    pub fn product(&self) -> &str {
        &self.product
    }

    /// The product that API `version` is of; the first product for a
    /// version not served.
    pub fn product_of(&self, version: &str) -> &str {
        self.products.get(version).unwrap_or(&self.product)
    }

    /// The API versions served, sorted (`2018-04-12`, `2024-07-30`).
    pub fn versions(&self) -> impl Iterator<Item = &str> {
        self.versions.keys().map(String::as_str)
    }

    /// Every served action of every version, sorted, each once.
    pub fn operation_names(&self) -> impl Iterator<Item = &str> {
        let names: std::collections::BTreeSet<&str> = self
            .versions
            .values()
            .flat_map(|operations| operations.keys().map(String::as_str))
            .collect();
        names.into_iter()
    }

    /// The actions of one version, sorted.
    pub fn operation_names_in<'a>(&'a self, version: &str) -> impl Iterator<Item = &'a str> {
        self.versions
            .get(version)
            .into_iter()
            .flat_map(|operations| operations.keys().map(String::as_str))
    }

    /// The validated spec of one action in the oldest version that has it;
    /// [`operation_in`](Self::operation_in) picks the version.
    pub fn operation(&self, action: &str) -> Option<&Operation> {
        self.versions
            .values()
            .find_map(|operations| operations.get(action))
    }

    /// The validated spec of one action of one version.
    pub fn operation_in(&self, version: &str, action: &str) -> Option<&Operation> {
        self.versions.get(version)?.get(action)
    }
}

/// One version's spec texts, parsed and validated.
fn parse_version<'a>(
    service: (&str, &str),
    operations: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Api, Diagnostics> {
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
        Some(service) if diagnostics.is_empty() => codegen::validate::validate(&service, &parsed),
        _ => Err(diagnostics),
    }
}

/// The embedded service file, for tests that pair it with their own
/// operations.
#[cfg(test)]
pub(crate) fn embedded_service() -> (&'static str, &'static str) {
    let first = &embedded::VERSIONS[0].service;
    (first.path, first.text)
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
