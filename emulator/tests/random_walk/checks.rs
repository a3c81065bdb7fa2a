//! The walk's E-HPC 2.0 resource steps, and its checks: what the lists
//! and gets of either version say of a caller's cluster is what the
//! caller's calls made.

use super::{Api, Walker};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Where a list's items are in its answer, and each item's id.
type Listing = (&'static [&'static str], fn(&Value) -> String);

fn text(value: &Value) -> String {
    value.as_str().unwrap().to_string()
}

fn as_set(items: Vec<String>) -> BTreeSet<String> {
    let set: BTreeSet<String> = items.iter().cloned().collect();
    assert_eq!(set.len(), items.len(), "an item listed twice: {items:?}");
    set
}

impl Walker {
    pub(super) async fn queue(&mut self, id: &str) {
        let api = Api::V2024;
        let queues = self.clusters[id].queues.clone();
        let name = format!("q{}", self.next(4));
        match self.next(3) {
            0 => {
                let queue = json!({ "QueueName": name }).to_string();
                let params = [("ClusterId", id), ("Queue", queue.as_str())];
                let known = queues.contains(&name);
                match self
                    .expect(api, "CreateQueue", &params, &["AgentError"])
                    .await
                {
                    Some(_) => assert!(self.tracked(id).queues.insert(name)),
                    None => assert!(known, "CreateQueue refused {name}, which is not there"),
                }
            }
            1 if queues.contains(&name) => {
                let list = json!([name]).to_string();
                let params = [("ClusterId", id), ("QueueNames", list.as_str())];
                // The walk's queues have no nodes: removing one succeeds.
                self.expect(api, "DeleteQueues", &params, &[])
                    .await
                    .unwrap();
                self.tracked(id).queues.remove(&name);
            }
            _ => {
                let Some(name) = self.pick(&queues) else {
                    return;
                };
                let queue = json!({"QueueName": name, "MaxCount": 10}).to_string();
                let params = [("ClusterId", id), ("Queue", queue.as_str())];
                self.expect(api, "UpdateQueue", &params, &["InvalidClusterStatus"])
                    .await;
            }
        }
    }

    pub(super) async fn storage(&mut self, id: &str) {
        let api = Api::V2024;
        let directory = format!("/m{}", self.next(4));
        let known = self.clusters[id].storages.contains(&directory);
        if self.next(2) == 0 {
            let mounts = json!([{
                "FileSystemId": "fs-walk", "MountDirectory": directory,
                "MountTarget": "fs-walk.nas", "ProtocolType": "nfs",
                "StorageDirectory": "/", "VolumeType": "NAS",
            }])
            .to_string();
            let params = [("ClusterId", id), ("SharedStorages", mounts.as_str())];
            let answer = self.call(api, "AttachSharedStorages", &params).await;
            match (answer.status, answer.code().as_str()) {
                (200, _) => assert!(self.tracked(id).storages.insert(directory)),
                (_, "InvalidParams") => assert!(known, "{directory} is not taken"),
                (_, "InvalidClusterStatus") => {}
                (_, code) => panic!("AttachSharedStorages: {code}: {}", answer.message()),
            }
        } else {
            let mounts = json!([{ "MountDirectory": directory }]).to_string();
            let params = [("ClusterId", id), ("SharedStorages", mounts.as_str())];
            let answer = self.call(api, "DetachSharedStorages", &params).await;
            match (answer.status, answer.code().as_str()) {
                (200, _) => assert!(self.tracked(id).storages.remove(&directory)),
                (_, "VolumeNotFound") => assert!(!known, "{directory} is mounted"),
                (_, "InvalidClusterStatus") => {}
                (_, code) => panic!("DetachSharedStorages: {code}: {}", answer.message()),
            }
        }
    }

