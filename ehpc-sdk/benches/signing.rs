//! Signing a `StopVisualService` request against its floor, the bare
//! HMAC-SHA1 of the same string-to-sign with the same key.
//!
//! `cargo bench -p ehpc-sdk --bench signing`; allocation counts come from
//! divan's allocation profiler.

use divan::{black_box, AllocProfiler, Bencher};
use ehpc_sdk::signing::{self, NonceSource};
use hmac::{Hmac, Mac};
use sha1::Sha1;
use std::time::SystemTime;

#[global_allocator]
static ALLOC: AllocProfiler = AllocProfiler::system();

const ACCESS_KEY_ID: &str = "LTAI5tBenchmarkKeyId0001";
const ACCESS_KEY_SECRET: &str = "BenchmarkSecretValue0123456789";
const NONCE: &str = "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf";
const TIMESTAMP: &str = "2024-04-25T12:46:24Z";

/// Common parameters first, then the operation's, as the client passes them.
fn params<'a>(nonce: &'a str, timestamp: &'a str) -> [(&'a str, &'a str); 12] {
    [
        ("Action", "StopVisualService"),
        ("Version", "2018-04-12"),
        ("Format", "JSON"),
        ("AccessKeyId", ACCESS_KEY_ID),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("SignatureNonce", nonce),
        ("Timestamp", timestamp),
        ("RegionId", "cn-hangzhou"),
        ("ClusterId", "ehpc-hz-jeJki6****"),
        ("CidrIp", "192.168.0.0/24"),
        ("Port", "12016"),
    ]
}

fn main() {
    divan::main();
}

/// The floor: HMAC-SHA1 over the finished string-to-sign, key already
/// built, no encoding of the result.
#[divan::bench]
fn floor_hmac_sha1(bencher: Bencher) {
    let signed = signing::sign_params("GET", ACCESS_KEY_SECRET, params(NONCE, TIMESTAMP));
    let key = format!("{ACCESS_KEY_SECRET}&");
    let message = signed.string_to_sign;
    bencher.bench_local(|| {
        let mut mac = Hmac::<Sha1>::new_from_slice(black_box(key.as_bytes()))
            .expect("HMAC accepts keys of any length");
        mac.update(black_box(message.as_bytes()));
        mac.finalize().into_bytes()
    });
}

/// Canonicalize, percent-encode, HMAC-SHA1, base64 and the signed query,
/// with a fixed nonce and timestamp.
#[divan::bench]
fn sign_params(bencher: Bencher) {
    let params = params(NONCE, TIMESTAMP);
    bencher.bench_local(|| {
        signing::sign_params(
            black_box("GET"),
            black_box(ACCESS_KEY_SECRET),
            black_box(params),
        )
    });
}

/// What the client does per attempt: a fresh nonce and timestamp, then
/// [`sign_params`].
#[divan::bench]
fn sign_request(bencher: Bencher) {
    let nonces = NonceSource::default();
    bencher.bench_local(|| {
        let nonce = nonces.next();
        let timestamp = signing::timestamp(SystemTime::now());
        signing::sign_params(
            black_box("GET"),
            black_box(ACCESS_KEY_SECRET),
            params(&nonce, &timestamp),
        )
    });
}

/// Part of [`sign_params`]: sort and percent-encode only.
#[divan::bench]
fn canonical_query_only(bencher: Bencher) {
    let params = params(NONCE, TIMESTAMP);
    bencher.bench_local(|| signing::canonical_query(black_box(params)));
}
