//! Folding a freshly imported spec into the one on disk, so a re-import
//! keeps what maintainers wrote.
//!
//! The rule: the metadata wins on every fact it states (types, formats,
//! required, style, structure, bounds, enums, defaults, HTTP status and
//! message of its error rows, access level, deprecation); the spec on disk
//! keeps everything the metadata does not state or that is ours to write
//! (summary, group, description, descriptions of parameters, fields and errors,
//! known `values`,
//! examples, `retryable`, `idempotent`, `read_only` on a read sent as POST, `paginator`, `type_name`, `sensitive`, the RAM action, the
//! reference link, error rows the metadata does not list, and the order of
//! parameters, fields and methods). The response example is the service's:
//! the metadata's replaces the one on disk.

use crate::spec::{ErrorSpec, FieldSpec, OperationSpec};

pub fn operation(imported: OperationSpec, existing: Option<&OperationSpec>) -> OperationSpec {
    let Some(old) = existing else {
        return imported;
    };
    let same_methods = imported.methods.len() == old.methods.len()
        && imported.methods.iter().all(|m| old.methods.contains(m));
    let mut ram = imported.ram;
    ram.action = old.ram.action.clone();
    // `list` refines `read`; the metadata cannot say it.
    if ram.access_level == "read" && old.ram.access_level == "list" {
        ram.access_level = old.ram.access_level.clone();
    }
    // The metadata's reading wins, except a read sent as POST that a
    // maintainer declared read-only; a write never is.
    let declared_read_only = old.read_only && ram_reads(&ram.access_level);
    OperationSpec {
        name: imported.name,
        summary: old.summary.clone(),
        group: old.group.clone(),
        description: old.description.clone(),
        methods: if same_methods {
            old.methods.clone()
        } else {
            imported.methods
        },
        ram,
        https_only: imported.https_only,
        idempotent: old.idempotent,
        read_only: imported.read_only || declared_read_only,
        deprecated: imported.deprecated,
        reference: old.reference.clone().or(imported.reference),
        parameters: fields(imported.parameters, &old.parameters),
        response: fields(imported.response, &old.response),
        errors: errors(imported.errors, &old.errors),
        response_example: imported
            .response_example
            .or_else(|| old.response_example.clone()),
        // Set by hand or inferred before: the one on disk wins.
        paginator: old.paginator.clone().or(imported.paginator),
    }
}

fn ram_reads(access_level: &str) -> bool {
    matches!(access_level, "read" | "list")
}

/// Fields the metadata lists, in the order on disk first, then new ones in
/// the metadata's order. Fields only on disk are dropped: the metadata
/// says what exists.
fn fields(imported: Vec<FieldSpec>, old: &[FieldSpec]) -> Vec<FieldSpec> {
    let mut imported: Vec<Option<FieldSpec>> = imported.into_iter().map(Some).collect();
    let mut out = Vec::new();
    for previous in old {
        let found = imported
            .iter_mut()
            .find(|f| f.as_ref().is_some_and(|f| f.name == previous.name));
        if let Some(slot) = found {
            if let Some(new) = slot.take() {
                out.push(field(new, Some(previous)));
            }
        }
    }
    out.extend(imported.into_iter().flatten());
    out
}

fn field(new: FieldSpec, old: Option<&FieldSpec>) -> FieldSpec {
    let Some(old) = old else {
        return new;
    };
    let same_shape = new.ty == old.ty;
    FieldSpec {
        description: old.description.clone(),
        values: old.values.clone().filter(|_| same_shape),
        example: old.example.clone().filter(|_| same_shape).or(new.example),
        default: new
            .default
            .or_else(|| old.default.clone().filter(|_| !new.required)),
        minimum: new.minimum.or_else(|| old.minimum.clone()),
        maximum: new.maximum.or_else(|| old.maximum.clone()),
        min_length: new.min_length.or(old.min_length),
        max_length: new.max_length.or(old.max_length),
        min_items: new.min_items.or(old.min_items),
        max_items: new.max_items.or(old.max_items),
        enum_values: new.enum_values.or_else(|| old.enum_values.clone()),
        type_name: if same_shape {
            old.type_name.clone()
        } else {
            None
        },
        deprecated: new.deprecated || old.deprecated,
        // Set on disk (by hand, or by an earlier import): the disk wins.
        sensitive: old.sensitive.or(new.sensitive).filter(|_| same_shape),
        items: new.items.map(|items| {
            let old_items = old.items.as_deref().filter(|_| same_shape);
            Box::new(field(*items, old_items))
        }),
        properties: new.properties.map(|properties| match &old.properties {
            Some(previous) if same_shape => fields(properties, previous),
            _ => properties,
        }),
        ..new
    }
}

/// The metadata's rows with the descriptions and retry marks on disk, then
/// the rows only on disk (maintainers add codes the service really sends).
fn errors(imported: Vec<ErrorSpec>, old: &[ErrorSpec]) -> Vec<ErrorSpec> {
    let mut out: Vec<ErrorSpec> = imported
        .into_iter()
        .map(|new| match old.iter().find(|e| e.code == new.code) {
            Some(previous) => ErrorSpec {
                description: previous.description.clone(),
                retryable: previous.retryable,
                ..new
            },
            None => new,
        })
        .collect();
    for previous in old {
        if !out.iter().any(|e| e.code == previous.code) {
            out.push(previous.clone());
        }
    }
    out
}
