//! Bad specs: each case is a small specs directory with one problem, and
//! asserts the diagnostic's file, field path, line, column and message.
//!
//! The YAML texts start at column 0 so their line numbers can be read off
//! the source: the first line of each text is line 1.

mod common;

use codegen::diagnostic::{Diagnostic, Diagnostics};
use codegen::output::{self, Change, Mode};
use common::{scratch_dir, tree, SpecDir};
use std::fs;
use std::path::Path;

/// The single diagnostic a run produces; fails when there are none or
/// several, listing them.
fn only_diagnostic(dir: &SpecDir) -> Diagnostic {
    let diagnostics = match dir.generate() {
        Ok(files) => panic!(
            "expected a diagnostic, but {} files were generated",
            files.len()
        ),
        Err(diagnostics) => diagnostics,
    };
    assert_eq!(
        diagnostics.0.len(),
        1,
        "expected exactly one diagnostic, got:\n{diagnostics}"
    );
    diagnostics.0.into_iter().next().unwrap()
}

/// Asserts one diagnostic for operation file `file` of `dir`.
fn assert_operation_problem(
    dir: SpecDir,
    file: &str,
    path: &str,
    location: (usize, usize),
    message: &str,
) {
    let d = only_diagnostic(&dir);
    assert_eq!(d.file, dir.operation_path(file), "{d}");
    assert_eq!(d.path, path, "{d}");
    assert_eq!(d.location, Some(location), "{d}");
    assert_eq!(d.message, message, "{d}");
}

// ---- parse stage: what serde_norway rejects ------------------------------

#[test]
fn unknown_key_is_rejected_with_its_location() {
    let dir = SpecDir::new("unknown_key").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
parameters:
  - name: Size
    type: integer
    maxium: 5
",
    );
    let d = only_diagnostic(&dir);
    assert_eq!(d.file, dir.operation_path("X.yaml"));
    assert_eq!(d.path, "parameters[0]");
    assert_eq!(d.location, Some((8, 5)));
    // The rest of the message lists every allowed key, which grows with
    // the format.
    assert!(
        d.message
            .starts_with("unknown field `maxium`, expected one of `name`, `type`"),
        "{d}"
    );
    assert!(d.message.contains("`maximum`"), "{d}");
}

#[test]
fn unknown_key_in_service_file_is_rejected() {
    let dir = SpecDir::new("unknown_service_key").service(
        "\
product: EHPC
version: \"2018-04-12\"
style: RPC
endpoints:
  rule: \"ehpc.{region}.aliyuncs.com\"
  vpc_rule: \"ehpc-vpc.{region}.aliyuncs.com\"
  regions: []
",
    );
    let d = only_diagnostic(&dir);
    assert_eq!(d.file, dir.service_path());
    assert_eq!(d.path, "endpoints");
    assert_eq!(d.location, Some((7, 3)));
    assert!(
        d.message
            .starts_with("unknown field `regions`, expected one of"),
        "{d}"
    );
}

#[test]
fn yaml_syntax_error_points_at_the_offending_character() {
    let dir = SpecDir::new("yaml_syntax").operation(
        "X.yaml",
        "\
name: X
summary: Does: X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "",
        (2, 14),
        "mapping values are not allowed in this context",
    );
}

#[test]
fn value_of_the_wrong_yaml_type_is_rejected() {
    let dir = SpecDir::new("wrong_yaml_type").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
parameters:
  - name: Size
    type: integer
    required: yes
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "parameters[0].required",
        (8, 15),
        "invalid type: string \"yes\", expected a boolean",
    );
}

#[test]
fn missing_required_key_is_reported() {
    let dir = SpecDir::new("missing_key").operation(
        "X.yaml",
        "\
name: X
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
",
    );
    assert_operation_problem(dir, "X.yaml", "", (1, 1), "missing field `summary`");
}

// ---- validate stage: types and formats -----------------------------------

#[test]
fn unknown_type() {
    let dir = SpecDir::new("unknown_type").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
parameters:
  - name: ClusterId
    type: strng
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "parameters[0].type",
        (7, 5),
        "unknown type `strng`: expected string, integer, number, boolean, array or object",
    );
}

