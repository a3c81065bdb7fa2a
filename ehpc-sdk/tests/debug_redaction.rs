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
