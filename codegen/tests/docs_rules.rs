//! The documentation rules: every operation, parameter, field and error is
//! described, every operation is in a declared group, and known values are
//! of the field's type. Each case asserts file, path, line and message.
//!
//! The YAML texts start at column 0 so their line numbers can be read off
//! the source: the first line of each text is line 1.

mod common;

use codegen::diagnostic::Diagnostic;
use common::SpecDir;
use std::fs;

/// A documented service with one group, `things`.
const SERVICE: &str = "\
product: EHPC
version: \"2018-04-12\"
style: RPC
summary: Things
description: A service of things.
groups:
  - name: things
    title: Things
    description: The things of an account.
endpoints:
  rule: \"ehpc.{region}.aliyuncs.com\"
  vpc_rule: \"ehpc-vpc.{region}.aliyuncs.com\"
";

/// A fully documented operation; cases break one thing of it.
const GOOD: &str = "\
name: GetThing
summary: Reads a thing.
group: things
description: Reads one thing; safe to repeat.
methods: [GET]
ram: {action: \"ehpc:GetThing\", access_level: read}
parameters:
  - name: ThingId
    type: string
    required: true
    description: The thing to read, as `ListThings` returns it.
  - name: Filter
    type: object
    description: What to include.
    properties:
      - name: Mode
        type: string
        description: How much to include.
        values:
          - value: full
            description: Everything.
response:
  - name: Things
    type: array
    description: The things found.
    items:
      type: object
      properties:
        - name: Status
          type: string
          description: State of the thing.
errors:
  - status: 404
    code: ThingNotFound
    message: The thing does not exist.
    description: No thing has this id; `ListThings` lists them.
";

fn dir(name: &str, operation: &str) -> SpecDir {
    SpecDir::new(name)
        .service(SERVICE)
        .operation("GetThing.yaml", operation)
}

fn problems(dir: &SpecDir) -> Vec<Diagnostic> {
    match dir.generate_documented() {
        Ok(_) => Vec::new(),
        Err(diagnostics) => diagnostics.0,
    }
}

fn only(dir: &SpecDir) -> Diagnostic {
    let found = problems(dir);
    assert_eq!(found.len(), 1, "expected one problem, got {found:#?}");
    found.into_iter().next().unwrap()
}

fn assert_problem(d: &Diagnostic, path: &str, line: usize, message_start: &str) {
    assert_eq!(d.path, path, "{d}");
    assert_eq!(d.location.map(|l| l.0), Some(line), "{d}");
    assert!(d.message.starts_with(message_start), "{d}");
}

#[test]
fn a_documented_spec_generates_and_renders_its_docs() {
    let dir = dir("docs_good", GOOD);
    let files = dir.generate_documented().unwrap_or_else(|d| panic!("{d}"));
    let op = files
        .iter()
        .find(|f| f.path.ends_with("operation/get_thing.rs"))
        .expect("the operation's file");
    // The description leads, the known values are a list, facts follow.
    assert!(op.contents.contains(
        "/// How much to include.\n    ///\n    /// Known values:\n    /// - `full`: Everything.\n"
    ));
    assert!(op.contents.contains(
        "- `ThingId` (string, required): The thing to read, as `ListThings` returns it."
    ));
    assert!(op
        .contents
        .contains("/// No thing has this id; `ListThings` lists them."));
    let overview = files
        .iter()
        .find(|f| f.path.ends_with("v2018_04_12/mod.rs"))
        .expect("the version module");
    assert!(overview.contents.contains("//! ## Things"));
    assert!(overview
        .contents
        .contains("| [`GetThing`](crate::v2018_04_12::Client::get_thing) | Reads a thing. |"));
}

#[test]
fn an_operation_without_description_is_refused_at_its_mapping() {
    let text = GOOD.replace("description: Reads one thing; safe to repeat.\n", "");
    let d = only(&dir("docs_no_op_description", &text));
    assert_problem(&d, "description", 1, "missing `description`");
    assert!(d.file.ends_with("operations/GetThing.yaml"));
}

#[test]
fn a_nested_field_without_description_is_refused_where_it_stands() {
    let text = GOOD.replace("          description: State of the thing.\n", "");
    let d = only(&dir("docs_no_nested_description", &text));
    assert_problem(
        &d,
        "response[0].items.properties[0].description",
        29,
        "`Status` has no description",
    );
}

#[test]
fn an_error_is_described_by_its_row_or_the_catalogue() {
    let text = GOOD.replace(
        "    description: No thing has this id; `ListThings` lists them.\n",
        "",
    );
    let d = only(&dir("docs_no_error_description", &text));
    assert_problem(
        &d,
        "errors[0].description",
        33,
        "error `ThingNotFound` has no description, here or in errors.yaml",
    );

    let dir = dir("docs_catalogue", &text);
    fs::write(
        dir.root.join("errors.yaml"),
        "errors:\n  - code: ThingNotFound\n    description: Catalogued meaning.\n",
    )
    .unwrap();
    let files = dir.generate_documented().unwrap_or_else(|d| panic!("{d}"));
    let op = files
        .iter()
        .find(|f| f.path.ends_with("operation/get_thing.rs"))
        .unwrap();
    assert!(op.contents.contains("/// Catalogued meaning."));
}

#[test]
fn catalogue_entries_no_operation_lists_are_refused() {
    let dir = dir("docs_unused_catalogue", GOOD);
    fs::write(
        dir.root.join("errors.yaml"),
        "errors:\n  - code: ThingNotFound\n    description: Used.\n  - code: Gone\n    description: Unused.\n",
    )
    .unwrap();
    let d = only(&dir);
    assert!(d.file.ends_with("errors.yaml"));
    assert_problem(
        &d,
        "errors[1].code",
        4,
        "error `Gone` is listed by no operation",
    );
}

#[test]
fn groups_are_declared_and_used() {
    let text = GOOD.replace("group: things", "group: stuff");
    let found = problems(&dir("docs_bad_group", &text));
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_problem(&found[0], "group", 3, "group `stuff` is not declared");
    assert!(found[1].file.ends_with("service.yaml"));
    assert_problem(
        &found[1],
        "groups[0].name",
        7,
        "group `things` has no operation",
    );
}

#[test]
fn known_values_have_the_fields_type() {
    let text = GOOD.replace(
        "  - name: Filter\n",
        "  - name: Size\n    type: integer\n    description: How big.\n    values:\n      - value: big\n        description: Large.\n  - name: Filter\n",
    );
    let d = only(&dir("docs_value_type", &text));
    assert_problem(
        &d,
        "parameters[1].values[0].value",
        16,
        "`big` is not a valid integer",
    );
}

#[test]
fn known_values_stay_within_the_enum() {
    let text = GOOD.replace(
        "        type: string\n        description: How much to include.\n",
        "        type: string\n        enum: [short]\n        description: How much to include.\n",
    );
    let d = only(&dir("docs_value_enum", &text));
    assert_eq!(d.path, "parameters[1].properties[0].values[0].value", "{d}");
    assert!(d.message.contains("not one of the enum values"), "{d}");
}

#[test]
fn every_documentation_problem_is_reported_in_one_run() {
    let text = GOOD
        .replace("description: Reads one thing; safe to repeat.\n", "")
        .replace("    description: What to include.\n", "")
        .replace("          description: State of the thing.\n", "")
        .replace("group: things\n", "");
    let service = SERVICE.replace("summary: Things\n", "");
    let dir = dir("docs_all_at_once", &text).service(&service);
    let found = problems(&dir);
    let paths: Vec<&str> = found.iter().map(|d| d.path.as_str()).collect();
    for expected in [
        "summary",
        "groups[0].name",
        "description",
        "group",
        "parameters[1].description",
        "response[0].items.properties[0].description",
    ] {
        assert!(
            paths.contains(&expected),
            "{expected} missing from {paths:?}"
        );
    }
    assert!(found.iter().all(|d| d.location.is_some()), "{found:#?}");
}

#[test]
fn structural_rules_alone_accept_an_undocumented_spec() {
    let text = GOOD.replace("description: Reads one thing; safe to repeat.\n", "");
    assert!(dir("docs_optional", &text).generate().is_ok());
}
