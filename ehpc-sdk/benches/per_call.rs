//! Per-call overhead of the client against raw reqwest sending the same
//! pre-signed request to the same loopback server, at 1 and 64 concurrent
//! callers, for three operations: `StopVisualService` (3 parameters, GET),
//! `SubmitJob` of 2018-04-12 with all 27 parameters set (GET) and
//! `CreateNodes` of 2024-07-30 with every parameter set, JSON-style ones
//! included (POST).
//!
//! The server answers every request with one fixed JSON body over
//! keep-alive connections and checks nothing, so the differences are the
//! client's own work: building and signing the request, classifying and
//! decoding the answer. `StopVisualService` is built per call with the
//! fluent setters, as before; the heavy requests are built once and sent
//! with `Client::execute`, so their figures cover the way from a typed
//! request to the bytes on the socket, not the caller's own `String`s. Besides latency and throughput, the bench reports
//! the calling thread's CPU time per request (from
//! `/proc/thread-self/schedstat`, Linux only): the callers share that one
//! thread, and reqwest's connection tasks run on it too.
//!
//! `cargo bench -p ehpc-sdk --bench per_call [-- --rounds N]`. Rounds
//! alternate between the contenders so drifting machine load hits both
//! alike. Without `--bench` (as under `cargo test --benches`) it runs one
//! short round as a smoke test.

#[path = "common/requests.rs"]
mod requests;

use ehpc_sdk::operation::stop_visual_service::StopVisualServiceResponse;
use ehpc_sdk::operation::submit_job::SubmitJobRequest;
use ehpc_sdk::v2024_07_30::operation::create_nodes::CreateNodesRequest;
use ehpc_sdk::{signing, Client, Credentials, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT};
use requests::{ACCESS_KEY_ID, ACCESS_KEY_SECRET, REGION};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const BODY: &str =
    r#"{"Message":"Service stopped","RequestId":"896D338C-E4F4-41EC-A154-D605E5DE6880"}"#;

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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Contender {
    /// `client.stop_visual_service()...send()`.
    Sdk,
    /// reqwest configured with the client's timeouts and a user agent,
    /// sending a pre-signed URL and reading the body.
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
    // `--op stop|submit|nodes`, `--only sdk|reqwest|reqwest-decode|reqwest-default`
    // and `--callers N` narrow the run, e.g. to count one contender's
    // instructions under callgrind.
    let only = option(&args, "--only").map(|name| {
        Contender::ALL
            .into_iter()
            .find(|c| c.flag() == name)
            .unwrap_or_else(|| {
                panic!("--only takes sdk, reqwest, reqwest-decode or reqwest-default, not {name}")
            })
    });
    let ops: Vec<Op> = match option(&args, "--op") {
        Some(name) => vec![Op::ALL
            .into_iter()
            .find(|op| op.flag() == name)
            .unwrap_or_else(|| panic!("--op takes stop, submit or nodes, not {name}"))],
        None => Op::ALL.to_vec(),
    };
    let caller_counts: Vec<usize> = match option(&args, "--callers") {
        Some(n) => vec![n.parse().expect("--callers takes a number")],
        None => vec![1, 64],
    };

    let address = start_server();
    // One thread for the callers and one for the server: on a two-core
    // machine neither contends with the other for a core.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async {
        let targets = Targets::new(address);
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
            println!();
            println!("== {}", op.name());
            for &callers in &caller_counts {
                compare(&targets, op, &contenders, callers, rounds, requests).await;
            }
        }
    });
}

struct Targets {
    client: Client,
    /// The heavy requests, built once: what is measured is the way from a
    /// typed request to the bytes on the socket and back.
    submit_job: SubmitJobRequest,
    create_nodes: CreateNodesRequest,
    http: reqwest::Client,
    http_default: reqwest::Client,
    /// Per operation, in the order of [`Op::ALL`].
    presigned_urls: [String; 3],
}

impl Targets {
    fn new(address: SocketAddr) -> Self {
        let base_url = format!("http://{address}/");
        let client = Client::builder()
            .region(REGION)
            .endpoint(base_url.clone())
            .credentials(Credentials::new(ACCESS_KEY_ID, ACCESS_KEY_SECRET))
            .build()
            .expect("client");
        let http = reqwest::Client::builder()
            .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
            .read_timeout(DEFAULT_READ_TIMEOUT)
            .user_agent("ehpc-sdk-bench")
            .build()
            .expect("reqwest client");
        let presign = |action: &str, version: &str, method: &str, own: &[(&str, &str)]| {
            let nonce = signing::NonceSource::default().next();
            let timestamp = signing::timestamp(std::time::SystemTime::now());
            let common = [
                ("Action", action),
                ("Version", version),
                ("Format", "JSON"),
                ("AccessKeyId", ACCESS_KEY_ID),
                ("SignatureMethod", "HMAC-SHA1"),
                ("SignatureVersion", "1.0"),
                ("SignatureNonce", &nonce),
                ("Timestamp", &timestamp),
                ("RegionId", REGION),
            ];
            let signed =
                signing::sign_params(method, ACCESS_KEY_SECRET, common.iter().chain(own).copied());
            format!("{base_url}?{}", signed.query)
        };
        let submit_job_request = requests::submit_job();
        let create_nodes_request = requests::create_nodes();
        let submit_job = requests::encoded(&submit_job_request);
        let create_nodes = requests::encoded(&create_nodes_request);
        let submit_job = pairs(&submit_job);
        let create_nodes = pairs(&create_nodes);
        Targets {
            client,
            submit_job: submit_job_request,
            create_nodes: create_nodes_request,
            http,
            http_default: reqwest::Client::new(),
            presigned_urls: [
                presign(
                    "StopVisualService",
                    ehpc_sdk::service::API_VERSION,
                    "GET",
                    &[
                        ("ClusterId", "ehpc-hz-jeJki6****"),
                        ("CidrIp", "192.168.0.0/24"),
                        ("Port", "12016"),
                    ],
                ),
                presign(
                    "SubmitJob",
                    ehpc_sdk::service::API_VERSION,
                    "GET",
                    &submit_job,
                ),
                presign(
                    "CreateNodes",
                    ehpc_sdk::v2024_07_30::service::API_VERSION,
                    "POST",
                    &create_nodes,
                ),
            ],
        }
    }

