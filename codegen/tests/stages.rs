//! Each stage of the generator on its own: parse, validate, emit + format,
//! and output.

mod common;

use codegen::diagnostic::Diagnostic;
use codegen::format::{OutputFile, HEADER_PREFIX};
use codegen::locate::Locations;
use codegen::model::{AccessLevel, HttpMethod, Style, Type};
use codegen::output::{sync, Change, Mode};
use codegen::parse::{self, Parsed};
use codegen::spec::{ErrorSpec, FieldSpec, OperationSpec, RamSpec, ServiceSpec};
use common::{scratch_dir, tree, SpecDir};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snapshot")
}

// ---- parse -----------------------------------------------------------------

#[test]
fn parse_reads_an_operation_and_records_locations() {
    let text = "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
parameters:
  - name: Size
    type: integer
    maximum: 5
";
    let parsed = parse::parse_operation(Path::new("X.yaml"), text).unwrap();
    assert_eq!(parsed.file, Path::new("X.yaml"));
    assert_eq!(parsed.spec.name, "X");
    assert_eq!(parsed.spec.methods, ["GET"]);
    assert_eq!(parsed.spec.ram.access_level, "read");
    let size = &parsed.spec.parameters[0];
    assert_eq!(size.name.as_deref(), Some("Size"));
    assert_eq!(size.ty, "integer");
    assert_eq!(size.maximum.as_ref().and_then(|n| n.as_i64()), Some(5));
    assert!(!size.required, "required defaults to false");
    assert!(parsed.spec.errors.is_empty());
    assert_eq!(parsed.locations.find("parameters[0].maximum"), Some((8, 5)));
    assert_eq!(parsed.locations.find("ram.access_level"), Some((4, 25)));
}

#[test]
fn parse_rejects_a_misspelt_key_of_the_service_file() {
    let text = "product: EHPC\nversion: \"2018-04-12\"\nstyle: RPC\nendpoint: {}\n";
    let d = parse::parse_service(Path::new("service.yaml"), text).unwrap_err();
    assert_eq!(d.file, Path::new("service.yaml"));
    assert_eq!(d.location, Some((4, 1)));
    assert!(d.message.starts_with("unknown field `endpoint`"), "{d}");
}

#[test]
fn locations_of_a_sequence_item_point_at_its_first_key() {
    let text = "items:\n  - {a: 1}\n  -   b: 2\n      c: 3\n";
    let locations = Locations::scan(text);
    assert_eq!(locations.find(""), Some((1, 1)));
    assert_eq!(locations.find("items[0]"), Some((2, 6)));
    assert_eq!(locations.find("items[1]"), Some((3, 7)));
    assert_eq!(locations.find("items[1].c"), Some((4, 7)));
    assert_eq!(locations.find("items[1].missing"), Some((3, 7)));
}

// ---- validate --------------------------------------------------------------

fn in_memory<T>(file: &str, spec: T) -> Parsed<T> {
    Parsed {
        file: PathBuf::from(file),
        spec,
        locations: Locations::default(),
    }
}

fn service() -> Parsed<ServiceSpec> {
    let text = common::SERVICE;
    in_memory(
        "service.yaml",
        serde_norway::from_str::<ServiceSpec>(text).unwrap(),
    )
}

fn field(name: &str, ty: &str) -> FieldSpec {
    FieldSpec {
        name: Some(name.into()),
        ty: ty.into(),
        ..FieldSpec::default()
    }
}

fn operation(name: &str) -> OperationSpec {
    OperationSpec {
        name: name.into(),
        summary: format!("Does {name}."),
        group: None,
        description: None,
        methods: vec!["POST".into(), "GET".into()],
        ram: RamSpec {
            action: format!("ehpc:{name}"),
            access_level: "write".into(),
        },
        https_only: false,
        idempotent: false,
        read_only: false,
        deprecated: false,
        reference: None,
        parameters: Vec::new(),
        response: Vec::new(),
        errors: Vec::new(),
        response_example: None,
        paginator: None,
    }
}

