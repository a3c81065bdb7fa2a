//! `ehpc-emulator`: runs the emulator until interrupted.

use ehpc_emulator::{AccessKey, Emulator, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET};
use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;

const USAGE: &str = "\
Usage: ehpc-emulator [--listen ADDR] [--access-key ID:SECRET[:TOKEN]]... [--specs DIR]
                     [--request-log-capacity N]

A local E-HPC service for tests. Prints the address it listens on, then
serves until interrupted.

  --listen ADDR        address to listen on (default 127.0.0.1:0, a free port)
  --access-key KEY     accept ID:SECRET, or ID:SECRET:TOKEN for temporary
                       credentials that must carry SecurityToken TOKEN;
                       repeatable (default emulator-key:emulator-secret)
  --specs DIR          serve the specs of DIR (service.yaml, operations/*.yaml)
                       instead of those built in
  --request-log-capacity N
                       keep the N most recent requests in the log
                       (default 4096; 0 keeps none)
  -h, --help           this text";

fn main() -> ExitCode {
    let builder = match parse(std::env::args().skip(1)) {
        Ok(Some(builder)) => builder,
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
        println!("listening on {}", emulator.endpoint());
        println!("operations: {}", emulator.operations().join(", "));
        // Scripts wait for the address line; do not leave it buffered.
        let _ = std::io::stdout().flush();
        match tokio::signal::ctrl_c().await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: cannot wait for Ctrl-C: {e}");
                ExitCode::FAILURE
            }
        }
    })
}

/// The builder the arguments describe; `None` for `--help`.
fn parse(
    mut args: impl Iterator<Item = String>,
) -> Result<Option<ehpc_emulator::EmulatorBuilder>, String> {
    let mut builder = Emulator::builder();
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
            "--request-log-capacity" => {
                let text = value("--request-log-capacity")?;
                let capacity: usize = text
                    .parse()
                    .map_err(|_| format!("`{text}` is not a number of requests"))?;
                builder = builder.request_log_capacity(capacity);
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if keys == 0 {
        eprintln!("accepting the default access key {DEFAULT_ACCESS_KEY_ID} (secret {DEFAULT_ACCESS_KEY_SECRET})");
    }
    Ok(Some(builder))
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
