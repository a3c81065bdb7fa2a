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
