//! Per-call overhead of the client against raw reqwest sending the same
//! pre-signed request to the same loopback server, at 1 and 64 concurrent
//! callers, for three operations: `StopVisualService` (3 parameters, GET),
//! `SubmitJob` of 2018-04-12 with all 27 parameters set (GET) and
//! `CreateNodes` of 2024-07-30 with every parameter set, JSON-style ones
//! included (POST), each under signature V1 (HMAC-SHA1) and V3
//! (`ACS3-HMAC-SHA256`).
//!
//! The server (`common/server.rs`) answers every request with one fixed
//! JSON body over keep-alive connections and checks nothing, so the
//! differences are the client's own work: building and signing the request,
//! classifying and decoding the answer. `StopVisualService` is built per
//! call with the fluent setters, as before; the heavy requests are built
//! once and sent with `Client::execute`, so their figures cover the way
//! from a typed request to the bytes on the socket, not the caller's own
//! `String`s. Under each signature the client is built with
//! `.signature_version(..)` and its floors send the request that client
//! puts on the wire, signed once before the run (`common/presign.rs`):
//! under V1 the URL alone, under V3 the URL with the query, the `x-acs-*`
//! headers and `Authorization`. Besides latency and throughput, the bench
//! reports the calling thread's CPU time per request (from
//! `/proc/thread-self/schedstat`, Linux only): the callers share that one
//! thread, and reqwest's connection tasks run on it too.
//!
//! `cargo bench -p ehpc-sdk --bench per_call [-- --rounds N]`. Rounds
//! alternate between the contenders so drifting machine load hits both
//! alike. `--op stop|submit|nodes`, `--signature v1|v3`,
//! `--only sdk|reqwest|reqwest-decode|reqwest-default` and `--callers N`
//! narrow the run; the contenders keep their names under both signatures,
//! `--signature` picks which client and which pre-signed requests they
//! use. `--check` first sends each selected operation once through the
//! client and once as its floor's request to the emulator, which checks
//! signatures as the service does, and stops unless it received the same
//! method, parameters and headers from both and accepted both
//! (`common/floor_check.rs`). Without `--bench` (as under
//! `cargo test --benches`) it checks the floors and runs one short round
//! as a smoke test.

#[path = "common/floor_check.rs"]
mod floor_check;
#[path = "common/presign.rs"]
mod presign;
#[path = "common/requests.rs"]
mod requests;
#[path = "common/server.rs"]
mod server;

use ehpc_emulator::{AccessKey, Emulator};
use ehpc_sdk::operation::stop_visual_service::StopVisualServiceResponse;
use ehpc_sdk::operation::submit_job::SubmitJobRequest;
use ehpc_sdk::v2024_07_30::operation::create_nodes::CreateNodesRequest;
use ehpc_sdk::{
    Client, Credentials, SignatureVersion, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT,
};
use presign::Presigned;
use requests::{ACCESS_KEY_ID, ACCESS_KEY_SECRET, REGION};
use reqwest::Method;
use std::time::{Duration, Instant};

/// Requests per round, split evenly between the callers.
const REQUESTS_PER_ROUND: usize = 3_200;

/// The operation sent.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    StopVisualService,
    SubmitJob,
    CreateNodes,
}

impl Op {
    const ALL: [Op; 3] = [Op::StopVisualService, Op::SubmitJob, Op::CreateNodes];

    fn name(self) -> &'static str {
        match self {
            Op::StopVisualService => "StopVisualService (3 parameters)",
            Op::SubmitJob => "SubmitJob, 2018-04-12 (27 parameters)",
            Op::CreateNodes => "CreateNodes, 2024-07-30 (14 parameters, JSON-style ones)",
        }
    }

    fn flag(self) -> &'static str {
        match self {
            Op::StopVisualService => "stop",
            Op::SubmitJob => "submit",
            Op::CreateNodes => "nodes",
        }
    }

    /// The floors beside the client: all four for `StopVisualService`,
    /// the first floor for the heavy operations.
    fn contenders(self) -> &'static [Contender] {
        match self {
            Op::StopVisualService => &Contender::ALL,
            Op::SubmitJob | Op::CreateNodes => &[Contender::Sdk, Contender::Reqwest],
        }
    }
}

/// The signature on the client's requests, and on its floors'.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Signature {
    V1,
    V3,
}