#[test]
fn validate_builds_the_model_from_in_memory_specs() {
    let mut spec = operation("AddNodes");
    spec.parameters = vec![
        FieldSpec {
            required: true,
            ..field("ClusterId", "string")
        },
        field("Type", "string"),
        FieldSpec {
            items: Some(Box::new(FieldSpec {
                ty: "string".into(),
                ..FieldSpec::default()
            })),
            ..field("InstanceIds", "array")
        },
        FieldSpec {
            properties: Some(vec![field("Count", "integer")]),
            ..field("EcsOrder.Compute", "object")
        },
    ];
    spec.errors = vec![ErrorSpec {
        status: 400,
        code: "Throttling.User".into(),
        message: "Slow down.".into(),
        description: None,
        retryable: true,
    }];
    let api = codegen::validate::validate(&service(), &[in_memory("AddNodes.yaml", spec)])
        .unwrap_or_else(|d| panic!("{d}"));

    assert_eq!(api.service.regional.len(), 1);
    let op = &api.operations[0];
    assert_eq!(op.snake, "add_nodes");
    assert_eq!(op.methods, [HttpMethod::Post, HttpMethod::Get]);
    assert_eq!(op.access_level, AccessLevel::Write);
    assert!(!op.read_only());
    let names: Vec<&str> = op.parameters.iter().map(|p| p.rust_name.as_str()).collect();
    assert_eq!(
        names,
        ["cluster_id", "type", "instance_ids", "ecs_order_compute"]
    );
    let styles: Vec<Style> = op.parameters.iter().map(|p| p.style).collect();
    assert_eq!(
        styles,
        [Style::Plain, Style::Plain, Style::RepeatList, Style::Flat],
        "arrays default to repeatList, objects to flat"
    );
    assert_eq!(op.parameters[2].ty, Type::Array(Box::new(Type::String)));
    assert_eq!(op.parameters[3].ty, Type::Object("EcsOrderCompute".into()));
    assert_eq!(op.request_types[0].name, "EcsOrderCompute");
    assert_eq!(op.errors[0].variant, "ThrottlingUser");
    assert_eq!(op.errors[0].snake, "throttling_user");
    assert!(op.errors[0].retryable);
}

#[test]
fn validate_reports_problems_of_in_memory_specs_without_locations() {
    let mut spec = operation("X");
    spec.methods.clear();
    spec.parameters = vec![FieldSpec {
        format: Some("int64".into()),
        ..field("Name", "string")
    }];
    let diagnostics =
        codegen::validate::validate(&service(), &[in_memory("X.yaml", spec)]).unwrap_err();
    let expected = [
        ("methods", "list at least one HTTP method (GET or POST)"),
        (
            "parameters[0].format",
            "format `int64` does not apply to type `string`",
        ),
    ];
    let actual: Vec<(&str, &str)> = diagnostics
        .iter()
        .map(|d| (d.path.as_str(), d.message.as_str()))
        .collect();
    assert_eq!(actual, expected);
    assert!(diagnostics.iter().all(|d| d.location.is_none()));
    assert!(diagnostics.iter().all(|d| d.file == Path::new("X.yaml")));
}

#[test]
fn validate_rejects_one_operation_defined_in_two_files() {
    let diagnostics = codegen::validate::validate(
        &service(),
        &[
            in_memory("a/X.yaml", operation("X")),
            in_memory("b/X.yaml", operation("X")),
        ],
    )
    .unwrap_err();
    assert_eq!(
        diagnostics.0,
        [Diagnostic::new(
            Path::new("b/X.yaml"),
            "name",
            "operation `X` is already defined in a/X.yaml"
        )]
    );
}

#[test]
fn validate_sorts_operations_by_name() {
    let api = codegen::validate::validate(
        &service(),
        &[
            in_memory("B.yaml", operation("B")),
            in_memory("A.yaml", operation("A")),
        ],
    )
    .unwrap();
    let names: Vec<&str> = api.operations.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["A", "B"]);
}

// ---- emit + format ---------------------------------------------------------

fn emit_and_format(specs: &Path) -> Vec<OutputFile> {
    let (service, operations) = codegen::load(specs).unwrap_or_else(|d| panic!("{d}"));
    let api = codegen::validate::validate(&service, &operations).unwrap_or_else(|d| panic!("{d}"));
    codegen::emit::emit(&api)
        .into_iter()
        .map(codegen::format::format)
        .collect()
}

