//! The default credentials chain, one row per setup: environment, each
//! mode of the CLI's `config.json`, each type of the INI file, the
//! metadata service, the credentials URI, precedence, broken and
//! unsupported sources, timeouts. Each row runs against a temporary home
//! and the emulator (STS, metadata service, credentials URI; its faults and
//! logs reset between rows), never the network, and asserts the
//! credentials found (and which service issued them) or the error.

mod runtime_support;

use ehpc_emulator::{
    Emulator, EndpointFault, Fault, Times, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET,
    ECS_ROLE_NAME,
};
use ehpc_sdk::credentials::{DefaultChain, Env, ProvideCredentials};
use runtime_support::{calls_of, TempDir};
use serde_json::{json, Value};
use std::time::Duration;

const ROLE_ARN: &str = "acs:ram::1234567890123456:role/hpc-operator";
const OIDC_PROVIDER_ARN: &str = "acs:ram::1234567890123456:oidc-provider/ack-rrsa-c1";
const TOKEN_FILE: &str = "tokens/oidc-token";

/// What a row expects.
enum Expect {
    /// Long-term or fixed keys: this id, and this token when given.
    Keys(&'static str, Option<&'static str>),
    /// Temporary keys from this STS action, called this many times, the
    /// last call carrying these parameters.
    Sts(&'static str, usize, &'static [(&'static str, &'static str)]),
    /// Temporary keys from the metadata service, with or without its
    /// session token.
    Metadata { with_token: bool },
    /// Temporary keys from the credentials URI.
    Uri,
    /// No credentials; the error says all of these.
    Error(&'static [&'static str]),
}

