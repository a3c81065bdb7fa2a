//! Spec names that would clash with what the generator itself emits on the
//! call, builder, nested and response types are renamed, so the generated
//! code has no duplicate method or field.

mod common;

use common::SpecDir;
use std::collections::BTreeMap;

/// One operation whose request has a top-level parameter and a nested
/// object field named `name`, and whose response has a field `response`.
fn spec(case: &str, name: &str, response: &str) -> SpecDir {
    SpecDir::new(case).operation(
        "X.yaml",
        &format!(
            "\
name: X
summary: Does X.
methods: [GET]
ram: {{action: \"ehpc:X\", access_level: read}}
parameters:
  - name: {name}
    type: string
  - name: Shape
    type: object
    style: flat
    properties:
      - name: {name}
        type: string
response:
  - name: {response}
    type: string
  - name: Items
    type: array
    items:
      type: object
      properties:
        - name: {response}
          type: string
"
        ),
    )
}

/// Per type: its field names, and the methods of its inherent impl blocks.
#[derive(Default, Debug)]
struct Members {
    fields: Vec<String>,
    methods: Vec<String>,
}

fn members(source: &str) -> BTreeMap<String, Members> {
    let file = syn::parse_file(source).unwrap_or_else(|e| panic!("not Rust: {e}\n{source}"));
    let mut types: BTreeMap<String, Members> = BTreeMap::new();
    for item in &file.items {
        match item {
            syn::Item::Struct(s) => {
                let fields = s
                    .fields
                    .iter()
                    .filter_map(|f| f.ident.as_ref().map(ToString::to_string));
                types
                    .entry(s.ident.to_string())
                    .or_default()
                    .fields
                    .extend(fields);
            }
            syn::Item::Impl(i) if i.trait_.is_none() => {
                let syn::Type::Path(path) = &*i.self_ty else {
                    continue;
                };
                let name = path.path.segments.last().unwrap().ident.to_string();
                let methods = i.items.iter().filter_map(|item| match item {
                    syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                    _ => None,
                });
                types.entry(name).or_default().methods.extend(methods);
            }
            _ => {}
        }
    }
    types
}

fn duplicates(names: &[String]) -> Vec<&String> {
    let mut seen = std::collections::BTreeSet::new();
    names.iter().filter(|n| !seen.insert(*n)).collect()
}

/// Generates the spec and checks the operation file: every type's fields
/// and inherent methods are unique, and `renamed` is the setter (and
/// field) the parameter got, `response_field` the response field.
fn assert_renamed(case: &str, name: &str, renamed: &str, response: &str, response_field: &str) {
    let dir = spec(case, name, response);
    let files = dir.generate().unwrap_or_else(|d| panic!("{d}"));
    let op = files
        .iter()
        .find(|f| f.path.ends_with("operation/x.rs"))
        .expect("the operation file");
    let types = members(&op.contents);
    for (ty, m) in &types {
        assert!(duplicates(&m.fields).is_empty(), "{ty} fields: {m:?}");
        assert!(duplicates(&m.methods).is_empty(), "{ty} methods: {m:?}");
    }
    for ty in ["XRequestBuilder", "XCall", "Shape"] {
        let m = &types[ty];
        assert!(m.methods.iter().any(|n| n == renamed), "{ty}: {m:?}");
    }
    for ty in ["XRequest", "XRequestBuilder", "Shape"] {
        let m = &types[ty];
        assert!(m.fields.iter().any(|n| n == renamed), "{ty}: {m:?}");
    }
    for ty in ["XResponse", "ItemsItem"] {
        let m = &types[ty];
        assert!(m.fields.iter().any(|n| n == response_field), "{ty}: {m:?}");
        assert!(
            m.fields.iter().any(|n| n == "unknown_fields"),
            "{ty}: {m:?}"
        );
    }
    // The wire names stay as the spec has them.
    assert!(
        op.contents.contains(&format!("\"{name}\"")),
        "{}",
        op.contents
    );
    assert!(op.contents.contains(&format!("\"{response}\"")));
}

#[test]
fn a_parameter_named_send_becomes_send_() {
    assert_renamed("reserved_send", "Send", "send_", "Status", "status");
}

#[test]
fn a_parameter_named_with_options_becomes_with_options_() {
    assert_renamed(
        "reserved_with_options",
        "WithOptions",
        "with_options_",
        "Status",
        "status",
    );
}

#[test]
fn a_parameter_named_build_becomes_build_() {
    assert_renamed("reserved_build", "Build", "build_", "Status", "status");
}

#[test]
fn a_parameter_named_new_becomes_new_() {
    assert_renamed("reserved_new", "New", "new_", "Status", "status");
}

#[test]
fn a_parameter_named_default_becomes_default_() {
    // A `default` setter would shadow `Default::default` in
    // `Builder::default()`.
    assert_renamed(
        "reserved_default",
        "Default",
        "default_",
        "Status",
        "status",
    );
}

#[test]
fn a_parameter_named_into_paginator_becomes_into_paginator_() {
    assert_renamed(
        "reserved_into_paginator",
        "IntoPaginator",
        "into_paginator_",
        "Status",
        "status",
    );
}

#[test]
fn a_response_field_named_unknown_fields_becomes_unknown_fields_() {
    assert_renamed(
        "reserved_unknown_fields",
        "Size",
        "size",
        "UnknownFields",
        "unknown_fields_",
    );
}

#[test]
fn a_response_field_spelt_like_request_id_does_not_take_its_place() {
    assert_renamed(
        "reserved_request_id",
        "Size",
        "size",
        "Request_Id",
        "request_id_",
    );
}