impl Signature {
    const ALL: [Signature; 2] = [Signature::V1, Signature::V3];

    fn name(self) -> &'static str {
        match self {
            Signature::V1 => "signature V1 (HMAC-SHA1)",
            Signature::V3 => "signature V3 (ACS3-HMAC-SHA256)",
        }
    }

    fn flag(self) -> &'static str {
        match self {
            Signature::V1 => "v1",
            Signature::V3 => "v3",
        }
    }

    fn version(self) -> SignatureVersion {
        match self {
            Signature::V1 => SignatureVersion::V1,
            Signature::V3 => SignatureVersion::V3,
        }
    }

    fn presign(self, base_url: &str, call: &presign::Call<'_>) -> Presigned {
        match self {
            Signature::V1 => presign::v1(base_url, call),
            Signature::V3 => presign::v3(base_url, call),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Contender {
    /// `client.stop_visual_service()...send()`, or `client.execute(..)`.
    Sdk,
    /// reqwest configured with the client's timeouts and a user agent,
    /// sending the pre-signed request and reading the body.
    Reqwest,
    /// reqwest with its default configuration (no timeouts).
    ReqwestDefault,
    /// [`Contender::Reqwest`], then decoding the body into the same
    /// `StopVisualServiceResponse` the client returns.
    ReqwestDecode,
}

impl Contender {
    const ALL: [Contender; 4] = [
        Contender::Sdk,
        Contender::Reqwest,
        Contender::ReqwestDecode,
        Contender::ReqwestDefault,
    ];

    fn name(self) -> &'static str {
        match self {
            Contender::Sdk => "ehpc-sdk Client",
            Contender::Reqwest => "reqwest, same timeouts",
            Contender::ReqwestDefault => "reqwest, default builder",
            Contender::ReqwestDecode => "reqwest + JSON decode",
        }
    }

    fn flag(self) -> &'static str {
        match self {
            Contender::Sdk => "sdk",
            Contender::Reqwest => "reqwest",
            Contender::ReqwestDefault => "reqwest-default",
            Contender::ReqwestDecode => "reqwest-decode",
        }
    }
}

/// One round of one contender: every latency, the wall time and the
/// calling thread's CPU time.
struct Round {
    latencies: Vec<Duration>,
    elapsed: Duration,
    cpu: Option<Duration>,
}

#[derive(Clone, Copy)]
struct Summary {
    median: Duration,
    p99: Duration,
    per_second: f64,
    /// CPU time of the calling thread per request, in µs.
    cpu_per_call: Option<f64>,
}

impl Round {
    fn summary(mut self) -> Summary {
        self.latencies.sort_unstable();
        let count = self.latencies.len() as f64;
        Summary {
            median: percentile(&self.latencies, 50),
            p99: percentile(&self.latencies, 99),
            per_second: count / self.elapsed.as_secs_f64(),
            cpu_per_call: self.cpu.map(|cpu| cpu.as_secs_f64() * 1e6 / count),
        }
    }
}

/// CPU time of the current thread so far, from the scheduler's own
/// nanosecond account; `None` where `/proc` does not have it.
fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// The value after `flag`, if given.
fn option<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    let at = args.iter().position(|a| a == flag)?;
    Some(args.get(at + 1)?.as_str())
}

/// The one of `all` named after `flag`, if given.
fn choice<T: Copy>(
    args: &[String],
    flag: &str,
    all: &[T],
    name_of: impl Fn(T) -> &'static str,
) -> Option<T> {
    let name = option(args, flag)?;
    let found = all.iter().copied().find(|&each| name_of(each) == name);
    Some(found.unwrap_or_else(|| {
        let names: Vec<&str> = all.iter().map(|&each| name_of(each)).collect();
        panic!("{flag} takes {}, not {name}", names.join(", "))
    }))
}

