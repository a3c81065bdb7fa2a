//! `ehpc` against the emulator's model: a cluster's life, paging, queries,
//! output formats, input files, dry runs, waiters and exit codes.

mod support;

use serde_json::Value;
use support::{assert_exit, assert_failed, ehpc, json, run, stdout, Emulator};

fn create_cluster(emulator: &Emulator, name: &str) -> String {
    let answer = json(
        emulator.ehpc(),
        &[
            "create-cluster",
            "--cluster-name",
            name,
            "--wait",
            "--interval",
            "1",
        ],
    );
    answer["ClusterId"].as_str().expect("an id").to_string()
}

#[test]
fn a_cluster_is_created_waited_for_paged_queried_and_deleted() {
    let emulator = Emulator::start(&[]);
    emulator.short_lifecycles("succeeded");
    let ids: Vec<String> = (0..3)
        .map(|i| create_cluster(&emulator, &format!("c{i}")))
        .collect();
    let state = json(emulator.ehpc(), &["get-cluster", "--cluster-id", &ids[0]]);
    assert_eq!(state["ClusterStatus"], "running");

    // Every page by default, one answer holding every item.
    let all = json(emulator.ehpc(), &["list-clusters", "--page-size", "1"]);
    assert_eq!(all["Clusters"].as_array().expect("a list").len(), 3);
    let two = json(
        emulator.ehpc(),
        &["list-clusters", "--page-size", "1", "--max-items", "2"],
    );
    assert_eq!(two["Clusters"].as_array().expect("a list").len(), 2);
    let one = json(
        emulator.ehpc(),
        &["list-clusters", "--page-size", "1", "--no-paginate"],
    );
    assert_eq!(one["Clusters"].as_array().expect("a list").len(), 1);
    let calls = emulator.logged_actions();
    let pages = calls.iter().filter(|a| *a == "ListClusters").count();
    assert_eq!(pages, 3 + 2 + 1, "{calls:?}");

    // The query runs on the merged answer.
    let listed = json(
        emulator.ehpc(),
        &[
            "list-clusters",
            "--page-size",
            "1",
            "--query",
            "Clusters[].ClusterId",
        ],
    );
    let listed: Vec<&str> = listed
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(listed, ids.iter().map(String::as_str).collect::<Vec<_>>());

    // Deleted without a prompt (stdin is no terminal), then gone.
    let output = run(
        emulator.ehpc(),
        &[
            "delete-cluster",
            "--cluster-id",
            &ids[2],
            "--wait",
            "--interval",
            "1",
        ],
    );
    assert_exit(&output, 0);
    let gone = run(emulator.ehpc(), &["get-cluster", "--cluster-id", &ids[2]]);
    assert_exit(&gone, 4);
}

#[test]
fn each_output_format_shows_the_answer() {
    let emulator = Emulator::start(&[]);
    emulator.short_lifecycles("succeeded");
    let id = create_cluster(&emulator, "formats");

    let yaml = run(emulator.ehpc(), &["list-clusters", "-o", "yaml"]);
    assert_exit(&yaml, 0);
    let parsed: Value = serde_norway::from_slice(&yaml.stdout).expect("YAML");
    assert_eq!(parsed["Clusters"][0]["ClusterId"], id.as_str());

    let table = run(emulator.ehpc(), &["list-clusters", "-o", "table"]);
    assert_exit(&table, 0);
    let text = stdout(&table);
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split_whitespace().collect();
    assert_eq!(header[0], "ClusterId", "{text}");
    assert!(
        header.contains(&"ClusterName") && header.contains(&"ClusterStatus"),
        "{text}"
    );
    let row: Vec<&str> = lines.next().expect("a row").split_whitespace().collect();
    assert_eq!(row[0], id, "{text}");
    assert!(
        row.contains(&"formats") && row.contains(&"running"),
        "{text}"
    );

    // Text: tab-separated, one line per item, or per field of one object.
    let rows = run(emulator.ehpc(), &["list-clusters", "-o", "text"]);
    assert_exit(&rows, 0);
    let first = stdout(&rows);
    assert_eq!(
        first.lines().next().expect("a line").split('\t').next(),
        Some(id.as_str())
    );
    let fields = run(
        emulator.ehpc(),
        &["get-cluster", "--cluster-id", &id, "-o", "text"],
    );
    let fields = stdout(&fields);
    assert!(
        fields.lines().any(|l| l == "ClusterName\tformats"),
        "{fields}"
    );
    let scalar = run(
        emulator.ehpc(),
        &[
            "get-cluster",
            "--cluster-id",
            &id,
            "-o",
            "text",
            "--query",
            "ClusterStatus",
        ],
    );
    assert_eq!(stdout(&scalar), "running\n");
}

