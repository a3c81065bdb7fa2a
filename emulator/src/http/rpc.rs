//! The RPC protocol, common to every product: reading parameters from the
//! query or form body, and the gateway's checks of the common parameters
//! and the signature. The router runs [`authenticate`] on a signed request
//! once the dispatcher has found its operation, before the service's
//! handler sees it.

use crate::http::caller::{access_key, check_freshness};
use crate::http::{signature, signature_v3};
use crate::state::State;
use crate::wire::answer::Rejection;
use crate::wire::request::{required, RpcRequest};
use crate::wire::timestamp;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HOST};
use hyper::Request;
use std::collections::HashSet;
use std::time::{Duration, SystemTime};

/// Longest query string served; longer ones get 414.
pub const MAX_QUERY_BYTES: usize = 32 * 1024;
/// Largest form body served; larger ones get 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Reads the parameters of a request to `/`. On failure the request comes
/// back without parameters, with the reason.
pub(crate) async fn read(
    request: Request<Incoming>,
    body_deadline: Duration,
) -> Result<RpcRequest, (RpcRequest, Rejection)> {
    let mut rpc = RpcRequest {
        method: request.method().as_str().to_string(),
        params: Vec::new(),
        host: request
            .headers()
            .get(HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost")
            .to_string(),
        received: SystemTime::now(),
        query_len: 0,
        headers: request
            .headers()
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_string(), value)
            })
            .collect(),
        body_sha256: String::new(),
    };
    match read_params(request, &rpc.method, body_deadline).await {
        Ok(read) => {
            rpc.params = read.params;
            rpc.query_len = read.query_len;
            rpc.body_sha256 = read.body_sha256;
            signature_v3::add_action_and_version(&mut rpc);
            Ok(rpc)
        }
        Err(rejection) => Err((rpc, rejection)),
    }
}

/// The parameters of a request and what signature V3 needs of its body.
struct ReadParams {
    params: Vec<(String, String)>,
    query_len: usize,
    body_sha256: String,
}

async fn read_params(
    request: Request<Incoming>,
    method: &str,
    body_deadline: Duration,
) -> Result<ReadParams, Rejection> {
    if request.uri().path() != "/" {
        return Err(Rejection::new(
            404,
            "InvalidApi.NotFound",
            format!(
                "Nothing is served at `{}`; RPC requests go to `/`.",
                request.uri().path()
            ),
        ));
    }
    if method != "GET" && method != "POST" {
        return Err(Rejection::new(
            405,
            "UnsupportedHTTPMethod",
            format!("The HTTP method {method} is not supported; use GET or POST."),
        ));
    }
    let query = request.uri().query().unwrap_or("");
    if query.len() > MAX_QUERY_BYTES {
        return Err(too_long("query string", query.len(), MAX_QUERY_BYTES));
    }
    let mut params = decode_form(query).map_err(|e| Rejection::invalid("query string", e))?;
    let query_len = params.len();
    let mut body_sha256 = signature_v3::hex_sha256(b"");
    if method == "POST" {
        let is_form = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let reading = Limited::new(request.into_body(), MAX_BODY_BYTES).collect();
        let body = tokio::time::timeout(body_deadline, reading)
            .await
            .map_err(|_| too_slow(body_deadline))?
            .map_err(|_| too_long("body", MAX_BODY_BYTES + 1, MAX_BODY_BYTES))?
            .to_bytes();
        body_sha256 = signature_v3::hex_sha256(&body);
        if !body.is_empty() {
            if !is_form {
                return Err(Rejection::new(
                    415,
                    "UnsupportedMediaType",
                    "A POST body must be application/x-www-form-urlencoded.",
                ));
            }
            let text = std::str::from_utf8(&body)
                .map_err(|_| Rejection::invalid("body", "it is not UTF-8"))?;
            params.extend(decode_form(text).map_err(|e| Rejection::invalid("body", e))?);
        }
    }
    let mut names = HashSet::new();
    if let Some((name, _)) = params.iter().find(|(name, _)| !names.insert(name.as_str())) {
        return Err(Rejection::invalid(name, "it is given more than once"));
    }
    Ok(ReadParams {
        params,
        query_len,
        body_sha256,
    })
}

pub(crate) fn too_slow(deadline: Duration) -> Rejection {
    Rejection::new(
        408,
        "RequestTimeout",
        format!(
            "The request body did not arrive within {} ms.",
            deadline.as_millis()
        ),
    )
}