fn percentile(sorted: &[Duration], percent: usize) -> Duration {
    let rank = (sorted.len() * percent).div_ceil(100).max(1);
    sorted[rank - 1]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let benchmarking = args.iter().any(|a| a == "--bench");
    let rounds = option(&args, "--rounds")
        .map(|n| n.parse().expect("--rounds takes a number"))
        .unwrap_or(if benchmarking { 9 } else { 1 });
    let requests = if benchmarking { REQUESTS_PER_ROUND } else { 64 };
    // `--op stop|submit|nodes`, `--signature v1|v3`,
    // `--only sdk|reqwest|reqwest-decode|reqwest-default` and `--callers N`
    // narrow the run, e.g. to count one contender's instructions under
    // callgrind; the contenders' names are the same under both signatures.
    // `--check` compares each floor's request with the client's at the
    // emulator first, as the smoke run always does.
    let only = choice(&args, "--only", &Contender::ALL, Contender::flag);
    let ops = choice(&args, "--op", &Op::ALL, Op::flag).map_or(Op::ALL.to_vec(), |op| vec![op]);
    let signatures = choice(&args, "--signature", &Signature::ALL, Signature::flag)
        .map_or(Signature::ALL.to_vec(), |signature| vec![signature]);
    let check = !benchmarking || args.iter().any(|a| a == "--check");
    let caller_counts: Vec<usize> = match option(&args, "--callers") {
        Some(n) => vec![n.parse().expect("--callers takes a number")],
        None => vec![1, 64],
    };

    let address = server::start();
    // One thread for the callers and one for the server: on a two-core
    // machine neither contends with the other for a core.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async {
        if check {
            check_floors(&ops, &signatures).await;
        }
        let targets = Targets::new(&format!("http://{address}/"));
        println!(
            "per-call overhead: {rounds} rounds of {requests} requests per contender, \
             server on {address}"
        );
        for op in ops {
            let contenders: Vec<Contender> = op
                .contenders()
                .iter()
                .copied()
                .filter(|c| only.is_none_or(|only| only == *c))
                .collect();
            if contenders.is_empty() {
                continue;
            }
            for &signature in &signatures {
                println!();
                println!("== {}, {}", op.name(), signature.name());
                for &callers in &caller_counts {
                    let case = Case {
                        op,
                        signature,
                        callers,
                    };
                    compare(&targets, case, &contenders, rounds, requests).await;
                }
            }
        }
    });
}

/// What one table measures.
#[derive(Clone, Copy)]
struct Case {
    op: Op,
    signature: Signature,
    callers: usize,
}

struct Targets {
    /// Per signature, in the order of [`Signature::ALL`].
    clients: [Client; 2],
    /// The heavy requests, built once: what is measured is the way from a
    /// typed request to the bytes on the socket and back.
    submit_job: SubmitJobRequest,
    create_nodes: CreateNodesRequest,
    http: reqwest::Client,
    http_default: reqwest::Client,
    /// Per signature, then per operation in the order of [`Op::ALL`].
    presigned: [[Presigned; 3]; 2],
}

impl Targets {
    /// Clients and floors sending to `base_url`.
    fn new(base_url: &str) -> Self {
        let clients = Signature::ALL.map(|signature| {
            Client::builder()
                .region(REGION)
                .endpoint(base_url)
                .credentials(Credentials::new(ACCESS_KEY_ID, ACCESS_KEY_SECRET))
                .signature_version(signature.version())
                .build()
                .expect("client")
        });
        let http = reqwest::Client::builder()
            .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
            .read_timeout(DEFAULT_READ_TIMEOUT)
            .user_agent("ehpc-sdk-bench")
            .build()
            .expect("reqwest client");
        let submit_job_request = requests::submit_job();
        let create_nodes_request = requests::create_nodes();
        let submit_job = presign::query_params(&submit_job_request);
        let create_nodes = presign::query_params(&create_nodes_request);
        let calls = [
            presign::Call {
                action: "StopVisualService",
                version: ehpc_sdk::service::API_VERSION,
                method: Method::GET,
                params: &[
                    ("ClusterId", "ehpc-hz-jeJki6****"),
                    ("CidrIp", "192.168.0.0/24"),
                    ("Port", "12016"),
                ],
            },
            presign::Call {
                action: "SubmitJob",
                version: ehpc_sdk::service::API_VERSION,
                method: Method::GET,
                params: &pairs(&submit_job),
            },
            presign::Call {
                action: "CreateNodes",
                version: ehpc_sdk::v2024_07_30::service::API_VERSION,
                method: Method::POST,
                params: &pairs(&create_nodes),
            },
        ];
        Targets {
            clients,
            submit_job: submit_job_request,
            create_nodes: create_nodes_request,
            http,
            http_default: reqwest::Client::new(),
            presigned: Signature::ALL.map(|signature| {
                calls
                    .each_ref()
                    .map(|call| signature.presign(base_url, call))
            }),
        }
    }