/// Names of the types and modules a file defines at its top level.
fn top_level_names(file: &syn::File) -> Vec<String> {
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            syn::Item::Mod(m) => Some(m.ident.to_string()),
            syn::Item::Const(c) => Some(c.ident.to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn emitted_files_are_headed_parseable_rust_with_unique_names() {
    let files = emit_and_format(&fixture());
    let paths: Vec<&Path> = files.iter().map(|f| f.path.as_path()).collect();
    assert_eq!(
        paths,
        [
            Path::new("v2018_04_12/mod.rs"),
            Path::new("v2018_04_12/service.rs"),
            Path::new("v2018_04_12/client.rs"),
            Path::new("v2018_04_12/call_json.rs"),
            Path::new("v2018_04_12/operation/mod.rs"),
            Path::new("v2018_04_12/operation/describe_widgets.rs"),
            Path::new("v2018_04_12/operation/list_gadgets.rs"),
            Path::new("v2018_04_12/operation/stop_widget.rs"),
        ]
    );
    for file in &files {
        let first_line = file.contents.lines().next().unwrap();
        assert!(
            first_line.starts_with(HEADER_PREFIX),
            "{}: {first_line}",
            file.path.display()
        );
        assert!(file.contents.contains("Do not edit by hand"));
        let syntax = syn::parse_file(&file.contents)
            .unwrap_or_else(|e| panic!("{} is not Rust: {e}", file.path.display()));
        let names = top_level_names(&syntax);
        let unique: BTreeSet<&String> = names.iter().collect();
        assert_eq!(
            unique.len(),
            names.len(),
            "{}: {names:?}",
            file.path.display()
        );
    }
}

#[test]
fn output_is_deterministic() {
    assert_eq!(emit_and_format(&fixture()), emit_and_format(&fixture()));
}

#[test]
fn request_and_response_objects_of_one_name_get_distinct_types() {
    let dir = SpecDir::new("type_name_clash").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
parameters:
  - name: Filter
    type: object
    properties:
      - {name: Status, type: string}
response:
  - name: Filter
    type: object
    properties:
      - {name: Count, type: integer}
",
    );
    let files = emit_and_format(&dir.root);
    let op = files
        .iter()
        .find(|f| f.path == Path::new("v2018_04_12/operation/x.rs"))
        .unwrap();
    let names = top_level_names(&syn::parse_file(&op.contents).unwrap());
    let structs: Vec<&String> = names.iter().filter(|n| n.starts_with("Filter")).collect();
    assert_eq!(structs, ["Filter", "Filter2"], "{names:?}");
}

#[test]
fn nested_objects_of_one_name_and_shape_share_a_type_whatever_their_docs() {
    let dir = SpecDir::new("type_name_shared").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
response:
  - name: Main
    type: object
    properties:
      - name: State
        type: object
        description: State of the main container.
        properties:
          - {name: Phase, type: string, example: Running}
  - name: Init
    type: object
    properties:
      - name: State
        type: object
        description: State of the init container.
        properties:
          - {name: Phase, type: string, example: Terminated}
  - name: Other
    type: object
    properties:
      - name: State
        type: object
        properties:
          - {name: Code, type: integer}
",
    );
    let files = emit_and_format(&dir.root);
    let op = files
        .iter()
        .find(|f| f.path == Path::new("v2018_04_12/operation/x.rs"))
        .unwrap();
    let names = top_level_names(&syn::parse_file(&op.contents).unwrap());
    let states: Vec<&String> = names.iter().filter(|n| n.starts_with("State")).collect();
    // Same shape, other docs: one type. Other fields: a second one.
    assert_eq!(states, ["State", "State2"], "{names:?}");
    assert!(op.contents.contains("State of the main container."));
}

// ---- output ----------------------------------------------------------------

fn output_file(path: &str, body: &str) -> OutputFile {
    OutputFile {
        path: path.into(),
        contents: format!("{HEADER_PREFIX} from specs/.\n{body}\n"),
    }
}

