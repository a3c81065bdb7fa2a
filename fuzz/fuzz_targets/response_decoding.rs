//! Response decoding: any body either decodes into an operation's response
//! type or is refused with an error, never a panic; what decodes survives
//! its own re-encoding exactly (floats included); redacting a body's text
//! is stable.

#![no_main]

use ehpc_sdk::v2018_04_12::operation as op;
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Decodes `body` as `T`; when it decodes, encoding and decoding again
/// must give the same encoding.
fn round_trip<T: DeserializeOwned + Serialize>(body: &[u8]) {
    let Ok(first) = serde_json::from_slice::<T>(body) else {
        return;
    };
    let encoded = serde_json::to_string(&first).expect("a decoded answer encodes");
    let again: T = match serde_json::from_str(&encoded) {
        Ok(again) => again,
        Err(error) => panic!("re-encoded answer does not decode: {error}\n{encoded}"),
    };
    let encoded_again = serde_json::to_string(&again).expect("a decoded answer encodes");
    assert_eq!(encoded, encoded_again, "decoding is not stable");
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    // Types that, together, use every decoder the generated code does:
    // lenient scalars (numbers, booleans, floats), wrapped lists, nested
    // objects and lists of scalars.
    match selector % 8 {
        0 => round_trip::<op::describe_serverless_jobs::DescribeServerlessJobsResponse>(body),
        1 => round_trip::<op::list_nodes::ListNodesResponse>(body),
        2 => round_trip::<op::describe_cluster::DescribeClusterResponse>(body),
        3 => round_trip::<op::list_jobs::ListJobsResponse>(body),
        4 => round_trip::<op::list_clusters::ListClustersResponse>(body),
        5 => round_trip::<op::get_auto_scale_config::GetAutoScaleConfigResponse>(body),
        6 => round_trip::<op::stop_visual_service::StopVisualServiceResponse>(body),
        _ => {
            let text = String::from_utf8_lossy(body);
            let once = ehpc_sdk::redact::redact_text(&text);
            let twice = ehpc_sdk::redact::redact_text(&once);
            assert_eq!(once, twice, "redaction is not stable");
        }
    }
});
