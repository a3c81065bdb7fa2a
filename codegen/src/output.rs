//! The last stage: compare generated files with what is on disk, and write
//! (atomically, file by file) or report the difference.

use crate::format::{OutputFile, HEADER_PREFIX};
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Bring the files on disk up to date.
    Write,
    /// Change nothing; report what differs.
    Check,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A file the specs produce is not on disk.
    Missing(PathBuf),
    /// A file on disk differs from what the specs produce.
    Stale(PathBuf),
    /// A generated file on disk that no spec produces any more.
    Orphan(PathBuf),
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Missing(path) => write!(f, "missing: {}", path.display()),
            Change::Stale(path) => write!(f, "stale:   {}", path.display()),
            Change::Orphan(path) => write!(f, "orphan:  {}", path.display()),
        }
    }
}

/// Compares `files` with the contents of `dir` and, in [`Mode::Write`],
/// writes what differs and removes orphaned generated files. Returns the
/// differences found (before writing).
pub fn sync(dir: &Path, files: &[OutputFile], mode: Mode) -> io::Result<Vec<Change>> {
    let mut changes = Vec::new();
    for file in files {
        let path = dir.join(&file.path);
        match fs::read_to_string(&path) {
            Ok(current) if normalize(&current) == normalize(&file.contents) => {}
            Ok(_) => changes.push(Change::Stale(path)),
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                changes.push(Change::Missing(path))
            }
            Err(error) => return Err(with_path(error, &path)),
        }
    }
    let expected: Vec<PathBuf> = files.iter().map(|f| dir.join(&f.path)).collect();
    for path in generated_files(dir)? {
        if !expected.contains(&path) {
            changes.push(Change::Orphan(path));
        }
    }
    if mode == Mode::Write {
        for file in files {
            let path = dir.join(&file.path);
            if changes
                .iter()
                .any(|c| matches!(c, Change::Missing(p) | Change::Stale(p) if *p == path))
            {
                write_atomically(&path, &file.contents)?;
            }
        }
        for change in &changes {
            if let Change::Orphan(path) = change {
                fs::remove_file(path).map_err(|e| with_path(e, path))?;
            }
        }
    }
    Ok(changes)
}

fn normalize(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// Writes through a temporary file in the same directory and renames it, so
/// an interrupted run never leaves a half-written file.
pub fn write_atomically(path: &Path, contents: &str) -> io::Result<()> {
    let parent = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| with_path(e, parent))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let temporary = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    fs::write(&temporary, contents).map_err(|e| with_path(e, &temporary))?;
    fs::rename(&temporary, path).map_err(|e| {
        let _ = fs::remove_file(&temporary);
        with_path(e, path)
    })
}

/// `.rs` files under `dir` that carry the generated header.
fn generated_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = match fs::read_dir(&current) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
            Err(error) => return Err(with_path(error, &current)),
        };
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = fs::read_to_string(&path).map_err(|e| with_path(e, &path))?;
                if text.starts_with(HEADER_PREFIX) {
                    out.push(path);
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

fn with_path(error: io::Error, path: &Path) -> io::Error {
    io::Error::new(error.kind(), format!("{}: {error}", path.display()))
}