#[test]
fn unknown_type_deep_inside_array_items_names_the_nested_path() {
    let dir = SpecDir::new("unknown_nested_type").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
parameters:
  - name: Nodes
    type: array
    items:
      type: object
      properties:
        - name: Id
          type: string
        - name: Count
          type: int
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "parameters[0].items.properties[1].type",
        (14, 11),
        "unknown type `int`: expected string, integer, number, boolean, array or object",
    );
}

#[test]
fn format_that_does_not_apply_to_the_type() {
    let dir = SpecDir::new("unknown_format").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
parameters:
  - name: Size
    type: integer
    format: int16
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "parameters[0].format",
        (8, 5),
        "format `int16` does not apply to type `integer`",
    );
}

#[test]
fn array_without_items() {
    let dir = SpecDir::new("array_without_items").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
parameters:
  - name: InstanceIds
    type: array
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "parameters[0]",
        (6, 5),
        "an array needs `items`",
    );
}

#[test]
fn object_without_properties() {
    let dir = SpecDir::new("object_without_properties").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
response:
  - name: RequestId
    type: string
  - name: ClusterInfo
    type: object
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "response[1]",
        (8, 5),
        "an object needs `properties`",
    );
}

#[test]
fn request_id_must_be_a_string() {
    let dir = SpecDir::new("request_id_not_string").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
response:
  - name: RequestId
    type: integer
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "response[0].type",
        (7, 5),
        "`RequestId` must be a string",
    );
}

// ---- validate stage: names -----------------------------------------------

#[test]
fn duplicate_parameter() {
    let dir = SpecDir::new("duplicate_parameter").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
parameters:
  - name: ClusterId
    type: string
  - name: ClusterId
    type: string
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "parameters[1].name",
        (8, 5),
        "duplicate parameter `ClusterId`",
    );
}

#[test]
fn operation_name_that_is_not_an_identifier() {
    let dir = SpecDir::new("bad_operation_name").operation(
        "stop-visual.yaml",
        "\
name: stop-visual
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:StopVisual\", access_level: write}
",
    );
    assert_operation_problem(
        dir,
        "stop-visual.yaml",
        "name",
        (1, 1),
        "`stop-visual` is not a valid operation name: use UpperCamelCase letters and digits",
    );
}

#[test]
fn file_name_must_match_the_operation_name() {
    let dir = SpecDir::new("file_name_mismatch").operation(
        "StopVisual.yaml",
        "\
name: StartVisual
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:StartVisual\", access_level: write}
",
    );
    assert_operation_problem(
        dir,
        "StopVisual.yaml",
        "name",
        (1, 1),
        "operation `StartVisual` must live in a file named `StartVisual.yaml`",
    );
}

#[test]
fn parameter_name_that_is_not_a_wire_name() {
    let dir = SpecDir::new("bad_parameter_name").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
parameters:
  - name: Cluster Id
    type: string
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "parameters[0].name",
        (6, 5),
        "`Cluster Id` is not a valid name: use letters, digits, `_` and `.`",
    );
}

// ---- validate stage: defaults, bounds and examples -----------------------

#[test]
fn required_parameter_with_a_default() {
    let dir = SpecDir::new("required_with_default").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
parameters:
  - name: Port
    type: integer
    required: true
    default: 12016
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "parameters[0].default",
        (9, 5),
        "required parameter `Port` cannot have a default: the caller always sets it",
    );
}

#[test]
fn bound_that_does_not_fit_int32() {
    let dir = SpecDir::new("bound_overflows_int32").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
parameters:
  - name: Size
    type: integer
    format: int32
    maximum: 3000000000
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "parameters[0].maximum",
        (9, 5),
        "maximum 3000000000 does not fit type integer (int32)",
    );
}

#[test]
fn same_bound_fits_int64() {
    // The counterpart of the case above: the bound is only wrong for int32.
    let dir = SpecDir::new("bound_fits_int64").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
parameters:
  - name: Size
    type: integer
    format: int64
    maximum: 3000000000
",
    );
    let files = dir.generate().unwrap_or_else(|d| panic!("{d}"));
    let op = files
        .iter()
        .find(|f| f.path == Path::new("v2018_04_12/operation/x.rs"))
        .unwrap();
    assert!(
        op.contents.contains("Some(3000000000i64)"),
        "{}",
        op.contents
    );
}

