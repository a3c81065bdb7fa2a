//! Signing against its floor, the bare HMAC-SHA1 (V1) or SHA-256 and
//! HMAC-SHA256 (V3) of the same strings with the same key: a
//! `StopVisualService` request (3 parameters), and, in `many`, the
//! many-parameter requests `SubmitJob` (27 parameters) and `CreateNodes`
//! (2024-07-30, JSON-style parameters).
//!
//! `cargo bench -p ehpc-sdk --bench signing`; allocation counts come from
//! divan's allocation profiler.

#[path = "common/requests.rs"]
mod requests;

use divan::{black_box, AllocProfiler, Bencher};
use ehpc_sdk::signing::{self, FixedParams, NonceSource, SigningKey};
use hmac::{Hmac, Mac};
use requests::{ACCESS_KEY_ID, ACCESS_KEY_SECRET};
use sha1::Sha1;
use std::time::SystemTime;

#[global_allocator]
static ALLOC: AllocProfiler = AllocProfiler::system();

const NONCE: &str = "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf";
const TIMESTAMP: &str = "2024-04-25T12:46:24Z";

/// Common parameters first, in canonical order, then the operation's, as
/// the client passes them.
fn params<'a>(nonce: &'a str, timestamp: &'a str) -> [(&'a str, &'a str); 12] {
    [
        ("AccessKeyId", ACCESS_KEY_ID),
        ("Action", "StopVisualService"),
        ("Format", "JSON"),
        ("RegionId", "cn-hangzhou"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", nonce),
        ("SignatureVersion", "1.0"),
        ("Timestamp", timestamp),
        ("Version", "2018-04-12"),
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
    bench_hmac_sha1_floor(bencher, &signed.string_to_sign);
}

/// The floor and the parameters' bytes copied; see
/// [`bench_hmac_sha1_floor_and_copies`].
#[divan::bench]
fn floor_and_copies(bencher: Bencher) {
    let signed = signing::sign_params("GET", ACCESS_KEY_SECRET, params(NONCE, TIMESTAMP));
    let in_order = in_canonical_order(params(NONCE, TIMESTAMP));
    bench_hmac_sha1_floor_and_copies(bencher, &signed.string_to_sign, &in_order);
}

/// The V1 floor's work: HMAC-SHA1 of `string_to_sign`, the key (`secret&`)
/// set up every time, no encoding of the result.
fn bench_hmac_sha1_floor(bencher: Bencher, string_to_sign: &str) {
    let key = format!("{ACCESS_KEY_SECRET}&");
    bencher.bench_local(|| {
        let mut mac = Hmac::<Sha1>::new_from_slice(black_box(key.as_bytes()))
            .expect("HMAC accepts keys of any length");
        mac.update(black_box(string_to_sign.as_bytes()));
        mac.finalize().into_bytes()
    });
}

/// What the bytes alone cost a V1 signer: the floor, plus every name and
/// value copied as it is (`push_str`, `extend_from_slice`) into a new query
/// and into the string to sign, with the separators, in an order given
/// beforehand. The client also orders the parameters and classifies and
/// escapes every byte, but copies a short piece for less than a `memcpy`
/// call costs, so this shows the scale rather than a strict bound.
fn bench_hmac_sha1_floor_and_copies(
    bencher: Bencher,
    string_to_sign: &str,
    in_order: &[(&str, &str)],
) {
    let key = format!("{ACCESS_KEY_SECRET}&");
    let mut copied = Vec::with_capacity(2 * string_to_sign.len());
    bencher.bench_local(|| {
        let mut query = String::with_capacity(2 * string_to_sign.len());
        copied.clear();
        copy_in_order(&mut query, Some(&mut copied), black_box(in_order));
        black_box(&copied);
        let mut mac = Hmac::<Sha1>::new_from_slice(black_box(key.as_bytes()))
            .expect("HMAC accepts keys of any length");
        mac.update(black_box(string_to_sign.as_bytes()));
        (query, mac.finalize().into_bytes())
    });
}

/// `name=value` joined by `&` into `query`, and joined by `%26` with
/// `%3D` into `string_to_sign`, nothing encoded.
fn copy_in_order(
    query: &mut String,
    mut string_to_sign: Option<&mut Vec<u8>>,
    in_order: &[(&str, &str)],
) {
    for (index, (name, value)) in in_order.iter().enumerate() {
        if index > 0 {
            query.push('&');
        }
        query.push_str(name);
        query.push('=');
        query.push_str(value);
        if let Some(out) = string_to_sign.as_deref_mut() {
            if index > 0 {
                out.extend_from_slice(b"%26");
            }
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b"%3D");
            out.extend_from_slice(value.as_bytes());
        }
    }
}

