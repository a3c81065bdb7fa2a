//! The progress line and the confirmation prompt in a real terminal
//! (tmux), Ctrl-C, and neither drawing nor asking when nobody is there.

mod support;

use std::process::Command;
use support::{assert_exit, json, run, stderr, Emulator, EHPC};

/// A command running in a detached tmux session of its own.
struct Terminal {
    session: String,
}

impl Terminal {
    /// Runs `args` through `ehpc` against `emulator`, then prints its exit
    /// code and stays open so the screen can be read.
    fn start(name: &str, emulator: &Emulator, args: &[&str]) -> Terminal {
        let session = format!("ehpc-cli-{name}-{}", std::process::id());
        let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
        let script = format!(
            "env -i TERM=\"$TERM\" PATH=\"$PATH\" HOME=/nonexistent ALIBABA_CLOUD_ECS_METADATA_DISABLED=true \
             ALIBABA_CLOUD_ACCESS_KEY_ID=emulator-key ALIBABA_CLOUD_ACCESS_KEY_SECRET=emulator-secret \
             {EHPC} --endpoint {} --region cn-hangzhou {} >/dev/null; echo EXIT=$?; sleep 600",
            emulator.endpoint,
            quoted.join(" ")
        );
        let status = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-s",
                &session,
                "-x",
                "160",
                "-y",
                "40",
                &script,
            ])
            .status()
            .expect("tmux runs (apt-get install -y tmux)");
        assert!(status.success());
        Terminal { session }
    }

    fn screen(&self) -> String {
        let output = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Reads the screen until it shows `text`; panics with the screen if
    /// the command ends first, or if it never shows (a bound generous
    /// enough for a loaded machine, so a failure is not left hanging).
    fn until(&self, text: &str) -> String {
        for _ in 0..1200 {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                !screen.contains("EXIT="),
                "ended before `{text}`:\n{screen}"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("never showed `{text}`:\n{}", self.screen());
    }

    fn keys(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .args(["send-keys", "-t", &self.session])
            .args(keys)
            .status()
            .expect("tmux runs");
        assert!(status.success());
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.session])
            .status();
    }
}

/// A cluster that stays `creating` until the emulator's clock is moved.
fn creating_cluster(emulator: &Emulator) -> String {
    let answer = json(
        emulator.ehpc(),
        &["create-cluster", "--cluster-name", "slow"],
    );
    answer["ClusterId"].as_str().expect("an id").to_string()
}

/// `ehpc wait` until cluster `id` runs, polling every second.
fn waiting_for(id: &str) -> [&str; 6] {
    [
        "wait",
        "cluster-running",
        "--cluster-id",
        id,
        "--interval",
        "1",
    ]
}

#[test]
fn the_progress_line_shows_on_a_terminal_and_not_in_a_pipe() {
    let emulator = Emulator::start(&[]);
    let id = creating_cluster(&emulator);
    let args = waiting_for(&id);
    let terminal = Terminal::start("progress", &emulator, &args);
    let screen = terminal.until("waiting until cluster running");
    assert!(screen.contains("state: creating"), "{screen}");
    emulator.control("POST", "/__emulator/clock", r#"{"advance_seconds": 3600}"#);
    let screen = terminal.until("EXIT=");
    assert!(screen.contains("EXIT=0"), "{screen}");
    // The line is cleared once the wait ends.
    assert!(!screen.contains("waiting until"), "{screen}");

    // Piped: nothing drawn, the answer alone on stdout.
    let piped = run(emulator.ehpc(), &args);
    assert_exit(&piped, 0);
    assert!(piped.stderr.is_empty(), "{}", stderr(&piped));
}

#[test]
fn ctrl_c_ends_a_wait_with_130() {
    let emulator = Emulator::start(&[]);
    let id = creating_cluster(&emulator);
    let args = waiting_for(&id);
    let terminal = Terminal::start("interrupt", &emulator, &args);
    terminal.until("state: creating");
    terminal.keys(&["C-c"]);
    let screen = terminal.until("EXIT=");
    assert!(screen.contains("EXIT=130"), "{screen}");
}

#[test]
fn deleting_asks_on_a_terminal_unless_yes() {
    let emulator = Emulator::start(&[]);
    let id = creating_cluster(&emulator);
    emulator.control("POST", "/__emulator/clock", r#"{"advance_seconds": 3600}"#);

    let refused = Terminal::start(
        "refuse",
        &emulator,
        &["delete-cluster", "--cluster-id", &id],
    );
    refused.until("Continue? [y/N]");
    refused.keys(&["n", "Enter"]);
    let screen = refused.until("EXIT=");
    assert!(
        screen.contains("EXIT=1") && screen.contains("not confirmed"),
        "{screen}"
    );
    json(emulator.ehpc(), &["get-cluster", "--cluster-id", &id]);

    let confirmed = Terminal::start(
        "confirm",
        &emulator,
        &["delete-cluster", "--cluster-id", &id],
    );
    confirmed.until("Continue? [y/N]");
    confirmed.keys(&["y", "Enter"]);
    assert!(confirmed.until("EXIT=").contains("EXIT=0"));
    assert_exit(
        &run(emulator.ehpc(), &["get-cluster", "--cluster-id", &id]),
        4,
    );

    // --yes: no question, even on a terminal.
    let other = creating_cluster(&emulator);
    emulator.control("POST", "/__emulator/clock", r#"{"advance_seconds": 3600}"#);
    let yes = Terminal::start(
        "yes",
        &emulator,
        &["delete-cluster", "--cluster-id", &other, "--yes"],
    );
    let screen = yes.until("EXIT=");
    assert!(
        screen.contains("EXIT=0") && !screen.contains("Continue?"),
        "{screen}"
    );
}
