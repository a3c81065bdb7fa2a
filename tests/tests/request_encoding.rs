//! Generated requests put their parameters on the wire in each style of the
//! protocol: plain, `repeatList` (`Name.1.Field`), `flat` (`Name.Field`),
//! `json`, and names that contain dots. Expected strings are the canonical
//! (sorted, percent-encoded) query the signature covers, worked out by hand.

use ehpc_sdk::operation::{
    add_users, create_cluster, list_clusters, list_jobs_with_filters, modify_cluster_attributes,
    submit_serverless_job, tag_resources, un_tag_resources,
};
use ehpc_sdk::operation_support::{Method, Operation, Params};
use ehpc_sdk::signing::canonical_query;

fn query<O: Operation>(request: &O) -> String {
    let mut params = Params::new();
    request.encode(&mut params);
    canonical_query(params.iter())
}

#[test]
fn repeat_list_of_objects_counts_from_one() {
    let request = add_users::AddUsersRequest::builder()
        .cluster_id("ehpc-hz-1")
        .user(vec![
            add_users::UserItem::new()
                .name("user1")
                .password("1@a2")
                .group("users"),
            add_users::UserItem::new()
                .name("user2")
                .password("p w")
                .group("admins"),
        ])
        .r#async(true)
        .build()
        .unwrap();
    assert_eq!(
        query(&request),
        "Async=true&ClusterId=ehpc-hz-1&User.1.Group=users&User.1.Name=user1\
         &User.1.Password=1%40a2&User.2.Group=admins&User.2.Name=user2&User.2.Password=p%20w"
    );
}

#[test]
fn repeat_list_of_scalars_and_empty_lists_left_out() {
    let request = un_tag_resources::UnTagResourcesRequest::builder()
        .region_id("cn-hangzhou")
        .resource_type("cluster")
        .resource_id(vec!["ehpc-hz-a".into(), "ehpc-hz-b".into()])
        .build()
        .unwrap();
    assert_eq!(
        query(&request),
        "RegionId=cn-hangzhou&ResourceId.1=ehpc-hz-a&ResourceId.2=ehpc-hz-b&ResourceType=cluster"
    );
}

#[test]
fn repeat_lists_nest_and_dotted_names_stay_as_written() {
    let request = create_cluster::CreateClusterRequest::builder()
        .name("hpc")
        .ecs_order_manager_instance_type("ecs.n1.tiny")
        .ecs_order_manager_count(2)
        .additional_volumes(vec![create_cluster::AdditionalVolumesItem::new()
            .volume_id("extreme-1")
            .roles(vec![
                create_cluster::RolesItem::new().name("Compute"),
                create_cluster::RolesItem::new().name("Login"),
            ])])
        .build()
        .unwrap();
    assert_eq!(
        query(&request),
        "AdditionalVolumes.1.Roles.1.Name=Compute&AdditionalVolumes.1.Roles.2.Name=Login\
         &AdditionalVolumes.1.VolumeId=extreme-1&EcsOrder.Manager.Count=2\
         &EcsOrder.Manager.InstanceType=ecs.n1.tiny&Name=hpc"
    );
}

#[test]
fn flat_objects_and_arrays() {
    let request = modify_cluster_attributes::ModifyClusterAttributesRequest::builder()
        .cluster_id("ehpc-hz-1")
        .win_ad_par(
            modify_cluster_attributes::WinAdPar::new()
                .ad_user("administrator")
                .ad_dc("ehpcad.com"),
        )
        .build()
        .unwrap();
    assert_eq!(
        query(&request),
        "ClusterId=ehpc-hz-1&WinAdPar.AdDc=ehpcad.com&WinAdPar.AdUser=administrator"
    );

    let request = list_jobs_with_filters::ListJobsWithFiltersRequest::builder()
        .cluster_id("ehpc-hz-1")
        .users(vec!["user1".into()])
        .page_size(50)
        .r#async(false)
        .build()
        .unwrap();
    assert_eq!(
        query(&request),
        "Async=false&ClusterId=ehpc-hz-1&PageSize=50&Users.1=user1"
    );
}

#[test]
fn json_style_sends_one_encoded_value() {
    let request = submit_serverless_job::SubmitServerlessJobRequest::builder()
        .cluster_id("ehpc-hz-1")
        .job_name("job")
        .container(
            submit_serverless_job::Container::new()
                .image("busybox")
                .command(vec!["sleep".into(), "1".into()]),
        )
        .depends_on(vec![submit_serverless_job::DependsOnItem::new()
            .job_id("10")
            .r#type("AfterAny")])
        .cpu(0.5)
        .job_priority(9_000_000_000)
        .build()
        .unwrap();
    // Container={"Command":["sleep","1"],"Image":"busybox"}
    // DependsOn=[{"JobId":"10","Type":"AfterAny"}]
    assert_eq!(
        query(&request),
        "ClusterId=ehpc-hz-1\
         &Container=%7B%22Command%22%3A%5B%22sleep%22%2C%221%22%5D%2C%22Image%22%3A%22busybox%22%7D\
         &Cpu=0.5\
         &DependsOn=%5B%7B%22JobId%22%3A%2210%22%2C%22Type%22%3A%22AfterAny%22%7D%5D\
         &JobName=job&JobPriority=9000000000"
    );
}

#[test]
fn methods_follow_the_spec() {
    assert_eq!(
        <list_clusters::ListClustersRequest as Operation>::INFO.method,
        Method::Get
    );
    assert_eq!(
        <tag_resources::TagResourcesRequest as Operation>::INFO.method,
        Method::Post
    );
}

#[test]
fn limits_are_checked_before_encoding() {
    let error = list_clusters::ListClustersRequest::builder()
        .page_size(51)
        .build()
        .unwrap_err();
    assert_eq!(error.parameter, "PageSize");
    let error = add_users::AddUsersRequest::builder()
        .cluster_id("ehpc-hz-1")
        .build()
        .unwrap_err();
    assert_eq!(error.parameter, "User");
}
