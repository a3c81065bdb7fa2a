//! Temporary credentials under load and failure: one refresh at a time
//! for all callers, its failure shared, a pause before the next try, and
//! no refresh per call for keys that live shorter than the refresh window.
//! The request counts asserted are those the servers saw.

mod runtime_support;

use ehpc_emulator::{Emulator, EndpointFault, Fault, Times};
use ehpc_sdk::credentials::{
    AssumeRoleProvider, CredentialsUriProvider, Env, ExternalProcessProvider, OidcRoleProvider,
    ProvideCredentials,
};
use runtime_support::{calls_of, emulator_key, TempDir};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncReadExt;

const ROLE_ARN: &str = "acs:ram::1234567890123456:role/hpc-operator";

/// Calls `provider` from `callers` tasks at once; their results.
async fn concurrently<P: ProvideCredentials + 'static>(
    provider: Arc<P>,
    callers: usize,
) -> Vec<Result<ehpc_sdk::Credentials, ehpc_sdk::CredentialsError>> {
    let tasks: Vec<_> = (0..callers)
        .map(|_| {
            let provider = Arc::clone(&provider);
            tokio::spawn(async move { provider.provide_credentials().await })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap());
    }
    results
}

/// An STS that reads requests and never answers; counts the requests.
async fn silent_sts() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&requests);
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let counter = Arc::clone(&counter);
            tokio::spawn(async move {
                let mut buffer = [0u8; 4096];
                let mut counted = false;
                while let Ok(read) = stream.read(&mut buffer).await {
                    if read == 0 {
                        return;
                    }
                    if !counted {
                        counted = true;
                        counter.fetch_add(1, Ordering::SeqCst);
                    }
                }
            });
        }
    });
    (endpoint, requests)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_never_answering_sts_is_asked_once_by_16_waiting_callers() {
    let (endpoint, requests) = silent_sts().await;
    let provider = Arc::new(
        AssumeRoleProvider::builder(ROLE_ARN, emulator_key())
            .endpoint(endpoint)
            .timeout(Duration::from_secs(1))
            .build(),
    );
    let results = concurrently(Arc::clone(&provider), 16).await;
    for result in &results {
        let error = result.as_ref().unwrap_err().to_string();
        assert!(error.contains("timed out after 1 s"), "{error}");
    }
    assert_eq!(requests.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusing_sts_is_asked_once_by_32_callers_then_again_after_a_pause() {
    let emulator = Emulator::start().await.unwrap();
    emulator
        .inject(
            "AssumeRole",
            Fault::error(403, "NoPermission", "You are not authorized."),
            Times::Always,
        )
        .unwrap();
    let provider = Arc::new(
        AssumeRoleProvider::builder(ROLE_ARN, emulator_key())
            .endpoint(emulator.endpoint())
            .build(),
    );
    for result in concurrently(Arc::clone(&provider), 32).await {
        let error = result.unwrap_err().to_string();
        assert!(
            error.contains("NoPermission") && error.contains("HTTP 403"),
            "{error}"
        );
    }
    assert_eq!(calls_of(&emulator, "AssumeRole").len(), 1);
    // Right after: the same failure, no new request.
    assert!(provider.provide_credentials().await.is_err());
    assert_eq!(calls_of(&emulator, "AssumeRole").len(), 1);
    // After the pause, one new try, which now succeeds.
    emulator.clear_faults();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    provider.provide_credentials().await.unwrap();
    assert_eq!(calls_of(&emulator, "AssumeRole").len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_living_shorter_than_the_window_are_not_refreshed_per_call() {
    let emulator = Emulator::start().await.unwrap();
    // 900 s keys with a 1000 s window: due as soon as issued, were they
    // refreshed at `expiration - window`.
    let provider = Arc::new(
        AssumeRoleProvider::builder(ROLE_ARN, emulator_key())
            .endpoint(emulator.endpoint())
            .duration(Duration::from_secs(900))
            .refresh_window(Duration::from_secs(1000))
            .build(),
    );
    for _ in 0..10 {
        provider.provide_credentials().await.unwrap();
    }
    for result in concurrently(Arc::clone(&provider), 16).await {
        result.unwrap();
    }
    assert_eq!(calls_of(&emulator, "AssumeRole").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_temporary_provider_refreshes_once_for_concurrent_callers() {
    let emulator = Emulator::start().await.unwrap();
    let home = TempDir::new("refresh-once");

    let token = home.write("token", emulator.oidc_token("pod"));
    let oidc = Arc::new(
        OidcRoleProvider::builder(
            ROLE_ARN,
            "acs:ram::1234567890123456:oidc-provider/ack",
            &token,
        )
        .endpoint(emulator.endpoint())
        .build(),
    );
    for result in concurrently(oidc, 16).await {
        result.unwrap();
    }
    assert_eq!(calls_of(&emulator, "AssumeRoleWithOIDC").len(), 1);

    let uri = Arc::new(CredentialsUriProvider::builder(emulator.credentials_uri()).build());
    for result in concurrently(uri, 16).await {
        result.unwrap();
    }
    assert_eq!(emulator.credentials_uri_requests(), 1);

    let runs = home.path().join("runs");
    let command = format!(
        "echo run >> '{}'; printf '%s' '{{\"mode\":\"StsToken\",\"access_key_id\":\"STS.x\",\"access_key_secret\":\"s\",\"sts_token\":\"t\"}}'",
        runs.display()
    );
    let external = Arc::new(ExternalProcessProvider::new(command));
    for result in concurrently(external, 16).await {
        assert_eq!(result.unwrap().security_token(), Some("t"));
    }
    let text = std::fs::read_to_string(&runs).unwrap();
    assert_eq!(text.lines().count(), 1);
}

#[tokio::test]
async fn the_token_file_is_read_again_at_each_refresh() {
    let emulator = Emulator::start().await.unwrap();
    let home = TempDir::new("token-reread");
    let token = home.write("token", "not a token");
    let provider = OidcRoleProvider::builder(
        ROLE_ARN,
        "acs:ram::1234567890123456:oidc-provider/ack",
        &token,
    )
    .endpoint(emulator.endpoint())
    .build();
    let error = provider.provide_credentials().await.unwrap_err();
    assert!(
        error.to_string().contains("InvalidParameter.OIDCToken"),
        "{error}"
    );
    assert!(!error.to_string().contains("not a token"), "{error}");
    // The platform rotates the file; after the pause the new one is read.
    home.write("token", emulator.oidc_token("pod"));
    tokio::time::sleep(Duration::from_millis(1100)).await;
    provider.provide_credentials().await.unwrap();
    let calls = calls_of(&emulator, "AssumeRoleWithOIDC");
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[1].status, Some(200));
}

#[tokio::test]
async fn an_external_command_past_its_timeout_is_killed() {
    let provider = ExternalProcessProvider::new("sleep 5").with_timeout(Duration::from_millis(300));
    let error = provider.provide_credentials().await.unwrap_err();
    assert!(
        error.to_string().contains("did not finish within 300 ms"),
        "{error}"
    );
}

#[tokio::test]
async fn metadata_failures_say_what_happened() {
    let emulator = Emulator::start().await.unwrap();
    let env = Env::from_vars([("ALIBABA_CLOUD_IMDS_ENDPOINT", emulator.endpoint())]);
    emulator.set_metadata_fault(Some(EndpointFault::DropConnection));
    let error = ehpc_sdk::credentials::EcsRamRoleProvider::with_env(&env)
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("closed without an answer"),
        "{error}"
    );
    emulator.set_metadata_fault(Some(EndpointFault::Status(404)));
    let error = ehpc_sdk::credentials::EcsRamRoleProvider::with_env(&env)
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("answered HTTP 404"), "{error}");
}
