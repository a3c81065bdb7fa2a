//! Redaction of secret values wherever a body or a parameter is shown.
//!
//! An error page from a proxy may echo the signed request; a signature
//! error quotes the string-to-sign; an answer may carry keys. Before such
//! text is kept in an error or printed by `Debug`, the values of secret
//! parameters (`Signature`, `SecurityToken`, `AccessKeySecret` and
//! password-like names) are replaced by [`REDACTED`]. `AccessKeyId` values
//! stay: they name a key without granting anything and help debugging.
//!
//! Generated and hand-written types use the same helpers:
//! [`is_sensitive_name`] to decide, [`redact_text`] and [`redact_json`] for
//! text and JSON that may hold secrets, and [`Sensitive`] to print a secret
//! field in a `Debug` implementation.

use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// What a secret value is replaced with.
pub const REDACTED: &str = "** redacted **";

/// Whether a parameter, field or header named `name` holds a secret:
/// `Signature`, `SecurityToken` (also as the `x-acs-security-token`
/// header), `AccessKeySecret` and other `…Secret` names, and names holding
/// `Password` or `Passwd`. For a flattened name (`User.1.Password`) the
/// last segment decides. Case, `-` and `_` are ignored.
pub fn is_sensitive_name(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    let normalized: String = last
        .chars()
        .filter(|c| *c != '-' && *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    normalized == "signature"
        || normalized.ends_with("securitytoken")
        || normalized.ends_with("secret")
        || normalized.contains("password")
        || normalized.contains("passwd")
}

/// `text` with the values of secret parameters replaced by [`REDACTED`],
/// in the forms they take on the wire and in pages that echo them:
/// `Name=value` (a query string or form body, up to `&`, a quote, `<` or
/// white space), `Name%3Dvalue` (a string-to-sign, up to `%26`),
/// `"Name": "value"` (JSON, also escaped inside a JSON string) and
/// `x-name: value` (a header, up to the end of the line).
pub fn redact_text(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    // Bytes of `text` already copied to `out` (or, with no `out`, known to
    // need no change).
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !is_name_byte(bytes[i]) || !starts_name(bytes, i) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_name_byte(bytes[i]) {
            i += 1;
        }
        let name = &text[start..i];
        if !is_sensitive_name(name) {
            continue;
        }
        if let Some(Found { from, to, spaced }) = secret_value(bytes, i, name.contains('-')) {
            if already_redacted(text, from, to, spaced) {
                i = from + REDACTED.len();
                continue;
            }
            if to > from {
                let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
                out.push_str(&text[copied..from]);
                out.push_str(REDACTED);
                copied = to;
            }
            i = to.max(i);
        }
    }
    match out {
        Some(mut out) => {
            out.push_str(&text[copied..]);
            Cow::Owned(out)
        }
        None => Cow::Borrowed(text),
    }
}

/// Redacts `value` in place: the value under a secret key (see
/// [`is_sensitive_name`]) of any object becomes [`REDACTED`], and every
/// string is passed through [`redact_text`].
pub fn redact_json(value: &mut Value) {
    match value {
        Value::Object(map) => redact_json_map(map),
        Value::Array(items) => items.iter_mut().for_each(redact_json),
        Value::String(text) => {
            if let Cow::Owned(redacted) = redact_text(text) {
                *text = redacted;
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// [`redact_json`] for an object.
pub fn redact_json_map(map: &mut serde_json::Map<String, Value>) {
    for (key, item) in map.iter_mut() {
        if is_sensitive_name(key) && !item.is_null() {
            *item = Value::String(REDACTED.to_string());
        } else {
            redact_json(item);
        }
    }
}

/// Prints [`REDACTED`] in place of a secret in `Debug` output; an `Option`
/// still shows whether it is set.
///
/// ```
/// use ehpc_sdk::redact::Sensitive;
/// use std::fmt;
///
/// struct Login {
///     user: String,
///     password: Option<String>,
/// }
///
/// impl fmt::Debug for Login {
///     fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
///         f.debug_struct("Login")
///             .field("user", &self.user)
///             .field("password", &Sensitive(&self.password))
///             .finish()
///     }
/// }
///
/// let login = Login { user: "hpc".into(), password: Some("hunter2".into()) };
/// assert_eq!(
///     format!("{login:?}"),
///     r#"Login { user: "hpc", password: Some("** redacted **") }"#
/// );
/// ```
pub struct Sensitive<'a, T: ?Sized>(pub &'a T);

impl<T: SensitiveShape + ?Sized> fmt::Debug for Sensitive<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt_redacted(f)
    }
}

/// How a secret value shows its shape without its content; implemented for
/// the types parameters have.
pub trait SensitiveShape {
    /// Writes the value with every secret replaced by `** redacted **`, keeping its shape (one entry per item).
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

impl SensitiveShape for str {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(REDACTED, f)
    }
}

impl SensitiveShape for String {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(REDACTED, f)
    }
}