    async fn call(&self, op: Op, contender: Contender) {
        let url = &self.presigned_urls[op as usize];
        let post = op == Op::CreateNodes;
        match (contender, op) {
            (Contender::Sdk, Op::StopVisualService) => {
                let answer = self
                    .client
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
                let answer = self
                    .client
                    .execute(&self.submit_job)
                    .await
                    .expect("SubmitJob through the client");
                assert!(!answer.request_id.is_empty());
            }
            (Contender::Sdk, Op::CreateNodes) => {
                let answer = self
                    .client
                    .execute(&self.create_nodes)
                    .await
                    .expect("CreateNodes through the client");
                assert!(!answer.request_id.is_empty());
            }
            (Contender::Reqwest, _) => {
                raw_send(&self.http, url, post).await;
            }
            (Contender::ReqwestDefault, _) => {
                raw_send(&self.http_default, url, post).await;
            }
            (Contender::ReqwestDecode, _) => {
                let body = raw_send(&self.http, url, post).await;
                let answer: StopVisualServiceResponse =
                    serde_json::from_slice(body.as_ref()).expect("the answer decodes");
                assert!(!answer.request_id.is_empty());
            }
        }
    }
}

async fn raw_send(http: &reqwest::Client, url: &str, post: bool) -> impl AsRef<[u8]> {
    let request = if post { http.post(url) } else { http.get(url) };
    let response = request.send().await.expect("raw request");
    assert!(response.status().is_success());
    let body = response.bytes().await.expect("raw body");
    assert_eq!(body.len(), BODY.len());
    body
}

async fn compare(
    targets: &Targets,
    op: Op,
    contenders: &[Contender],
    callers: usize,
    rounds: usize,
    requests: usize,
) {
    let per_caller = requests / callers;
    // Warm up: open every connection and fault in the code paths.
    for &contender in contenders {
        run(targets, op, contender, callers, per_caller.min(20)).await;
    }
    let mut summaries: Vec<Vec<Summary>> = vec![Vec::new(); contenders.len()];
    for _ in 0..rounds {
        for (index, &contender) in contenders.iter().enumerate() {
            let round = run(targets, op, contender, callers, per_caller).await;
            summaries[index].push(round.summary());
        }
    }
    println!();
    println!("{callers} concurrent caller(s), {per_caller} requests each per round");
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

async fn run(
    targets: &Targets,
    op: Op,
    contender: Contender,
    callers: usize,
    per_caller: usize,
) -> Round {
    let started = Instant::now();
    let cpu_before = thread_cpu_time();
    let tasks = (0..callers).map(|_| async move {
        let mut latencies = Vec::with_capacity(per_caller);
        for _ in 0..per_caller {
            let start = Instant::now();
            targets.call(op, contender).await;
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

/// Starts the answering server on its own thread and runtime.
fn start_server() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    listener
        .set_nonblocking(true)
        .expect("non-blocking listener");
    let address = listener.local_addr().expect("local address");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        runtime.block_on(async move {
            let listener = TcpListener::from_std(listener).expect("tokio listener");
            loop {
                let (stream, _) = listener.accept().await.expect("accept");
                tokio::spawn(answer_connection(stream));
            }
        });
    });
    address
}

/// Answers every request head on the connection with the fixed body until
/// the peer closes it. Requests carry no bodies (GETs, and POSTs whose
/// parameters all travel in the query).
async fn answer_connection(mut stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json;charset=utf-8\r\n\
         x-acs-request-id: 896D338C-E4F4-41EC-A154-D605E5DE6880\r\n\
         content-length: {}\r\n\r\n{BODY}",
        BODY.len()
    );
    let mut buffer = vec![0u8; 16 * 1024];
    let mut filled = 0;
    loop {
        match stream.read(&mut buffer[filled..]).await {
            Ok(0) | Err(_) => return,
            Ok(read) => filled += read,
        }
        let mut consumed = 0;
        while let Some(end) = find_head_end(&buffer[consumed..filled]) {
            consumed += end;
            if stream.write_all(response.as_bytes()).await.is_err() {
                return;
            }
        }
        buffer.copy_within(consumed..filled, 0);
        filled -= consumed;
        assert!(filled < buffer.len(), "request head larger than the buffer");
    }
}

/// Length up to and including the blank line ending the first head.
fn find_head_end(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 4)
}
