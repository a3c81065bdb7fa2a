//! A credentials-URI endpoint: `GET /credentials-uri/<anything>` answers
//! `{"Code": "Success", "AccessKeyId", "AccessKeySecret", "SecurityToken",
//! "Expiration"}` with fresh temporary keys, accepted for E-HPC calls until
//! they expire. An [`EndpointFault`] makes it fail.

use crate::services::sts;
use crate::state::{lock, EndpointFault, State};
use crate::wire::answer::{self, Body, ConnectionDropped};
use crate::wire::timestamp;
use hyper::body::Incoming;
use hyper::{Request, Response};
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};

/// Path prefix of the endpoint; no RPC request uses it.
pub(crate) const PREFIX: &str = "/credentials-uri";

/// Lifetime of the keys handed out.
const KEY_LIFETIME: Duration = Duration::from_secs(3600);
/// The account the keys handed out act for: every key from the URI reaches
/// the same resources.
const URI_ACCOUNT: &str = "credentials-uri";

pub(crate) async fn handle(
    state: &State,
    request: Request<Incoming>,
) -> Result<Response<Body>, ConnectionDropped> {
    const TEXT: &str = "text/plain";
    let book = &state.credentials_uri;
    book.requests.fetch_add(1, Ordering::SeqCst);
    let fault = lock(&book.fault).clone();
    match fault {
        Some(EndpointFault::DropConnection) => return Err(ConnectionDropped),
        Some(EndpointFault::Status(status)) => {
            return Ok(answer::raw(
                status,
                None,
                TEXT,
                format!("failing with {status} on request").into_bytes(),
            ))
        }
        Some(EndpointFault::Delay { millis }) => {
            tokio::time::sleep(Duration::from_millis(millis)).await
        }
        Some(EndpointFault::RefuseToken) | None => {}
    }
    if request.method() != hyper::Method::GET {
        return Ok(answer::raw(
            405,
            None,
            TEXT,
            b"credentials are read with GET".to_vec(),
        ));
    }
    let (key, expiration) = state.issued.issue(URI_ACCOUNT, KEY_LIFETIME);
    let mut body = sts::credentials_json(&key, expiration);
    body["Code"] = "Success".into();
    body["LastUpdated"] = timestamp::format(SystemTime::now()).into();
    Ok(answer::raw(
        200,
        None,
        "application/json",
        body.to_string().into_bytes(),
    ))
}
