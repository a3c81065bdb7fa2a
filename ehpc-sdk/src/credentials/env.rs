//! Where providers read environment variables from.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// A source of environment variables: the process's, or a fixed set (for
/// tests, or to configure a client without touching the process).
///
/// Empty values count as unset. `Debug` never shows values.
///
/// ```
/// use ehpc_sdk::credentials::Env;
///
/// let env = Env::from_vars([("ALIBABA_CLOUD_REGION_ID", "cn-hangzhou")]);
/// assert_eq!(env.get("ALIBABA_CLOUD_REGION_ID").as_deref(), Some("cn-hangzhou"));
/// assert_eq!(env.get("HOME"), None);
/// ```
#[derive(Clone)]
pub struct Env {
    lookup: Arc<Lookup>,
}

type Lookup = dyn Fn(&str) -> Option<String> + Send + Sync;

impl Env {
    /// The process environment, read at each lookup.
    pub fn process() -> Self {
        Env::from_fn(|name| std::env::var(name).ok())
    }

    /// A fixed set of variables; nothing else is visible.
    pub fn from_vars<K, V>(vars: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        let vars: HashMap<String, String> = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        Env::from_fn(move |name| vars.get(name).cloned())
    }

    /// Variables from a function.
    pub fn from_fn(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Env {
            lookup: Arc::new(lookup),
        }
    }

    /// The variable's value, `None` when unset or empty.
    pub fn get(&self, name: &str) -> Option<String> {
        (self.lookup)(name).filter(|value| !value.is_empty())
    }

    /// Whether the variable is set to `true` (any case) or `1`.
    pub(crate) fn is_true(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
    }

    /// The user's home directory: `HOME`, else `USERPROFILE`.
    pub(crate) fn home_dir(&self) -> Option<PathBuf> {
        self.get("HOME")
            .or_else(|| self.get("USERPROFILE"))
            .map(PathBuf::from)
    }

    /// `variable` when set, else `default` under the home directory.
    pub(crate) fn file_path(&self, variable: &str, default: &str) -> Option<PathBuf> {
        match self.get(variable) {
            Some(path) => Some(PathBuf::from(path)),
            None => self.home_dir().map(|home| home.join(default)),
        }
    }
}

impl Default for Env {
    fn default() -> Self {
        Env::process()
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Env { .. }")
    }
}
