//! Who signed a request, and when: the checks of the access key (and the
//! security token that goes with it) and of the request's time that both
//! signature versions make, 1.0 and V3.

use crate::state::{AccessKey, State, MAX_CLOCK_SKEW};
use crate::wire::answer::Rejection;
use crate::wire::request::RpcRequest;
use crate::wire::timestamp;

/// The access key `id`, known and matched by the security token the
/// request carries (`SecurityToken` under V1, `x-acs-security-token` under
/// V3).
pub(crate) fn access_key(
    state: &State,
    request: &RpcRequest,
    id: &str,
    token: Option<&str>,
) -> Result<AccessKey, Rejection> {
    let issued = state.issued.find(id, request.received)?;
    let Some(key) = state.keys.get(id).or(issued.as_ref()) else {
        return Err(Rejection::new(
            404,
            "InvalidAccessKeyId.NotFound",
            format!("The access key id `{id}` does not exist."),
        ));
    };
    match (&key.security_token, token) {
        (Some(expected), Some(given)) if expected == given => {}
        (Some(_), Some(_)) => {
            return Err(Rejection::new(
                400,
                "InvalidSecurityToken",
                "The security token does not belong to this access key.",
            ))
        }
        (Some(_), None) => {
            return Err(Rejection::new(
                400,
                "InvalidSecurityToken",
                "This access key is temporary: the request must carry its security token.",
            ))
        }
        (None, Some(_)) => {
            return Err(Rejection::new(
                400,
                "InvalidSecurityToken",
                "This access key is permanent and takes no security token.",
            ))
        }
        (None, None) => {}
    }
    Ok(key.clone())
}

/// Whether `sent` (the request's time, Unix seconds) is within the window
/// around the emulator's clock; `stamp` is the text sent, for the message.
pub(crate) fn check_freshness(
    request: &RpcRequest,
    stamp: &str,
    sent: i64,
) -> Result<(), Rejection> {
    let now = timestamp::unix(request.received);
    if sent.abs_diff(now) > MAX_CLOCK_SKEW.as_secs() {
        return Err(Rejection::new(
            400,
            "InvalidTimeStamp.Expired",
            format!(
                "The timestamp {stamp} is more than {} minutes away from the server time {}.",
                MAX_CLOCK_SKEW.as_secs() / 60,
                timestamp::format(timestamp::from_unix(now))
            ),
        ));
    }
    Ok(())
}
