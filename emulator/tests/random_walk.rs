//! A random walk over the stateful operations of both API versions: 64
//! callers at once, 10,000 calls in all, each caller keeping its own record
//! of what its successful calls made, and checking the lists and gets of
//! either version against it as it goes and at the end. Both versions act
//! on the same resources, so each step picks its version anew.

mod support;

#[path = "random_walk/checks.rs"]
mod checks;

use ehpc_emulator::Emulator;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use support::*;

const CALLERS: usize = 64;
const CALLS: usize = 10_000;

/// The API version of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Api {
    V2018,
    V2024,
}

impl Api {
    fn version(self) -> &'static str {
        match self {
            Api::V2018 => "2018-04-12",
            Api::V2024 => "2024-07-30",
        }
    }
}

struct Walker {
    addr: SocketAddr,
    emulator: Arc<Emulator>,
    calls: Arc<AtomicUsize>,
    random: u64,
    clusters: BTreeMap<String, Tracked>,
    made: usize,
    /// Calls made and calls that succeeded, by version and action.
    called: BTreeSet<(Api, String)>,
    succeeded: BTreeSet<(Api, String)>,
}

#[derive(Default)]
struct Tracked {
    nodes: BTreeSet<String>,
    users: BTreeSet<String>,
    jobs: BTreeSet<String>,
    queues: BTreeSet<String>,
    /// Mount directories.
    storages: BTreeSet<String>,
    addons: BTreeSet<String>,
    software: BTreeSet<String>,
}

