//! `ehpc-emulator`: runs the emulator until interrupted.

use ehpc_emulator::{AccessKey, Emulator, Qps, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET};
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
Usage: ehpc-emulator [--listen ADDR] [--access-key ID:SECRET[:TOKEN]]... [--specs DIR]
                     [--oidc-issuer URL]... [--request-log-capacity N]
                     [--qps ACTION=RATE[:BURST]]... [--api-qps ACTION=RATE[:BURST]]...
                     [--state FILE] [--examples-only]

A local E-HPC for tests. It serves every operation of E-HPC 2018-04-12 and
2024-07-30 and of E-HPC Instant 2023-07-01 over the RPC protocol (signature
1.0 and V3, checked as the service checks them), keeps clusters, nodes,
queues, users and jobs, and Instant's jobs, executors, pools and images, on
a clock of its own, and answers the other operations from their specs. It
prints `listening on <URL>` and the operations it serves, then serves until
interrupted. Tests steer it over HTTP under /__emulator/ (clock, settings,
faults, state, request log): see emulator/README.md.

Exit status: 0 after an interrupt, 2 for a bad option, 1 when it cannot
start (address taken, specs or state file unreadable).

  --listen ADDR        address to listen on (default 127.0.0.1:0, a free port)
  --access-key KEY     accept ID:SECRET, or ID:SECRET:TOKEN for temporary
                       credentials that must carry SecurityToken TOKEN;
                       repeatable (default emulator-key:emulator-secret)
  --specs DIR          serve the specs of DIR (service.yaml, operations/*.yaml)
                       instead of those built in
  --oidc-issuer URL    let STS AssumeRoleWithOIDC accept RRSA tokens whose
                       `iss` is URL; repeatable, each adds an issuer
                       (default https://oidc-ack.emulator.invalid/clusters/emulator)
  --request-log-capacity N
                       keep the N most recent requests in the log
                       (default 4096; 0 keeps none)
  --qps ACTION=RATE[:BURST]
                       let each account, in each region, call ACTION RATE
                       times a second, BURST at once (default: one second's
                       worth); over it: Throttling.User; repeatable
  --api-qps ACTION=RATE[:BURST]
                       the same across all accounts together; over it:
                       Throttling.Api; repeatable
  --state FILE         start from the resources in FILE (JSON, as
                       GET /__emulator/state gives), if it exists, and
                       write them back to it on shutdown
  --examples-only      answer every operation from its spec's examples,
                       without the resource model
  -h, --help           this text";

fn main() -> ExitCode {
    let (builder, state_file) = match parse(std::env::args().skip(1)) {
        Ok(Some(parsed)) => parsed,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let emulator = match builder.start().await {
            Ok(emulator) => emulator,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        };
        if let Some(path) = &state_file {
            if let Err(message) = load_state(&emulator, path) {
                eprintln!("error: {message}");
                return ExitCode::FAILURE;
            }
        }
        // Listen for Ctrl-C before telling anyone the address, so an
        // interrupt sent as soon as it is printed still saves the state.
        let interrupted = tokio::signal::ctrl_c();
        tokio::pin!(interrupted);
        let early = tokio::select! {
            biased;
            result = &mut interrupted => Some(result),
            () = std::future::ready(()) => None,
        };
        // A reader that went away must not stop the emulator.
        let mut stdout = std::io::stdout();
        let _ = writeln!(stdout, "listening on {}", emulator.endpoint());
        let _ = writeln!(stdout, "operations: {}", emulator.operations().join(", "));
        // Scripts wait for the address line; do not leave it buffered.
        let _ = stdout.flush();
        let waited = match early {
            Some(result) => result,
            None => interrupted.await,
        };
        emulator.shutdown();
        if let Some(path) = &state_file {
            if let Err(message) = save_state(&emulator, path) {
                eprintln!("error: {message}");
                return ExitCode::FAILURE;
            }
        }
        match waited {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: cannot wait for Ctrl-C: {e}");
                ExitCode::FAILURE
            }
        }
    })
}

/// The state file's resources, when it exists; a file that is not a state
/// is refused and left as it is.
fn load_state(emulator: &Emulator, path: &Path) -> Result<(), String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(format!(
                "cannot read the state file {}: {e}",
                path.display()
            ))
        }
    };
    emulator.load_state(&text).map_err(|e| {
        format!(
            "{}:{}:{}: {e}; the file is left as it is",
            path.display(),
            e.line,
            e.column
        )
    })
}

/// Writes the state next to `path`, then renames it over, so a failed
/// write never leaves half a file.
fn save_state(emulator: &Emulator, path: &Path) -> Result<(), String> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    std::fs::write(&partial, emulator.dump_state())
        .and_then(|()| std::fs::rename(&partial, path))
        .map_err(|e| format!("cannot write the state file {}: {e}", path.display()))
}

/// The builder the arguments describe and the state file; `None` for
/// `--help`.
fn parse(
    mut args: impl Iterator<Item = String>,
) -> Result<Option<(ehpc_emulator::EmulatorBuilder, Option<PathBuf>)>, String> {
    let mut builder = Emulator::builder();
    let mut state_file = None;
    let mut keys = 0;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--listen" => {
                let text = value("--listen")?;
                let addr: SocketAddr = text
                    .parse()
                    .map_err(|_| format!("`{text}` is not an address such as 127.0.0.1:8080"))?;
                builder = builder.listen(addr);
            }
            "--access-key" => {
                builder = builder.access_key(access_key(&value("--access-key")?)?);
                keys += 1;
            }
            "--specs" => builder = builder.specs_dir(value("--specs")?),
            "--oidc-issuer" => builder = builder.add_oidc_issuer(value("--oidc-issuer")?),
            "--request-log-capacity" => {
                let text = value("--request-log-capacity")?;
                let capacity: usize = text
                    .parse()
                    .map_err(|_| format!("`{text}` is not a number of requests"))?;
                builder = builder.request_log_capacity(capacity);
            }
            "--qps" => {
                let (action, limit) =
                    Qps::parse_for_action(&value("--qps")?).map_err(|e| format!("--qps: {e}"))?;
                builder = builder.qps(action, limit);
            }
            "--api-qps" => {
                let (action, limit) = Qps::parse_for_action(&value("--api-qps")?)
                    .map_err(|e| format!("--api-qps: {e}"))?;
                builder = builder.api_qps(action, limit);
            }
            "--state" => state_file = Some(PathBuf::from(value("--state")?)),
            "--examples-only" => builder = builder.examples_only(),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if keys == 0 {
        eprintln!("accepting the default access key {DEFAULT_ACCESS_KEY_ID} (secret {DEFAULT_ACCESS_KEY_SECRET})");
    }
    Ok(Some((builder, state_file)))
}

fn access_key(text: &str) -> Result<AccessKey, String> {
    let mut parts = text.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(id), Some(secret), token) if !id.is_empty() && !secret.is_empty() => {
            let key = AccessKey::new(id, secret);
            Ok(match token {
                Some(token) if !token.is_empty() => key.with_security_token(token),
                Some(_) => return Err("the security token after the second `:` is empty".into()),
                None => key,
            })
        }
        _ => Err("--access-key takes ID:SECRET or ID:SECRET:TOKEN".into()),
    }
}
