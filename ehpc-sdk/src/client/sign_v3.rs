//! Requests signed with `ACS3-HMAC-SHA256`: the operation's parameters in
//! the query or the form body, everything else in signed headers.

use super::Client;
use crate::credentials::Credentials;
use crate::generated::service::API_VERSION;
use crate::operation_support::{Method, OperationInfo, Params};
use crate::signing::{self, v3};
use reqwest::header::HeaderValue;
use std::time::SystemTime;

const FORM: &str = "application/x-www-form-urlencoded";

impl Client {
    /// A request ready to send, signed with a fresh nonce and date.
    pub(super) fn request_v3(
        &self,
        info: &OperationInfo,
        params: &Params,
        credentials: &Credentials,
        key: &v3::SigningKeyV3,
    ) -> reqwest::RequestBuilder {
        let inner = &*self.inner;
        let nonce = inner.nonces.next_ascii();
        let date = signing::timestamp_ascii(SystemTime::now());
        // A `RegionId` of the operation's own replaces the client's, as
        // under V1.
        let region = match params.get("RegionId") {
            None => inner.region.as_deref().map(|region| ("RegionId", region)),
            Some(_) => None,
        };
        let operation_params = region.into_iter().chain(params.iter());
        let mut headers = v3::RequestHeaders {
            host: &inner.host,
            content_type: None,
            action: info.action,
            content_sha256: v3::EMPTY_PAYLOAD_SHA256,
            date: date.as_str(),
            security_token: credentials.security_token(),
            nonce: nonce.as_str(),
            version: API_VERSION,
        };
        let mut authorization = String::new();
        let (request, body_hash) = match info.method {
            Method::Get => {
                let mut url = String::with_capacity(inner.base_url.len() + 512);
                url.push_str(&inner.base_url);
                url.push('?');
                key.sign_into(
                    &mut url,
                    &mut authorization,
                    info.method.as_str(),
                    credentials.access_key_id(),
                    operation_params,
                    &headers,
                );
                (inner.http.get(url), None)
            }
            Method::Post => {
                let body = signing::canonical_query(operation_params);
                let body_hash = v3::hex_sha256(body.as_bytes());
                headers.content_type = Some(FORM);
                headers.content_sha256 = &body_hash;
                key.sign_into(
                    &mut String::new(),
                    &mut authorization,
                    info.method.as_str(),
                    credentials.access_key_id(),
                    std::iter::empty(),
                    &headers,
                );
                let request = inner
                    .http
                    .post(&inner.base_url)
                    .header("content-type", FORM)
                    .body(body);
                (request, Some(body_hash.clone()))
            }
        };
        let mut request = request
            .header("x-acs-action", info.action)
            .header("x-acs-version", API_VERSION)
            .header("x-acs-date", date.as_str())
            .header("x-acs-signature-nonce", nonce.as_str())
            .header(
                "x-acs-content-sha256",
                body_hash.as_deref().unwrap_or(v3::EMPTY_PAYLOAD_SHA256),
            )
            .header("authorization", sensitive(authorization));
        if let Some(token) = credentials.security_token() {
            request = request.header("x-acs-security-token", sensitive(token.to_string()));
        }
        request
    }
}

/// A header value the HTTP client never shows in its own `Debug` output.
/// An invalid one (a token with control characters) becomes an empty value,
/// which the service refuses with a clear code, rather than a panic.
fn sensitive(value: String) -> HeaderValue {
    let mut value = HeaderValue::try_from(value).unwrap_or_else(|_| HeaderValue::from_static(""));
    value.set_sensitive(true);
    value
}
