//! Requests signed with `ACS3-HMAC-SHA256`: the operation's parameters
//! placed as under V1 (`in: query` ones in the URL query, `in: formData`
//! ones in a form body, `in: body` ones in a JSON body), the action,
//! version, date, nonce and token in signed headers.

use super::Client;
use crate::credentials::Credentials;
use crate::operation_support::{Method, OperationInfo, Params};
use crate::signing::{self, v3};
use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use std::time::SystemTime;

const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";

// Names known when compiled, so no request parses them.
const ACTION: HeaderName = HeaderName::from_static("x-acs-action");
const VERSION: HeaderName = HeaderName::from_static("x-acs-version");
const DATE: HeaderName = HeaderName::from_static("x-acs-date");
const NONCE: HeaderName = HeaderName::from_static("x-acs-signature-nonce");
const CONTENT_SHA256: HeaderName = HeaderName::from_static("x-acs-content-sha256");
const SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-acs-security-token");

impl Client {
    /// A request ready to send, signed with a fresh nonce and date.
    pub(super) fn request_v3(
        &self,
        info: &OperationInfo,
        params: &Params<'_>,
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
        let body = match (params.form_params(), params.body()) {
            (Some(form), _) => Some((FORM, signing::canonical_query(form.iter()))),
            (None, Some(body)) => Some((JSON, super::placement::json_body(body))),
            (None, None) => None,
        };
        let body_hash = body
            .as_ref()
            .map(|(_, body)| v3::hex_sha256(body.as_bytes()));
        let headers = v3::RequestHeaders {
            host: &self.endpoint_of(info).host,
            content_type: body.as_ref().map(|(content_type, _)| *content_type),
            action: info.action,
            content_sha256: body_hash.as_deref().unwrap_or(v3::EMPTY_PAYLOAD_SHA256),
            date: date.as_str(),
            security_token: credentials.security_token(),
            nonce: nonce.as_str(),
            version: info.version,
        };
        let base_url = &self.endpoint_of(info).base_url;
        let mut url = String::with_capacity(base_url.len() + 512);
        url.push_str(base_url);
        url.push('?');
        let mut authorization = String::new();
        key.sign_into(
            &mut url,
            &mut authorization,
            info.method.as_str(),
            credentials.access_key_id(),
            region.into_iter().chain(params.iter()),
            &headers,
        );
        let mut request = match info.method {
            Method::Get => inner.http.get(url),
            Method::Post => inner.http.post(url),
        };
        if let Some((content_type, body)) = body {
            request = request
                .header(CONTENT_TYPE, HeaderValue::from_static(content_type))
                .body(body);
        }
        let content_sha256 = match &body_hash {
            Some(hash) => HeaderValue::from_str(hash),
            None => Ok(HeaderValue::from_static(v3::EMPTY_PAYLOAD_SHA256)),
        };
        request = with_static(request, ACTION, info.action);
        request = with_static(request, VERSION, info.version)
            .header(DATE, date.as_str())
            .header(NONCE, nonce.as_str())
            .header(
                CONTENT_SHA256,
                content_sha256.expect("hex is a valid header value"),
            )
            .header(AUTHORIZATION, sensitive(authorization));
        if let Some(token) = credentials.security_token() {
            request = request.header(SECURITY_TOKEN, sensitive(token.to_string()));
        }
        request
    }
}

/// Adds the header `name: text`, without copying `text` where it is a
/// valid value (the generated operations' actions and versions always
/// are); otherwise as any `&str` value, which the request then refuses.
fn with_static(
    request: reqwest::RequestBuilder,
    name: HeaderName,
    text: &'static str,
) -> reqwest::RequestBuilder {
    // The header type's own check, on the static bytes themselves.
    match HeaderValue::from_maybe_shared(bytes::Bytes::from_static(text.as_bytes())) {
        Ok(value) => request.header(name, value),
        Err(_) => request.header(name, text),
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
