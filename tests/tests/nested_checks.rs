//! Builders check required fields and limits inside nested parameter values
//! too, naming the problem by its wire path, before anything is sent.

use ehpc_sdk::operation::add_users::{AddUsersRequest, UserItem};
use ehpc_sdk::operation::submit_serverless_job::{
    Container, RetryStrategy, SubmitServerlessJobRequest,
};
use ehpc_sdk::{Client, Credentials, Error};

fn user(name: Option<&str>) -> UserItem {
    let user = UserItem::new().group("users").password("Pa55word!");
    match name {
        Some(name) => user.name(name),
        None => user,
    }
}

#[test]
fn a_missing_required_field_in_a_list_item_is_named_by_its_wire_path() {
    let error = AddUsersRequest::builder()
        .cluster_id("ehpc-hz-1")
        .user(vec![user(Some("alice")), user(None)])
        .build()
        .unwrap_err();
    assert_eq!(error.operation, "AddUsers");
    assert_eq!(error.parameter, "User.2.Name");
    assert!(
        error.to_string().contains("`User.2.Name` is required"),
        "{error}"
    );

    let complete = AddUsersRequest::builder()
        .cluster_id("ehpc-hz-1")
        .user(vec![user(Some("alice")), user(Some("bob"))])
        .build();
    assert!(complete.is_ok(), "{complete:?}");
}

fn serverless_job(
    retry: RetryStrategy,
) -> Result<SubmitServerlessJobRequest, ehpc_sdk::InvalidRequest> {
    SubmitServerlessJobRequest::builder()
        .cluster_id("ehpc-hz-1")
        .job_name("render")
        .container(
            Container::new()
                .image("registry.example/render:1")
                .command(vec!["run".into()]),
        )
        .retry_strategy(retry)
        .build()
}

#[test]
fn bounds_inside_a_nested_object_are_checked() {
    let error = serverless_job(RetryStrategy::new().attempts(11)).unwrap_err();
    assert_eq!(error.parameter, "RetryStrategy.Attempts");
    assert!(error.to_string().contains("11, outside 1..=10"), "{error}");
    // The optional `DependsOn` list (1 to 10 items) is absent here: its
    // limits apply only to a list that is sent.
    assert!(serverless_job(RetryStrategy::new().attempts(10)).is_ok());
}

#[test]
fn an_optional_list_that_is_sent_keeps_its_item_limits() {
    use ehpc_sdk::operation::submit_serverless_job::DependsOnItem;
    let too_many = (0..11)
        .map(|i| DependsOnItem::new().job_id(i.to_string()))
        .collect();
    let error = SubmitServerlessJobRequest::builder()
        .cluster_id("ehpc-hz-1")
        .job_name("render")
        .container(Container::new().image("registry.example/render:1"))
        .depends_on(too_many)
        .build()
        .unwrap_err();
    assert_eq!(error.parameter, "DependsOn");
    assert!(
        error.to_string().contains("has 11 items, expected 1 to 10"),
        "{error}"
    );
}

#[tokio::test]
async fn a_call_with_a_broken_nested_value_sends_nothing() {
    // Nothing listens on this port: reaching the network would be a
    // transport error, not an invalid request.
    let client = Client::builder()
        .endpoint("http://127.0.0.1:9")
        .credentials(Credentials::new("id", "secret"))
        .build()
        .unwrap();
    let error = client
        .add_users()
        .cluster_id("ehpc-hz-1")
        .user(vec![user(None)])
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::InvalidRequest(e) if e.parameter == "User.1.Name"),
        "{error:?}"
    );
    assert_eq!(error.attempts(), 0);
}
