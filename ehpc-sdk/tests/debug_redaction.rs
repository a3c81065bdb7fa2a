//! Secrets never reach `Debug` output of the client or its configuration.

use ehpc_sdk::{Client, Credentials};

#[test]
fn client_and_builder_debug_hide_secret_and_token() {
    let credentials = Credentials::new("LTAI-visible-id", "hidden-secret-1234")
        .with_security_token("hidden-token-5678");
    let builder = Client::builder()
        .region("cn-hangzhou")
        .credentials(credentials.clone());
    let client = builder.clone().build().unwrap();
    for shown in [
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{builder:?}"),
        format!("{credentials:?}"),
    ] {
        assert!(
            shown.contains("LTAI-visible-id"),
            "the key id helps debugging: {shown}"
        );
        assert!(!shown.contains("hidden-secret-1234"), "{shown}");
        assert!(!shown.contains("hidden-token-5678"), "{shown}");
    }
    assert_eq!(client.endpoint(), "https://ehpc.cn-hangzhou.aliyuncs.com/");
}

#[test]
fn parameters_debug_hides_token_signature_and_passwords() {
    use ehpc_sdk::operation_support::{Params, Style};
    use ehpc_sdk::signing::FixedParams;

    let fixed = FixedParams::new([
        ("AccessKeyId", "LTAI-visible-id"),
        ("SecurityToken", "hidden-token-5678"),
        ("Format", "JSON"),
    ]);
    let mut params = Params::new();
    params.put("ClusterId", "ehpc-hz-visible");
    params.put("Signature", "hidden-signature-1");
    params.put("User.1.Password", "hidden-password-2");
    params.put("RunasUserPassword", "hidden-password-3");
    params.put_structured(
        "ClusterCredentials",
        Style::Json,
        &serde_json::json!({"Password": "hidden-password-4", "KeyPairName": "visible-pair"}),
    );
    for shown in [
        format!("{fixed:?}"),
        format!("{fixed:#?}"),
        format!("{params:?}"),
    ] {
        assert!(shown.contains("** redacted **"), "{shown}");
        for hidden in [
            "hidden-token-5678",
            "hidden-signature-1",
            "hidden-password-2",
            "hidden-password-3",
            "hidden-password-4",
        ] {
            assert!(!shown.contains(hidden), "{shown}");
        }
    }
    assert!(format!("{fixed:?}").contains("LTAI-visible-id"));
    let params = format!("{params:?}");
    assert!(params.contains("ehpc-hz-visible") && params.contains("visible-pair"));
}

/// A client that is never sent through: calls are only printed.
fn offline_client() -> Client {
    Client::builder()
        .region("cn-hangzhou")
        .credentials(Credentials::new("LTAI-visible-id", "hidden-secret-1234"))
        .build()
        .unwrap()
}

/// Every form of the value shows the visible parameter and never the
/// password, but says a redacted value is there.
fn assert_redacted(shown: &[String], visible: &str, password: &str) {
    for shown in shown {
        assert!(shown.contains(visible), "{shown}");
        assert!(!shown.contains(password), "{shown}");
        assert!(shown.contains("** redacted **"), "{shown}");
    }
}

#[test]
fn create_cluster_2018_debug_hides_the_password() {
    use ehpc_sdk::operation::create_cluster::CreateClusterRequest;

    let builder = CreateClusterRequest::builder()
        .name("visible-cluster")
        .password("hidden-password-2018");
    let request = builder.clone().build().unwrap();
    let call = offline_client()
        .create_cluster()
        .name("visible-cluster")
        .password("hidden-password-2018");
    assert_redacted(
        &[
            format!("{request:?}"),
            format!("{request:#?}"),
            format!("{builder:?}"),
            format!("{call:?}"),
        ],
        "visible-cluster",
        "hidden-password-2018",
    );
}

#[test]
fn create_cluster_2024_debug_hides_the_nested_password() {
    use ehpc_sdk::v2024_07_30::operation::create_cluster::{
        ClusterCredentials, CreateClusterRequest,
    };

    let credentials = ClusterCredentials::new()
        .key_pair_name("visible-pair")
        .password("hidden-password-2024");
    let builder = CreateClusterRequest::builder()
        .cluster_name("visible-cluster")
        .cluster_credentials(credentials.clone());
    let request = builder.clone().build().unwrap();
    let call = offline_client()
        .v2024_07_30()
        .create_cluster()
        .cluster_credentials(credentials.clone());
    assert_redacted(
        &[
            format!("{credentials:?}"),
            format!("{request:?}"),
            format!("{builder:#?}"),
            format!("{call:?}"),
        ],
        "visible-pair",
        "hidden-password-2024",
    );
}

#[test]
fn add_users_debug_hides_every_user_password() {
    use ehpc_sdk::operation::add_users::{AddUsersRequest, UserItem};

    let users = vec![
        UserItem::new()
            .name("visible-user-1")
            .group("users")
            .password("hidden-password-a"),
        UserItem::new()
            .name("visible-user-2")
            .group("users")
            .password("hidden-password-b"),
    ];
    let builder = AddUsersRequest::builder()
        .cluster_id("ehpc-hz-visible")
        .user(users.clone());
    let request = builder.clone().build().unwrap();
    let call = offline_client()
        .add_users()
        .cluster_id("ehpc-hz-visible")
        .user(users);
    let shown = [
        format!("{request:?}"),
        format!("{builder:?}"),
        format!("{call:?}"),
    ];
    for password in ["hidden-password-a", "hidden-password-b"] {
        assert_redacted(&shown, "visible-user-2", password);
    }
}

#[test]
fn signed_requests_debug_hides_the_signature_and_the_token() {
    use ehpc_sdk::signing::{sign_params, v3::sign_v3};

    let params = [
        ("AccessKeyId", "LTAI-visible-id"),
        ("Action", "AddUsers"),
        ("SecurityToken", "hidden-token-5678"),
        ("User.1.Password", "hidden-password-9"),
    ];
    let v1 = sign_params("GET", "hidden-secret-1234", params);
    let v3 = sign_v3(
        "POST",
        "LTAI-visible-id",
        "hidden-secret-1234",
        params,
        [
            ("x-acs-action", "AddUsers"),
            ("x-acs-security-token", "hidden-token-5678"),
        ],
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    for (shown, signature) in [
        (format!("{v1:?}"), &v1.signature),
        (format!("{v1:#?}"), &v1.signature),
        (format!("{v3:?}"), &v3.signature),
    ] {
        assert!(shown.contains("LTAI-visible-id"), "{shown}");
        assert!(shown.contains("AddUsers"), "{shown}");
        assert!(!shown.contains(signature.as_str()), "{shown}");
        assert!(!shown.contains("hidden-token-5678"), "{shown}");
        assert!(!shown.contains("hidden-password-9"), "{shown}");
        assert!(!shown.contains("hidden-secret-1234"), "{shown}");
    }
}