#[test]
fn minimum_greater_than_maximum() {
    let dir = SpecDir::new("minimum_above_maximum").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
parameters:
  - name: Size
    type: integer
    minimum: 10
    maximum: 5
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "parameters[0].minimum",
        (8, 5),
        "minimum 10 is greater than maximum 5",
    );
}

#[test]
fn min_length_on_an_integer() {
    let dir = SpecDir::new("min_length_on_integer").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
parameters:
  - name: Size
    type: integer
    min_length: 1
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "parameters[0].min_length",
        (8, 5),
        "`min_length` applies to strings only",
    );
}

#[test]
fn example_that_does_not_fit_the_type() {
    let dir = SpecDir::new("example_wrong_type").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
parameters:
  - name: Port
    type: integer
    example: twelve
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "parameters[0].example",
        (8, 5),
        "`twelve` is not a valid integer (int32)",
    );
}

#[test]
fn enum_value_that_does_not_fit_the_type() {
    let dir = SpecDir::new("enum_wrong_type").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
parameters:
  - name: Enabled
    type: boolean
    enum: [true, maybe]
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "parameters[0].enum[1]",
        (8, 18),
        "`maybe` is not a valid boolean (true or false)",
    );
}

#[test]
fn default_outside_the_bounds() {
    let dir = SpecDir::new("default_out_of_bounds").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
parameters:
  - name: PageSize
    type: integer
    maximum: 50
    default: 100
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "parameters[0].default",
        (9, 5),
        "`100` is outside the field's bounds",
    );
}

// ---- validate stage: styles and wrappers ---------------------------------

#[test]
fn style_on_a_scalar() {
    let dir = SpecDir::new("style_on_scalar").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
parameters:
  - name: ClusterId
    type: string
    style: repeatList
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "parameters[0].style",
        (8, 5),
        "style `repeatList` does not apply to a scalar",
    );
}

#[test]
fn unknown_style() {
    let dir = SpecDir::new("unknown_style").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
parameters:
  - name: InstanceIds
    type: array
    items: {type: string}
    style: list
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "parameters[0].style",
        (9, 5),
        "unknown style `list`: expected repeatList, flat or json",
    );
}

#[test]
fn style_on_a_response_field() {
    let dir = SpecDir::new("style_on_response").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
response:
  - name: Ids
    type: array
    items: {type: string}
    style: json
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "response[0].style",
        (9, 5),
        "`style` applies to request parameters only",
    );
}

#[test]
fn wrapper_on_a_request_parameter() {
    let dir = SpecDir::new("wrapper_on_parameter").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
parameters:
  - name: InstanceIds
    type: array
    items: {type: string}
    wrapper: InstanceId
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "parameters[0].wrapper",
        (9, 5),
        "`wrapper` applies to response fields only",
    );
}

// ---- validate stage: methods, RAM and errors -----------------------------

#[test]
fn unknown_http_method() {
    let dir = SpecDir::new("unknown_method").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET, PUT]
ram: {action: \"ehpc:X\", access_level: read}
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "methods[1]",
        (3, 16),
        "unsupported HTTP method `PUT`: expected GET or POST",
    );
}

#[test]
fn bad_access_level() {
    let dir = SpecDir::new("bad_access_level").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: admin}
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "ram.access_level",
        (4, 25),
        "unknown access level `admin`: expected read, write or list",
    );
}

#[test]
fn ram_action_without_product() {
    let dir = SpecDir::new("bad_ram_action").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram:
  action: X
  access_level: read
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "ram.action",
        (5, 3),
        "`X` is not a RAM action: expected `product:Action`",
    );
}

#[test]
fn duplicate_error_code() {
    let dir = SpecDir::new("duplicate_error_code").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
errors:
  - status: 404
    code: ClusterNotFound
    message: The cluster does not exist.
  - status: 400
    code: ClusterNotFound
    message: The cluster does not exist.
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "errors[1].code",
        (10, 5),
        "duplicate error code `ClusterNotFound`",
    );
}

