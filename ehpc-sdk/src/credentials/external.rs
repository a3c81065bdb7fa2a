//! Credentials printed by an external command: the CLI's `External` mode.

use super::cache::{CredentialsCache, DEFAULT_REFRESH_WINDOW};
use super::transport::{json_problem, seconds};
use super::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture};
use serde::Deserialize;
use std::fmt;
use std::process::Stdio;
use std::time::{Duration, SystemTime};

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// How long `StsToken` keys without an `expiration` are kept before the
/// command runs again: the shortest lifetime STS issues.
const UNDATED_TOKEN_LIFETIME: Duration = Duration::from_secs(900);

const PROVIDER: &str = "external command";

/// Runs a command (through `sh -c`, or `cmd /C` on Windows) that prints
/// `{"mode": "AK" | "StsToken", "access_key_id": …, "access_key_secret": …,
/// "sts_token": …}` on standard output, optionally with an `expiration`
/// (UTC, `2030-01-01T00:00:00Z`). `AK` keys are kept; `StsToken` keys until
/// their expiration, or 15 minutes when the command gives none, then the
/// command runs again.
///
/// The command's standard error is read and dropped: it is never logged
/// nor put in an error, since such commands may print secrets there. A
/// command that runs longer than the timeout (default 60 s) is killed.
///
/// ```no_run
/// use ehpc_sdk::credentials::ExternalProcessProvider;
/// use std::time::Duration;
///
/// let provider = ExternalProcessProvider::new("vault-aliyun-keys --role hpc")
///     .with_timeout(Duration::from_secs(20));
/// # let _ = provider;
/// ```
pub struct ExternalProcessProvider {
    command: String,
    timeout: Duration,
    cache: CredentialsCache,
}

impl fmt::Debug for ExternalProcessProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The command line may carry a secret argument.
        f.debug_struct("ExternalProcessProvider")
            .field("command", &"** redacted **")
            .field("timeout", &self.timeout)
            .finish()
    }
}

#[derive(Deserialize)]
struct Output {
    mode: String,
    access_key_id: Option<String>,
    access_key_secret: Option<String>,
    sts_token: Option<String>,
    expiration: Option<String>,
}

impl ExternalProcessProvider {
    /// Runs `command` through the shell (the `External` profile mode) and reads credentials from its JSON output.
    pub fn new(command: impl Into<String>) -> Self {
        ExternalProcessProvider {
            command: command.into(),
            timeout: DEFAULT_TIMEOUT,
            cache: CredentialsCache::new(DEFAULT_REFRESH_WINDOW),
        }
    }

    /// Kills the command when it runs longer (default 60 s).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    async fn run(&self) -> Result<Credentials, CredentialsError> {
        let failed = |what: String| CredentialsError::new(PROVIDER, what);
        let mut command = if cfg!(windows) {
            let mut command = tokio::process::Command::new("cmd");
            command.arg("/C");
            command
        } else {
            let mut command = tokio::process::Command::new("sh");
            command.arg("-c");
            command
        };
        let child = command
            .arg(&self.command)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| failed(format!("the command could not be started: {e}")))?;
        let output = tokio::time::timeout(self.timeout, child.wait_with_output())
            .await
            .map_err(|_| {
                failed(format!(
                    "the command did not finish within {} and was killed",
                    seconds(self.timeout)
                ))
            })?
            .map_err(|e| failed(format!("the command's output could not be read: {e}")))?;
        if !output.status.success() {
            return Err(failed(format!(
                "the command failed ({}; its standard error is not shown)",
                output.status
            )));
        }
        parse_output(&output.stdout)
    }
}

fn parse_output(stdout: &[u8]) -> Result<Credentials, CredentialsError> {
    let invalid = |what: String| CredentialsError::invalid(PROVIDER, what);
    let output: Output = serde_json::from_slice(stdout)
        .map_err(|e| invalid(format!("the command's output {}", json_problem(&e))))?;
    let need = |field: &str, value: Option<String>| {
        value
            .filter(|v| !v.is_empty())
            .ok_or_else(|| invalid(format!("the command's output lacks `{field}`")))
    };
    let keys = Credentials::new(
        need("access_key_id", output.access_key_id)?,
        need("access_key_secret", output.access_key_secret)?,
    );
    match output.mode.as_str() {
        "AK" => Ok(keys),
        "StsToken" => {
            let expiration = match output.expiration.filter(|e| !e.is_empty()) {
                Some(text) => crate::signing::parse_timestamp(&text).ok_or_else(|| {
                    invalid("the command's `expiration` is not a UTC time".into())
                })?,
                None => SystemTime::now() + UNDATED_TOKEN_LIFETIME,
            };
            Ok(keys
                .with_security_token(need("sts_token", output.sts_token)?)
                .with_expiration(expiration))
        }
        _ => Err(invalid(
            "the command's output has a `mode` other than AK or StsToken".into(),
        )),
    }
}

impl ProvideCredentials for ExternalProcessProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.cache.get_or_refresh(|| Box::pin(self.run())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_modes_parse_and_problems_quote_nothing() {
        let ak =
            parse_output(br#"{"mode":"AK","access_key_id":"i","access_key_secret":"s"}"#).unwrap();
        assert_eq!(ak.expiration(), None);
        let sts = parse_output(
            br#"{"mode":"StsToken","access_key_id":"i","access_key_secret":"s","sts_token":"t"}"#,
        )
        .unwrap();
        assert!(sts.expiration().is_some());
        let bad = parse_output(
            br#"{"mode":"hidden-secret","access_key_id":"i","access_key_secret":"s"}"#,
        )
        .unwrap_err();
        assert!(!bad.to_string().contains("hidden-secret"), "{bad}");
        let bad = parse_output(b"hidden-secret").unwrap_err();
        assert!(!bad.to_string().contains("hidden-secret"), "{bad}");
    }
}