fn too_long(what: &str, length: usize, limit: usize) -> Rejection {
    let (status, code) = if what == "body" {
        (413, "RequestEntityTooLarge")
    } else {
        (414, "RequestURITooLong")
    };
    Rejection::new(
        status,
        code,
        format!("The {what} is too long: {length} bytes or more, at most {limit} are served."),
    )
}

/// `application/x-www-form-urlencoded`: `&`-separated `name=value`,
/// percent-encoded UTF-8, `+` for space.
pub(crate) fn decode_form(text: &str) -> Result<Vec<(String, String)>, String> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((percent_decode(name)?, percent_decode(value)?))
        })
        .collect()
}

fn percent_decode(text: &str) -> Result<String, String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut input = text.bytes();
    while let Some(byte) = input.next() {
        match byte {
            b'%' => {
                let high = input.next().and_then(hex_value);
                let low = input.next().and_then(hex_value);
                match (high, low) {
                    (Some(high), Some(low)) => bytes.push(high << 4 | low),
                    _ => return Err(format!("`{text}` has a `%` not followed by two hex digits")),
                }
            }
            b'+' => bytes.push(b' '),
            other => bytes.push(other),
        }
    }
    String::from_utf8(bytes).map_err(|_| format!("`{text}` does not decode to UTF-8"))
}

fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit).to_digit(16).map(|v| v as u8)
}

/// Only JSON answers are served.
pub(crate) fn check_format(request: &RpcRequest) -> Result<(), Rejection> {
    match request.param("Format") {
        None => Ok(()),
        Some(format) if format.eq_ignore_ascii_case("JSON") => Ok(()),
        Some(format) => Err(Rejection::invalid(
            "Format",
            format_args!("`{format}` is not served, only JSON"),
        )),
    }
}

/// The gateway's checks, in its order: signature parameters present and
/// supported, timestamp well-formed and fresh, access key known, security
/// token matching, signature matching, nonce unused. The nonce is only
/// consumed by a request that passes every other check.
pub(crate) fn authenticate(state: &State, request: &RpcRequest) -> Result<(), Rejection> {
    if request.is_v3() {
        return signature_v3::authenticate(state, request);
    }
    for name in ["AccessKeyId", "Signature"] {
        if request.param(name).is_none_or(str::is_empty) {
            return Err(Rejection::new(
                400,
                "IncompleteSignature",
                format!("The request signature is incomplete: `{name}` is missing."),
            ));
        }
    }
    let method = required(request, "SignatureMethod")?;
    if method != "HMAC-SHA1" {
        return Err(Rejection::invalid(
            "SignatureMethod",
            format_args!("`{method}` is not supported, only HMAC-SHA1"),
        ));
    }
    let version = required(request, "SignatureVersion")?;
    if version != "1.0" {
        return Err(Rejection::invalid(
            "SignatureVersion",
            format_args!("`{version}` is not supported, only 1.0"),
        ));
    }
    let nonce = required(request, "SignatureNonce")?;
    let stamp = required(request, "Timestamp")?;
    let Some(sent) = timestamp::parse(stamp) else {
        return Err(Rejection::new(
            400,
            "InvalidTimeStamp.Format",
            format!("The Timestamp `{stamp}` is not in the format YYYY-MM-DDThh:mm:ssZ (UTC)."),
        ));
    };
    check_freshness(request, stamp, sent)?;
    let id = required(request, "AccessKeyId")?;
    let key = access_key(state, request, id, request.param("SecurityToken"))?;
    let string_to_sign = signature::string_to_sign(&request.method, &request.params);
    let given = required(request, "Signature")?;
    if !signature::verify(&key.secret, &string_to_sign, given) {
        return Err(Rejection::new(
            400,
            "SignatureDoesNotMatch",
            format!(
                "The request signature does not match the server's. Check the access key \
                 secret and the signing method. Server string to sign is: {string_to_sign}"
            ),
        ));
    }
    if !state.nonces().record(nonce, sent, request.received) {
        return Err(Rejection::new(
            400,
            "SignatureNonceUsed",
            format!("The SignatureNonce `{nonce}` has been used already."),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decoding_handles_plus_percent_and_bare_names() {
        assert_eq!(
            decode_form("a=1+2&b=%C3%A9%2A&c&&d=").unwrap(),
            vec![
                ("a".into(), "1 2".into()),
                ("b".into(), "é*".into()),
                ("c".into(), String::new()),
                ("d".into(), String::new()),
            ]
        );
    }

    #[test]
    fn form_decoding_refuses_bad_escapes_and_non_utf8() {
        assert!(decode_form("a=%zz").is_err());
        assert!(decode_form("a=%4").is_err());
        assert!(decode_form("a=%FF%FE").is_err());
    }
}
