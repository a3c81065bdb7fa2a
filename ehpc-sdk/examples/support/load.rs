//! Many tasks submitting jobs to one cluster of an in-process emulator
//! whose `CreateJob` is limited: what the load test asserts on and the
//! load example reports.

#![allow(dead_code)]

use ehpc_emulator::{Emulator, Qps, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET};
use ehpc_sdk::v2024_07_30::operation::create_job::JobSpec;
use ehpc_sdk::{Client, ClientBuilder, Credentials, RetryConfig};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// What a run is asked to do.
#[derive(Debug, Clone)]
pub struct Load {
    /// `CreateJob` calls a second the emulator allows (and its burst).
    pub limit: f64,
    pub tasks: usize,
    pub calls: usize,
    pub retry: RetryConfig,
}

/// How one call ended.
#[derive(Debug)]
pub enum Outcome {
    Submitted { job_id: String },
    Failed { throttled: bool, message: String },
}

/// What a run did.
#[derive(Debug)]
pub struct Report {
    /// One per call, in call order.
    pub outcomes: Vec<Outcome>,
    /// Each call's latency, sorted.
    pub latencies: Vec<Duration>,
    /// Every `CreateJob` request the emulator received, and those it
    /// refused as over the limit.
    pub attempts: usize,
    pub throttled: usize,
    /// When the emulator received each accepted `CreateJob`, sorted.
    pub accepted_at: Vec<SystemTime>,
    /// Job ids the cluster holds after the run, as listed, and how many
    /// the listing gave (a repeated id counts twice).
    pub listed: BTreeSet<String>,
    pub listed_count: usize,
    pub limit: f64,
}

pub type Failure = Box<dyn std::error::Error + Send + Sync>;

/// A builder aimed at `emulator` in `cn-hangzhou`, with its default key.
pub fn client_for(emulator: &Emulator) -> ClientBuilder {
    Client::builder()
        .endpoint(emulator.endpoint())
        .region("cn-hangzhou")
        .credentials(Credentials::new(
            DEFAULT_ACCESS_KEY_ID,
            DEFAULT_ACCESS_KEY_SECRET,
        ))
}

/// A `StopVisualService` call: a write, so only answers that prove the
/// service did not act (throttling, a 5xx) may be retried.
pub fn stop(client: &Client) -> ehpc_sdk::operation::stop_visual_service::StopVisualServiceCall {
    client
        .stop_visual_service()
        .cluster_id("ehpc-hz-jeJki6****")
        .cidr_ip("192.168.0.0/24")
        .port(12016)
}