impl Walker {
    fn next(&mut self, below: usize) -> usize {
        // xorshift64*
        self.random ^= self.random >> 12;
        self.random ^= self.random << 25;
        self.random ^= self.random >> 27;
        (self.random.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % below
    }

    fn api(&mut self) -> Api {
        if self.next(2) == 0 {
            Api::V2018
        } else {
            Api::V2024
        }
    }

    fn pick(&mut self, set: &BTreeSet<String>) -> Option<String> {
        if set.is_empty() {
            return None;
        }
        let index = self.next(set.len());
        set.iter().nth(index).cloned()
    }

    fn some_cluster(&mut self) -> Option<String> {
        let ids: BTreeSet<String> = self.clusters.keys().cloned().collect();
        self.pick(&ids)
    }

    fn tracked(&mut self, id: &str) -> &mut Tracked {
        self.clusters.get_mut(id).unwrap()
    }

    fn done(&self) -> bool {
        self.calls.load(Ordering::Relaxed) >= CALLS
    }

    async fn call(&mut self, api: Api, action: &str, extra: &[(&str, &str)]) -> Answer {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let mut params = common(action);
        set(&mut params, "Version", api.version());
        for (name, value) in extra {
            params.push((name.to_string(), value.to_string()));
        }
        let answer = get(self.addr, &signed("GET", SECRET, params)).await;
        self.called.insert((api, action.to_string()));
        if answer.status == 200 {
            self.succeeded.insert((api, action.to_string()));
        }
        answer
    }

    /// Success, or one of the refusals `allowed`; `None` when refused.
    async fn expect(
        &mut self,
        api: Api,
        action: &str,
        extra: &[(&str, &str)],
        allowed: &[&str],
    ) -> Option<Value> {
        let answer = self.call(api, action, extra).await;
        if answer.status == 200 {
            return Some(answer.json());
        }
        let code = answer.code();
        assert!(
            allowed.contains(&code.as_str()),
            "{api:?} {action} {extra:?}: {code}: {}",
            answer.message()
        );
        None
    }

    async fn step(&mut self) {
        let api = self.api();
        let Some(cluster) = self.some_cluster().filter(|_| self.next(10) != 0) else {
            if self.clusters.len() < 3 {
                self.create_cluster(api).await;
            }
            return;
        };
        let id = cluster.as_str();
        match self.next(16) {
            0 => self.delete_cluster(api, id).await,
            1 | 2 if self.clusters[id].nodes.len() < 12 => self.add_nodes(api, id).await,
            3 => self.delete_node(api, id).await,
            4 => self.add_user(api, id).await,
            5 => self.delete_user(api, id).await,
            6 | 7 => self.submit_job(api, id).await,
            8 => self.stop_or_delete_job(api, id).await,
            9 => {
                let (action, code) = match api {
                    Api::V2018 => ("DescribeCluster", "ClusterNotFound"),
                    Api::V2024 => ("GetCluster", "ClusterNotFound"),
                };
                let missing = self
                    .call(api, action, &[("ClusterId", "ehpc-hz-missing000")])
                    .await;
                assert_eq!(missing.code(), code);
            }
            10 if self.next(8) == 0 => self.emulator.advance_clock(Duration::from_secs(90)),
            11 => self.queue(id).await,
            12 => self.storage(id).await,
            13 => self.addon(id).await,
            14 => self.software(id).await,
            _ => self.check(api, id).await,
        }
    }

    async fn create_cluster(&mut self, api: Api) {
        let name = format!("walk-{}", self.made);
        self.made += 1;
        let (name_param, queue) = match api {
            Api::V2018 => ("Name", "workq"),
            Api::V2024 => ("ClusterName", "comp"),
        };
        let body = self
            .expect(api, "CreateCluster", &[(name_param, &name)], &[])
            .await
            .unwrap();
        let id = body["ClusterId"].as_str().unwrap().to_string();
        let mut tracked = Tracked::default();
        tracked.queues.insert(queue.to_string());
        self.clusters.insert(id.clone(), tracked);
        self.check(api, &id).await;
    }

    async fn delete_cluster(&mut self, api: Api, id: &str) {
        let (wrong_state, get) = match api {
            Api::V2018 => ("ConflictOpt", "DescribeCluster"),
            Api::V2024 => ("InvalidClusterStatus", "GetCluster"),
        };
        let deleted = self
            .expect(api, "DeleteCluster", &[("ClusterId", id)], &[wrong_state])
            .await;
        if deleted.is_some() {
            self.clusters.remove(id);
            let gone = self.call(api, get, &[("ClusterId", id)]).await;
            assert_eq!(gone.code(), "ClusterNotFound");
        }
    }

    async fn add_nodes(&mut self, api: Api, id: &str) {
        let count = (1 + self.next(2)).to_string();
        let params = [("ClusterId", id), ("Count", count.as_str())];
        let action = match api {
            Api::V2018 => "AddNodes",
            Api::V2024 => "CreateNodes",
        };
        let Some(body) = self
            .expect(api, action, &params, &["InvalidClusterStatus"])
            .await
        else {
            return;
        };
        let ids = match api {
            Api::V2018 => &body["InstanceIds"]["InstanceId"],
            Api::V2024 => &body["InstanceIds"],
        };
        let ids = ids.as_array().unwrap();
        assert_eq!(ids.len().to_string(), count);
        for node in ids {
            let node = node.as_str().unwrap().to_string();
            assert!(self.tracked(id).nodes.insert(node), "a node id twice");
        }
    }

    async fn delete_node(&mut self, api: Api, id: &str) {
        let nodes = self.clusters[id].nodes.clone();
        let Some(node) = self.pick(&nodes) else {
            return;
        };
        let list = json!([node]).to_string();
        let (params, allowed) = match api {
            Api::V2018 => (
                [("ClusterId", id), ("Instance.1.Id", node.as_str())],
                ["InvalidClusterStatus", "InvalidNodeStatus"],
            ),
            Api::V2024 => (
                [("ClusterId", id), ("InstanceIds", list.as_str())],
                ["InvalidClusterStatus", "InvalidParams"],
            ),
        };
        if self
            .expect(api, "DeleteNodes", &params, &allowed)
            .await
            .is_some()
        {
            self.tracked(id).nodes.remove(&node);
        }
    }

    async fn add_user(&mut self, api: Api, id: &str) {
        let name = format!("u{}", self.next(6));
        let users = json!([{"UserName": name, "Group": "users", "Password": "Pw-12345"}]);
        let users = users.to_string();
        let (action, params, exists) = match api {
            Api::V2018 => (
                "AddUsers",
                vec![
                    ("ClusterId", id),
                    ("User.1.Name", name.as_str()),
                    ("User.1.Group", "users"),
                    ("User.1.Password", "Pw-12345"),
                ],
                "AgentError.Account.UserAlreadyExist",
            ),
            Api::V2024 => (
                "CreateUsers",
                vec![("ClusterId", id), ("User", users.as_str())],
                "InvalidParams",
            ),
        };
        let known = self.clusters[id].users.contains(&name);
        let answer = self.call(api, action, &params).await;
        match (answer.status, answer.code().as_str()) {
            (200, _) => assert!(self.tracked(id).users.insert(name)),
            (_, code) if code == exists => assert!(known, "{name} is not there"),
            (_, "InvalidClusterStatus") => {}
            (_, code) => panic!("{action}: {code}: {}", answer.message()),
        }
    }

    async fn delete_user(&mut self, api: Api, id: &str) {
        let users = self.clusters[id].users.clone();
        let Some(user) = self.pick(&users) else {
            return;
        };
        let list = json!([{ "UserName": user }]).to_string();
        let params = match api {
            Api::V2018 => [("ClusterId", id), ("User.1.Name", user.as_str())],
            Api::V2024 => [("ClusterId", id), ("User", list.as_str())],
        };
        if self
            .expect(api, "DeleteUsers", &params, &["InvalidClusterStatus"])
            .await
            .is_some()
        {
            self.tracked(id).users.remove(&user);
        }
    }

    async fn submit_job(&mut self, api: Api, id: &str) {
        let spec = json!({"CommandLine": "hostname", "RunasUser": "u0"}).to_string();
        let (action, params) = match api {
            Api::V2018 => (
                "SubmitJob",
                vec![
                    ("ClusterId", id),
                    ("CommandLine", "hostname"),
                    ("RunasUser", "u0"),
                ],
            ),
            Api::V2024 => ("CreateJob", vec![("ClusterId", id), ("JobSpec", &spec)]),
        };
        if let Some(body) = self
            .expect(api, action, &params, &["InvalidClusterStatus"])
            .await
        {
            let job = body["JobId"].as_str().unwrap().to_string();
            assert!(self.tracked(id).jobs.insert(job.clone()), "a job id twice");
            // Now and then stopped at once: a job picked later has often
            // finished, every caller's clock moves having aged it.
            if self.next(4) == 0 {
                self.stop_job(api, id, &job).await;
            }
        }
    }

    async fn stop_job(&mut self, api: Api, id: &str, job: &str) {
        let (list, jobs_param, allowed) = match api {
            Api::V2024 => (
                json!([job]).to_string(),
                "JobIds",
                ["InvalidClusterStatus", "InvalidParams"],
            ),
            Api::V2018 => (
                json!([{ "Id": job }]).to_string(),
                "Jobs",
                ["InvalidClusterStatus", "ConflictOpt"],
            ),
        };
        let params = [("ClusterId", id), (jobs_param, list.as_str())];
        self.expect(api, "StopJobs", &params, &allowed).await;
    }

    async fn stop_or_delete_job(&mut self, api: Api, id: &str) {
        let jobs = self.clusters[id].jobs.clone();
        let Some(job) = self.pick(&jobs) else {
            return;
        };
        if api == Api::V2024 || self.next(2) == 0 {
            return self.stop_job(api, id, &job).await;
        }
        let list = json!([{ "Id": job }]).to_string();
        let params = [("ClusterId", id), ("Jobs", list.as_str())];
        if self
            .expect(api, "DeleteJobs", &params, &["InvalidClusterStatus"])
            .await
            .is_some()
        {
            self.tracked(id).jobs.remove(&job);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn lists_and_gets_agree_through_a_random_walk_of_concurrent_callers() {
    let emulator = Arc::new(Emulator::start().await.unwrap());
    let addr = emulator.addr();
    let calls = Arc::new(AtomicUsize::new(0));
    let mut callers = Vec::new();
    for n in 0..CALLERS {
        let mut walker = Walker {
            addr,
            emulator: Arc::clone(&emulator),
            calls: Arc::clone(&calls),
            random: 0x9E37_79B9_7F4A_7C15 ^ (n as u64 + 1).wrapping_mul(0xD1B5_4A32_D192_ED03),
            clusters: BTreeMap::new(),
            made: 0,
            called: BTreeSet::new(),
            succeeded: BTreeSet::new(),
        };
        callers.push(tokio::spawn(async move {
            while !walker.done() {
                walker.step().await;
            }
            walker
        }));
    }
    let mut walkers = Vec::new();
    for caller in callers {
        walkers.push(caller.await.unwrap());
    }
    assert!(calls.load(Ordering::Relaxed) >= CALLS);
    // A walk whose calls were all refused would check nothing.
    let called: BTreeSet<_> = walkers.iter().flat_map(|w| w.called.iter()).collect();
    let succeeded: BTreeSet<_> = walkers.iter().flat_map(|w| w.succeeded.iter()).collect();
    let never: Vec<_> = called.difference(&succeeded).collect();
    assert!(never.is_empty(), "never succeeded: {never:?}");
    assert!(called.len() > 40, "only {} actions called", called.len());

    // At rest, with every phase over: the whole list is every caller's
    // clusters in either version, and each cluster's lists and gets agree
    // with what its caller made.
    emulator.advance_clock(Duration::from_secs(1_000_000));
    let mut checker = walkers.pop().unwrap();
    let expected: BTreeSet<String> = walkers
        .iter()
        .chain(std::iter::once(&checker))
        .flat_map(|w| w.clusters.keys().cloned())
        .collect();
    for api in [Api::V2018, Api::V2024] {
        let listed = checker.all_clusters(api).await;
        assert_eq!(listed.len(), expected.len(), "no cluster listed twice");
        assert_eq!(listed.into_iter().collect::<BTreeSet<_>>(), expected);
    }
    walkers.push(checker);
    for walker in &mut walkers {
        let ids: Vec<String> = walker.clusters.keys().cloned().collect();
        for id in ids {
            for api in [Api::V2018, Api::V2024] {
                walker.check(api, &id).await;
                assert_eq!(walker.status(api, &id).await, "running");
            }
        }
    }
}
