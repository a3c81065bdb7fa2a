//! Bad `paginator` keys and `waiters.yaml` files: each case names the
//! file, the field path, the line and the problem.

mod common;

use codegen::diagnostic::Diagnostic;
use common::SpecDir;
use std::fs;

const LIST: &str = "\
name: ListThings
summary: Lists things.
methods: [GET]
ram: {action: \"ehpc:ListThings\", access_level: list}
parameters:
  - name: PageNumber
    type: integer
    format: int32
  - name: PageSize
    type: integer
    format: int32
response:
  - name: RequestId
    type: string
  - name: TotalCount
    type: integer
  - name: Things
    type: array
    items:
      type: object
      properties:
        - name: Status
          type: string
";

fn only_diagnostic(dir: &SpecDir) -> Diagnostic {
    let diagnostics = dir.generate().expect_err("expected a diagnostic");
    assert_eq!(diagnostics.0.len(), 1, "{diagnostics}");
    diagnostics.0.into_iter().next().unwrap()
}

fn with_waiters(dir: SpecDir, text: &str) -> SpecDir {
    fs::write(dir.root.join("waiters.yaml"), text).unwrap();
    dir
}

#[test]
fn items_that_are_not_in_the_response() {
    let spec = format!("{LIST}paginator:\n  style: page_number\n  items: Widgets\n");
    let dir = SpecDir::new("paging_items_missing").operation("ListThings.yaml", &spec);
    let d = only_diagnostic(&dir);
    assert_eq!(d.file, dir.operation_path("ListThings.yaml"));
    assert_eq!(d.path, "paginator.items");
    assert_eq!(d.location, Some((26, 3)), "{d}");
    assert_eq!(
        d.message,
        "the response has no top-level field `Widgets` to take the items from"
    );
}

#[test]
fn items_that_are_not_an_array() {
    let spec = format!("{LIST}paginator:\n  style: page_number\n  items: TotalCount\n");
    let dir = SpecDir::new("paging_items_scalar").operation("ListThings.yaml", &spec);
    let d = only_diagnostic(&dir);
    assert_eq!(d.path, "paginator.items");
    assert_eq!(d.message, "response field `TotalCount` is not an array");
}

#[test]
fn token_style_without_a_token() {
    let spec = format!("{LIST}paginator:\n  style: token\n  items: Things\n");
    let dir = SpecDir::new("paging_no_token").operation("ListThings.yaml", &spec);
    let diagnostics = dir.generate().expect_err("expected diagnostics");
    let messages: Vec<&str> = diagnostics.0.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "style `token` needs a string or integer parameter `NextToken`",
            "style `token` needs a string response field `NextToken`",
        ]
    );
    assert!(diagnostics.0.iter().all(|d| d.location == Some((25, 3))));
}

#[test]
fn unknown_style() {
    let spec = format!("{LIST}paginator:\n  style: offset\n  items: Things\n");
    let dir = SpecDir::new("paging_unknown_style").operation("ListThings.yaml", &spec);
    let d = only_diagnostic(&dir);
    assert_eq!(d.path, "paginator.style");
    assert_eq!(
        d.message,
        "unknown paging style `offset`: expected page_number or token"
    );
}

const WAITER: &str = "\
waiters:
  - name: things_ready
    summary: Waits for things.
    operation: ListThings
    parameters: [PageSize]
    state: Things[].Status
    success: [ready]
    min_delay: 1
    max_delay: 10
    max_wait: 60
";

#[test]
fn a_valid_waiter_generates_its_file() {
    let dir = with_waiters(
        SpecDir::new("waiter_valid").operation("ListThings.yaml", LIST),
        WAITER,
    );
    let files = dir.generate().unwrap();
    assert!(files
        .iter()
        .any(|f| f.path.ends_with("waiters.rs") && f.contents.contains("wait_until_things_ready")));
}

#[test]
fn a_state_path_that_does_not_exist() {
    let text = WAITER.replace("Things[].Status", "Things[].State");
    let dir = with_waiters(
        SpecDir::new("waiter_bad_state").operation("ListThings.yaml", LIST),
        &text,
    );
    let d = only_diagnostic(&dir);
    assert_eq!(d.file, dir.root.join("waiters.yaml"));
    assert_eq!(d.path, "waiters[0].state");
    assert_eq!(d.location, Some((6, 5)), "{d}");
    assert_eq!(
        d.message,
        "`Things[].State`: the answer of `ListThings` has no field `State` there"
    );
}

#[test]
fn an_array_followed_without_brackets() {
    let text = WAITER.replace("Things[].Status", "Things.Status");
    let dir = with_waiters(
        SpecDir::new("waiter_no_brackets").operation("ListThings.yaml", LIST),
        &text,
    );
    let d = only_diagnostic(&dir);
    assert_eq!(
        d.message,
        "`Things.Status`: `Things` is an array: write `Things[]`"
    );
}

#[test]
fn an_unknown_operation_or_parameter() {
    let text = WAITER.replace("operation: ListThings", "operation: ListWidgets");
    let dir = with_waiters(
        SpecDir::new("waiter_unknown_operation").operation("ListThings.yaml", LIST),
        &text,
    );
    let d = only_diagnostic(&dir);
    assert_eq!(d.path, "waiters[0].operation");
    assert_eq!(d.message, "no operation `ListWidgets` in this version");

    let text = WAITER.replace("[PageSize]", "[ClusterId]");
    let dir = with_waiters(
        SpecDir::new("waiter_unknown_parameter").operation("ListThings.yaml", LIST),
        &text,
    );
    let d = only_diagnostic(&dir);
    assert_eq!(d.path, "waiters[0].parameters[0]");
    assert_eq!(d.message, "`ListThings` has no parameter `ClusterId`");
}

#[test]
fn delays_out_of_order() {
    let text = WAITER.replace("min_delay: 1", "min_delay: 20");
    let dir = with_waiters(
        SpecDir::new("waiter_delays").operation("ListThings.yaml", LIST),
        &text,
    );
    let d = only_diagnostic(&dir);
    assert_eq!(d.path, "waiters[0].min_delay");
    assert_eq!(d.location, Some((8, 5)), "{d}");
}
