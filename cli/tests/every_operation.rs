//! Every operation of every API once through `ehpc`, with its required
//! flags drawn from the specs as the conformance suite draws them: each
//! exits 0 with a JSON answer.

mod support;

use codegen::model::{Api, Type};
use ehpc_tests::conformance_values::{apis, required_request};
use serde_json::Value;
use std::path::Path;
use support::{assert_exit, run, stdout, Emulator};

/// The flags for `value` of parameter `wire`: scalars as text, lists and
/// objects as JSON.
fn flags(api: &Api, action: &str, request: &Value) -> Vec<String> {
    let operation = api
        .operations
        .iter()
        .find(|o| o.name == action)
        .expect("listed");
    let mut flags = Vec::new();
    for (wire, value) in request.as_object().expect("an object") {
        let field = operation
            .parameters
            .iter()
            .find(|f| &f.wire_name == wire)
            .expect("a parameter");
        flags.push(format!(
            "--{}",
            field.rust_name.trim_end_matches('_').replace('_', "-")
        ));
        flags.push(match (&field.ty, value) {
            (_, Value::String(text)) => text.clone(),
            (Type::Array(_) | Type::Object(_), json) => json.to_string(),
            (_, scalar) => scalar.to_string(),
        });
    }
    flags
}

/// `EhpcInstant` → `instant`, as the README documents.
fn product_command(code: &str) -> Option<String> {
    (code != "EHPC").then(|| {
        let kebab = heck::ToKebabCase::to_kebab_case(code);
        kebab.strip_prefix("ehpc-").unwrap_or(&kebab).to_string()
    })
}

#[test]
fn every_operation_of_every_api_answers() {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let emulator = Emulator::start(&["--examples-only"]);
    let mut count = 0;
    for api in apis(&specs).expect("the specs load") {
        for operation in &api.operations {
            let mut args: Vec<String> = product_command(&api.service.product).into_iter().collect();
            args.push(heck::ToKebabCase::to_kebab_case(operation.name.as_str()));
            args.extend(["--api-version".into(), api.service.version.clone()]);
            args.extend(flags(&api, &operation.name, &required_request(operation)));
            if operation.paginator.is_some() {
                // One call each: paging itself has its own tests
                // (commands.rs), against answers whose counts agree.
                args.push("--no-paginate".into());
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let output = run(emulator.ehpc(), &args);
            assert_exit(&output, 0);
            let answer: Value = serde_json::from_slice(&output.stdout)
                .unwrap_or_else(|e| panic!("{args:?}: {e}\n{}", stdout(&output)));
            assert!(answer.is_object(), "{args:?}: {answer}");
            count += 1;
        }
    }
    assert!(count > 100, "only {count} operations");
}