    fn presigned(&self, op: Op, signature: Signature) -> &Presigned {
        &self.presigned[signature as usize][op as usize]
    }

    async fn call(&self, op: Op, signature: Signature, contender: Contender) {
        let client = &self.clients[signature as usize];
        let presigned = self.presigned(op, signature);
        match (contender, op) {
            (Contender::Sdk, Op::StopVisualService) => {
                let answer = client
                    .stop_visual_service()
                    .cluster_id("ehpc-hz-jeJki6****")
                    .cidr_ip("192.168.0.0/24")
                    .port(12016)
                    .send()
                    .await
                    .expect("StopVisualService through the client");
                assert!(!answer.request_id.is_empty());
            }
            (Contender::Sdk, Op::SubmitJob) => {
                let answer = client
                    .execute(&self.submit_job)
                    .await
                    .expect("SubmitJob through the client");
                assert!(!answer.request_id.is_empty());
            }
            (Contender::Sdk, Op::CreateNodes) => {
                let answer = client
                    .execute(&self.create_nodes)
                    .await
                    .expect("CreateNodes through the client");
                assert!(!answer.request_id.is_empty());
            }
            (Contender::Reqwest, _) => {
                raw_send(&self.http, presigned).await;
            }
            (Contender::ReqwestDefault, _) => {
                raw_send(&self.http_default, presigned).await;
            }
            (Contender::ReqwestDecode, _) => {
                let body = raw_send(&self.http, presigned).await;
                let answer: StopVisualServiceResponse =
                    serde_json::from_slice(body.as_ref()).expect("the answer decodes");
                assert!(!answer.request_id.is_empty());
            }
        }
    }
}

async fn raw_send(http: &reqwest::Client, presigned: &Presigned) -> impl AsRef<[u8]> {
    let response = presigned.request(http).send().await.expect("raw request");
    assert!(response.status().is_success());
    let body = response.bytes().await.expect("raw body");
    assert_eq!(body.len(), server::BODY.len());
    body
}

/// Sends each of `ops` once through the client and once as its floor's
/// request to the emulator, under each of `signatures`, and stops unless
/// the emulator received the same request from both and accepted both.
async fn check_floors(ops: &[Op], signatures: &[Signature]) {
    let emulator = Emulator::builder()
        .access_key(AccessKey::new(ACCESS_KEY_ID, ACCESS_KEY_SECRET))
        // Success answers from the examples, whatever the resource named.
        .examples_only()
        .start()
        .await
        .expect("the emulator starts");
    let targets = Targets::new(&format!("{}/", emulator.endpoint()));
    let last_request = || {
        let record = emulator.requests().pop();
        emulator.clear_requests();
        record.expect("the emulator logged the request")
    };
    for &op in ops {
        for &signature in signatures {
            emulator.clear_requests();
            targets.call(op, signature, Contender::Sdk).await;
            let client = last_request();
            let response = targets
                .presigned(op, signature)
                .request(&targets.http)
                .send()
                .await
                .expect("the emulator answers the floor's request");
            response.bytes().await.expect("the answer's body");
            let floor = last_request();
            match floor_check::compare(&client, &floor) {
                Ok(account) => println!(
                    "floor check, {} under {}: {account}",
                    op.flag(),
                    signature.name()
                ),
                Err(difference) => panic!(
                    "the floor of {} under {} is not the client's request: {difference}",
                    op.name(),
                    signature.name()
                ),
            }
        }
    }
    emulator.shutdown();
}

