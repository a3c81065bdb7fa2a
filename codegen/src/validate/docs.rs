//! The documentation rules: every operation, parameter, field and error of
//! a version is described, and every operation sits in a declared resource
//! group. Checked on the parsed files beside the structural rules, so one
//! run reports both; the emulator, which needs no prose, skips them.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::Api;
use crate::parse::Parsed;
use crate::spec::{ErrorCatalogueSpec, FieldSpec, OperationSpec, ServiceSpec};
use std::collections::{HashMap, HashSet};

use super::rules::is_error_code;

/// The error catalogue of a version, next to its `operations/`.
pub const ERRORS_FILE: &str = "errors.yaml";

/// Every documentation problem of one version.
pub fn check(
    service: &Parsed<ServiceSpec>,
    operations: &[Parsed<OperationSpec>],
    catalogue: Option<&Parsed<ErrorCatalogueSpec>>,
) -> Diagnostics {
    let mut found = Diagnostics::default();
    let groups = check_service(service, &mut found);
    let catalogued = catalogue
        .map(|c| check_catalogue(c, &mut found))
        .unwrap_or_default();
    let mut used_groups = HashSet::new();
    let mut used_codes = HashSet::new();
    for parsed in operations {
        let mut report = |path: &str, message: String| push(&mut found, parsed, path, message);
        let spec = &parsed.spec;
        if spec.summary.trim().contains('\n') {
            report("summary", "the summary must be one line".into());
        }
        if is_blank(spec.description.as_deref()) {
            report(
                "description",
                "missing `description`: say what the operation does and changes, what it needs \
                 first, and how to follow what it starts"
                    .into(),
            );
        }
        match spec.group.as_deref() {
            None => report(
                "group",
                format!(
                    "missing `group`: one of the groups of service.yaml ({})",
                    groups.join(", ")
                ),
            ),
            Some(group) if !groups.iter().any(|g| g == group) => report(
                "group",
                format!(
                    "group `{group}` is not declared in service.yaml; declared: {}",
                    groups.join(", ")
                ),
            ),
            Some(group) => {
                used_groups.insert(group.to_string());
            }
        }
        fields("parameters", &spec.parameters, &mut report);
        fields("response", &spec.response, &mut report);
        for (index, error) in spec.errors.iter().enumerate() {
            used_codes.insert(error.code.clone());
            if is_blank(error.description.as_deref()) && !catalogued.contains_key(&error.code) {
                report(
                    &format!("errors[{index}].description"),
                    format!(
                        "error `{}` has no description, here or in {ERRORS_FILE}: say what \
                         causes it and what the caller can do",
                        error.code
                    ),
                );
            }
        }
    }
    for (index, group) in service.spec.groups.iter().enumerate() {
        if !used_groups.contains(&group.name) {
            push(
                &mut found,
                service,
                &format!("groups[{index}].name"),
                format!("group `{}` has no operation", group.name),
            );
        }
    }
    if let Some(catalogue) = catalogue {
        for (index, entry) in catalogue.spec.errors.iter().enumerate() {
            if !used_codes.contains(&entry.code) {
                push(
                    &mut found,
                    catalogue,
                    &format!("errors[{index}].code"),
                    format!("error `{}` is listed by no operation", entry.code),
                );
            }
        }
    }
    found
}

/// The version's overview and groups; returns the declared group names.
fn check_service(service: &Parsed<ServiceSpec>, found: &mut Diagnostics) -> Vec<String> {
    let spec = &service.spec;
    match spec.summary.as_deref().map(str::trim) {
        None | Some("") => push(
            found,
            service,
            "summary",
            "missing `summary`: one line naming the API".into(),
        ),
        Some(summary) if summary.contains('\n') => push(
            found,
            service,
            "summary",
            "the summary must be one line".into(),
        ),
        Some(_) => {}
    }
    if is_blank(spec.description.as_deref()) {
        push(
            found,
            service,
            "description",
            "missing `description`: what the API is for, for the version's overview".into(),
        );
    }
    if spec.groups.is_empty() {
        push(
            found,
            service,
            "groups",
            "missing `groups`: the resources the operations act on".into(),
        );
    }
    let mut names = Vec::new();
    for (index, group) in spec.groups.iter().enumerate() {
        let path = format!("groups[{index}]");
        if !is_snake(&group.name) {
            push(
                found,
                service,
                &format!("{path}.name"),
                format!("group `{}` must be snake_case", group.name),
            );
        }
        if names.contains(&group.name) {
            push(
                found,
                service,
                &format!("{path}.name"),
                format!("group `{}` is declared twice", group.name),
            );
        }
        for (key, text) in [("title", &group.title), ("description", &group.description)] {
            if text.trim().is_empty() {
                push(
                    found,
                    service,
                    &format!("{path}.{key}"),
                    format!("`{key}` is empty"),
                );
            }
        }
        names.push(group.name.clone());
    }
    names
}

/// The catalogue's codes with their descriptions.
fn check_catalogue(
    catalogue: &Parsed<ErrorCatalogueSpec>,
    found: &mut Diagnostics,
) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (index, entry) in catalogue.spec.errors.iter().enumerate() {
        let path = format!("errors[{index}]");
        if !is_error_code(&entry.code) {
            push(
                found,
                catalogue,
                &format!("{path}.code"),
                format!("`{}` is not a valid error code", entry.code),
            );
            continue;
        }
        if entry.description.trim().is_empty() {
            push(
                found,
                catalogue,
                &format!("{path}.description"),
                "`description` is empty".into(),
            );
        }
        if out
            .insert(entry.code.clone(), entry.description.clone())
            .is_some()
        {
            push(
                found,
                catalogue,
                &format!("{path}.code"),
                format!("error `{}` is listed twice", entry.code),
            );
        }
    }
    out
}

/// Every named field, nested ones included, must be described.
fn fields(path: &str, specs: &[FieldSpec], report: &mut impl FnMut(&str, String)) {
    for (index, spec) in specs.iter().enumerate() {
        let field_path = format!("{path}[{index}]");
        if spec.name.is_some() && is_blank(spec.description.as_deref()) {
            report(
                &format!("{field_path}.description"),
                format!(
                    "`{}` has no description: say what it means, its unit, valid values, \
                     default and where its value comes from",
                    spec.name.as_deref().unwrap_or_default()
                ),
            );
        }
        nested(&field_path, spec, report);
    }
}

fn nested(path: &str, spec: &FieldSpec, report: &mut impl FnMut(&str, String)) {
    if let Some(properties) = &spec.properties {
        fields(&format!("{path}.properties"), properties, report);
    }
    if let Some(items) = &spec.items {
        nested(&format!("{path}.items"), items, report);
    }
}

/// Error descriptions from the catalogue, for rows without their own.
pub fn resolve(api: &mut Api, catalogue: Option<&ErrorCatalogueSpec>) {
    let Some(catalogue) = catalogue else {
        return;
    };
    for operation in &mut api.operations {
        for error in &mut operation.errors {
            if is_blank(error.description.as_deref()) {
                error.description = catalogue
                    .errors
                    .iter()
                    .find(|entry| entry.code == error.code)
                    .map(|entry| entry.description.clone());
            }
        }
    }
}

fn push<T>(found: &mut Diagnostics, parsed: &Parsed<T>, path: &str, message: String) {
    let mut diagnostic = Diagnostic::new(&parsed.file, path, message);
    diagnostic.location = parsed.locations.find(path);
    found.push(diagnostic);
}

fn is_blank(text: Option<&str>) -> bool {
    text.is_none_or(|t| t.trim().is_empty())
}

fn is_snake(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}
