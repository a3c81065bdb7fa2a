//! Where a signed request's parameters travel, as the official SDKs send
//! them: `in: query` parameters (with the common ones and `Signature`) in
//! the URL query whatever the method, `in: formData` ones in a form body,
//! `in: body` ones in a JSON body. A request with neither body goes out
//! with an empty body and no `Content-Type`.

use crate::operation_support::{Method, Params};
use crate::signing::percent_encode;

/// The HTTP request for `url`, which ends, from `query_start` on, in the
/// signed canonical query of every parameter (query and form ones alike,
/// as the signature covers both).
pub(super) fn request(
    http: &reqwest::Client,
    method: Method,
    mut url: String,
    query_start: usize,
    params: &Params<'_>,
) -> reqwest::RequestBuilder {
    let form = params.form_params().map(|form| {
        let mut query = url.split_off(query_start);
        let body = split_form(&mut query, form);
        url.push_str(&query);
        body
    });
    let request = match method {
        Method::Get => http.get(url),
        Method::Post => http.post(url),
    };
    match (form, params.body()) {
        (Some(form), _) => request
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form),
        (None, Some(body)) => request
            .header("content-type", "application/json")
            .body(json_body(body)),
        (None, None) => request,
    }
}

/// The JSON body of the `in: body` parameters.
pub(super) fn json_body(body: &serde_json::Map<String, serde_json::Value>) -> String {
    match serde_json::to_string(body) {
        Ok(text) => text,
        Err(error) => unreachable!("JSON values always serialize: {error}"),
    }
}

/// Moves the pairs of the form parameters out of `signed` and returns
/// them joined as a form body; what stays in `signed` is the URL query.
fn split_form(signed: &mut String, form: &Params<'_>) -> String {
    let names: Vec<String> = form.iter().map(|(name, _)| percent_encode(name)).collect();
    let mut query = String::with_capacity(signed.len());
    let mut body = String::new();
    for pair in signed.split('&') {
        let name = pair.split_once('=').map_or(pair, |(name, _)| name);
        let target = if names.iter().any(|n| n == name) {
            &mut body
        } else {
            &mut query
        };
        if !target.is_empty() {
            target.push('&');
        }
        target.push_str(pair);
    }
    *signed = query;
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_pairs_leave_the_query_for_the_body() {
        let mut params = Params::new();
        params.put_static("ClusterId", "c 1");
        params.form().put_static("Name", "a b");
        params.form().put_static("Tag.1", "x");
        let mut signed = "Action=A&ClusterId=c%201&Name=a%20b&Tag.1=x&Signature=s".to_string();
        let body = split_form(&mut signed, params.form_params().unwrap());
        assert_eq!(signed, "Action=A&ClusterId=c%201&Signature=s");
        assert_eq!(body, "Name=a%20b&Tag.1=x");
    }
}
