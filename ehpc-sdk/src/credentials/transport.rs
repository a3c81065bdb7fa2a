//! Fetching credentials over HTTP, and saying what went wrong in terms a
//! person can act on: refused, timed out (after how long), unreachable.

use super::CredentialsError;
use std::error::Error as _;
use std::time::Duration;

/// Builds the HTTP client a provider fetches credentials with; a failure is
/// kept and reported when credentials are asked for. Redirects are never
/// followed: a credentials endpoint does not move.
pub(crate) fn http_client(
    timeout: Duration,
    provider: &'static str,
) -> Result<reqwest::Client, CredentialsError> {
    reqwest::Client::builder()
        .connect_timeout(timeout)
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!(
            env!("CARGO_PKG_NAME"),
            "/",
            env!("CARGO_PKG_VERSION")
        ))
        .build()
        .map_err(|e| CredentialsError::new(provider, format!("no HTTP client: {e}")))
}

/// Why a request did not get an answer, without the URL (it may carry
/// parameters).
pub(crate) fn describe(error: &reqwest::Error, timeout: Duration) -> String {
    if error.is_timeout() {
        return format!("timed out after {}", seconds(timeout));
    }
    let mut source = error.source();
    let mut innermost = None;
    while let Some(cause) = source {
        innermost = Some(cause.to_string());
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind;
            match io.kind() {
                ErrorKind::ConnectionRefused => return "the connection was refused".into(),
                ErrorKind::NetworkUnreachable | ErrorKind::HostUnreachable => {
                    return "the network is unreachable".into()
                }
                ErrorKind::TimedOut => {
                    return format!("timed out after {}", seconds(timeout));
                }
                ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted => {
                    return "the connection was closed without an answer".into()
                }
                _ => {}
            }
        }
        source = cause.source();
    }
    let innermost = innermost.unwrap_or_default();
    if innermost.contains("connection closed before message completed") {
        return "the connection was closed without an answer".into();
    }
    let text = error.without_url_ref();
    let text = if innermost.is_empty() || text.contains(&innermost) {
        text
    } else {
        format!("{text}: {innermost}")
    };
    if error.is_connect() {
        return format!("could not connect: {text}");
    }
    text
}

/// A duration as people write it: `1 s`, `1.5 s`, `250 ms`.
pub(crate) fn seconds(duration: Duration) -> String {
    if duration < Duration::from_secs(1) {
        format!("{} ms", duration.as_millis())
    } else if duration.subsec_millis() == 0 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{:.1} s", duration.as_secs_f64())
    }
}

/// Where JSON from a file or a service is wrong, without quoting any of
/// its values (they may be secrets).
pub(crate) fn json_problem(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match error.classify() {
        Category::Io => "could not be read",
        Category::Syntax => "is not valid JSON",
        Category::Data => "does not have the expected fields and types",
        Category::Eof => "ends too early",
    };
    format!("{what} (line {}, column {})", error.line(), error.column())
}

trait WithoutUrl {
    fn without_url_ref(&self) -> String;
}

impl WithoutUrl for reqwest::Error {
    fn without_url_ref(&self) -> String {
        let mut text = self.to_string();
        if let Some(url) = self.url() {
            text = text.replace(url.as_str(), "");
        }
        text.replace(" for url ()", "")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(seconds(Duration::from_secs(1)), "1 s");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(seconds(Duration::from_millis(250)), "250 ms");
    }

    #[test]
    fn json_problems_do_not_quote_values() {
        let error =
            serde_json::from_str::<u64>("\"hidden-secret\"").expect_err("a string is no number");
        let text = json_problem(&error);
        assert!(!text.contains("hidden-secret"), "{text}");
        assert!(text.contains("line 1"), "{text}");
    }
}
