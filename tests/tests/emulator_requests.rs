//! Property: any request the generated builders accept is accepted by the
//! emulator, which checks parameters against the same specs the way the
//! service does. Values are drawn at random (seeded, reproducible) for
//! operations covering every parameter style: `repeatList` of objects and
//! of scalars, nested lists, `flat` objects and arrays, `json`, dotted
//! names, keyword names, int64, float and bounded integers.

use ehpc_emulator::Emulator;
use ehpc_sdk::operation::{
    add_users, create_cluster, modify_cluster_attributes, submit_serverless_job,
};
use ehpc_sdk::{Client, Credentials, RetryConfig};

/// xorshift64*: small, seeded, and enough to vary values.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn range(&mut self, low: i64, high: i64) -> i64 {
        low + self.below((high - low + 1) as u64) as i64
    }

    fn flag(&mut self) -> bool {
        self.below(2) == 0
    }

    /// 1 to 12 characters, including ones percent-encoding must escape.
    fn text(&mut self) -> String {
        const CHARS: &[char] = &[
            'a', 'Z', '0', '9', '-', '_', '.', '~', ' ', '*', '@', '/', '+', '%', '&', '=', 'é',
        ];
        let length = 1 + self.below(12) as usize;
        (0..length)
            .map(|_| CHARS[self.below(CHARS.len() as u64) as usize])
            .collect()
    }

    fn texts(&mut self, max: u64) -> Vec<String> {
        let count = 1 + self.below(max);
        (0..count).map(|_| self.text()).collect()
    }
}

fn client(emulator: &Emulator) -> Client {
    Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(Credentials::new(
            ehpc_emulator::DEFAULT_ACCESS_KEY_ID,
            ehpc_emulator::DEFAULT_ACCESS_KEY_SECRET,
        ))
        .retry_config(RetryConfig::disabled())
        .build()
        .unwrap()
}

const ROUNDS: u64 = 12;

#[tokio::test]
async fn random_requests_pass_the_emulators_parameter_checks() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator);
    for seed in 1..=ROUNDS {
        let mut r = Random(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));

        let users = (0..1 + r.below(3))
            .map(|_| {
                add_users::UserItem::new()
                    .name(r.text())
                    .password(r.text())
                    .group(r.text())
            })
            .collect();
        let answer = client
            .add_users()
            .cluster_id(r.text())
            .user(users)
            .r#async(r.flag())
            .send()
            .await;
        assert!(answer.is_ok(), "AddUsers, seed {seed}: {answer:?}");

        let answer = client
            .un_tag_resources()
            .region_id(r.text())
            .resource_type(r.text())
            .resource_id(r.texts(50))
            .tag_key(r.texts(5))
            .all(r.flag())
            .send()
            .await;
        assert!(answer.is_ok(), "UnTagResources, seed {seed}: {answer:?}");

        let volumes = (0..1 + r.below(2))
            .map(|_| {
                create_cluster::AdditionalVolumesItem::new()
                    .volume_id(r.text())
                    .roles(vec![create_cluster::RolesItem::new().name(r.text())])
            })
            .collect();
        let answer = client
            .create_cluster()
            .name(r.text())
            .ecs_order_manager_instance_type(r.text())
            .ecs_order_manager_count(r.range(1, 2) as i32)
            .additional_volumes(volumes)
            .ram_node_types(r.texts(5))
            .send()
            .await;
        assert!(answer.is_ok(), "CreateCluster, seed {seed}: {answer:?}");

        let answer = client
            .modify_cluster_attributes()
            .cluster_id(r.text())
            .win_ad_par(
                modify_cluster_attributes::WinAdPar::new()
                    .ad_user(r.text())
                    .ad_dc(r.text()),
            )
            .send()
            .await;
        assert!(
            answer.is_ok(),
            "ModifyClusterAttributes, seed {seed}: {answer:?}"
        );

        let answer = client
            .list_jobs_with_filters()
            .cluster_id(r.text())
            .users(r.texts(1))
            .queues(r.texts(1))
            .page_size(r.range(1, 50))
            .send()
            .await;
        assert!(
            answer.is_ok(),
            "ListJobsWithFilters, seed {seed}: {answer:?}"
        );

        let answer = client
            .submit_serverless_job()
            .cluster_id(r.text())
            .job_name(r.text())
            .container(
                submit_serverless_job::Container::new()
                    .image(r.text())
                    .command(r.texts(3)),
            )
            .depends_on(vec![submit_serverless_job::DependsOnItem::new()
                .job_id(r.text())
                .r#type(r.text())])
            .v_switch_id(r.texts(10))
            .cpu(r.range(1, 64) as f64 / 4.0)
            .job_priority(r.range(0, 1 << 40))
            .send()
            .await;
        assert!(
            answer.is_ok(),
            "SubmitServerlessJob, seed {seed}: {answer:?}"
        );

        let answer = client
            .list_clusters()
            .page_number(r.range(1, 100) as i32)
            .page_size(r.range(1, 50) as i32)
            .send()
            .await;
        assert!(answer.is_ok(), "ListClusters, seed {seed}: {answer:?}");
        assert!(answer.unwrap().clusters.len() <= 50);
    }
    assert_eq!(emulator.requests().len() as u64, 7 * ROUNDS);
}
