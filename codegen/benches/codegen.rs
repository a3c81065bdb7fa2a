//! The generator over every spec in `specs/`: the whole run (`generate`
//! plus the comparison with the committed files, as `cargo xtask codegen
//! --check` does it, without building xtask, for every API version), then
//! each stage alone over the 2018-04-12 specs (the largest version).
//!
//! `cargo bench -p ehpc-codegen --bench codegen`

use codegen::output::{self, Mode};
use codegen::{emit, format, validate};
use divan::{black_box, Bencher};
use std::path::{Path, PathBuf};

fn main() {
    let specs = version_dir();
    let operations = codegen::operation_files(&specs.join("operations"))
        .map(|files| files.len())
        .unwrap_or(0);
    println!("stages over: {} ({operations} operations)", specs.display());
    divan::main();
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("codegen lives one level below the workspace root")
        .to_path_buf()
}

fn specs_dir() -> PathBuf {
    workspace_root().join(codegen::SPECS_DIR)
}

/// One version, for the stages that work on one.
fn version_dir() -> PathBuf {
    specs_dir().join("EHPC/2018-04-12")
}

fn generated_dir() -> PathBuf {
    workspace_root().join(codegen::GENERATED_DIR)
}

/// What `cargo xtask codegen --check` does after startup: parse, validate,
/// emit, format and compare with the committed files.
#[divan::bench(sample_count = 20)]
fn generate_and_check() -> usize {
    let files = codegen::generate(&specs_dir()).expect("specs are valid");
    let changes = output::sync(&generated_dir(), &files, Mode::Check).expect("readable");
    files.len() + changes.len()
}

#[divan::bench(sample_count = 20)]
fn stage_1_load() -> usize {
    let (_, operations) = codegen::load(&version_dir()).expect("specs parse");
    operations.len()
}

#[divan::bench(sample_count = 20)]
fn stage_2_validate(bencher: Bencher) {
    let (service, operations) = codegen::load(&version_dir()).expect("specs parse");
    bencher.bench_local(|| validate::validate(black_box(&service), black_box(&operations)));
}

#[divan::bench(sample_count = 20)]
fn stage_3_emit(bencher: Bencher) {
    let (service, operations) = codegen::load(&version_dir()).expect("specs parse");
    let api = validate::validate(&service, &operations).expect("specs are valid");
    bencher.bench_local(|| emit::emit(black_box(&api)));
}

#[divan::bench(sample_count = 20)]
fn stage_4_format(bencher: Bencher) {
    let (service, operations) = codegen::load(&version_dir()).expect("specs parse");
    let api = validate::validate(&service, &operations).expect("specs are valid");
    bencher
        .with_inputs(|| emit::emit(&api))
        .bench_local_values(|files| files.into_iter().map(format::format).collect::<Vec<_>>());
}

#[divan::bench(sample_count = 20)]
fn stage_5_check(bencher: Bencher) {
    let files = codegen::generate(&specs_dir()).expect("specs are valid");
    let dir = generated_dir();
    bencher.bench_local(|| output::sync(&dir, black_box(&files), Mode::Check));
}
