//! The floors' requests: one call as the client puts it on the wire,
//! signed once with the crate's public signing API, under signature V1 or
//! V3, then sent as often as needed.
//!
//! Expects the bench to include `common/requests.rs` as `requests`, for
//! the key and region the clients use.

use crate::requests::{ACCESS_KEY_ID, ACCESS_KEY_SECRET, REGION};
use ehpc_sdk::operation_support::{Operation, Params};
use ehpc_sdk::signing::{self, v3, NonceSource};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Method;
use std::time::SystemTime;

/// One call: the action, its API version, the method and the operation's
/// own parameters as the client encodes them.
pub struct Call<'a> {
    pub action: &'a str,
    pub version: &'a str,
    pub method: Method,
    pub params: &'a [(&'a str, &'a str)],
}

/// A signed request. Sending it costs what sending any request costs
/// reqwest: the URL is parsed per request, as the client's is; the headers
/// (none under V1) are copied from a map built once.
pub struct Presigned {
    method: Method,
    url: String,
    headers: HeaderMap,
}

impl Presigned {
    pub fn request(&self, http: &reqwest::Client) -> reqwest::RequestBuilder {
        let request = http.request(self.method.clone(), &self.url);
        if self.headers.is_empty() {
            request
        } else {
            request.headers(self.headers.clone())
        }
    }
}

/// The query parameters of `request` as the client encodes them. The
/// floors send no body, so an operation with `in: formData` or `in: body`
/// parameters is refused rather than measured against a request it would
/// not send.
pub fn query_params<O: Operation>(request: &O) -> Vec<(String, String)> {
    let mut params = Params::new();
    request.encode(&mut params);
    assert!(
        params.form_params().is_none() && params.body().is_none(),
        "the request has body parameters, which the floors do not send"
    );
    crate::requests::encoded(request)
}

/// Signature V1: every common parameter and the signature in the query.
pub fn v1(base_url: &str, call: &Call<'_>) -> Presigned {
    let nonce = NonceSource::default().next();
    let timestamp = signing::timestamp(SystemTime::now());
    let common = [
        ("Action", call.action),
        ("Version", call.version),
        ("Format", "JSON"),
        ("AccessKeyId", ACCESS_KEY_ID),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("SignatureNonce", &nonce),
        ("Timestamp", &timestamp),
        ("RegionId", REGION),
    ];
    let signed = signing::sign_params(
        call.method.as_str(),
        ACCESS_KEY_SECRET,
        common.iter().chain(call.params).copied(),
    );
    Presigned {
        method: call.method.clone(),
        url: format!("{base_url}?{}", signed.query),
        headers: HeaderMap::new(),
    }
}

/// Signature V3 as the client signs a request without a body: the
/// operation's parameters and the client's `RegionId` in the query; the
/// action, version, date, nonce and the empty body's hash in `x-acs-*`
/// headers, signed with `host` into `Authorization`.
pub fn v3(base_url: &str, call: &Call<'_>) -> Presigned {
    let nonce = NonceSource::default().next();
    let date = signing::timestamp(SystemTime::now());
    let host = host(base_url);
    let headers = v3::RequestHeaders {
        host: &host,
        content_type: None,
        action: call.action,
        content_sha256: v3::EMPTY_PAYLOAD_SHA256,
        date: &date,
        security_token: None,
        nonce: &nonce,
        version: call.version,
    };
    // As the client does, a `RegionId` of the operation's own replaces
    // the client's.
    let region = match call.params.iter().any(|(name, _)| *name == "RegionId") {
        false => Some(("RegionId", REGION)),
        true => None,
    };
    let signed = v3::sign_v3(
        call.method.as_str(),
        ACCESS_KEY_ID,
        ACCESS_KEY_SECRET,
        region.into_iter().chain(call.params.iter().copied()),
        headers.pairs(),
        headers.content_sha256,
    );
    // In the order the client adds them.
    let sent = [
        ("x-acs-action", call.action),
        ("x-acs-version", call.version),
        ("x-acs-date", &date),
        ("x-acs-signature-nonce", &nonce),
        ("x-acs-content-sha256", headers.content_sha256),
        ("authorization", &signed.authorization),
    ];
    let mut header_map = HeaderMap::with_capacity(sent.len());
    for (name, value) in sent {
        let mut value = HeaderValue::from_str(value).expect("header values are ASCII");
        value.set_sensitive(name == "authorization");
        header_map.append(HeaderName::from_static(name), value);
    }
    Presigned {
        method: call.method.clone(),
        url: format!("{base_url}?{}", signed.canonical_query),
        headers: header_map,
    }
}

/// `host[:port]` as reqwest sends it in `Host`, the port only when it is
/// not the scheme's default: what the client signs.
fn host(base_url: &str) -> String {
    let url = reqwest::Url::parse(base_url).expect("the base URL parses");
    let host = url.host_str().expect("the base URL names a host");
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}
