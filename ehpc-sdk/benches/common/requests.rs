//! The requests the benches send and sign: `StopVisualService` (3
//! parameters), `SubmitJob` of 2018-04-12 with all 27 parameters set, and
//! `CreateNodes` of 2024-07-30 with every parameter set, its JSON-style
//! `ComputeNode` and `Hostnames` included.

#![allow(dead_code)] // each bench uses part of it

use ehpc_sdk::operation::submit_job::SubmitJobRequest;
use ehpc_sdk::operation_support::{Operation, Params};
use ehpc_sdk::v2024_07_30::operation::create_nodes::{
    ComputeNode, CreateNodesRequest, DataDisksItem, SystemDisk,
};

pub const ACCESS_KEY_ID: &str = "LTAI5tBenchmarkKeyId0001";
pub const ACCESS_KEY_SECRET: &str = "BenchmarkSecretValue0123456789";
pub const REGION: &str = "cn-hangzhou";

/// Every parameter of `SubmitJob` set, with values of the kind jobs carry:
/// paths, a command line with spaces, a JSON string of variables.
pub fn submit_job() -> SubmitJobRequest {
    SubmitJobRequest::builder()
        .cluster_id("ehpc-hz-FYUr32****")
        .command_line("/opt/mpi/bin/mpirun -np 4 ./simulate --input input.dat")
        .runas_user("user1")
        .runas_user_password("Passw0rd!")
        .name("simulation-42")
        .priority(5)
        .package_path("/home/user1/jobs/simulation")
        .stdout_redirect_path("/home/user1/jobs/simulation/stdout.log")
        .stderr_redirect_path("/home/user1/jobs/simulation/stderr.log")
        .re_runable(true)
        .array_request("1-10:2")
        .variables(r#"{"OMP_NUM_THREADS":"4","RUN":"42"}"#)
        .input_file_url("https://bucket.oss-cn-hangzhou.aliyuncs.com/input/data.tar.gz")
        .unzip_cmd("tar xzf")
        .post_cmd_line("/home/user1/jobs/simulation/collect.sh")
        .job_queue("workq")
        .node(2)
        .cpu(8)
        .task(4)
        .thread(2)
        .mem("16GB")
        .gpu(1)
        .clock_time("12:00:00")
        .job_retry_count(3)
        .job_retry_priority(1)
        .job_retry_on_exit_code(137)
        .r#async(true)
        .build()
        .expect("a valid SubmitJob request")
}

/// Every parameter of `CreateNodes` set, `ComputeNode` with every field
/// and two data disks.
pub fn create_nodes() -> CreateNodesRequest {
    let disk = |device: &str, size: i32| {
        DataDisksItem::new()
            .category("cloud_essd")
            .delete_with_instance(true)
            .device(device)
            .level("PL1")
            .mount_dir(format!("/data{size}"))
            .size(size)
            .snapshot_id("s-bp1fxpgt8****")
    };
    let compute_node = ComputeNode::new()
        .auto_renew(false)
        .auto_renew_period(1)
        .data_disks(vec![disk("/dev/xvdb", 40), disk("/dev/xvdc", 100)])
        .duration(1)
        .enable_ht(true)
        .image_id("centos_7_6_x64_20G_alibase_20211130.vhd")
        .instance_charge_type("PostPaid")
        .instance_type("ecs.c7.large")
        .period(1)
        .period_unit("Month")
        .spot_price_limit(0.97)
        .spot_strategy("SpotWithPriceLimit")
        .system_disk(
            SystemDisk::new()
                .category("cloud_essd")
                .level("PL0")
                .size(40),
        );
    CreateNodesRequest::builder()
        .cluster_id("ehpc-hz-FYUr32****")
        .queue_name("comp")
        .count(4)
        .min_count(1)
        .compute_node(compute_node)
        .hpc_inter_connect("vpc")
        .v_switch_id("vsw-bp1lfcjbfb099rrjn****")
        .ram_role("AliyunECSInstanceForEHPCRole")
        .hostname_prefix("compute")
        .hostname_suffix("hpc")
        .keep_alive("true")
        .deployment_set_id("ds-bp1frxuzdg87zh4pzq****")
        .reserved_node_pool_id("rnp-756vlp7a")
        .hostnames(vec!["compute000".into(), "compute001".into()])
        .build()
        .expect("a valid CreateNodes request")
}

/// The wire parameters of `request` as the client encodes them, copied.
pub fn encoded<O: Operation>(request: &O) -> Vec<(String, String)> {
    let mut params = Params::new();
    request.encode(&mut params);
    params
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect()
}
