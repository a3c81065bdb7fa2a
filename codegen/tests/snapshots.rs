//! Snapshot tests: the generator's output for the specs under
//! `tests/fixtures/snapshot/` is compared, file by file, with the committed
//! `tests/snapshots/<generated path>.snap`. A change to the generator shows
//! up in review as a diff of those files.
//!
//! To accept new output: `UPDATE_SNAPSHOTS=1 cargo test -p ehpc-codegen --test snapshots`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

const UPDATE_COMMAND: &str = "UPDATE_SNAPSHOTS=1 cargo test -p ehpc-codegen --test snapshots";
/// Lines of unchanged text shown around a change.
const CONTEXT: usize = 3;
/// Longest diff printed per file.
const MAX_DIFF_LINES: usize = 80;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn snapshot_path(dir: &Path, generated: &Path) -> PathBuf {
    let mut name = generated.as_os_str().to_owned();
    name.push(".snap");
    dir.join(name)
}

/// Every `.snap` file under `dir`.
fn snapshot_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let Ok(entries) = fs::read_dir(&current) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn generated_code_matches_snapshots() {
    let fixture = manifest_dir().join("tests/fixtures/snapshot");
    let snapshots = manifest_dir().join("tests/snapshots");
    let files = codegen::generate(&fixture).unwrap_or_else(|d| panic!("fixture specs:\n{d}"));
    let update = std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1");

    let mut problems = Vec::new();
    let mut expected_paths = Vec::new();
    for file in &files {
        let path = snapshot_path(&snapshots, &file.path);
        let shown = path.strip_prefix(manifest_dir()).unwrap().display();
        expected_paths.push(path.clone());
        let committed = fs::read_to_string(&path)
            .ok()
            .map(|t| t.replace("\r\n", "\n"));
        match committed {
            Some(committed) if committed == file.contents => {}
            Some(_) if update => {
                fs::write(&path, &file.contents).unwrap();
                println!("updated {shown}");
            }
            Some(committed) => problems.push(format!(
                "{shown} differs from the generated {}:\n{}",
                file.path.display(),
                diff(&committed, &file.contents)
            )),
            None if update => {
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(&path, &file.contents).unwrap();
                println!("created {shown}");
            }
            None => problems.push(format!(
                "{shown} is missing: the generator now produces {}",
                file.path.display()
            )),
        }
    }
    for path in snapshot_files(&snapshots) {
        if expected_paths.contains(&path) {
            continue;
        }
        let shown = path.strip_prefix(manifest_dir()).unwrap().display();
        if update {
            fs::remove_file(&path).unwrap();
            println!("removed {shown}");
        } else {
            problems.push(format!(
                "{shown} is left over: the generator no longer produces that file"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} snapshot(s) out of date:\n\n{}\n\nIf the new output is intended, run `{UPDATE_COMMAND}` \
         and review the changes under codegen/tests/snapshots/.",
        problems.len(),
        problems.join("\n\n")
    );
}

/// A line diff of `old` → `new` in hunks: `-` for removed lines, `+` for
/// added ones, a few unchanged lines around each change, and the line
/// number in the new text where each hunk starts.
fn diff(old: &str, new: &str) -> String {
    let old: Vec<&str> = old.lines().collect();
    let new: Vec<&str> = new.lines().collect();
    // Longest common subsequence of lines, from the end.
    let mut common = vec![vec![0u32; new.len() + 1]; old.len() + 1];
    for i in (0..old.len()).rev() {
        for j in (0..new.len()).rev() {
            common[i][j] = if old[i] == new[j] {
                common[i + 1][j + 1] + 1
            } else {
                common[i + 1][j].max(common[i][j + 1])
            };
        }
    }
    // (marker, line, line number in the new text)
    let mut steps: Vec<(char, &str, usize)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < new.len() {
        if i < old.len() && j < new.len() && old[i] == new[j] {
            steps.push((' ', old[i], j + 1));
            i += 1;
            j += 1;
        } else if j == new.len() || (i < old.len() && common[i + 1][j] >= common[i][j + 1]) {
            steps.push(('-', old[i], j + 1));
            i += 1;
        } else {
            steps.push(('+', new[j], j + 1));
            j += 1;
        }
    }
    let changed: Vec<usize> = (0..steps.len()).filter(|&k| steps[k].0 != ' ').collect();
    let shown = |k: usize| {
        changed
            .iter()
            .any(|&c| k + CONTEXT >= c && k <= c + CONTEXT)
    };
    let mut lines = Vec::new();
    let mut previous_shown = false;
    for (k, (marker, line, number)) in steps.iter().enumerate() {
        if !shown(k) {
            previous_shown = false;
            continue;
        }
        if !previous_shown {
            lines.push(format!("@@ line {number} @@"));
        }
        previous_shown = true;
        lines.push(format!("{marker} {line}").trim_end().to_string());
    }
    let mut out = String::new();
    for line in lines.iter().take(MAX_DIFF_LINES) {
        let _ = writeln!(out, "{line}");
    }
    if lines.len() > MAX_DIFF_LINES {
        let _ = writeln!(out, "... {} more lines", lines.len() - MAX_DIFF_LINES);
    }
    out
}

#[test]
fn diff_shows_changed_lines_in_hunks_with_context() {
    let old = "a\nb\nc\nd\ne\nf\ng\n";
    let new = "a\nb\nc\nD\ne\nf\ng\nh\n";
    assert_eq!(
        diff(old, new),
        "@@ line 1 @@\n  a\n  b\n  c\n- d\n+ D\n  e\n  f\n  g\n+ h\n"
    );

    // Two changes far apart: two hunks.
    let mut lines: Vec<String> = (1..=20).map(|n| n.to_string()).collect();
    let old = lines.join("\n");
    lines[1] = "two".into();
    lines.remove(18);
    let new = lines.join("\n");
    assert_eq!(
        diff(&old, &new),
        "@@ line 1 @@\n  1\n- 2\n+ two\n  3\n  4\n  5\n\
         @@ line 16 @@\n  16\n  17\n  18\n- 19\n  20\n"
    );
}
