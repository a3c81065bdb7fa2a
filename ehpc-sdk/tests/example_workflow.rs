//! The `workflow` example end to end: every step of a cluster's life is
//! printed, in order, with the states the emulator's clock moves it
//! through, and it exits successfully.

use std::process::Command;

#[test]
fn the_workflow_example_runs_a_cluster_from_creation_to_deletion() {
    let deps = std::env::current_exe().unwrap();
    let binary = deps
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples")
        .join(format!("workflow{}", std::env::consts::EXE_SUFFIX));
    let output = Command::new(&binary).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    let position = |prefix: &str| {
        lines
            .iter()
            .position(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no `{prefix}` line in:\n{stdout}"))
    };
    let steps = [
        "create cluster: ehpc-hz-",
        "wait for the cluster: creating",
        "wait for the cluster: init",
        "wait for the cluster: running",
        "add compute nodes: i-",
        "wait for the nodes: uninit",
        "wait for the nodes: running, running",
        "submit job: 1.manager",
        "wait for the job: QUEUED",
        "wait for the job: RUNNING",
        "wait for the job: FINISHED",
        "job output: echo hello from E-HPC",
        "delete cluster: ",
    ];
    let found: Vec<usize> = steps.iter().map(|step| position(step)).collect();
    assert!(
        found.windows(2).all(|w| w[0] < w[1]),
        "steps out of order:\n{stdout}"
    );
    assert!(lines.last().unwrap().ends_with("is gone"));
}