#[test]
fn check_reports_missing_stale_and_orphaned_files_and_writes_nothing() {
    let dir = scratch_dir("output_check");
    fs::create_dir_all(dir.join("operation")).unwrap();
    let current = output_file("mod.rs", "pub mod operation;");
    fs::write(dir.join("mod.rs"), &current.contents).unwrap();
    // Same text with Windows line endings counts as up to date.
    let crlf = output_file("service.rs", "pub const A: u8 = 1;\npub const B: u8 = 2;");
    fs::write(dir.join("service.rs"), crlf.contents.replace('\n', "\r\n")).unwrap();
    fs::write(
        dir.join("operation/old.rs"),
        output_file("operation/old.rs", "").contents,
    )
    .unwrap();
    let stale_before = output_file("operation/a.rs", "old");
    fs::write(dir.join("operation/a.rs"), &stale_before.contents).unwrap();
    // Without the header a file is hand-written and never an orphan.
    fs::write(dir.join("operation/notes.rs"), "// kept\n").unwrap();
    let before = tree(&dir);

    let files = [
        current,
        crlf,
        output_file("operation/a.rs", "new"),
        output_file("operation/b.rs", "added"),
    ];
    let changes = sync(&dir, &files, Mode::Check).unwrap();
    assert_eq!(
        changes,
        [
            Change::Stale(dir.join("operation/a.rs")),
            Change::Missing(dir.join("operation/b.rs")),
            Change::Orphan(dir.join("operation/old.rs")),
        ]
    );
    assert_eq!(tree(&dir), before, "check mode changed files");
    assert_eq!(
        changes[1].to_string(),
        format!("missing: {}", dir.join("operation/b.rs").display())
    );
}

#[test]
fn write_brings_the_directory_up_to_date_once() {
    let dir = scratch_dir("output_write");
    fs::create_dir_all(dir.join("operation")).unwrap();
    fs::write(dir.join("operation/old.rs"), output_file("x", "").contents).unwrap();
    fs::write(dir.join("mod.rs"), output_file("mod.rs", "stale").contents).unwrap();
    fs::write(dir.join("notes.rs"), "// hand-written\n").unwrap();
    let files = [
        output_file("mod.rs", "pub mod operation;"),
        output_file("operation/a.rs", "pub struct A;"),
    ];

    let changes = sync(&dir, &files, Mode::Write).unwrap();
    assert_eq!(changes.len(), 3, "{changes:?}");
    let written: Vec<(PathBuf, Vec<u8>)> = tree(&dir);
    let expected: Vec<(PathBuf, Vec<u8>)> = vec![
        (dir.join("mod.rs"), files[0].contents.clone().into_bytes()),
        (dir.join("notes.rs"), b"// hand-written\n".to_vec()),
        (
            dir.join("operation/a.rs"),
            files[1].contents.clone().into_bytes(),
        ),
    ];
    assert_eq!(written, expected, "no temporary files, no orphan left");

    assert_eq!(sync(&dir, &files, Mode::Write).unwrap(), []);
    assert_eq!(sync(&dir, &files, Mode::Check).unwrap(), []);
}

#[test]
fn write_of_the_fixture_then_check_is_clean() {
    let dir = scratch_dir("output_fixture");
    let files = codegen::generate(&fixture()).unwrap();
    let changes = sync(&dir, &files, Mode::Write).unwrap();
    assert_eq!(changes.len(), files.len());
    assert!(changes.iter().all(|c| matches!(c, Change::Missing(_))));
    assert_eq!(sync(&dir, &files, Mode::Check).unwrap(), []);
}

// ---- the format reference --------------------------------------------------

#[test]
fn complete_example_of_the_format_reference_is_a_valid_spec() {
    let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/README.md");
    let readme = fs::read_to_string(readme).unwrap();
    // Complete examples are the YAML blocks that start with `name:`.
    let examples: Vec<&str> = readme
        .split("```yaml\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .filter(|block| block.starts_with("name: "))
        .collect();
    assert!(
        !examples.is_empty(),
        "no complete example in specs/README.md"
    );
    for (index, example) in examples.iter().enumerate() {
        let name = example["name: ".len()..].lines().next().unwrap().trim();
        let dir = SpecDir::new(&format!("readme_example_{index}"))
            .operation(&format!("{name}.yaml"), example);
        let files = dir
            .generate()
            .unwrap_or_else(|d| panic!("example `{name}` of specs/README.md:\n{d}"));
        assert!(files.len() > 4);
    }
}
