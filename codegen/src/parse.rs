//! Stage one: YAML text to the spec model. Syntax errors and unknown or
//! missing keys are reported here, with the line serde_norway gives.

use crate::diagnostic::Diagnostic;
use crate::locate::Locations;
use crate::spec::{ErrorCatalogueSpec, OperationSpec, ServiceSpec, WaitersSpec};
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};

/// A parsed spec file, with what validation needs to point back into it.
#[derive(Debug)]
pub struct Parsed<T> {
    pub file: PathBuf,
    pub spec: T,
    pub locations: Locations,
}

pub fn parse_service(file: &Path, text: &str) -> Result<Parsed<ServiceSpec>, Diagnostic> {
    parse(file, text)
}

pub fn parse_operation(file: &Path, text: &str) -> Result<Parsed<OperationSpec>, Diagnostic> {
    parse(file, text)
}

pub fn parse_waiters(file: &Path, text: &str) -> Result<Parsed<WaitersSpec>, Diagnostic> {
    parse(file, text)
}

pub fn parse_error_catalogue(
    file: &Path,
    text: &str,
) -> Result<Parsed<ErrorCatalogueSpec>, Diagnostic> {
    parse(file, text)
}

fn parse<T: DeserializeOwned>(file: &Path, text: &str) -> Result<Parsed<T>, Diagnostic> {
    match serde_norway::from_str::<T>(text) {
        Ok(spec) => Ok(Parsed {
            file: file.to_path_buf(),
            spec,
            locations: Locations::scan(text),
        }),
        Err(error) => Err(yaml_diagnostic(file, &error)),
    }
}

fn yaml_diagnostic(file: &Path, error: &serde_norway::Error) -> Diagnostic {
    // serde_norway renders "path: message at line L column C"; keep the path
    // and message, and carry the location as numbers.
    let mut message = error.to_string();
    if let Some(index) = message.find(" at line ") {
        message.truncate(index);
    }
    let (path, message) = match message.split_once(": ") {
        Some((path, rest)) if looks_like_path(path) => (path.to_string(), rest.to_string()),
        _ => (String::new(), message),
    };
    let mut diagnostic = Diagnostic::new(file, path, message);
    diagnostic.location = error.location().map(|l| (l.line(), l.column()));
    diagnostic
}

fn looks_like_path(text: &str) -> bool {
    !text.is_empty()
        && !text.contains(' ')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']'))
}
