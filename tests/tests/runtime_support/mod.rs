//! Support shared by the runtime tests: temporary directories, clients
//! pointed at an emulator, a call of StopVisualService.

#![allow(dead_code)]

use ehpc_emulator::{Emulator, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET};
use ehpc_sdk::operation::stop_visual_service::StopVisualServiceCall;
use ehpc_sdk::{Client, ClientBuilder, Credentials};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A directory under the system's temporary directory, removed on drop.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = std::env::temp_dir().join(format!(
            "ehpc-{label}-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).expect("temporary directory");
        TempDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `contents` to `name` inside the directory.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("parent directory");
        }
        std::fs::write(&path, contents).expect("file written");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// The long-term key the emulator accepts by default.
pub fn emulator_key() -> Credentials {
    Credentials::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET)
}

/// A builder aimed at the emulator, with its default key.
pub fn builder_for(emulator: &Emulator) -> ClientBuilder {
    Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(emulator_key())
}

/// A well-formed call of StopVisualService.
pub fn stop_call(client: &Client) -> StopVisualServiceCall {
    client
        .stop_visual_service()
        .cluster_id("ehpc-hz-jeJki6****")
        .cidr_ip("192.168.0.0/24")
        .port(12016)
}

/// Requests the emulator received for `action`.
pub fn calls_of(emulator: &Emulator, action: &str) -> Vec<ehpc_emulator::RequestRecord> {
    emulator
        .requests()
        .into_iter()
        .filter(|r| r.action.as_deref() == Some(action))
        .collect()
}
