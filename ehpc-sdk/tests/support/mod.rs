//! What the paginator and waiter tests share: an in-process emulator, a
//! client for it whose retries pause for milliseconds, and readers of the
//! emulator's request log.

#![allow(dead_code)]

use ehpc_emulator::{Emulator, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET};
use ehpc_sdk::{Client, Credentials, RetryConfig};
use std::sync::Arc;
use std::time::Duration;

pub async fn start() -> (Arc<Emulator>, Client) {
    start_with(Emulator::builder().start().await.unwrap())
}

pub fn start_with(emulator: Emulator) -> (Arc<Emulator>, Client) {
    let client = Client::builder()
        .endpoint(emulator.endpoint())
        .region("cn-hangzhou")
        .credentials(Credentials::new(
            DEFAULT_ACCESS_KEY_ID,
            DEFAULT_ACCESS_KEY_SECRET,
        ))
        .retry_config(
            RetryConfig::standard()
                .with_base_delay(Duration::from_millis(1))
                .with_max_delay(Duration::from_millis(2)),
        )
        .build()
        .unwrap();
    (Arc::new(emulator), client)
}

/// The parameters of every request for `action` the emulator received,
/// in order.
pub fn requests_of(emulator: &Emulator, action: &str) -> Vec<Vec<(String, String)>> {
    emulator
        .requests()
        .into_iter()
        .filter(|r| r.action.as_deref() == Some(action))
        .map(|r| r.params)
        .collect()
}

pub fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

pub mod instant;
