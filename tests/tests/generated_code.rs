//! The committed generated code is exactly what the specs produce: a spec
//! edited without regenerating, or a generated file deleted or edited by
//! hand, fails here (and in `cargo xtask codegen --check`).

use codegen::output::{sync, Change, Mode};
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
fn committed_generated_code_matches_the_specs() {
    let root = root();
    let files = codegen::generate(&root.join(codegen::SPECS_DIR))
        .unwrap_or_else(|d| panic!("the committed specs are invalid:\n{d}"));
    let changes = sync(&root.join(codegen::GENERATED_DIR), &files, Mode::Check).unwrap();
    let listing: Vec<String> = changes.iter().map(ToString::to_string).collect();
    assert!(
        changes.is_empty(),
        "generated code is out of date with specs/:\n  {}\nrun `cargo xtask codegen` to update it",
        listing.join("\n  ")
    );
}

/// A scratch copy of `specs/` and the generated directory.
struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("ehpc-freshness-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let root = root();
        copy_tree(&root.join(codegen::SPECS_DIR), &dir.join("specs"));
        copy_tree(&root.join(codegen::GENERATED_DIR), &dir.join("generated"));
        Scratch { dir }
    }

    fn check(&self) -> Vec<Change> {
        let files = codegen::generate(&self.dir.join("specs")).unwrap();
        sync(&self.dir.join("generated"), &files, Mode::Check).unwrap()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn an_edited_spec_makes_the_generated_code_stale() {
    let scratch = Scratch::new("spec-edit");
    assert_eq!(scratch.check(), vec![], "the copy starts fresh");
    let spec = scratch
        .dir
        .join("specs/EHPC/2018-04-12/operations/StopVisualService.yaml");
    let text = fs::read_to_string(&spec).unwrap();
    fs::write(&spec, text.replace("maximum: 65535", "maximum: 65000")).unwrap();
    assert_eq!(
        scratch.check(),
        vec![Change::Stale(scratch.dir.join(
            "generated/v2018_04_12/operation/stop_visual_service.rs"
        ))]
    );
}

#[test]
fn a_deleted_or_hand_edited_generated_file_is_reported() {
    let scratch = Scratch::new("deleted");
    let generated = scratch.dir.join("generated");
    fs::remove_file(generated.join("v2024_07_30/client.rs")).unwrap();
    let module = generated.join("v2018_04_12/operation/stop_visual_service.rs");
    let text = fs::read_to_string(&module).unwrap();
    fs::write(&module, text.replace("pub port: i32", "pub port: i64")).unwrap();
    let changes = scratch.check();
    assert!(
        changes.contains(&Change::Missing(generated.join("v2024_07_30/client.rs"))),
        "{changes:?}"
    );
    assert!(changes.contains(&Change::Stale(module)), "{changes:?}");
}

#[test]
fn writing_brings_the_files_back_and_removes_orphans() {
    let scratch = Scratch::new("write");
    let generated = scratch.dir.join("generated");
    fs::remove_file(generated.join("v2024_07_30/service.rs")).unwrap();
    let orphan = generated.join("v2018_04_12/operation/retired_operation.rs");
    fs::write(
        &orphan,
        format!("{} from nowhere.\n", codegen::format::HEADER_PREFIX),
    )
    .unwrap();
    let hand_written = generated.join("notes.rs");
    fs::write(&hand_written, "// not generated\n").unwrap();

    let files = codegen::generate(&scratch.dir.join("specs")).unwrap();
    let changes = sync(&generated, &files, Mode::Write).unwrap();
    assert_eq!(
        changes,
        vec![
            Change::Missing(generated.join("v2024_07_30/service.rs")),
            Change::Orphan(orphan.clone())
        ]
    );
    assert!(generated.join("v2024_07_30/service.rs").exists());
    assert!(!orphan.exists(), "orphaned generated file removed");
    assert!(
        hand_written.exists(),
        "a file without the header is never removed"
    );
    assert_eq!(scratch.check(), vec![]);
}

#[test]
fn an_edited_spec_of_one_version_makes_only_its_files_stale() {
    let scratch = Scratch::new("version-edit");
    let spec = scratch
        .dir
        .join("specs/EHPC/2024-07-30/operations/ListClusters.yaml");
    let text = fs::read_to_string(&spec).unwrap();
    let edited = text.replacen("\nsummary: ", "\nsummary: Edited. ", 1);
    assert_ne!(edited, text);
    fs::write(&spec, edited).unwrap();
    let changes = scratch.check();
    assert!(!changes.is_empty());
    for change in &changes {
        let (Change::Stale(path) | Change::Missing(path) | Change::Orphan(path)) = change;
        assert!(
            path.starts_with(scratch.dir.join("generated/v2024_07_30")),
            "{change}"
        );
    }
}

#[test]
fn a_removed_version_leaves_orphans_and_a_new_one_missing_files() {
    let scratch = Scratch::new("version-removed");
    fs::rename(
        scratch.dir.join("specs/EHPC/2024-07-30"),
        scratch.dir.join("2024-07-30-aside"),
    )
    .unwrap();
    let changes = scratch.check();
    assert!(changes.contains(&Change::Orphan(
        scratch
            .dir
            .join("generated/v2024_07_30/operation/list_clusters.rs")
    )));
    assert!(changes.contains(&Change::Stale(scratch.dir.join("generated/mod.rs"))));
}