/// `params` in canonical order; their names need no escaping, so byte
/// order is that order.
fn in_canonical_order<'a>(
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<(&'a str, &'a str)> {
    let mut params: Vec<_> = params.into_iter().collect();
    assert!(params
        .iter()
        .all(|(name, _)| signing::percent_encode(name) == *name));
    params.sort();
    params
}

/// V3 as the client signs: canonical query appended to the URL, canonical
/// request streamed into SHA-256, the key's blocks hashed once per secret
/// beforehand, the `Authorization` value written.
fn bench_v3_client(
    bencher: Bencher,
    method: &str,
    query: &[(&str, &str)],
    headers: &signing::v3::RequestHeaders<'_>,
) {
    let key = signing::v3::SigningKeyV3::new(ACCESS_KEY_SECRET);
    bencher.bench_local(|| {
        let mut url = String::with_capacity(512);
        let mut authorization = String::new();
        black_box(&key).sign_into(
            &mut url,
            &mut authorization,
            black_box(method),
            requests::ACCESS_KEY_ID,
            black_box(query.iter().copied()),
            black_box(headers),
        );
        (url, authorization)
    });
}

/// The same for V3: the floor, plus every query parameter copied as it is
/// into a new query, in an order given beforehand.
fn bench_sha256_hmac_sha256_floor_and_copies(
    bencher: Bencher,
    signed: &signing::v3::SignedV3,
    in_order: &[(&str, &str)],
) {
    use sha2::{Digest, Sha256};
    let (canonical, string_to_sign) = (&signed.canonical_request, &signed.string_to_sign);
    bencher.bench_local(|| {
        let mut query = String::with_capacity(2 * canonical.len());
        copy_in_order(&mut query, None, black_box(in_order));
        let hash = Sha256::digest(black_box(canonical.as_bytes()));
        let mut mac = Hmac::<Sha256>::new_from_slice(black_box(ACCESS_KEY_SECRET.as_bytes()))
            .expect("HMAC accepts keys of any length");
        mac.update(black_box(string_to_sign.as_bytes()));
        (query, hash, mac.finalize().into_bytes())
    });
}