/// Runs `load` against a fresh emulator.
pub async fn run(load: &Load) -> Result<Report, Failure> {
    let emulator = Emulator::builder()
        .qps(
            "CreateJob",
            Qps::new(load.limit).with_burst(load.limit.ceil() as u32),
        )
        .request_log_capacity(load.calls * 20)
        .start()
        .await?;
    let client = client_for(&emulator)
        .retry_config(load.retry.clone())
        .build()?;
    let ehpc = client.v2024_07_30();
    let cluster = ehpc
        .create_cluster()
        .cluster_name("load")
        .send()
        .await?
        .cluster_id
        .ok_or("CreateCluster answered no ClusterId")?;
    // Past the cluster's creation, in the emulator's time.
    emulator.advance_clock(Duration::from_secs(100_000));
    emulator.clear_requests();

    let next = Arc::new(AtomicUsize::new(0));
    let ended = Arc::new(Mutex::new(Vec::with_capacity(load.calls)));
    let mut tasks = Vec::with_capacity(load.tasks);
    for _ in 0..load.tasks {
        let (client, next, ended, cluster) = (
            client.clone(),
            Arc::clone(&next),
            Arc::clone(&ended),
            cluster.clone(),
        );
        let calls = load.calls;
        tasks.push(tokio::spawn(async move {
            loop {
                let call = next.fetch_add(1, Ordering::Relaxed);
                if call >= calls {
                    return;
                }
                let started = Instant::now();
                let result = client
                    .v2024_07_30()
                    .create_job()
                    .cluster_id(&cluster)
                    .job_name(format!("load-{call}"))
                    .job_spec(JobSpec::new().command_line("/bin/true").job_queue("comp"))
                    .send()
                    .await;
                let outcome = match result {
                    Ok(answer) => match answer.job_id {
                        Some(job_id) => Outcome::Submitted { job_id },
                        None => Outcome::Failed {
                            throttled: false,
                            message: "CreateJob answered no JobId".into(),
                        },
                    },
                    Err(error) => Outcome::Failed {
                        throttled: error.is_throttled(),
                        message: error.to_string(),
                    },
                };
                ended
                    .lock()
                    .unwrap()
                    .push((call, outcome, started.elapsed()));
            }
        }));
    }
    for task in tasks {
        task.await?;
    }
    let mut ended = std::mem::take(&mut *ended.lock().unwrap());
    ended.sort_by_key(|(call, _, _)| *call);
    let mut latencies: Vec<Duration> = ended.iter().map(|(_, _, latency)| *latency).collect();
    latencies.sort();
    let outcomes = ended.into_iter().map(|(_, outcome, _)| outcome).collect();

    let log: Vec<_> = emulator
        .requests()
        .into_iter()
        .filter(|r| r.action.as_deref() == Some("CreateJob"))
        .collect();
    let throttled = log
        .iter()
        .filter(|r| {
            r.code
                .as_deref()
                .is_some_and(|c| c.starts_with("Throttling"))
        })
        .count();
    let mut accepted_at: Vec<SystemTime> = log
        .iter()
        .filter(|r| r.status == Some(200))
        .map(|r| r.received)
        .collect();
    accepted_at.sort();

    let mut listed = BTreeSet::new();
    let mut listed_count = 0;
    let mut items = ehpc
        .list_jobs()
        .cluster_id(&cluster)
        .into_paginator()
        .page_size(100)
        .items();
    while let Some(job) = items.next().await {
        let id = job?.job_spec.and_then(|spec| spec.id).unwrap_or_default();
        listed.insert(id);
        listed_count += 1;
    }
    Ok(Report {
        outcomes,
        latencies,
        attempts: log.len(),
        throttled,
        accepted_at,
        listed,
        listed_count,
        limit: load.limit,
    })
}

impl Report {
    pub fn submitted(&self) -> BTreeSet<String> {
        self.outcomes
            .iter()
            .filter_map(|outcome| match outcome {
                Outcome::Submitted { job_id } => Some(job_id.clone()),
                Outcome::Failed { .. } => None,
            })
            .collect()
    }

    /// Share of calls that succeeded.
    pub fn success_ratio(&self) -> f64 {
        self.submitted().len() as f64 / self.outcomes.len() as f64
    }

    /// Share of attempts refused as over the limit.
    pub fn throttled_ratio(&self) -> f64 {
        self.throttled as f64 / self.attempts.max(1) as f64
    }

    pub fn attempts_per_call(&self) -> f64 {
        self.attempts as f64 / self.outcomes.len() as f64
    }

    /// Accepted calls a second once warmed up, divided by the limit: the
    /// first two seconds (the burst, the first cuts and the climb back)
    /// and the last second (the tail, with fewer calls left than tasks)
    /// are left out. `None` for a run over before that.
    pub fn throughput_ratio(&self) -> Option<f64> {
        let (first, last) = (self.accepted_at.first()?, self.accepted_at.last()?);
        let from = *first + Duration::from_secs(2);
        let to = last.checked_sub(Duration::from_secs(1)).unwrap_or(*last);
        let window = to.duration_since(from).ok().filter(|w| !w.is_zero())?;
        let inside = self
            .accepted_at
            .iter()
            .filter(|at| (from..to).contains(*at))
            .count();
        Some(inside as f64 / window.as_secs_f64() / self.limit)
    }

    /// The 99th percentile of call latency.
    pub fn p99(&self) -> Duration {
        let index = (self.latencies.len() * 99).div_ceil(100).saturating_sub(1);
        self.latencies.get(index).copied().unwrap_or_default()
    }

    /// One line for a person.
    pub fn summary(&self) -> String {
        format!(
            "{} calls, {:.1}% succeeded, throughput {} × limit, {:.1}% of {} attempts throttled, \
             {:.2} attempts a call, p99 {} ms",
            self.outcomes.len(),
            100.0 * self.success_ratio(),
            self.throughput_ratio()
                .map_or("n/a".to_string(), |ratio| format!("{ratio:.2}")),
            100.0 * self.throttled_ratio(),
            self.attempts,
            self.attempts_per_call(),
            self.p99().as_millis()
        )
    }
}