async fn compare(
    targets: &Targets,
    case: Case,
    contenders: &[Contender],
    rounds: usize,
    requests: usize,
) {
    let per_caller = requests / case.callers;
    // Warm up: open every connection and fault in the code paths.
    for &contender in contenders {
        run(targets, case, contender, per_caller.min(20)).await;
    }
    let mut summaries: Vec<Vec<Summary>> = vec![Vec::new(); contenders.len()];
    for _ in 0..rounds {
        for (index, &contender) in contenders.iter().enumerate() {
            let round = run(targets, case, contender, per_caller).await;
            summaries[index].push(round.summary());
        }
    }
    println!();
    println!(
        "{} concurrent caller(s), {per_caller} requests each per round",
        case.callers
    );
    println!(
        "  {:<26} {:>24} {:>24} {:>26} {:>22}",
        "", "median latency", "p99 latency", "requests/s", "CPU per call"
    );
    let sdk = contenders
        .iter()
        .position(|&c| c == Contender::Sdk)
        .map(|index| median_summary(&summaries[index]));
    for (index, &contender) in contenders.iter().enumerate() {
        let rows = &summaries[index];
        let this = median_summary(rows);
        let cpu = match this.cpu_per_call {
            Some(_) => spread(rows, |s| s.cpu_per_call.unwrap_or(0.0), "µs"),
            None => "–".to_string(),
        };
        println!(
            "  {:<26} {:>24} {:>24} {:>26} {:>22}",
            contender.name(),
            spread(rows, |s| s.median.as_secs_f64() * 1e6, "µs"),
            spread(rows, |s| s.p99.as_secs_f64() * 1e6, "µs"),
            spread(rows, |s| s.per_second, ""),
            cpu,
        );
        if let (Some(sdk), true) = (sdk, contender != Contender::Sdk) {
            let cpu_ratio = match (sdk.cpu_per_call, this.cpu_per_call) {
                (Some(sdk), Some(this)) => format!(", CPU per call {:.3}×", sdk / this),
                _ => String::new(),
            };
            println!(
                "    ehpc-sdk / this: median {:.3}×, p99 {:.3}×, throughput {:.3}×{cpu_ratio}",
                sdk.median.as_secs_f64() / this.median.as_secs_f64(),
                sdk.p99.as_secs_f64() / this.p99.as_secs_f64(),
                sdk.per_second / this.per_second,
            );
        }
    }
}

/// The median over rounds of each figure.
fn median_summary(rows: &[Summary]) -> Summary {
    let pick = |f: &dyn Fn(&Summary) -> f64| {
        let mut values: Vec<f64> = rows.iter().map(f).collect();
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    Summary {
        median: Duration::from_secs_f64(pick(&|s| s.median.as_secs_f64())),
        p99: Duration::from_secs_f64(pick(&|s| s.p99.as_secs_f64())),
        per_second: pick(&|s| s.per_second),
        cpu_per_call: rows[0]
            .cpu_per_call
            .map(|_| pick(&|s| s.cpu_per_call.unwrap_or(0.0))),
    }
}

/// `median (min–max)` over rounds.
fn spread(rows: &[Summary], figure: impl Fn(&Summary) -> f64, unit: &str) -> String {
    let mut values: Vec<f64> = rows.iter().map(figure).collect();
    values.sort_by(f64::total_cmp);
    format!(
        "{:.1}{unit} ({:.1}–{:.1})",
        values[values.len() / 2],
        values[0],
        values[values.len() - 1]
    )
}

async fn run(targets: &Targets, case: Case, contender: Contender, per_caller: usize) -> Round {
    let started = Instant::now();
    let cpu_before = thread_cpu_time();
    let tasks = (0..case.callers).map(|_| async move {
        let mut latencies = Vec::with_capacity(per_caller);
        for _ in 0..per_caller {
            let start = Instant::now();
            targets.call(case.op, case.signature, contender).await;
            latencies.push(start.elapsed());
        }
        latencies
    });
    let per_task = join_all(tasks).await;
    let cpu = thread_cpu_time()
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    Round {
        elapsed: started.elapsed(),
        cpu,
        latencies: per_task.into_iter().flatten().collect(),
    }
}

/// Borrowed views of owned pairs.
fn pairs(all: &[(String, String)]) -> Vec<(&str, &str)> {
    all.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect()
}

/// Polls every future on the current task, like `futures::join_all`, so the
/// callers need not be `'static` and no extra crate is pulled in.
async fn join_all<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut pending: Vec<_> = futures.map(|f| Some(Box::pin(f))).collect();
    let mut outputs: Vec<Option<F::Output>> = pending.iter().map(|_| None).collect();
    std::future::poll_fn(|context| {
        let mut done = true;
        for (slot, output) in pending.iter_mut().zip(outputs.iter_mut()) {
            if let Some(future) = slot {
                match future.as_mut().poll(context) {
                    std::task::Poll::Ready(value) => {
                        *output = Some(value);
                        *slot = None;
                    }
                    std::task::Poll::Pending => done = false,
                }
            }
        }
        if done {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    outputs
        .into_iter()
        .map(|o| o.expect("polled to completion"))
        .collect()
}