struct Row {
    name: &'static str,
    /// Files under the home directory.
    files: Vec<(&'static str, String)>,
    vars: Vec<(&'static str, String)>,
    setup: fn(&Emulator),
    expect: Expect,
}

/// What rows are built from: the emulator's addresses and the home.
struct Ctx {
    endpoint: String,
    home: String,
    token: String,
    uri: String,
    closed: String,
}

fn no_setup(_: &Emulator) {}

fn row(name: &'static str, expect: Expect) -> Row {
    Row {
        name,
        files: Vec::new(),
        vars: Vec::new(),
        setup: no_setup,
        expect,
    }
}

impl Row {
    fn file(mut self, path: &'static str, content: impl Into<String>) -> Row {
        self.files.push((path, content.into()));
        self
    }

    fn var(mut self, name: &'static str, value: impl Into<String>) -> Row {
        self.vars.push((name, value.into()));
        self
    }

    fn no_metadata(self) -> Row {
        self.var("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
    }

    fn setup(mut self, setup: fn(&Emulator)) -> Row {
        self.setup = setup;
        self
    }
}

fn config(current: &str, profiles: Value) -> String {
    json!({"current": current, "profiles": profiles}).to_string()
}

fn ak_profile(name: &str, id: &str) -> Value {
    json!({"name": name, "mode": "AK", "access_key_id": id, "access_key_secret": "s-".to_string() + id})
}

/// A profile or section holding the emulator's own key, which STS accepts.
fn emulator_keys(mut profile: Value) -> Value {
    profile["access_key_id"] = DEFAULT_ACCESS_KEY_ID.into();
    profile["access_key_secret"] = DEFAULT_ACCESS_KEY_SECRET.into();
    profile
}

fn ini_keys() -> String {
    format!("access_key_id = {DEFAULT_ACCESS_KEY_ID}\naccess_key_secret = {DEFAULT_ACCESS_KEY_SECRET}\n")
}

fn rrsa(row: Row, c: &Ctx) -> Row {
    row.var("ALIBABA_CLOUD_ROLE_ARN", ROLE_ARN)
        .var("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", OIDC_PROVIDER_ARN)
        .var(
            "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
            format!("{}/{TOKEN_FILE}", c.home),
        )
}

fn external(command: &str) -> Value {
    json!({"name": "ext", "mode": "External", "process_command": command})
}

const INI_AK: &str =
    "[default]\ntype = access_key\naccess_key_id = LTAI-ini\naccess_key_secret = ini-secret\n";

fn rows(c: &Ctx) -> Vec<Row> {
    let with_token = format!("{}/{TOKEN_FILE}", c.home);
    vec![
        // Environment.
        row("env keys", Expect::Keys("LTAI-env", None))
            .var("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI-env")
            .var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret"),
        row("env keys with token", Expect::Keys("STS.env", Some("env-token")))
            .var("ALIBABA_CLOUD_ACCESS_KEY_ID", "STS.env")
            .var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret")
            .var("ALIBABA_CLOUD_SECURITY_TOKEN", "env-token"),
        row("env beats every file", Expect::Keys("LTAI-env", None))
            .var("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI-env")
            .var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret")
            .file(".aliyun/config.json", config("a", json!([ak_profile("a", "LTAI-cli")])))
            .file(".alibabacloud/credentials", INI_AK),
        row("half-set env is passed over", Expect::Keys("LTAI-cli", None))
            .var("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI-env")
            .file(".aliyun/config.json", config("a", json!([ak_profile("a", "LTAI-cli")]))),
        // OIDC role (RRSA).
        rrsa(row("RRSA pod", Expect::Sts("AssumeRoleWithOIDC", 1, &[("RoleArn", ROLE_ARN), ("OIDCProviderArn", OIDC_PROVIDER_ARN)])), c)
            .file(TOKEN_FILE, c.token.clone()),
        rrsa(row("RRSA session name from the environment", Expect::Sts("AssumeRoleWithOIDC", 1, &[("RoleSessionName", "pod-session")])), c)
            .file(TOKEN_FILE, c.token.clone())
            .var("ALIBABA_CLOUD_ROLE_SESSION_NAME", "pod-session"),
        rrsa(row("RRSA beats the node's instance role", Expect::Sts("AssumeRoleWithOIDC", 1, &[])), c)
            .file(TOKEN_FILE, c.token.clone())
            .file(".alibabacloud/credentials", "[default]\ntype = ecs_ram_role\n"),
        rrsa(row("env beats RRSA", Expect::Keys("LTAI-env", None)), c)
            .file(TOKEN_FILE, c.token.clone())
            .var("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI-env")
            .var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret"),
        rrsa(row("RRSA without its token file is passed over", Expect::Keys("LTAI-cli", None)), c)
            .file(".aliyun/config.json", config("a", json!([ak_profile("a", "LTAI-cli")]))),
        rrsa(row("RRSA token of another issuer", Expect::Error(&["OIDC role", "AuthenticationFail.OIDCToken.IssuerInvalid", "HTTP 400"])), c)
            .file(TOKEN_FILE, Emulator::oidc_token_from("https://elsewhere.invalid", "pod", Duration::from_secs(600)))
            .no_metadata(),
        rrsa(row("RRSA with an expired token", Expect::Error(&["AuthenticationFail.OIDCToken.Expired"])), c)
            .file(TOKEN_FILE, Emulator::oidc_token_from(ehpc_emulator::DEFAULT_OIDC_ISSUER, "pod", Duration::ZERO))
            .no_metadata(),
        // CLI profile, each mode.
        row("CLI AK, the current profile", Expect::Keys("LTAI-b", None))
            .file(".aliyun/config.json", config("b", json!([ak_profile("a", "LTAI-a"), ak_profile("b", "LTAI-b")]))),
        row("CLI profile named by ALIBABA_CLOUD_PROFILE", Expect::Keys("LTAI-a", None))
            .file(".aliyun/config.json", config("b", json!([ak_profile("a", "LTAI-a"), ak_profile("b", "LTAI-b")])))
            .var("ALIBABA_CLOUD_PROFILE", "a"),
        row("CLI StsToken", Expect::Keys("STS.cli", Some("cli-token")))
            .file(".aliyun/config.json", config("t", json!([{"name": "t", "mode": "StsToken", "access_key_id": "STS.cli", "access_key_secret": "s", "sts_token": "cli-token"}]))),
        row("CLI RamRoleArn with external id and policy", Expect::Sts("AssumeRole", 1, &[("RoleArn", ROLE_ARN), ("RoleSessionName", "ops"), ("ExternalId", "ext-1"), ("Policy", "{\"Version\":\"1\"}"), ("DurationSeconds", "1200")]))
            .file(".aliyun/config.json", config("r", json!([emulator_keys(json!({"name": "r", "mode": "RamRoleArn", "ram_role_arn": ROLE_ARN, "ram_session_name": "ops", "external_id": "ext-1", "policy": "{\"Version\":\"1\"}", "expired_seconds": 1200}))]))),
        row("CLI EcsRamRole", Expect::Metadata { with_token: true })
            .file(".aliyun/config.json", config("e", json!([{"name": "e", "mode": "EcsRamRole", "ram_role_name": ECS_ROLE_NAME}]))),
        row("CLI OIDC", Expect::Sts("AssumeRoleWithOIDC", 1, &[("RoleSessionName", "cli-oidc")]))
            .file(TOKEN_FILE, c.token.clone())
            .file(".aliyun/config.json", config("o", json!([{"name": "o", "mode": "OIDC", "ram_role_arn": ROLE_ARN, "oidc_provider_arn": OIDC_PROVIDER_ARN, "oidc_token_file": with_token, "ram_session_name": "cli-oidc"}]))),
        row("CLI ChainableRamRoleArn", Expect::Sts("AssumeRole", 1, &[("RoleSessionName", "chained")]))
            .file(".aliyun/config.json", config("c", json!([
                {"name": "c", "mode": "ChainableRamRoleArn", "source_profile": "base", "ram_role_arn": ROLE_ARN, "ram_session_name": "chained"},
                emulator_keys(json!({"name": "base", "mode": "AK"})),
            ]))),
        row("CLI ChainableRamRoleArn through two roles", Expect::Sts("AssumeRole", 2, &[("RoleSessionName", "outer")]))
            .file(".aliyun/config.json", config("outer", json!([
                {"name": "outer", "mode": "ChainableRamRoleArn", "source_profile": "inner", "ram_role_arn": ROLE_ARN, "ram_session_name": "outer"},
                emulator_keys(json!({"name": "inner", "mode": "RamRoleArn", "ram_role_arn": ROLE_ARN, "ram_session_name": "inner"})),
            ]))),
        row("CLI ChainableRamRoleArn loop", Expect::Error(&["loops: a -> b -> a"]))
            .file(".aliyun/config.json", config("a", json!([
                {"name": "a", "mode": "ChainableRamRoleArn", "source_profile": "b", "ram_role_arn": ROLE_ARN},
                {"name": "b", "mode": "ChainableRamRoleArn", "source_profile": "a", "ram_role_arn": ROLE_ARN},
            ])))
            .no_metadata(),
        row("CLI External printing AK", Expect::Keys("LTAI-ext", None))
            .file(".aliyun/config.json", config("ext", json!([external(r#"printf '%s' '{"mode":"AK","access_key_id":"LTAI-ext","access_key_secret":"s"}'"#)]))),
        row("CLI External printing StsToken", Expect::Keys("STS.ext", Some("ext-token")))
            .file(".aliyun/config.json", config("ext", json!([external(r#"printf '%s' '{"mode":"StsToken","access_key_id":"STS.ext","access_key_secret":"s","sts_token":"ext-token"}'"#)]))),
        row("CLI External failing keeps its stderr out", Expect::Error(&["external command", "exit status: 3", "standard error is not shown"]))
            .file(".aliyun/config.json", config("ext", json!([external("echo stderr-secret-value >&2; exit 3")])))
            .no_metadata(),
        row("CLI CloudSSO needs the CLI, the chain goes on", Expect::Keys("LTAI-ini", None))
            .file(".aliyun/config.json", config("sso", json!([{"name": "sso", "mode": "CloudSSO"}])))
            .file(".alibabacloud/credentials", INI_AK),
        row("CLI OAuth alone", Expect::Error(&["mode OAuth", "needs `aliyun configure`"]))
            .file(".aliyun/config.json", config("o", json!([{"name": "o", "mode": "OAuth"}])))
            .no_metadata(),
        row("CLI unknown mode is passed over", Expect::Keys("LTAI-ini", None))
            .file(".aliyun/config.json", config("x", json!([{"name": "x", "mode": "Kerberos"}])))
            .file(".alibabacloud/credentials", INI_AK),
        row("ALIBABA_CLOUD_PROFILE names an INI section only", Expect::Keys("LTAI-ops", None))
            .file(".aliyun/config.json", config("a", json!([ak_profile("a", "LTAI-cli")])))
            .file(".alibabacloud/credentials", "[ops]\ntype = access_key\naccess_key_id = LTAI-ops\naccess_key_secret = s\n")
            .var("ALIBABA_CLOUD_PROFILE", "ops"),
        row("CLI profile disabled", Expect::Keys("LTAI-ini", None))
            .file(".aliyun/config.json", config("a", json!([ak_profile("a", "LTAI-cli")])))
            .file(".alibabacloud/credentials", INI_AK)
            .var("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true"),
        row("malformed config.json is passed over", Expect::Keys("LTAI-ini", None))
            .file(".aliyun/config.json", "{\"profiles\": [")
            .file(".alibabacloud/credentials", INI_AK),
        row("CLI beats INI", Expect::Keys("LTAI-cli", None))
            .file(".aliyun/config.json", config("a", json!([ak_profile("a", "LTAI-cli")])))
            .file(".alibabacloud/credentials", INI_AK),
        // INI file, each type and convention.
        row("INI access_key with inline comments", Expect::Keys("LTAI-ini", None))
            .file(".alibabacloud/credentials", "[default]\ntype = access_key ; keys\naccess_key_id = LTAI-ini # my key\naccess_key_secret = ini-secret\n"),
        row("INI colon separators and quotes", Expect::Keys("LTAI-quoted", None))
            .file(".alibabacloud/credentials", "[default]\ntype: access_key\naccess_key_id: \"LTAI-quoted\"\naccess_key_secret = 'quoted secret'\n"),
        row("INI ecs_ram_role", Expect::Metadata { with_token: true })
            .file(".alibabacloud/credentials", format!("[default]\ntype = ecs_ram_role\nrole_name = {ECS_ROLE_NAME}\n")),
        row("INI ram_role_arn", Expect::Sts("AssumeRole", 1, &[("RoleSessionName", "ini-session"), ("Policy", "{}")]))
            .file(".alibabacloud/credentials", format!("[default]\ntype = ram_role_arn\n{}role_arn = {ROLE_ARN}\nrole_session_name = ini-session\npolicy = {{}}\n", ini_keys())),
        row("INI oidc_role_arn", Expect::Sts("AssumeRoleWithOIDC", 1, &[("RoleSessionName", "ini-oidc")]))
            .file(TOKEN_FILE, c.token.clone())
            .file(".alibabacloud/credentials", format!("[default]\ntype = oidc_role_arn\nrole_arn = {ROLE_ARN}\noidc_provider_arn = {OIDC_PROVIDER_ARN}\noidc_token_file_path = {with_token}\nrole_session_name = ini-oidc\n")),
        row("INI under the Python name", Expect::Keys("LTAI-py", None))
            .file(".alibabacloud/credentials.ini", "[default]\ntype = access_key\naccess_key_id = LTAI-py\naccess_key_secret = s\n"),
        row("INI credentials beats credentials.ini", Expect::Keys("LTAI-ini", None))
            .file(".alibabacloud/credentials.ini", "[default]\ntype = access_key\naccess_key_id = LTAI-py\naccess_key_secret = s\n")
            .file(".alibabacloud/credentials", INI_AK),
        row("INI at ALIBABA_CLOUD_CREDENTIALS_FILE", Expect::Keys("LTAI-elsewhere", None))
            .file("elsewhere/creds", "[default]\ntype = access_key\naccess_key_id = LTAI-elsewhere\naccess_key_secret = s\n")
            .var("ALIBABA_CLOUD_CREDENTIALS_FILE", format!("{}/elsewhere/creds", c.home)),
        row("INI unknown type is passed over for the instance role", Expect::Metadata { with_token: true })
            .file(".alibabacloud/credentials", "[default]\ntype = rsa_key_pair\n"),
        row("INI broken line, alone", Expect::Error(&["credentials file", ":2:", "expected `key = value`"]))
            .file(".alibabacloud/credentials", "[default]\nhidden-secret-line\n")
            .no_metadata(),
        row("INI beats the instance role", Expect::Keys("LTAI-ini", None))
            .file(".alibabacloud/credentials", INI_AK),
        // Metadata service.
        row("instance role", Expect::Metadata { with_token: true }),
        row("instance role, token refused: the token-less flow", Expect::Metadata { with_token: false })
            .setup(|e| e.set_metadata_fault(Some(EndpointFault::RefuseToken))),
        row("token refused and token-less flow disabled", Expect::Error(&["ECS RAM role", "was answered HTTP 403", "ALIBABA_CLOUD_IMDSV1_DISABLED"]))
            .setup(|e| e.set_metadata_fault(Some(EndpointFault::RefuseToken)))
            .var("ALIBABA_CLOUD_IMDSV1_DISABLED", "true"),
        row("metadata service failing", Expect::Error(&["ECS RAM role", "answered HTTP 500"]))
            .setup(|e| e.set_metadata_fault(Some(EndpointFault::Status(500)))),
        row("metadata service refusing connections", Expect::Error(&["ECS RAM role", "the connection was refused"]))
            .var("ALIBABA_CLOUD_IMDS_ENDPOINT", c.closed.clone()),
        row("metadata service not answering", Expect::Error(&["ECS RAM role", "timed out after 1 s"]))
            .setup(|e| e.set_metadata_fault(Some(EndpointFault::Delay { millis: 3000 }))),
        row("metadata beats the credentials URI", Expect::Metadata { with_token: true })
            .var("ALIBABA_CLOUD_CREDENTIALS_URI", c.uri.clone()),
        // Credentials URI.
        row("credentials URI", Expect::Uri)
            .var("ALIBABA_CLOUD_CREDENTIALS_URI", c.uri.clone())
            .no_metadata(),
        row("credentials URI failing", Expect::Error(&["credentials URI", "answered HTTP 503"]))
            .var("ALIBABA_CLOUD_CREDENTIALS_URI", c.uri.clone())
            .setup(|e| e.set_credentials_uri_fault(Some(EndpointFault::Status(503))))
            .no_metadata(),
        // STS refusals.
        row("STS refusing AssumeRole", Expect::Error(&["AssumeRole", "NoPermission", "HTTP 403"]))
            .file(".aliyun/config.json", config("r", json!([emulator_keys(json!({"name": "r", "mode": "RamRoleArn", "ram_role_arn": ROLE_ARN}))])))
            .setup(|e| e.inject("AssumeRole", Fault::error(403, "NoPermission", "You are not authorized to do this action."), Times::Always).unwrap())
            .no_metadata(),
        // Nothing at all.
        row("nothing anywhere", Expect::Error(&[
            "environment: ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET are not set",
            "OIDC role: ALIBABA_CLOUD_ROLE_ARN",
            ".aliyun/config.json does not exist",
            "credentials.ini exists",
            "ECS RAM role: disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED=true",
            "credentials URI: ALIBABA_CLOUD_CREDENTIALS_URI is not set",
        ]))
        .no_metadata(),
    ]
}

/// A loopback address where nothing listens.
fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

/// Runs row `index` against `emulator`, whose faults and request log it
/// clears first; what went wrong, or `None`.
async fn run(emulator: &Emulator, index: usize) -> (String, Option<String>) {
    emulator.clear_faults();
    emulator.clear_requests();
    emulator.set_metadata_fault(None);
    emulator.set_credentials_uri_fault(None);
    let home = TempDir::new("scenario");
    let ctx = Ctx {
        endpoint: emulator.endpoint(),
        home: home.path().display().to_string(),
        token: emulator.oidc_token("system:serviceaccount:hpc:scheduler"),
        uri: emulator.credentials_uri(),
        closed: closed_port(),
    };
    let row = rows(&ctx).swap_remove(index);
    for (path, content) in &row.files {
        home.write(path, content);
    }
    (row.setup)(emulator);
    let mut vars: Vec<(String, String)> = vec![
        ("HOME".into(), ctx.home.clone()),
        ("ALIBABA_CLOUD_STS_ENDPOINT".into(), ctx.endpoint.clone()),
        ("ALIBABA_CLOUD_IMDS_ENDPOINT".into(), ctx.endpoint.clone()),
    ];
    // A row's own value replaces the default.
    for (name, value) in &row.vars {
        vars.retain(|(n, _)| n != name);
        vars.push((name.to_string(), value.clone()));
    }
    let seen = Seen {
        metadata: emulator.metadata_requests().len(),
        uri: emulator.credentials_uri_requests(),
    };
    let result = DefaultChain::new(Env::from_vars(vars))
        .provide_credentials()
        .await;
    let problem = check(emulator, &seen, &row.expect, result);
    (row.name.to_string(), problem)
}

/// What the metadata service and the credentials URI had received before
/// a row ran.
struct Seen {
    metadata: usize,
    uri: usize,
}

fn check(
    emulator: &Emulator,
    seen: &Seen,
    expect: &Expect,
    result: Result<ehpc_sdk::Credentials, ehpc_sdk::CredentialsError>,
) -> Option<String> {
    let keys = match (expect, result) {
        (Expect::Error(parts), Err(error)) => {
            let text = error.to_string();
            let missing: Vec<&&str> = parts.iter().filter(|p| !text.contains(**p)).collect();
            if text.contains("hidden-secret") || text.contains("stderr-secret") {
                return Some(format!("the error quotes a secret: {text}"));
            }
            return (!missing.is_empty()).then(|| format!("error lacks {missing:?}: {text}"));
        }
        (Expect::Error(_), Ok(keys)) => return Some(format!("expected an error, got {keys:?}")),
        (_, Err(error)) => return Some(format!("expected credentials, got: {error}")),
        (_, Ok(keys)) => keys,
    };
    let metadata = emulator.metadata_requests().split_off(seen.metadata);
    let uri_requests = emulator.credentials_uri_requests() - seen.uri;
    match expect {
        Expect::Keys(id, token) => {
            if keys.access_key_id() != *id || keys.security_token() != *token {
                return Some(format!("expected {id} / {token:?}, got {keys:?}"));
            }
        }
        Expect::Sts(action, count, params) => {
            let calls = calls_of(emulator, action);
            if calls.len() != *count || !keys.access_key_id().starts_with("STS.") {
                return Some(format!(
                    "expected {count} {action}, got {} ({keys:?})",
                    calls.len()
                ));
            }
            let last = calls.last().unwrap();
            if last.status != Some(200) {
                return Some(format!("{action} answered {:?}", last.status));
            }
            for (name, value) in *params {
                if last.param(name) != Some(value) {
                    return Some(format!(
                        "{action} carried {name}={:?}, expected {value}",
                        last.param(name)
                    ));
                }
            }
            if *action == "AssumeRoleWithOIDC" && last.param("Signature").is_some() {
                return Some("AssumeRoleWithOIDC was signed".into());
            }
        }
        Expect::Metadata { with_token } => {
            let keys_read = metadata
                .iter()
                .filter(|r| r.path.ends_with(ECS_ROLE_NAME) && r.status == 200)
                .all(|r| r.with_token == *with_token);
            if metadata.is_empty() || !keys_read || !keys.access_key_id().starts_with("STS.") {
                return Some(format!(
                    "expected metadata keys (token {with_token}): {metadata:?}"
                ));
            }
        }
        Expect::Uri => {
            if uri_requests != 1 || !keys.access_key_id().starts_with("STS.") {
                return Some(format!(
                    "expected one credentials-URI request, got {uri_requests}"
                ));
            }
        }
        Expect::Error(_) => unreachable!(),
    }
    None
}

// Rows run one after another against one emulator: each row's request
// counts are its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_setup_finds_what_the_official_chain_finds() {
    let count = rows(&Ctx {
        endpoint: String::new(),
        home: String::new(),
        token: String::new(),
        uri: String::new(),
        closed: String::new(),
    })
    .len();
    let emulator = Emulator::start().await.unwrap();
    let mut failures = Vec::new();
    for index in 0..count {
        let (name, problem) = run(&emulator, index).await;
        if let Some(problem) = problem {
            failures.push(format!("{name}: {problem}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A CloudSSO portal on loopback: answers `POST /cloud-credentials` when
/// the bearer token and the body are right, 401 otherwise; counts requests.
async fn sso_portal() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/device/login", listener.local_addr().unwrap());
    let requests = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = std::sync::Arc::clone(&requests);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let counter = std::sync::Arc::clone(&counter);
            tokio::spawn(async move {
                let mut received = Vec::new();
                let mut buffer = [0u8; 4096];
                let (head, body) = loop {
                    let read = stream.read(&mut buffer).await.unwrap_or(0);
                    if read == 0 {
                        return;
                    }
                    received.extend_from_slice(&buffer[..read]);
                    let text = String::from_utf8_lossy(&received).to_string();
                    if let Some((head, body)) = text.split_once("\r\n\r\n") {
                        let length = head
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if body.len() >= length {
                            break (head.to_string(), body.to_string());
                        }
                    }
                };
                counter.fetch_add(1, Ordering::SeqCst);
                let authorized = head.starts_with("POST /cloud-credentials ")
                    && head
                        .lines()
                        .any(|l| l.eq_ignore_ascii_case("authorization: Bearer sso-access-token"))
                    && body.contains("\"AccountId\":\"1234567890123456\"")
                    && body.contains("\"AccessConfigurationId\":\"ac-hpc\"");
                let (status, answer) = if authorized {
                    (
                        "200 OK",
                        r#"{"CloudCredential":{"AccessKeyId":"STS.sso","AccessKeySecret":"s","SecurityToken":"sso-token","Expiration":"2099-01-01T00:00:00Z"},"RequestId":"r"}"#,
                    )
                } else {
                    ("401 Unauthorized", r#"{"ErrorCode":"InvalidAccessToken"}"#)
                };
                let reply = format!("HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}", answer.len());
                let _ = stream.write_all(reply.as_bytes()).await;
            });
        }
    });
    (url, requests)
}

#[tokio::test]
async fn a_cloud_sso_profile_uses_the_stored_access_token() {
    let (url, requests) = sso_portal().await;
    let home = TempDir::new("sso");
    let in_an_hour = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600;
    let profile = |token: &str, expire: u64| {
        config(
            "sso",
            json!([{"name": "sso", "mode": "CloudSSO", "cloud_sso_sign_in_url": url,
                "cloud_sso_account_id": "1234567890123456", "cloud_sso_access_config": "ac-hpc",
                "access_token": token, "cloud_sso_access_token_expire": expire}]),
        )
    };
    let env = Env::from_vars([
        ("HOME", home.path().display().to_string()),
        ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true".to_string()),
    ]);
    home.write(
        ".aliyun/config.json",
        profile("sso-access-token", in_an_hour),
    );
    let keys = DefaultChain::new(env.clone())
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(keys.access_key_id(), "STS.sso");
    assert_eq!(keys.security_token(), Some("sso-token"));
    assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 1);

    home.write(".aliyun/config.json", profile("wrong-token", in_an_hour));
    let error = DefaultChain::new(env.clone())
        .provide_credentials()
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("HTTP 401") && error.contains("aliyun configure --mode CloudSSO"),
        "{error}"
    );
    assert!(!error.contains("wrong-token"), "{error}");

    home.write(
        ".aliyun/config.json",
        profile("sso-access-token", in_an_hour - 7200),
    );
    let error = DefaultChain::new(env)
        .provide_credentials()
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("access token that expired"), "{error}");
    assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 2);
}