#[test]
fn input_json_and_skeleton() {
    let emulator = Emulator::start(&[]);
    emulator.short_lifecycles("succeeded");
    let id = create_cluster(&emulator, "input");
    emulator.control("DELETE", "/__emulator/requests", "");
    let skeleton = json(emulator.ehpc(), &["get-cluster", "--generate-skeleton"]);
    assert!(
        skeleton
            .as_object()
            .expect("an object")
            .contains_key("ClusterId"),
        "{skeleton}"
    );
    assert!(emulator.logged_actions().iter().all(|a| a != "GetCluster"));

    let dir = std::env::temp_dir().join(format!("ehpc-cli-input-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a directory");
    let file = dir.join("input.json");
    std::fs::write(&file, format!(r#"{{"ClusterId": "{id}"}}"#)).expect("written");
    let file = file.to_str().expect("a path");
    let answer = json(emulator.ehpc(), &["get-cluster", "--cli-input-json", file]);
    assert_eq!(answer["ClusterName"], "input");
    // A flag wins over the file.
    let overridden = run(
        emulator.ehpc(),
        &[
            "get-cluster",
            "--cli-input-json",
            file,
            "--cluster-id",
            "ehpc-hz-none",
        ],
    );
    assert_exit(&overridden, 4);

    // From stdin.
    let mut command = emulator.ehpc();
    command
        .args(["get-cluster", "--cli-input-json", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = command.spawn().expect("ehpc runs");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(format!(r#"{{"ClusterId": "{id}"}}"#).as_bytes())
        .expect("written");
    let output = child.wait_with_output().expect("ehpc ends");
    assert_exit(&output, 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_dry_run_prints_the_signed_request_with_secrets_redacted_and_sends_nothing() {
    let emulator = Emulator::start(&[]);
    emulator.short_lifecycles("succeeded");
    let id = create_cluster(&emulator, "dry");
    emulator.control("DELETE", "/__emulator/requests", "");
    let output = run(
        emulator.ehpc(),
        &[
            "create-users",
            "--cluster-id",
            &id,
            "--user",
            r#"[{"UserName": "alice", "Group": "users", "Password": "hunter2-Secret"}]"#,
            "--dry-run",
        ],
    );
    assert_exit(&output, 0);
    let request = stdout(&output);
    assert!(request.contains("Action=CreateUsers"), "{request}");
    assert!(request.contains("Signature="), "{request}");
    assert!(request.contains("redacted"), "{request}");
    assert!(!request.contains("hunter2"), "{request}");
    assert!(
        emulator.logged_actions().is_empty(),
        "{:?}",
        emulator.logged_actions()
    );

    // Signature V3 puts the signature in a header.
    let v3 = run(
        emulator.ehpc(),
        &[
            "get-cluster",
            "--cluster-id",
            &id,
            "--dry-run",
            "--signature-version",
            "v3",
        ],
    );
    assert_exit(&v3, 0);
    assert!(
        stdout(&v3)
            .to_lowercase()
            .contains("authorization: acs3-hmac-sha256"),
        "{}",
        stdout(&v3)
    );
    assert!(emulator.logged_actions().is_empty());
}

#[test]
fn waiters_end_on_success_and_exit_5_on_a_failed_job() {
    let emulator = Emulator::start(&[]);
    emulator.short_lifecycles("succeeded");
    let id = create_cluster(&emulator, "jobs");
    let spec = r#"{"CommandLine": "sleep 1"}"#;
    let job = json(
        emulator.ehpc(),
        &[
            "create-job",
            "--cluster-id",
            &id,
            "--job-name",
            "ok",
            "--job-spec",
            spec,
        ],
    );
    let job_id = job["JobId"].as_str().expect("an id");
    let done = json(
        emulator.ehpc(),
        &[
            "wait",
            "job-finished",
            "--cluster-id",
            &id,
            "--job-id",
            job_id,
            "--interval",
            "1",
        ],
    );
    assert_eq!(done["JobInfo"]["State"], "Succeeded");

    emulator.short_lifecycles("failed");
    let failing = run(
        emulator.ehpc(),
        &[
            "create-job",
            "--cluster-id",
            &id,
            "--job-name",
            "bad",
            "--job-spec",
            spec,
            "--wait",
            "--interval",
            "1",
        ],
    );
    assert_failed(&failing, 5, &["`Failed`"]);
    assert!(failing.stdout.is_empty());

    // The deadline: a queued job cannot finish within a second.
    let slow = r#"{"cluster_creating_seconds":1,"cluster_initializing_seconds":1,"job_queued_seconds":3600}"#;
    emulator.control("PUT", "/__emulator/settings", slow);
    let queued = json(
        emulator.ehpc(),
        &[
            "create-job",
            "--cluster-id",
            &id,
            "--job-name",
            "slow",
            "--job-spec",
            spec,
        ],
    );
    let timed_out = run(
        emulator.ehpc(),
        &[
            "wait",
            "job-finished",
            "--cluster-id",
            &id,
            "--job-id",
            queued["JobId"].as_str().expect("an id"),
            "--interval",
            "1",
            "--timeout",
            "1",
        ],
    );
    assert_failed(&timed_out, 5, &["Pending"]);
}

#[test]
fn exit_codes_and_error_reports() {
    let emulator = Emulator::start(&[]);
    // 2: an unknown flag with a suggestion, a bad value, a missing flag.
    let unknown = run(emulator.ehpc(), &["get-cluster", "--clusterid", "x"]);
    assert_failed(&unknown, 2, &["--cluster-id"]);
    let bad = run(emulator.ehpc(), &["list-clusters", "--page-number", "many"]);
    assert_failed(&bad, 2, &["--page-number", "integer"]);
    let missing = run(emulator.ehpc(), &["create-job", "--job-name", "j"]);
    assert_failed(&missing, 2, &["--cluster-id"]);

    // 4: the service's error, as one JSON object or as a line.
    let absent = run(
        emulator.ehpc(),
        &["get-cluster", "--cluster-id", "ehpc-hz-none"],
    );
    assert_exit(&absent, 4);
    let error: Value = serde_json::from_slice(&absent.stderr).expect("JSON on stderr");
    assert_eq!(error["Error"]["Code"], "ClusterNotFound");
    assert_eq!(error["Error"]["HttpStatus"], 404);
    assert_eq!(error["Error"]["Operation"], "GetCluster");
    assert!(error["Error"]["RequestId"].is_string());
    assert!(absent.stdout.is_empty());
    let line = run(
        emulator.ehpc(),
        &["get-cluster", "--cluster-id", "ehpc-hz-none", "-o", "table"],
    );
    assert_failed(&line, 4, &["GetCluster", "404", "request id"]);

    // 3: no credentials anywhere.
    let mut bare = ehpc();
    bare.args(["--endpoint", &emulator.endpoint, "--region", "cn-hangzhou"]);
    assert_exit(&run(bare, &["list-clusters"]), 3);

    // 1: nothing listens there.
    let mut closed = ehpc();
    closed
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "emulator-key")
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "emulator-secret")
        .args([
            "--endpoint",
            "http://127.0.0.1:1",
            "--region",
            "cn-hangzhou",
        ])
        .args(["--max-attempts", "1"]);
    let unreachable = run(closed, &["list-clusters"]);
    assert_failed(&unreachable, 1, &["ListClusters"]);
}

#[test]
fn api_versions_help_and_completion() {
    let emulator = Emulator::start(&[]);
    let old = json(
        emulator.ehpc(),
        &["--api-version", "2018-04-12", "list-clusters"],
    );
    assert!(old.get("Clusters").is_some(), "{old}");
    // The action's own name works too.
    json(emulator.ehpc(), &["ListClusters"]);
    let wrong = run(
        emulator.ehpc(),
        &["--api-version", "1999-01-01", "list-clusters"],
    );
    assert_exit(&wrong, 2);

    let help = run(ehpc(), &["--help"]);
    assert_exit(&help, 0);
    let text = stdout(&help);
    for expected in [
        "Clusters:",
        "Jobs:",
        "create-cluster",
        "list-jobs",
        "cluster-running",
    ] {
        assert!(text.contains(expected), "{expected}:\n{text}");
    }
    let operation = stdout(&run(ehpc(), &["create-job", "--help"]));
    for expected in [
        "--job-spec",
        "Required.",
        "Type: object JobSpec",
        "Example:",
    ] {
        assert!(operation.contains(expected), "{expected}:\n{operation}");
    }
    let errors = stdout(&run(ehpc(), &["delete-cluster", "--help"]));
    assert!(
        errors.contains("Errors:\n") && errors.contains("\n  ClusterNotFound (HTTP 404): "),
        "{errors}"
    );
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = run(ehpc(), &["completion", shell]);
        assert_exit(&script, 0);
        assert!(stdout(&script).contains("list-clusters"), "{shell}");
    }
}