/// The V3 floor's work: SHA-256 of the finished canonical request, then
/// HMAC-SHA256 of the finished string to sign, key set up every time.
fn bench_sha256_hmac_sha256_floor(bencher: Bencher, signed: &signing::v3::SignedV3) {
    use sha2::{Digest, Sha256};
    let (canonical, string_to_sign) = (&signed.canonical_request, &signed.string_to_sign);
    bencher.bench_local(|| {
        let hash = Sha256::digest(black_box(canonical.as_bytes()));
        let mut mac = Hmac::<Sha256>::new_from_slice(black_box(ACCESS_KEY_SECRET.as_bytes()))
            .expect("HMAC accepts keys of any length");
        mac.update(black_box(string_to_sign.as_bytes()));
        (hash, mac.finalize().into_bytes())
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

/// Signing as the client does it: the signed query appended to a URL
/// string, the string to sign streamed into the HMAC, the key's two blocks
/// hashed once per secret beforehand.
#[divan::bench]
fn sign_with_key(bencher: Bencher) {
    let params = params(NONCE, TIMESTAMP);
    let key = SigningKey::new(ACCESS_KEY_SECRET);
    bencher.bench_local(|| {
        let mut out = String::new();
        black_box(&key).sign_into(&mut out, black_box("GET"), black_box(params));
        out
    });
}

/// Signing as the client now does it: the common parameters that do not
/// change between requests encoded once beforehand, as the client does per
/// set of credentials, with slots for `Action`, the nonce, the timestamp
/// and `Version`; only their values and the operation's parameters encoded
/// per signature.
#[divan::bench]
fn sign_with_fixed(bencher: Bencher) {
    let all = params(NONCE, TIMESTAMP);
    // The common parameters come first, the operation's from `ClusterId` on.
    let (common, operation) = all.split_at(9);
    let slot = |name: &str| CHANGING.contains(&name);
    let fixed = FixedParams::with_slots(
        common.iter().copied().filter(|(name, _)| !slot(name)),
        &CHANGING,
    );
    let slot_values: Vec<&str> = CHANGING
        .iter()
        .map(|name| {
            common
                .iter()
                .find(|(other, _)| other == name)
                .expect("a common parameter")
                .1
        })
        .collect();
    // The generated code adds an operation's parameters in canonical order.
    let mut operation = operation.to_vec();
    operation.sort();
    assert_eq!(fixed.len() + operation.len(), all.len());
    let key = SigningKey::new(ACCESS_KEY_SECRET);
    bencher.bench_local(|| {
        let mut out = String::new();
        black_box(&key).sign_with_slots_into(
            &mut out,
            black_box("GET"),
            black_box(&fixed),
            black_box(&slot_values),
            black_box(operation.iter().copied()),
        );
        out
    });
}

/// The common parameters the client signs with a value of each request's:
/// the slots of its fixed parameters.
const CHANGING: [&str; 4] = ["Action", "SignatureNonce", "Timestamp", "Version"];

/// [`sign_with_key`] with the key built from the secret every time, as the
/// floor builds it.
#[divan::bench]
fn sign_with_new_key(bencher: Bencher) {
    let params = params(NONCE, TIMESTAMP);
    bencher.bench_local(|| {
        let mut out = String::new();
        SigningKey::new(black_box(ACCESS_KEY_SECRET)).sign_into(
            &mut out,
            black_box("GET"),
            black_box(params),
        );
        out
    });
}

/// What the client does per attempt: a fresh nonce and timestamp, then
/// [`sign_with_key`].
#[divan::bench]
fn sign_request_with_key(bencher: Bencher) {
    let nonces = NonceSource::default();
    let key = SigningKey::new(ACCESS_KEY_SECRET);
    bencher.bench_local(|| {
        let nonce = nonces.next();
        let timestamp = signing::timestamp(SystemTime::now());
        let mut out = String::new();
        key.sign_into(&mut out, black_box("GET"), params(&nonce, &timestamp));
        out
    });
}

/// A fresh nonce and timestamp, then [`sign_params`].
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

/// Signature V3 of the same `StopVisualService` request: the operation's
/// parameters and the client's `RegionId` in the query, the rest in
/// signed headers.
mod v3 {
    use super::{ACCESS_KEY_ID, ACCESS_KEY_SECRET, NONCE, TIMESTAMP};
    use divan::{black_box, Bencher};
    use ehpc_sdk::signing::v3::{self, RequestHeaders};

    const QUERY: [(&str, &str); 4] = [
        ("ClusterId", "ehpc-hz-jeJki6****"),
        ("CidrIp", "192.168.0.0/24"),
        ("Port", "12016"),
        ("RegionId", "cn-hangzhou"),
    ];

    fn headers() -> RequestHeaders<'static> {
        RequestHeaders {
            host: "ehpc.cn-hangzhou.aliyuncs.com",
            content_type: None,
            action: "StopVisualService",
            content_sha256: v3::EMPTY_PAYLOAD_SHA256,
            date: TIMESTAMP,
            security_token: None,
            nonce: NONCE,
            version: "2018-04-12",
        }
    }

    /// The floor: SHA-256 of the finished canonical request, then
    /// HMAC-SHA256 of the finished string to sign, key set up every time.
    #[divan::bench]
    fn floor_sha256_hmac_sha256(bencher: Bencher) {
        super::bench_sha256_hmac_sha256_floor(bencher, &signed());
    }

    /// The floor and the parameters' bytes copied.
    #[divan::bench]
    fn floor_and_copies(bencher: Bencher) {
        let in_order = super::in_canonical_order(QUERY);
        super::bench_sha256_hmac_sha256_floor_and_copies(bencher, &signed(), &in_order);
    }

    /// The signature with every step kept, the floors' input.
    fn signed() -> v3::SignedV3 {
        v3::sign_v3(
            "GET",
            ACCESS_KEY_ID,
            ACCESS_KEY_SECRET,
            QUERY,
            headers().pairs(),
            v3::EMPTY_PAYLOAD_SHA256,
        )
    }

    /// Signing as the client does it: canonical query appended to the
    /// URL, canonical request streamed into SHA-256, the key's blocks
    /// hashed once per secret, the `Authorization` value written.
    #[divan::bench]
    fn sign_v3_with_key(bencher: Bencher) {
        super::bench_v3_client(bencher, "GET", &QUERY, &headers());
    }

    /// Every step kept (canonical query, request, string to sign,
    /// signature, `Authorization`), key from the secret.
    #[divan::bench]
    fn sign_v3_steps(bencher: Bencher) {
        let headers = headers();
        bencher.bench_local(|| {
            v3::sign_v3(
                black_box("GET"),
                ACCESS_KEY_ID,
                black_box(ACCESS_KEY_SECRET),
                black_box(QUERY),
                headers.pairs(),
                v3::EMPTY_PAYLOAD_SHA256,
            )
        });
    }
}

/// The many-parameter requests, signed as the client signs them beside
/// their floors, V1 and V3.
mod many {
    use super::requests::{self, ACCESS_KEY_ID, ACCESS_KEY_SECRET, REGION};
    use super::{NONCE, TIMESTAMP};
    use divan::{black_box, Bencher};
    use ehpc_sdk::signing::v3::{self, RequestHeaders};
    use ehpc_sdk::signing::{self, FixedParams, SigningKey};

    #[derive(Clone, Copy, Debug)]
    enum Case {
        SubmitJob,
        CreateNodes,
    }

    /// One request's facts and wire parameters.
    struct Request {
        action: &'static str,
        version: &'static str,
        method: &'static str,
        params: Vec<(String, String)>,
    }

    impl Case {
        fn request(self) -> Request {
            match self {
                Case::SubmitJob => Request {
                    action: "SubmitJob",
                    version: ehpc_sdk::service::API_VERSION,
                    method: "GET",
                    params: requests::encoded(&requests::submit_job()),
                },
                Case::CreateNodes => Request {
                    action: "CreateNodes",
                    version: ehpc_sdk::v2024_07_30::service::API_VERSION,
                    method: "POST",
                    params: requests::encoded(&requests::create_nodes()),
                },
            }
        }
    }

    impl Request {
        /// What the client encodes per request under V1: `Action`, the
        /// nonce, the timestamp, `Version`, then the operation's own.
        fn changing(&self) -> Vec<(&str, &str)> {
            [
                ("Action", self.action),
                ("SignatureNonce", NONCE),
                ("Timestamp", TIMESTAMP),
                ("Version", self.version),
            ]
            .into_iter()
            .chain(self.own())
            .collect()
        }

        fn own(&self) -> impl Iterator<Item = (&str, &str)> {
            self.params.iter().map(|(n, v)| (n.as_str(), v.as_str()))
        }

        /// What the client encodes once per set of credentials.
        fn fixed(&self) -> Vec<(&'static str, &'static str)> {
            vec![
                ("AccessKeyId", ACCESS_KEY_ID),
                ("Format", "JSON"),
                ("SignatureMethod", "HMAC-SHA1"),
                ("SignatureVersion", "1.0"),
                ("RegionId", REGION),
            ]
        }

        /// Every parameter the V1 signature covers.
        fn all_v1(&self) -> Vec<(&str, &str)> {
            self.fixed().into_iter().chain(self.changing()).collect()
        }

        /// The V3 signature with every step kept, the floors' input.
        fn v3_signed(&self) -> v3::SignedV3 {
            v3::sign_v3(
                self.method,
                ACCESS_KEY_ID,
                ACCESS_KEY_SECRET,
                self.v3_query(),
                self.v3_headers().pairs(),
                v3::EMPTY_PAYLOAD_SHA256,
            )
        }

        fn v3_query(&self) -> Vec<(&str, &str)> {
            std::iter::once(("RegionId", REGION))
                .chain(self.own())
                .collect()
        }

        fn v3_headers(&self) -> RequestHeaders<'_> {
            RequestHeaders {
                host: "ehpc.cn-hangzhou.aliyuncs.com",
                content_type: None,
                action: self.action,
                content_sha256: v3::EMPTY_PAYLOAD_SHA256,
                date: TIMESTAMP,
                security_token: None,
                nonce: NONCE,
                version: self.version,
            }
        }
    }

    /// Each bench of the functions below, for one request.
    macro_rules! bench_each {
        ($case:expr; $($bench:ident),*) => {$(
            #[divan::bench]
            fn $bench(bencher: divan::Bencher) {
                super::$bench(bencher, $case);
            }
        )*};
    }

    /// One module of benches per request, so each can be run alone
    /// (`--bench many::submit_job::sign_with_fixed`, e.g. under callgrind).
    macro_rules! benches_of {
        ($($module:ident => $case:expr),*) => {$(
            mod $module {
                use super::Case;
                bench_each!(
                    $case;
                    floor_hmac_sha1,
                    floor_and_copies,
                    sign_with_fixed,
                    v3_floor_sha256_hmac_sha256,
                    v3_floor_and_copies,
                    v3_sign_with_key
                );
            }
        )*};
    }
    benches_of!(submit_job => Case::SubmitJob, create_nodes => Case::CreateNodes);

    /// The V1 floor: HMAC-SHA1 of the finished string to sign.
    fn floor_hmac_sha1(bencher: Bencher, case: Case) {
        let request = case.request();
        let signed = signing::sign_params(request.method, ACCESS_KEY_SECRET, request.all_v1());
        super::bench_hmac_sha1_floor(bencher, &signed.string_to_sign);
    }

    /// The V1 floor and the parameters' bytes copied.
    fn floor_and_copies(bencher: Bencher, case: Case) {
        let request = case.request();
        let all = request.all_v1();
        let signed = signing::sign_params(request.method, ACCESS_KEY_SECRET, all.iter().copied());
        let in_order = super::in_canonical_order(all);
        super::bench_hmac_sha1_floor_and_copies(bencher, &signed.string_to_sign, &in_order);
    }

    /// V1 as the client signs: common parameters encoded beforehand.
    fn sign_with_fixed(bencher: Bencher, case: Case) {
        let request = case.request();
        let fixed = FixedParams::with_slots(request.fixed(), &super::CHANGING);
        let slot_values = [request.action, NONCE, TIMESTAMP, request.version];
        let own: Vec<(&str, &str)> = request.own().collect();
        let key = SigningKey::new(ACCESS_KEY_SECRET);
        bencher.bench_local(|| {
            let mut out = String::new();
            black_box(&key).sign_with_slots_into(
                &mut out,
                black_box(request.method),
                black_box(&fixed),
                black_box(&slot_values),
                black_box(own.iter().copied()),
            );
            out
        });
    }

    /// The V3 floor: SHA-256 of the finished canonical request, then
    /// HMAC-SHA256 of the finished string to sign, key set up every time.
    fn v3_floor_sha256_hmac_sha256(bencher: Bencher, case: Case) {
        super::bench_sha256_hmac_sha256_floor(bencher, &case.request().v3_signed());
    }

    /// The V3 floor and the parameters' bytes copied.
    fn v3_floor_and_copies(bencher: Bencher, case: Case) {
        let request = case.request();
        let in_order = super::in_canonical_order(request.v3_query());
        super::bench_sha256_hmac_sha256_floor_and_copies(bencher, &request.v3_signed(), &in_order);
    }

    /// V3 as the client signs.
    fn v3_sign_with_key(bencher: Bencher, case: Case) {
        let request = case.request();
        let query = request.v3_query();
        super::bench_v3_client(bencher, request.method, &query, &request.v3_headers());
    }
}
