//! The workflow examples end to end: every step of a cluster's life is
//! printed, in order, with the states the emulator's clock moves it
//! through, and the example exits successfully.

use std::process::Command;

/// Runs an example built beside this test and returns its output lines,
/// failing unless it exits successfully.
fn run_example(name: &str) -> String {
    let deps = std::env::current_exe().unwrap();
    let binary = deps
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let output = Command::new(&binary)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", binary.display()));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Asserts that a line starting with each step appears, in this order.
fn assert_steps(stdout: &str, steps: &[&str]) {
    let lines: Vec<&str> = stdout.lines().collect();
    let position = |prefix: &str| {
        lines
            .iter()
            .position(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no `{prefix}` line in:\n{stdout}"))
    };
    let found: Vec<usize> = steps.iter().map(|step| position(step)).collect();
    assert!(
        found.windows(2).all(|w| w[0] < w[1]),
        "steps out of order:\n{stdout}"
    );
}

#[test]
fn the_e_hpc_2_workflow_runs_a_cluster_from_creation_to_deletion() {
    let stdout = run_example("workflow");
    assert_steps(
        &stdout,
        &[
            "create cluster: ehpc-hz-",
            "cluster running: running after ",
            "create nodes: i-",
            "nodes running: running, running after ",
            "submit job: ",
            "job finished: Succeeded after ",
            "list jobs: ",
            "job output: echo hello from E-HPC 2.0",
            "delete cluster: ehpc-hz-",
        ],
    );
    // The waits took emulator time, not real time: the cluster needs
    // minutes of it to start.
    let running = stdout
        .lines()
        .find(|l| l.starts_with("cluster running:"))
        .unwrap();
    let seconds: u64 = running
        .split("after ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(seconds >= 60, "{running}");
    assert_eq!(stdout.matches("list jobs: ").count(), 1, "{stdout}");
    assert!(stdout.lines().last().unwrap().contains("is gone"));
}

#[test]
fn the_e_hpc_1_workflow_runs_a_cluster_from_creation_to_deletion() {
    let stdout = run_example("workflow_2018_04_12");
    assert_steps(
        &stdout,
        &[
            "create cluster: ehpc-hz-",
            "cluster running: running",
            "add compute nodes: i-",
            "nodes running: running, running",
            "submit job: 1.manager",
            "wait for the job: QUEUED",
            "wait for the job: RUNNING",
            "wait for the job: FINISHED",
            "job output: echo hello from E-HPC",
            "delete cluster: ",
        ],
    );
    assert!(stdout.lines().last().unwrap().ends_with("is gone"));
}

#[test]
fn the_instant_workflow_runs_an_array_job_from_submission_to_deletion() {
    let stdout = run_example("workflow_instant");
    assert_steps(
        &stdout,
        &[
            "submit job: job-",
            "job finished: Succeeded after ",
            "list executors: job-",
            "job results: exit code 0",
            "delete job: job-",
        ],
    );
    assert!(stdout.contains(", 10 executors"), "{stdout}");
    assert_eq!(stdout.matches("list executors: ").count(), 10, "{stdout}");
    assert!(stdout.contains("-task0-9 Succeeded"), "{stdout}");
    assert!(stdout.lines().last().unwrap().ends_with("is Deleted"));
}