    pub(super) async fn addon(&mut self, id: &str) {
        let api = Api::V2024;
        let addons = self.clusters[id].addons.clone();
        match self.pick(&addons).filter(|_| self.next(2) == 0) {
            Some(addon) => {
                let params = [("ClusterId", id), ("AddonId", addon.as_str())];
                if self
                    .expect(api, "UnInstallAddon", &params, &["InvalidClusterStatus"])
                    .await
                    .is_some()
                {
                    self.tracked(id).addons.remove(&addon);
                }
            }
            None => {
                let params = [
                    ("ClusterId", id),
                    ("AddonName", "Login"),
                    ("AddonVersion", "1.0"),
                    ("ServicesSpec", "[]"),
                    ("ResourcesSpec", "{}"),
                ];
                if let Some(body) = self
                    .expect(api, "InstallAddon", &params, &["InvalidClusterStatus"])
                    .await
                {
                    assert!(self.tracked(id).addons.insert(text(&body["AddonId"])));
                }
            }
        }
    }

    pub(super) async fn software(&mut self, id: &str) {
        let api = Api::V2024;
        let name = format!("app{}", self.next(4));
        let packages = json!([{"Name": name, "Version": "1.0"}]).to_string();
        let params = [("ClusterId", id), ("AdditionalPackages", packages.as_str())];
        let known = self.clusters[id].software.contains(&name);
        if self.next(2) == 0 {
            if self
                .expect(api, "InstallSoftwares", &params, &["InvalidClusterStatus"])
                .await
                .is_some()
            {
                self.tracked(id).software.insert(name);
            }
        } else {
            let answer = self.call(api, "UninstallSoftwares", &params).await;
            match (answer.status, answer.code().as_str()) {
                (200, _) => assert!(self.tracked(id).software.remove(&name)),
                (_, "InvalidParams") => assert!(!known, "{name} is installed"),
                (_, "InvalidClusterStatus") => {}
                (_, code) => panic!("UninstallSoftwares: {code}: {}", answer.message()),
            }
        }
    }

    /// Every page of a list, checking `TotalCount` on each; `None` when
    /// refused with one of `allowed`.
    pub(super) async fn all_pages(
        &mut self,
        api: Api,
        action: &str,
        cluster: Option<&str>,
        path: &[&str],
        id_of: fn(&Value) -> String,
        allowed: &[&str],
    ) -> Option<Vec<String>> {
        let mut items = Vec::new();
        for page in 1.. {
            let page = page.to_string();
            let mut params = vec![("PageNumber", page.as_str()), ("PageSize", "7")];
            if let Some(cluster) = cluster {
                params.push(("ClusterId", cluster));
            }
            let body = self.expect(api, action, &params, allowed).await?;
            let listed = path
                .iter()
                .fold(&body, |value, name| &value[*name])
                .as_array()
                .unwrap_or_else(|| panic!("{action}: no list at {path:?}: {body}"));
            items.extend(listed.iter().map(id_of));
            let total = body["TotalCount"].as_u64().unwrap() as usize;
            if listed.is_empty() || items.len() >= total {
                assert_eq!(items.len(), total, "{action}: pages add up to TotalCount");
                break;
            }
        }
        Some(items)
    }

    pub(super) async fn all_clusters(&mut self, api: Api) -> Vec<String> {
        let (path, id_of): (&[&str], fn(&Value) -> String) = match api {
            Api::V2018 => (&["Clusters", "ClusterInfoSimple"], |c| text(&c["Id"])),
            Api::V2024 => (&["Clusters"], |c| text(&c["ClusterId"])),
        };
        self.all_pages(api, "ListClusters", None, path, id_of, &[])
            .await
            .unwrap()
    }

    pub(super) async fn status(&mut self, api: Api, id: &str) -> String {
        let params = [("ClusterId", id)];
        match api {
            Api::V2018 => {
                let body = self.expect(api, "DescribeCluster", &params, &[]).await;
                text(&body.unwrap()["ClusterInfo"]["Status"])
            }
            Api::V2024 => {
                let body = self.expect(api, "GetCluster", &params, &[]).await;
                text(&body.unwrap()["ClusterStatus"])
            }
        }
    }

