//! Helpers shared by the generator's integration tests.

#![allow(dead_code)] // Each test crate uses a different part.

use codegen::diagnostic::Diagnostics;
use codegen::format::OutputFile;
use std::fs;
use std::path::{Path, PathBuf};

/// A service file that passes validation; cases that are not about the
/// service use it as is.
pub const SERVICE: &str = "\
product: EHPC
version: \"2018-04-12\"
style: RPC
endpoints:
  rule: \"ehpc.{region}.aliyuncs.com\"
  vpc_rule: \"ehpc-vpc.{region}.aliyuncs.com\"
  regional:
    - region: cn-hangzhou
      endpoint: ehpc.cn-hangzhou.aliyuncs.com
";

/// A fresh directory under cargo's scratch space for integration tests,
/// emptied first so a previous run leaves nothing behind.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("codegen-tests")
        .join(name);
    if dir.exists() {
        fs::remove_dir_all(&dir).unwrap();
    }
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// A specs directory (`service.yaml` + `operations/`) written to disk.
pub struct SpecDir {
    pub root: PathBuf,
}

impl SpecDir {
    /// A specs directory with the valid [`SERVICE`] and no operations.
    pub fn new(name: &str) -> Self {
        let root = scratch_dir(name);
        fs::create_dir_all(root.join("operations")).unwrap();
        let dir = SpecDir { root };
        dir.service(SERVICE)
    }

    pub fn service(self, text: &str) -> Self {
        fs::write(self.root.join("service.yaml"), text).unwrap();
        self
    }

    pub fn operation(self, file_name: &str, text: &str) -> Self {
        fs::write(self.root.join("operations").join(file_name), text).unwrap();
        self
    }

    pub fn service_path(&self) -> PathBuf {
        self.root.join("service.yaml")
    }

    pub fn operation_path(&self, file_name: &str) -> PathBuf {
        self.root.join("operations").join(file_name)
    }

    /// The generator's structural rules only: these specs carry no prose.
    /// The documentation rules have tests of their own (`docs_rules.rs`).
    pub fn generate(&self) -> Result<Vec<OutputFile>, Diagnostics> {
        codegen::generate_with(&self.root, codegen::Docs::Optional)
    }

    /// The whole generator, documentation rules included.
    pub fn generate_documented(&self) -> Result<Vec<OutputFile>, Diagnostics> {
        codegen::generate(&self.root)
    }
}

/// Every file under `dir` with its contents, sorted by path.
pub fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let contents = fs::read(&path).unwrap();
                out.push((path, contents));
            }
        }
    }
    out.sort();
    out
}
