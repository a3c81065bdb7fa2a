//! Waiters, driven from the spec's `waiters.yaml` data by the SDK's wait
//! machinery (backoff with jitter, the bound, which errors poll again),
//! with a progress line on stderr when it is a terminal.

use crate::failure::{code, Failure};
use codegen::model::Waiter;
use ehpc_sdk::wait::{self, PollFuture, WaitError, WaitOptions, WaiterDef};
use ehpc_sdk::{Client, ServiceError};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Map, Value};
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

/// One polled answer with the path to its state, which the SDK's state
/// function (a plain `fn`) reads from it.
struct Polled {
    answer: Value,
    path: Arc<Vec<String>>,
}

/// The states at `path` (`Nodes[].Status`): through objects, every item of
/// an array, and through the single-key object a service wraps lists in.
fn states(polled: &Polled) -> Vec<String> {
    let mut current = vec![&polled.answer];
    for step in polled.path.iter() {
        let (name, each) = match step.strip_suffix("[]") {
            Some(name) => (name, true),
            None => (step.as_str(), false),
        };
        let mut next = Vec::new();
        for value in current {
            let Some(mut found) = value.get(name) else {
                continue;
            };
            if each {
                if let Some(inner) = found.as_object().filter(|o| o.len() == 1) {
                    found = inner.values().next().expect("one value");
                }
                next.extend(found.as_array().into_iter().flatten());
            } else {
                next.push(found);
            }
        }
        current = next;
    }
    current
        .into_iter()
        .filter_map(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        })
        .collect()
}

fn leak(text: &str) -> &'static str {
    Box::leak(text.to_string().into_boxed_str())
}

fn leak_all(texts: &[String]) -> &'static [&'static str] {
    Box::leak(
        texts
            .iter()
            .map(|s| leak(s))
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    )
}

/// `--timeout` and `--interval` in seconds: the waiter's own when unset.
pub struct Bounds {
    pub timeout: Option<u64>,
    pub interval: Option<u64>,
}

/// Runs `waiter` with `params` (wire names); the final answer, `Null` when
/// the resource is gone.
pub async fn run(
    client: &Client,
    waiter: &Waiter,
    version: &str,
    params: Map<String, Value>,
    Bounds { timeout, interval }: Bounds,
) -> Result<Value, Failure> {
    // The SDK's definitions are static data; this process runs one wait.
    let def = WaiterDef {
        name: leak(&waiter.name),
        success: leak_all(&waiter.success),
        failure: leak_all(&waiter.failure),
        success_errors: leak_all(&waiter.success_errors),
        min_delay: Duration::from_secs(interval.unwrap_or(waiter.min_delay)),
        max_delay: Duration::from_secs(interval.unwrap_or(waiter.max_delay)),
    };
    let options = WaitOptions::new(Duration::from_secs(timeout.unwrap_or(waiter.max_wait)));
    let path = Arc::new(
        waiter
            .state
            .split('.')
            .map(str::to_string)
            .collect::<Vec<_>>(),
    );
    let progress = progress_line(&waiter.name);
    let poll = {
        let (client, progress) = (client.clone(), progress.clone());
        let (version, action) = (version.to_string(), waiter.operation.clone());
        move || -> PollFuture<Polled, ServiceError> {
            let (client, progress, path) = (client.clone(), progress.clone(), path.clone());
            let (version, action, params) = (version.clone(), action.clone(), params.clone());
            Box::pin(async move {
                let answer = client
                    .call_json(&version, &action, Value::Object(params))
                    .await?;
                let polled = Polled { answer, path };
                if let Some(bar) = &progress {
                    let found = states(&polled);
                    bar.set_message(format!("state: {}", found.join(", ")));
                }
                Ok(polled)
            })
        }
    };
    let result = if waiter.success_errors.is_empty() {
        wait::until_answer(&def, states, &options, poll)
            .await
            .map(Some)
    } else {
        wait::until_gone(&def, states, &options, poll).await
    };
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    match result {
        Ok(Some(polled)) => Ok(polled.answer),
        Ok(None) => Ok(Value::Null),
        Err(WaitError::Call { source, .. }) => Err(Failure::call(&waiter.operation, source)),
        Err(error) => Err(Failure::new(code::WAITER, error.to_string())),
    }
}

/// A spinner with the state and the elapsed time, only on a terminal.
fn progress_line(name: &str) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} waiting until {prefix} ({elapsed}) {msg}")
            .expect("a valid template"),
    );
    bar.set_prefix(name.replace('_', " "));
    bar.set_message("polling");
    bar.enable_steady_tick(Duration::from_millis(200));
    Some(bar)
}
