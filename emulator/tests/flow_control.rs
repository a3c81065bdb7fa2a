//! Flow control: the gateway's token buckets per caller and per action,
//! their refusals, and the ways to set them.

mod support;

use ehpc_emulator::{AccessKey, Emulator, FlowError, Qps, StartError};
use support::v2024::*;
use support::*;

/// A limit that lets `burst` calls through and no more for the length of
/// any test: one token every 1,000 s.
fn burst_only(burst: u32) -> Qps {
    Qps::new(0.001).with_burst(burst)
}

fn job_spec() -> String {
    serde_json::json!({"CommandLine": "/bin/true", "JobQueue": "comp"}).to_string()
}

async fn submit(addr: std::net::SocketAddr, cluster: &str, extra: &[(&str, &str)]) -> Answer {
    let spec = job_spec();
    let mut params = vec![
        ("ClusterId", cluster),
        ("JobName", "job"),
        ("JobSpec", spec.as_str()),
    ];
    params.extend_from_slice(extra);
    call(addr, "CreateJob", &params).await
}

#[tokio::test]
async fn over_its_limit_a_caller_is_throttled_and_nothing_happens() {
    let emulator = Emulator::builder()
        .qps("CreateJob", burst_only(2))
        .start()
        .await
        .unwrap();
    let addr = emulator.addr();
    let cluster = running_cluster(&emulator, "limited").await;
    for _ in 0..2 {
        assert_eq!(submit(addr, &cluster, &[]).await.status, 200);
    }
    let refused = submit(addr, &cluster, &[]).await;
    assert_eq!(refused.status, 400);
    let body = refused.json();
    assert_eq!(body["Code"], "Throttling.User");
    assert_eq!(
        body["Message"],
        "Request was denied due to user flow control."
    );
    for field in ["RequestId", "HostId", "Recommend"] {
        assert!(
            body[field].as_str().is_some_and(|v| !v.is_empty()),
            "{field}: {body}"
        );
    }
    let retry_after: u64 = header(&refused, "x-acs-retry-after")
        .expect("x-acs-retry-after")
        .parse()
        .unwrap();
    // The next token is about 1,000 s away.
    assert!(
        (900_000..=1_000_000).contains(&retry_after),
        "{retry_after}"
    );

    // Only the two admitted calls made jobs.
    let listed = ok(addr, "ListJobs", &[("ClusterId", &cluster)]).await;
    assert_eq!(listed["TotalCount"], 2);
    // Other actions are not limited.
    ok(addr, "ListJobs", &[("ClusterId", &cluster)]).await;
    // The refusal is in the log, with its code.
    let log = emulator.requests();
    let refusals: Vec<_> = log
        .iter()
        .filter(|r| r.code.as_deref() == Some("Throttling.User"))
        .collect();
    assert_eq!(refusals.len(), 1);
    assert_eq!(refusals[0].action.as_deref(), Some("CreateJob"));
    assert_eq!(refusals[0].status, Some(400));
}

#[tokio::test]
async fn buckets_are_per_account_and_region_and_the_api_limit_is_shared() {
    let other = AccessKey::new("other-key", "other-secret");
    let emulator = Emulator::builder()
        .access_key(AccessKey::new(KEY_ID, SECRET))
        .access_key(other)
        .qps("GetCluster", burst_only(1))
        .api_qps("GetCluster", burst_only(3))
        .start()
        .await
        .unwrap();
    let addr = emulator.addr();
    let cluster = create_cluster(addr, "shared").await;
    let get_cluster = |region: &'static str, key: &'static str, secret: &'static str| {
        let cluster = cluster.clone();
        async move {
            let mut params = common("GetCluster");
            set(&mut params, "Version", VERSION);
            set(&mut params, "AccessKeyId", key);
            set(&mut params, "RegionId", region);
            params.push(("ClusterId".into(), cluster));
            get(addr, &signed("GET", secret, params)).await
        }
    };
    let first = get_cluster("cn-hangzhou", KEY_ID, SECRET).await;
    assert_ne!(first.code(), "Throttling.User");
    assert_eq!(
        get_cluster("cn-hangzhou", KEY_ID, SECRET).await.code(),
        "Throttling.User"
    );
    // Another region and another account have buckets of their own.
    assert_ne!(
        get_cluster("cn-beijing", KEY_ID, SECRET).await.code(),
        "Throttling.User"
    );
    assert_ne!(
        get_cluster("cn-hangzhou", "other-key", "other-secret")
            .await
            .code(),
        "Throttling.User"
    );
    // Three calls went through: the action's own limit is spent for all.
    let shared = get_cluster("cn-shanghai", "other-key", "other-secret").await;
    assert_eq!(
        (shared.status, shared.code().as_str()),
        (400, "Throttling.Api")
    );
    assert!(header(&shared, "x-acs-retry-after").is_some());
    assert_eq!(emulator.api_qps().get("GetCluster"), Some(&burst_only(3)));
}

#[tokio::test]
async fn limits_are_changed_at_run_time_and_unknown_actions_refused() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    let cluster = running_cluster(&emulator, "changed").await;
    emulator.set_qps("CreateJob", Some(burst_only(1))).unwrap();
    assert_eq!(submit(addr, &cluster, &[]).await.status, 200);
    assert_eq!(submit(addr, &cluster, &[]).await.code(), "Throttling.User");
    emulator.set_qps("CreateJob", None).unwrap();
    assert_eq!(submit(addr, &cluster, &[]).await.status, 200);
    assert_eq!(
        emulator.set_qps("MakeCoffee", Some(Qps::new(1.0))),
        Err(FlowError::UnknownAction("MakeCoffee".into()))
    );
    assert_eq!(
        emulator
            .set_qps("CreateJob", Some(Qps::new(f64::NAN)))
            .unwrap_err()
            .to_string(),
        "the rate NaN is not a positive number of requests per second"
    );
    assert!(emulator.qps().is_empty(), "refused limits are not kept");
    let refused = Emulator::builder()
        .qps("MakeCoffee", Qps::new(1.0))
        .start()
        .await
        .unwrap_err();
    assert!(matches!(
        refused,
        StartError::Flow(FlowError::UnknownAction(_))
    ));
}

/// The value of header `name` in an answer's head.
fn header(answer: &Answer, name: &str) -> Option<String> {
    answer.head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name)
            .then(|| value.trim().to_string())
    })
}