#[test]
fn error_status_outside_400_to_599() {
    let dir = SpecDir::new("error_status_range").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
errors:
  - status: 302
    code: Moved
    message: Moved elsewhere.
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "errors[0].status",
        (6, 5),
        "status 302 is not an HTTP error status (400-599)",
    );
}

#[test]
fn two_codes_that_become_the_same_variant() {
    let dir = SpecDir::new("variant_collision").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
errors:
  - status: 400
    code: Quota.Exceeded
    message: Over quota.
  - status: 400
    code: QuotaExceeded
    message: Over quota.
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "errors[1].code",
        (10, 5),
        "error code `QuotaExceeded` becomes the variant `QuotaExceeded`, which is already taken",
    );
}

// ---- validate stage: the service file ------------------------------------

#[test]
fn service_version_not_a_date() {
    let dir = SpecDir::new("service_version").service(
        "\
product: EHPC
version: \"v1\"
style: RPC
endpoints:
  rule: \"ehpc.{region}.aliyuncs.com\"
  vpc_rule: \"ehpc-vpc.{region}.aliyuncs.com\"
",
    );
    let d = only_diagnostic(&dir);
    assert_eq!(d.file, dir.service_path());
    assert_eq!(d.path, "version");
    assert_eq!(d.location, Some((2, 1)));
    assert_eq!(d.message, "version `v1` must be a date, YYYY-MM-DD");
}

#[test]
fn region_listed_twice() {
    let dir = SpecDir::new("region_twice").service(
        "\
product: EHPC
version: \"2018-04-12\"
style: RPC
endpoints:
  rule: \"ehpc.{region}.aliyuncs.com\"
  vpc_rule: \"ehpc-vpc.{region}.aliyuncs.com\"
  regional:
    - region: cn-hangzhou
      endpoint: ehpc.cn-hangzhou.aliyuncs.com
    - region: cn-hangzhou
      endpoint: ehpc.cn-hangzhou.aliyuncs.com
",
    );
    let d = only_diagnostic(&dir);
    assert_eq!(d.file, dir.service_path());
    assert_eq!(d.path, "endpoints.regional[1].region");
    assert_eq!(d.location, Some((10, 7)));
    assert_eq!(d.message, "region `cn-hangzhou` is listed twice");
}

// ---- the whole run ---------------------------------------------------------

/// `cargo xtask codegen`: generate, and only then bring the directory up to
/// date.
fn run_like_xtask(specs: &Path, generated: &Path, mode: Mode) -> Result<Vec<Change>, Diagnostics> {
    let files = codegen::generate_with(specs, codegen::Docs::Optional)?;
    Ok(output::sync(generated, &files, mode).expect("sync"))
}

