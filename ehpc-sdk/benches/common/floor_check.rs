//! Whether a floor's request is the client's: both sent once to the
//! emulator, which checks signatures as the service does, and what it
//! received and answered compared.

use ehpc_emulator::RequestRecord;

/// Parameters and headers whose values change with every signature: only
/// their presence is compared.
const PER_SIGNATURE: [&str; 5] = [
    "Signature",
    "SignatureNonce",
    "Timestamp",
    "x-acs-date",
    "x-acs-signature-nonce",
];

/// `Ok` with a one-line account when the emulator received the same
/// method, parameters and headers from both and accepted both; otherwise
/// what differs.
pub fn compare(client: &RequestRecord, floor: &RequestRecord) -> Result<String, String> {
    if floor.status != Some(200) || client.status != Some(200) {
        return Err(format!(
            "the emulator answered the client {:?} {:?} and the floor {:?} {:?}",
            client.status, client.code, floor.status, floor.code
        ));
    }
    if client.method != floor.method {
        return Err(format!(
            "the client sent {}, the floor {}",
            client.method, floor.method
        ));
    }
    let (client_params, floor_params) = (comparable(&client.params), comparable(&floor.params));
    if client_params != floor_params {
        return Err(format!(
            "the parameters differ: client {client_params:?}, floor {floor_params:?}"
        ));
    }
    let (client_headers, floor_headers) = (comparable(&client.headers), comparable(&floor.headers));
    if client_headers != floor_headers {
        return Err(format!(
            "the headers differ: client {client_headers:?}, floor {floor_headers:?}"
        ));
    }
    Ok(format!(
        "{}, {} parameters, {} signature headers, the same from both, both accepted",
        floor.method,
        floor_params.len(),
        floor_headers.len()
    ))
}

/// Sorted, with the per-signature values blanked and the signature cut
/// out of `authorization` (its algorithm, credential and signed header
/// names stay).
fn comparable(pairs: &[(String, String)]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(name, value)| {
            let value = if PER_SIGNATURE.contains(&name.as_str()) {
                String::new()
            } else if name == "authorization" {
                value
                    .split_once(",Signature=")
                    .map_or(value.as_str(), |(signed, _)| signed)
                    .to_string()
            } else {
                value.clone()
            };
            (name.clone(), value)
        })
        .collect();
    pairs.sort();
    pairs
}