    /// What the gets and lists of `api` say of one of this caller's
    /// clusters is what its calls made.
    pub(super) async fn check(&mut self, api: Api, id: &str) {
        let running = self.status(api, id).await == "running";
        let refused = ["InvalidClusterStatus"];
        let (nodes, users, jobs): (Listing, Listing, Listing) = match api {
            Api::V2018 => (
                (&["Nodes", "NodeInfo"], |n| text(&n["Id"])),
                (&["Users", "UserInfo"], |u| text(&u["Name"])),
                (&["Jobs", "JobInfo"], |j| text(&j["Id"])),
            ),
            Api::V2024 => (
                (&["Nodes"], |n| text(&n["Id"])),
                (&["Users", "UserInfo"], |u| text(&u["UserName"])),
                (&["Jobs"], |j| text(&j["JobSpec"]["Id"])),
            ),
        };
        let listed = self
            .all_pages(api, "ListNodes", Some(id), nodes.0, nodes.1, &[])
            .await
            .unwrap();
        assert_eq!(as_set(listed), self.clusters[id].nodes);
        // Phases only move on: refused now, the cluster was not running
        // when its status was read either.
        match self
            .all_pages(api, "ListUsers", Some(id), users.0, users.1, &refused)
            .await
        {
            Some(listed) => assert_eq!(as_set(listed), self.clusters[id].users),
            None => assert!(!running, "a running cluster refused ListUsers"),
        }
        match self
            .all_pages(api, "ListJobs", Some(id), jobs.0, jobs.1, &refused)
            .await
        {
            Some(listed) => assert_eq!(as_set(listed), self.clusters[id].jobs),
            None => assert!(!running, "a running cluster refused ListJobs"),
        }
        if api == Api::V2024 {
            self.check_2024_only(id, running).await;
        }
    }

    /// The resources only E-HPC 2.0 has, and the gets 2018-04-12 lacks.
    async fn check_2024_only(&mut self, id: &str, running: bool) {
        let api = Api::V2024;
        let tracked = &self.clusters[id];
        let (jobs, users, queues) = (
            tracked.jobs.clone(),
            tracked.users.clone(),
            tracked.queues.clone(),
        );
        if let Some(job) = self.pick(&jobs) {
            let params = [("ClusterId", id), ("JobId", job.as_str())];
            let got = self.expect(api, "GetJob", &params, &[]).await.unwrap();
            assert_eq!(text(&got["JobInfo"]["JobId"]), job);
        }
        if let Some(user) = self.pick(&users).filter(|_| running) {
            let params = [("ClusterId", id), ("UserName", user.as_str())];
            let got = self.expect(api, "GetUser", &params, &[]).await.unwrap();
            assert_eq!(text(&got["User"]["UserName"]), user);
        }
        let body = self
            .expect(api, "ListQueues", &[("ClusterId", id)], &[])
            .await
            .unwrap();
        let listed: Vec<String> = body["Queues"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| text(&q["QueueName"]))
            .collect();
        assert_eq!(as_set(listed), queues);
        if let Some(queue) = self.pick(&queues) {
            let params = [("ClusterId", id), ("QueueName", queue.as_str())];
            let got = self.expect(api, "GetQueue", &params, &[]).await.unwrap();
            assert_eq!(text(&got["Queue"]["QueueName"]), queue);
        }
        let body = self
            .expect(api, "ListSharedStorages", &[("ClusterId", id)], &[])
            .await
            .unwrap();
        let mounted: Vec<String> = body["SharedStorages"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|fs| fs["MountInfo"].as_array().unwrap().iter())
            .map(|mount| text(&mount["MountDirectory"]))
            .collect();
        assert_eq!(as_set(mounted), self.clusters[id].storages);
        let addons = self
            .all_pages(
                api,
                "ListAddons",
                Some(id),
                &["Addons"],
                |a| text(&a["AddonId"]),
                &[],
            )
            .await
            .unwrap();
        assert_eq!(as_set(addons), self.clusters[id].addons);
        let tracked_addons = self.clusters[id].addons.clone();
        if let Some(addon) = self.pick(&tracked_addons) {
            let params = [("ClusterId", id), ("AddonId", addon.as_str())];
            let got = self.expect(api, "GetAddon", &params, &[]).await.unwrap();
            assert_eq!(text(&got["Addon"]["AddonId"]), addon);
        }
        let path: &[&str] = &["AdditionalPackages", "AdditionalPackageInfos"];
        let software = self
            .all_pages(
                api,
                "ListInstalledSoftwares",
                Some(id),
                path,
                |s| text(&s["Name"]),
                &[],
            )
            .await
            .unwrap();
        assert_eq!(as_set(software), self.clusters[id].software);
    }
}