#[test]
fn every_problem_of_a_run_is_reported_and_nothing_is_written() {
    let dir = SpecDir::new("several_problems/specs")
        .service(
            "\
product: EHPC
version: \"2018/04/12\"
style: RPC
endpoints:
  rule: \"ehpc.{region}.aliyuncs.com\"
  vpc_rule: \"ehpc-vpc.{region}.aliyuncs.com\"
",
        )
        // Rejected by the parser.
        .operation(
            "A.yaml",
            "\
name: A
summary: Does A.
methods: [GET]
ram: {action: \"ehpc:A\", access_level: read}
idempotant: true
",
        )
        // Parses, but two rules are broken.
        .operation(
            "B.yaml",
            "\
name: B
summary: Does B.
methods: [GET]
ram: {action: \"ehpc:B\", access_level: read}
parameters:
  - name: Size
    type: integr
errors:
  - status: 200
    code: Fine
    message: Not an error.
",
        )
        // Valid: contributes nothing.
        .operation(
            "C.yaml",
            "\
name: C
summary: Does C.
methods: [GET]
ram: {action: \"ehpc:C\", access_level: read}
",
        );
    let generated = scratch_dir("several_problems/generated");
    // A stale generated file that a successful Write run would replace.
    let stale = format!("{} from specs/.\n\nold\n", codegen::format::HEADER_PREFIX);
    fs::write(generated.join("mod.rs"), &stale).unwrap();
    let before = tree(&generated);

    let diagnostics = run_like_xtask(&dir.root, &generated, Mode::Write)
        .expect_err("broken specs must not generate");

    // file:line:column path, for each problem in report order.
    let summary: Vec<String> = diagnostics
        .iter()
        .map(|d| {
            let file = d.file.strip_prefix(&dir.root).unwrap().display();
            let (line, column) = d.location.expect("every problem here has a location");
            format!("{file}:{line}:{column} {}", d.path)
        })
        .collect();
    assert_eq!(
        summary,
        [
            "operations/A.yaml:5:1 ",
            "operations/B.yaml:7:5 parameters[0].type",
            "operations/B.yaml:9:5 errors[0].status",
            "service.yaml:2:1 version",
        ],
        "{diagnostics}"
    );
    assert!(diagnostics.0[0]
        .message
        .starts_with("unknown field `idempotant`"));
    assert_eq!(tree(&generated), before, "a failed run changed files");
}

#[test]
fn diagnostics_display_file_line_column_path_and_message() {
    let dir = SpecDir::new("display").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
parameters:
  - name: Size
    type: integer
    maximum: 3000000000
errors:
  - status: 600
    code: Odd
    message: Odd.
",
    );
    let diagnostics = codegen::relative_to(&dir.root, dir.generate().unwrap_err());
    assert_eq!(
        diagnostics.to_string(),
        "error: operations/X.yaml:8:5: parameters[0].maximum: \
         maximum 3000000000 does not fit type integer (int32)\n\
         error: operations/X.yaml:10:5: errors[0].status: \
         status 600 is not an HTTP error status (400-599)\n\
         2 problems found in the specs; nothing was written"
    );
}

#[test]
fn diagnostic_display_leaves_out_what_is_unknown() {
    let whole_file = Diagnostic::new(Path::new("specs/operations/X.yaml"), "", "cannot read");
    assert_eq!(
        whole_file.to_string(),
        "specs/operations/X.yaml: cannot read"
    );
    let mut located = Diagnostic::new(Path::new("specs/service.yaml"), "style", "bad");
    assert_eq!(located.to_string(), "specs/service.yaml: style: bad");
    located.location = Some((3, 8));
    assert_eq!(located.to_string(), "specs/service.yaml:3:8: style: bad");
    assert_eq!(
        Diagnostics(vec![located]).to_string(),
        "error: specs/service.yaml:3:8: style: bad\n\
         1 problem found in the specs; nothing was written"
    );
}

#[test]
fn missing_operations_directory_is_reported() {
    let root = scratch_dir("no_operations_dir");
    fs::write(root.join("service.yaml"), common::SERVICE).unwrap();
    let diagnostics = codegen::generate_with(&root, codegen::Docs::Optional).unwrap_err();
    assert_eq!(diagnostics.0.len(), 1, "{diagnostics}");
    let d = &diagnostics.0[0];
    assert_eq!(d.file, root.join("operations"));
    assert!(d.message.starts_with("cannot read the directory: "), "{d}");
}

#[test]
fn sensitive_on_a_response_field() {
    let dir = SpecDir::new("sensitive_on_response").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: read}
response:
  - name: Password
    type: string
    sensitive: true
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "response[0].sensitive",
        (8, 5),
        "`sensitive` applies to request parameters only",
    );
}

#[test]
fn sensitive_on_a_number() {
    let dir = SpecDir::new("sensitive_on_number").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [GET]
ram: {action: \"ehpc:X\", access_level: write}
parameters:
  - name: Pin
    type: integer
    sensitive: true
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "parameters[0].sensitive",
        (8, 5),
        "`sensitive` applies to strings and arrays of strings only",
    );
}

#[test]
fn read_only_on_a_write_operation() {
    let dir = SpecDir::new("read_only_write").operation(
        "X.yaml",
        "\
name: X
summary: Does X.
methods: [POST]
ram: {action: \"ehpc:X\", access_level: write}
read_only: true
",
    );
    assert_operation_problem(
        dir,
        "X.yaml",
        "read_only",
        (5, 1),
        "a `write` operation cannot be `read_only`: the access level says it changes state",
    );
}
