//! Signing: for any parameters, the signed query and the V3 canonical
//! query the client writes are the ones the protocol's definition gives,
//! encoding every byte on its own, sorting the encoded pairs and hashing
//! the whole string to sign; every string encodes as the definition says.
//!
//! The input is split at `0x00` into names and values, alternately (lossy
//! UTF-8); its first byte picks which parameters are encoded beforehand
//! as the client's fixed ones, and whether the rest come in order.

#![no_main]

use ehpc_sdk::signing::{self, v3, FixedParams, SigningKey};
use libfuzzer_sys::fuzz_target;

fn stays(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~')
}

fn reference_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match stays(byte) {
            true => char::from(byte).to_string(),
            false => format!("%{byte:02X}"),
        })
        .collect()
}

fn reference_query(params: &[(String, String)]) -> String {
    let mut pairs: Vec<(String, String)> = params
        .iter()
        .map(|(name, value)| (reference_encode(name), reference_encode(value)))
        .collect();
    pairs.sort();
    let joined: Vec<String> = pairs.iter().map(|(n, v)| format!("{n}={v}")).collect();
    joined.join("&")
}

const SECRET: &str = "fuzz/secret+key=";

/// Splits numbered items by the bits of `selector`, repeating every 8.
trait PartitionMap<T> {
    fn partition_map(self, selector: u8) -> (Vec<T>, Vec<T>);
}

impl<T, I: Iterator<Item = (usize, T)>> PartitionMap<T> for I {
    fn partition_map(self, selector: u8) -> (Vec<T>, Vec<T>) {
        let (mut picked, mut rest) = (Vec::new(), Vec::new());
        for (index, item) in self {
            match selector >> (index % 8) & 1 {
                1 => picked.push(item),
                _ => rest.push(item),
            }
        }
        (picked, rest)
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let texts: Vec<String> = rest
        .split(|&byte| byte == 0)
        .map(|piece| String::from_utf8_lossy(piece).into_owned())
        .collect();
    let params: Vec<(String, String)> = texts
        .chunks(2)
        .map(|pair| (pair[0].clone(), pair.get(1).cloned().unwrap_or_default()))
        .collect();
    for text in &texts {
        assert_eq!(
            signing::percent_encode(text),
            reference_encode(text),
            "{text:?}"
        );
    }

    let query = reference_query(&params);
    let string_to_sign = format!("GET&%2F&{}", reference_encode(&query));
    let signature =
        signing::hmac_sha1_base64(format!("{SECRET}&").as_bytes(), string_to_sign.as_bytes());
    let expected = format!("{query}&Signature={}", reference_encode(&signature));

    let (fixed, changing): (Vec<(&str, &str)>, Vec<(&str, &str)>) = params
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .enumerate()
        .partition_map(selector);
    let key = SigningKey::new(SECRET);
    let mut signed = String::from("http://127.0.0.1/?");
    let prepared = FixedParams::new(fixed.iter().copied());
    key.sign_with_fixed_into(&mut signed, "GET", &prepared, changing.iter().copied());
    assert_eq!(signed, format!("http://127.0.0.1/?{expected}"));

    // As the client signs: every other of the rest whose name is its own
    // is a slot, and the others come as they are or, when the selector's
    // top bit is set, in canonical order.
    let count = |name: &str| params.iter().filter(|(other, _)| other == name).count();
    let (mut slots, mut slot_values, mut own) = (Vec::new(), Vec::new(), Vec::new());
    for (index, &(name, value)) in changing.iter().enumerate() {
        if index % 2 == 0 && count(name) == 1 {
            slots.push(name);
            slot_values.push(value);
        } else {
            own.push((name, value));
        }
    }
    if selector & 0x80 != 0 {
        own.sort_by_key(|(name, value)| (reference_encode(name), reference_encode(value)));
    }
    let prepared = FixedParams::with_slots(fixed.iter().copied(), &slots);
    let mut signed = String::from("http://127.0.0.1/?");
    key.sign_with_slots_into(
        &mut signed,
        "GET",
        &prepared,
        &slot_values,
        own.iter().copied(),
    );
    assert_eq!(signed, format!("http://127.0.0.1/?{expected}"));
    assert_eq!(
        signing::canonical_query(params.iter().map(|(n, v)| (n.as_str(), v.as_str()))),
        query
    );

    let headers = v3::RequestHeaders {
        host: "127.0.0.1",
        content_type: None,
        action: "Fuzz",
        content_sha256: v3::EMPTY_PAYLOAD_SHA256,
        date: "2026-12-02T00:00:00Z",
        security_token: None,
        nonce: "nonce",
        version: "2024-07-30",
    };
    let (mut v3_query, mut authorization) = (String::new(), String::new());
    v3::SigningKeyV3::new(SECRET).sign_into(
        &mut v3_query,
        &mut authorization,
        "GET",
        "id",
        params.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        &headers,
    );
    assert_eq!(v3_query, query);
});