impl<T: SensitiveShape> SensitiveShape for Option<T> {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Some(value) => f.debug_tuple("Some").field(&Sensitive(value)).finish(),
            None => f.write_str("None"),
        }
    }
}

impl<T: SensitiveShape> SensitiveShape for Vec<T> {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter().map(Sensitive)).finish()
    }
}

/// `(name, value)` parameters shown as a `Debug` list, the values of secret
/// ones replaced and the others passed through [`redact_text`] (a value
/// may be JSON holding a password).
pub(crate) struct RedactedPairs<I>(pub(crate) I);

impl<'a, I> fmt::Debug for RedactedPairs<I>
where
    I: Iterator<Item = (&'a str, &'a str)> + Clone,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = self.0.clone().map(|(name, value)| {
            let value = if is_sensitive_name(name) {
                Cow::Borrowed(REDACTED)
            } else {
                redact_text(value)
            };
            (name, value)
        });
        f.debug_list().entries(shown).finish()
    }
}

/// A secret value's place in the text.
struct Found {
    from: usize,
    to: usize,
    /// Ends at white space: [`REDACTED`], which holds spaces, was never
    /// wholly inside such a value.
    spaced: bool,
}

/// Whether the value at `from..to` is [`REDACTED`] already, so redacting
/// twice changes nothing.
fn already_redacted(text: &str, from: usize, to: usize, spaced: bool) -> bool {
    if spaced {
        text[from..].starts_with(REDACTED)
    } else {
        &text[from..to] == REDACTED
    }
}

fn is_name_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'-')
}

/// Whether a name may start at `i`: after a byte that cannot be part of a
/// name, or after an encoded separator (`%26`, `%3F`) of a string-to-sign.
fn starts_name(bytes: &[u8], i: usize) -> bool {
    if i == 0 || !is_name_byte(bytes[i - 1]) {
        return true;
    }
    i >= 3 && {
        let before = &bytes[i - 3..i];
        before.eq_ignore_ascii_case(b"%26") || before.eq_ignore_ascii_case(b"%3F")
    }
}

/// The value that follows a secret name ending at `at`, if a separator
/// follows it.
fn secret_value(bytes: &[u8], at: usize, header_like: bool) -> Option<Found> {
    let rest = &bytes[at..];
    let spaced = |from| Found {
        from,
        to: query_value_end(bytes, from),
        spaced: true,
    };
    if rest.first() == Some(&b'=') {
        return Some(spaced(at + 1));
    }
    if rest.len() >= 3 && rest[..3].eq_ignore_ascii_case(b"%3D") {
        return Some(spaced(at + 3));
    }
    if let Some(value) = json_value(bytes, at) {
        return Some(value);
    }
    if header_like && rest.first() == Some(&b':') {
        let from = skip_spaces(bytes, at + 1);
        let to = bytes[from..]
            .iter()
            .position(|b| matches!(b, b'\r' | b'\n'))
            .map_or(bytes.len(), |p| from + p);
        return Some(Found {
            from,
            to,
            spaced: false,
        });
    }
    None
}

/// The end of a value in a query string, form body or string-to-sign.
fn query_value_end(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte.is_ascii_whitespace() || matches!(byte, b'&' | b'"' | b'\'' | b'<' | b'>' | b'\\') {
            break;
        }
        if byte == b'%'
            && bytes
                .get(i + 1..i + 3)
                .is_some_and(|h| h.eq_ignore_ascii_case(b"26"))
        {
            break;
        }
        i += 1;
    }
    i
}

/// `"Name": value` after the name (the opening quote of the name is before
/// `at`); also `\"Name\":\"value\"` inside a JSON string.
fn json_value(bytes: &[u8], at: usize) -> Option<Found> {
    let mut i = at;
    let escaped = bytes.get(i) == Some(&b'\\');
    if escaped {
        i += 1;
    }
    if bytes.get(i) != Some(&b'"') {
        return None;
    }
    i = skip_spaces(bytes, i + 1);
    if bytes.get(i) != Some(&b':') {
        return None;
    }
    i = skip_spaces(bytes, i + 1);
    let quoted = if escaped {
        bytes.get(i..i + 2) == Some(b"\\\"")
    } else {
        bytes.get(i) == Some(&b'"')
    };
    if quoted {
        let from = i + if escaped { 2 } else { 1 };
        let mut j = from;
        while j < bytes.len() {
            match bytes[j] {
                b'\\' if escaped && bytes.get(j + 1) == Some(&b'"') => break,
                b'\\' if !escaped => j += 2,
                b'"' => break,
                _ => j += 1,
            }
        }
        return Some(Found {
            from,
            to: j.min(bytes.len()),
            spaced: false,
        });
    }
    // A number, boolean or null: up to the next delimiter.
    let end = bytes[i..]
        .iter()
        .position(|b| matches!(b, b',' | b'}' | b']' | b'\\') || b.is_ascii_whitespace())
        .map_or(bytes.len(), |p| i + p);
    (&bytes[i..end] != b"null").then_some(Found {
        from: i,
        to: end,
        spaced: true,
    })
}

