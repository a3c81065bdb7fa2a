//! STS, the security token service: `AssumeRole` (version 2015-04-01)
//! issues temporary keys that the emulator then accepts for E-HPC calls
//! until they expire.

use crate::answer::{Outcome, Rejection};
use crate::rpc::{self, RpcRequest};
use crate::server::Emulator;
use crate::state::{AccessKey, State};
use crate::timestamp;
use serde_json::{json, Value};
use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// The API version STS requests carry; the router sends them here by it.
pub(crate) const VERSION: &str = "2015-04-01";

/// Lifetimes `DurationSeconds` may ask for (STS's default bounds).
const MIN_DURATION: u64 = 900;
const MAX_DURATION: u64 = 3600;

pub(crate) async fn handle(state: &State, request: &RpcRequest) -> Outcome {
    let request_id = state.ids.next();
    match assume_role(state, request) {
        Ok(mut body) => {
            body["RequestId"] = Value::String(request_id.clone());
            Outcome::success(&request_id, &body)
        }
        Err(rejection) => Outcome::rejection(&rejection, &request_id, &request.host),
    }
}

fn assume_role(state: &State, request: &RpcRequest) -> Result<Value, Rejection> {
    let action = rpc::required(request, "Action")?;
    if action != "AssumeRole" {
        return Err(Rejection::new(
            404,
            "InvalidAction.NotFound",
            format!("The action `{action}` does not exist in Sts {VERSION}."),
        ));
    }
    rpc::check_format(request)?;
    rpc::authenticate(state, request)?;
    let role_arn = rpc::required(request, "RoleArn")?;
    let role_name = role_arn
        .strip_prefix("acs:ram::")
        .and_then(|rest| rest.split_once(":role/"))
        .filter(|(account, role)| {
            !account.is_empty() && account.bytes().all(|b| b.is_ascii_digit()) && !role.is_empty()
        })
        .map(|(_, role)| role)
        .ok_or_else(|| {
            Rejection::new(
                400,
                "InvalidParameter.RoleArn",
                format!(
                    "The RoleArn `{role_arn}` is not of the form acs:ram::<account>:role/<name>."
                ),
            )
        })?;
    let session = rpc::required(request, "RoleSessionName")?;
    let session_ok = (2..=64).contains(&session.len())
        && session
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'@' | b'-' | b'_'));
    if !session_ok {
        return Err(Rejection::new(
            400,
            "InvalidParameter.RoleSessionName",
            "The RoleSessionName must be 2 to 64 letters, digits or `.@-_`.",
        ));
    }
    let duration = match request.param("DurationSeconds") {
        None => MAX_DURATION,
        Some(text) => text
            .parse::<u64>()
            .ok()
            .filter(|d| (MIN_DURATION..=MAX_DURATION).contains(d))
            .ok_or_else(|| {
                Rejection::new(
                    400,
                    "InvalidParameter.DurationSeconds",
                    format!("The DurationSeconds `{text}` is not within {MIN_DURATION} to {MAX_DURATION}."),
                )
            })?,
    };
    let (key, expiration) = state.issued.issue(Duration::from_secs(duration));
    Ok(json!({
        "AssumedRoleUser": {
            "Arn": format!("{role_arn}/{session}"),
            "AssumedRoleId": format!("3{}:{session}", &key.id[4..20]),
        },
        "Credentials": credentials_json(&key, expiration),
        "RoleName": role_name,
    }))
}

/// The `Credentials` object STS and the metadata service answer.
pub(crate) fn credentials_json(key: &AccessKey, expiration: SystemTime) -> Value {
    json!({
        "AccessKeyId": key.id,
        "AccessKeySecret": key.secret,
        "SecurityToken": key.security_token,
        "Expiration": timestamp::format(expiration),
    })
}

/// Temporary keys handed out, accepted until they expire.
#[derive(Default)]
pub(crate) struct IssuedKeys {
    keys: Mutex<HashMap<String, (AccessKey, SystemTime)>>,
    random: RandomText,
}

impl IssuedKeys {
    /// A new temporary key pair with its security token.
    pub(crate) fn issue(&self, lifetime: Duration) -> (AccessKey, SystemTime) {
        let key = AccessKey::new(
            format!("STS.{}", self.random.next(24)),
            self.random.next(32),
        )
        .with_security_token(format!("CAIS{}", self.random.next(96)));
        let expiration = SystemTime::now() + lifetime;
        self.lock()
            .insert(key.id.clone(), (key.clone(), expiration));
        (key, expiration)
    }

    /// The issued key `id` when it is still valid; `Ok(None)` when it was
    /// never issued.
    pub(crate) fn find(&self, id: &str, now: SystemTime) -> Result<Option<AccessKey>, Rejection> {
        match self.lock().get(id) {
            None => Ok(None),
            Some((_, expiration)) if *expiration <= now => Err(Rejection::new(
                400,
                "InvalidSecurityToken.Expired",
                format!(
                    "The security token expired at {}.",
                    timestamp::format(*expiration)
                ),
            )),
            Some((key, _)) => Ok(Some(key.clone())),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (AccessKey, SystemTime)>> {
        self.keys.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Unpredictable alphanumeric text for keys and tokens.
#[derive(Default)]
pub(crate) struct RandomText {
    keys: RandomState,
    counter: AtomicU64,
}

impl RandomText {
    pub(crate) fn next(&self, length: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let count = self.counter.fetch_add(1, Ordering::Relaxed);
        (0..length)
            .map(|index| {
                let mut hasher = self.keys.build_hasher();
                hasher.write_u64(count);
                hasher.write_usize(index);
                ALPHABET[(hasher.finish() % ALPHABET.len() as u64) as usize] as char
            })
            .collect()
    }
}

impl Emulator {
    /// Makes every temporary key issued so far expire now, as if their
    /// lifetime had passed: calls signed with them are refused with
    /// `InvalidSecurityToken.Expired`.
    pub fn expire_temporary_keys(&self) {
        let now = SystemTime::now();
        for (_, expiration) in self.state.issued.lock().values_mut() {
            *expiration = now;
        }
    }
}
