//! The generator's pipeline on an operation spec: YAML text → spec model →
//! validated model (with the repository's service file) → tokens →
//! formatted source. Any input must end in a diagnostic or in source;
//! a panic (including the formatter's "not valid Rust") is a finding.

#![no_main]

use codegen::parse::{self, Parsed};
use codegen::spec::ServiceSpec;
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::OnceLock;

const SERVICE: &str = include_str!("../../specs/EHPC/2018-04-12/service.yaml");

fn service() -> &'static Parsed<ServiceSpec> {
    static SERVICE_SPEC: OnceLock<Parsed<ServiceSpec>> = OnceLock::new();
    SERVICE_SPEC.get_or_init(|| {
        parse::parse_service(Path::new("specs/EHPC/2018-04-12/service.yaml"), SERVICE)
            .expect("the repository's service file parses")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = Path::new("specs/EHPC/2018-04-12/operations/Fuzzed.yaml");
    let Ok(operation) = parse::parse_operation(file, text) else {
        return;
    };
    let Ok(api) = codegen::validate::validate(service(), &[operation]) else {
        return;
    };
    for file in codegen::emit::emit(&api) {
        let _ = codegen::format::format(file);
    }
});
