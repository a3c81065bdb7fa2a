//! A random walk over the stateful operations: 64 callers at once, 10,000
//! calls in all, each caller keeping its own record of what its successful
//! calls made, and checking the lists and gets against it as it goes and
//! at the end.

mod support;

use ehpc_emulator::Emulator;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use support::*;

const CALLERS: usize = 64;
const CALLS: usize = 10_000;

struct Walker {
    addr: SocketAddr,
    emulator: Arc<Emulator>,
    calls: Arc<AtomicUsize>,
    random: u64,
    clusters: BTreeMap<String, Tracked>,
    made: usize,
}

#[derive(Default)]
struct Tracked {
    nodes: BTreeSet<String>,
    users: BTreeSet<String>,
    jobs: BTreeSet<String>,
}

impl Walker {
    fn next(&mut self, below: usize) -> usize {
        // xorshift64*
        self.random ^= self.random >> 12;
        self.random ^= self.random << 25;
        self.random ^= self.random >> 27;
        (self.random.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % below
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

    fn done(&self) -> bool {
        self.calls.load(Ordering::Relaxed) >= CALLS
    }

    async fn call(&mut self, action: &str, extra: &[(&str, &str)]) -> Answer {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let mut params = common(action);
        for (name, value) in extra {
            params.push((name.to_string(), value.to_string()));
        }
        get(self.addr, &signed("GET", SECRET, params)).await
    }

    /// Success, or one of the refusals `allowed`; `None` when refused.
    async fn expect(
        &mut self,
        action: &str,
        extra: &[(&str, &str)],
        allowed: &[&str],
    ) -> Option<Value> {
        let answer = self.call(action, extra).await;
        if answer.status == 200 {
            return Some(answer.json());
        }
        let code = answer.code();
        assert!(
            allowed.contains(&code.as_str()),
            "{action} {extra:?}: {code}: {}",
            answer.message()
        );
        None
    }

    async fn step(&mut self) {
        let Some(cluster) = self.some_cluster().filter(|_| self.next(10) != 0) else {
            if self.clusters.len() < 3 {
                let name = format!("walk-{}", self.made);
                self.made += 1;
                let body = self
                    .expect("CreateCluster", &[("Name", &name)], &[])
                    .await
                    .unwrap();
                let id = body["ClusterId"].as_str().unwrap().to_string();
                self.clusters.insert(id.clone(), Tracked::default());
                self.check(&id).await;
            }
            return;
        };
        let id = cluster.as_str();
        match self.next(12) {
            0 => {
                if self
                    .expect("DeleteCluster", &[("ClusterId", id)], &["ConflictOpt"])
                    .await
                    .is_some()
                {
                    self.clusters.remove(id);
                    let gone = self.call("DescribeCluster", &[("ClusterId", id)]).await;
                    assert_eq!(gone.code(), "ClusterNotFound");
                }
            }
            1 | 2 if self.clusters[id].nodes.len() < 12 => {
                let count = (1 + self.next(2)).to_string();
                let added = self
                    .expect(
                        "AddNodes",
                        &[("ClusterId", id), ("Count", &count)],
                        &["InvalidClusterStatus"],
                    )
                    .await;
                if let Some(body) = added {
                    let ids = body["InstanceIds"]["InstanceId"].as_array().unwrap();
                    assert_eq!(ids.len().to_string(), count);
                    let tracked = self.clusters.get_mut(id).unwrap();
                    for node in ids {
                        assert!(
                            tracked.nodes.insert(node.as_str().unwrap().to_string()),
                            "a node id twice"
                        );
                    }
                }
            }
            3 => {
                let nodes = self.clusters[id].nodes.clone();
                if let Some(node) = self.pick(&nodes) {
                    let allowed = ["InvalidClusterStatus", "InvalidNodeStatus"];
                    let params = [("ClusterId", id), ("Instance.1.Id", node.as_str())];
                    if self
                        .expect("DeleteNodes", &params, &allowed)
                        .await
                        .is_some()
                    {
                        self.clusters.get_mut(id).unwrap().nodes.remove(&node);
                    }
                }
            }
            4 => {
                let name = format!("u{}", self.next(6));
                let params = [
                    ("ClusterId", id),
                    ("User.1.Name", name.as_str()),
                    ("User.1.Group", "users"),
                    ("User.1.Password", "Pw-12345"),
                ];
                let known = self.clusters[id].users.contains(&name);
                let answer = self.call("AddUsers", &params).await;
                match (answer.status, answer.code().as_str()) {
                    (200, _) => assert!(self.clusters.get_mut(id).unwrap().users.insert(name)),
                    (_, "AgentError.Account.UserAlreadyExist") => {
                        assert!(known, "{name} is not there")
                    }
                    (_, "InvalidClusterStatus") => {}
                    (_, code) => panic!("AddUsers: {code}: {}", answer.message()),
                }
            }
            5 => {
                let users = self.clusters[id].users.clone();
                if let Some(user) = self.pick(&users) {
                    let params = [("ClusterId", id), ("User.1.Name", user.as_str())];
                    if self
                        .expect("DeleteUsers", &params, &["InvalidClusterStatus"])
                        .await
                        .is_some()
                    {
                        self.clusters.get_mut(id).unwrap().users.remove(&user);
                    }
                }
            }
            6 | 7 => {
                let params = [
                    ("ClusterId", id),
                    ("CommandLine", "hostname"),
                    ("RunasUser", "u0"),
                ];
                if let Some(body) = self
                    .expect("SubmitJob", &params, &["InvalidClusterStatus"])
                    .await
                {
                    let job = body["JobId"].as_str().unwrap().to_string();
                    assert!(self.clusters.get_mut(id).unwrap().jobs.insert(job));
                }
            }
            8 => {
                let jobs = self.clusters[id].jobs.clone();
                if let Some(job) = self.pick(&jobs) {
                    let list = format!("[{{\"Id\":\"{job}\"}}]");
                    let params = [("ClusterId", id), ("Jobs", list.as_str())];
                    if self.next(2) == 0 {
                        self.expect(
                            "StopJobs",
                            &params,
                            &["InvalidClusterStatus", "ConflictOpt"],
                        )
                        .await;
                    } else if self
                        .expect("DeleteJobs", &params, &["InvalidClusterStatus"])
                        .await
                        .is_some()
                    {
                        self.clusters.get_mut(id).unwrap().jobs.remove(&job);
                    }
                }
            }
            9 => {
                let missing = self
                    .call("DescribeCluster", &[("ClusterId", "ehpc-hz-missing000")])
                    .await;
                assert_eq!(missing.code(), "ClusterNotFound");
            }
            10 if self.next(8) == 0 => self.emulator.advance_clock(Duration::from_secs(90)),
            _ => self.check(id).await,
        }
    }

    /// Every page of a list, checking `TotalCount` on each.
    async fn all_pages(
        &mut self,
        action: &str,
        cluster: Option<&str>,
        path: [&str; 2],
        field: &str,
    ) -> Option<Vec<String>> {
        let mut items = Vec::new();
        for page in 1.. {
            let page = page.to_string();
            let mut params = vec![("PageNumber", page.as_str()), ("PageSize", "7")];
            if let Some(cluster) = cluster {
                params.push(("ClusterId", cluster));
            }
            let body = self
                .expect(action, &params, &["InvalidClusterStatus"])
                .await?;
            let listed = body[path[0]][path[1]].as_array().unwrap();
            items.extend(
                listed
                    .iter()
                    .map(|item| item[field].as_str().unwrap().to_string()),
            );
            let total = body["TotalCount"].as_u64().unwrap() as usize;
            if listed.is_empty() || items.len() >= total {
                assert_eq!(items.len(), total, "{action}: pages add up to TotalCount");
                break;
            }
        }
        Some(items)
    }

    /// What the gets and lists say of one of this caller's clusters is
    /// what its calls made.
    async fn check(&mut self, id: &str) {
        let described = self
            .expect("DescribeCluster", &[("ClusterId", id)], &[])
            .await
            .unwrap();
        let running = described["ClusterInfo"]["Status"] == "running";
        let nodes = self
            .all_pages("ListNodes", Some(id), ["Nodes", "NodeInfo"], "Id")
            .await
            .unwrap();
        let tracked = &self.clusters[id];
        assert_eq!(
            nodes.iter().cloned().collect::<BTreeSet<_>>(),
            tracked.nodes
        );
        assert_eq!(nodes.len(), tracked.nodes.len(), "no node listed twice");
        let (users, jobs) = (tracked.users.clone(), tracked.jobs.clone());
        match self
            .all_pages("ListUsers", Some(id), ["Users", "UserInfo"], "Name")
            .await
        {
            Some(listed) => assert_eq!(listed.into_iter().collect::<BTreeSet<_>>(), users),
            // Phases only move on: refused now, it was not running before.
            None => assert!(!running, "a running cluster refused ListUsers"),
        }
        match self
            .all_pages("ListJobs", Some(id), ["Jobs", "JobInfo"], "Id")
            .await
        {
            Some(listed) => assert_eq!(listed.into_iter().collect::<BTreeSet<_>>(), jobs),
            None => assert!(!running, "a running cluster refused ListJobs"),
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

    // At rest, with every phase over: the whole list is every caller's
    // clusters, and each listed status is the one its get gives.
    emulator.advance_clock(Duration::from_secs(1_000_000));
    let mut checker = walkers.pop().unwrap();
    let expected: BTreeSet<String> = walkers
        .iter()
        .chain(std::iter::once(&checker))
        .flat_map(|w| w.clusters.keys().cloned())
        .collect();
    let listed = checker
        .all_pages(
            "ListClusters",
            None,
            ["Clusters", "ClusterInfoSimple"],
            "Id",
        )
        .await
        .unwrap();
    assert_eq!(listed.len(), expected.len(), "no cluster listed twice");
    assert_eq!(listed.into_iter().collect::<BTreeSet<_>>(), expected);
    for walker in &mut walkers {
        let ids: Vec<String> = walker.clusters.keys().cloned().collect();
        for id in ids {
            walker.check(&id).await;
            let described = walker
                .expect("DescribeCluster", &[("ClusterId", &id)], &[])
                .await
                .unwrap();
            assert_eq!(described["ClusterInfo"]["Status"], "running");
        }
    }
}
