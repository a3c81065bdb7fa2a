//! Signature version 1.0 (HMAC-SHA1), computed the way the service does.
//!
//! Written here from the protocol rather than borrowed from the SDK, so the
//! emulator is an independent check of the SDK's signer.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Percent-encoding of the protocol: unreserved bytes stay, every other
/// byte becomes `%XX` in upper-case hex (space is `%20`, `*` is `%2A`).
pub(crate) fn percent_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// `METHOD&%2F&encode(canonical query)` over every parameter but
/// `Signature`.
pub(crate) fn string_to_sign(method: &str, params: &[(String, String)]) -> String {
    let mut pairs: Vec<(String, String)> = params
        .iter()
        .filter(|(name, _)| name != "Signature")
        .map(|(name, value)| (percent_encode(name), percent_encode(value)))
        .collect();
    pairs.sort();
    let canonical = pairs
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&");
    format!("{method}&%2F&{}", percent_encode(&canonical))
}

/// Whether `signature` (base64) is the HMAC-SHA1 of `string_to_sign` under
/// `secret`; compared in constant time.
pub(crate) fn verify(secret: &str, string_to_sign: &str, signature: &str) -> bool {
    let Ok(given) = STANDARD.decode(signature) else {
        return false;
    };
    mac(secret, string_to_sign).verify_slice(&given).is_ok()
}

/// The signature a correct client sends, base64-encoded.
#[cfg(test)]
pub(crate) fn sign(secret: &str, string_to_sign: &str) -> String {
    STANDARD.encode(mac(secret, string_to_sign).finalize().into_bytes())
}

fn mac(secret: &str, string_to_sign: &str) -> Hmac<Sha1> {
    let mut mac = Hmac::<Sha1>::new_from_slice(format!("{secret}&").as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(string_to_sign.as_bytes());
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn encodes_as_the_protocol_says() {
        assert_eq!(percent_encode("a b*c~d/é"), "a%20b%2Ac~d%2F%C3%A9");
        assert_eq!(percent_encode("A-Z_0.9"), "A-Z_0.9");
    }

    #[test]
    fn string_to_sign_sorts_by_encoded_name_and_skips_the_signature() {
        let params = owned(&[("b", "2"), ("Signature", "x"), ("a", "1 1"), ("A", "")]);
        assert_eq!(
            string_to_sign("GET", &params),
            "GET&%2F&A%3D%26a%3D1%25201%26b%3D2"
        );
    }

    #[test]
    fn reproduces_the_published_describe_regions_vector() {
        let params = owned(&[
            ("AccessKeyId", "testid"),
            ("Action", "DescribeRegions"),
            ("Format", "XML"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
            ("SignatureVersion", "1.0"),
            ("Timestamp", "2016-02-23T12:46:24Z"),
            ("Version", "2014-05-26"),
        ]);
        let sts = string_to_sign("GET", &params);
        assert_eq!(
            sts,
            "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML\
             %26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf\
             %26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
        );
        assert_eq!(sign("testsecret", &sts), "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
        assert_eq!(
            sign("testsecret", &string_to_sign("POST", &params)),
            "MxbnVAM4w6sft9xjVpe/GCKueuk="
        );
    }

    #[test]
    fn verifies_what_it_signs_and_nothing_else() {
        let sts = string_to_sign("POST", &owned(&[("Action", "X")]));
        let signature = sign("secret", &sts);
        assert!(verify("secret", &sts, &signature));
        assert!(!verify("other", &sts, &signature));
        assert!(!verify("secret", &sts, "not base64!"));
    }
}