fn skip_spaces(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(|b| *b == b' ' || *b == b'\t') {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_that_hold_secrets() {
        for name in [
            "Signature",
            "SecurityToken",
            "AccessKeySecret",
            "x-acs-security-token",
            "Password",
            "User.3.Password",
            "RunasUserPassword",
            "WinAdPar.AdUserPasswd",
            "Passwd",
            "ClusterCredentials.Password",
            "access_key_secret",
        ] {
            assert!(is_sensitive_name(name), "{name}");
        }
        for name in [
            "AccessKeyId",
            "SignatureMethod",
            "SignatureNonce",
            "SignatureVersion",
            "NextToken",
            "ClientToken",
            "ClusterId",
            "User.1.Name",
        ] {
            assert!(!is_sensitive_name(name), "{name}");
        }
    }

    #[test]
    fn query_and_form_values_are_replaced() {
        let text = "GET /?AccessKeyId=LTAI1&Signature=abc%2Bdef%3D&SecurityToken=CAIS+tok \
                    User.1.Password=p%40ss&Action=AddUsers";
        assert_eq!(
            redact_text(text),
            "GET /?AccessKeyId=LTAI1&Signature=** redacted **&SecurityToken=** redacted ** \
             User.1.Password=** redacted **&Action=AddUsers"
        );
    }

    #[test]
    fn a_string_to_sign_keeps_its_shape() {
        let text = "server string to sign is:GET&%2F&AccessKeyId%3DLTAI1%26SecurityToken%3DCAIS%252Btok%26Timestamp%3D2024";
        let redacted = redact_text(text);
        assert_eq!(
            redacted,
            "server string to sign is:GET&%2F&AccessKeyId%3DLTAI1%26SecurityToken%3D** redacted **%26Timestamp%3D2024"
        );
    }

    #[test]
    fn json_values_are_replaced_also_when_escaped() {
        let text = r#"{"AccessKeySecret": "s3cr3t", "Password":"p\"w", "Port": 22, "Echo": "{\"SecurityToken\":\"CAIS\"}"}"#;
        assert_eq!(
            redact_text(text),
            r#"{"AccessKeySecret": "** redacted **", "Password":"** redacted **", "Port": 22, "Echo": "{\"SecurityToken\":\"** redacted **\"}"}"#
        );
    }

    #[test]
    fn html_and_headers_are_covered() {
        let text = "<a href=\"https://x/?Signature=sig-1&amp;SecurityToken=token-2\">moved</a>\r\n\
                    x-acs-security-token: token-3\r\nHost: x";
        let redacted = redact_text(text);
        for secret in ["sig-1", "token-2", "token-3"] {
            assert!(!redacted.contains(secret), "{redacted}");
        }
        assert!(redacted.ends_with("\r\nHost: x"), "{redacted}");
    }

    #[test]
    fn redacting_twice_changes_nothing() {
        for text in [
            "a?Signature=x&SecurityToken=y z",
            r#"{"Password": "p", "Echo": "{\"AccessKeySecret\":\"s\"}"}"#,
            "x-acs-security-token: t\r\n",
            "GET&%2F&SecurityToken%3Dt%26",
            r#"{"Password": 12} "Password": "** redacted **tail""#,
        ] {
            let once = redact_text(text).into_owned();
            assert_ne!(once, text);
            assert_eq!(redact_text(&once), once);
        }
    }

    #[test]
    fn text_without_secrets_is_borrowed() {
        let text = "Signature mismatch: SignatureMethod=HMAC-SHA1 NextToken=abc";
        assert!(matches!(redact_text(text), Cow::Borrowed(_)));
    }

    #[test]
    fn json_objects_are_redacted_by_key_and_text() {
        let mut value = json!({
            "Code": "IncompleteSignature",
            "Message": "string to sign: GET&%2F&SecurityToken%3Dtok%26",
            "Credentials": {"AccessKeySecret": "s", "AccessKeyId": "id", "SecurityToken": null},
            "Users": [{"Password": "p"}],
        });
        redact_json(&mut value);
        assert_eq!(
            value,
            json!({
                "Code": "IncompleteSignature",
                "Message": "string to sign: GET&%2F&SecurityToken%3D** redacted **%26",
                "Credentials": {"AccessKeySecret": REDACTED, "AccessKeyId": "id", "SecurityToken": null},
                "Users": [{"Password": REDACTED}],
            })
        );
    }

    #[test]
    fn sensitive_debug_shows_shape_only() {
        let list = vec!["a".to_string(), "b".to_string()];
        assert_eq!(
            format!("{:?}", Sensitive(&list)),
            r#"["** redacted **", "** redacted **"]"#
        );
        let none: Option<String> = None;
        assert_eq!(format!("{:?}", Sensitive(&none)), "None");
        assert_eq!(format!("{:?}", Sensitive("x")), r#""** redacted **""#);
    }
}
