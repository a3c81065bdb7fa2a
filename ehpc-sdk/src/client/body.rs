//! Reading an answer's body within the client's size limit.

use bytes::{Bytes, BytesMut};

/// Default limit for one answer's body: far above the largest real answer
/// (long lists are paged), low enough that a hostile or broken endpoint
/// cannot exhaust memory.
pub const DEFAULT_MAX_RESPONSE_BODY: usize = 16 * 1024 * 1024;

/// Why a body was not read whole.
pub(super) enum BodyError {
    /// The body is longer than the limit: announced by `Content-Length`
    /// (nothing was read), or found while reading (reading stopped as soon
    /// as the limit was passed). `read` is what was read.
    TooLarge {
        read: usize,
    },
    Transport(reqwest::Error),
}

/// Reads `response`'s body, at most `limit` bytes of it.
pub(super) async fn read_bounded(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Bytes, BodyError> {
    let announced = response.content_length();
    if announced.is_some_and(|length| length > limit as u64) {
        return Err(BodyError::TooLarge { read: 0 });
    }
    // Most bodies arrive in one chunk: hand it over without copying.
    let Some(first) = next_chunk(&mut response).await? else {
        return Ok(Bytes::new());
    };
    if first.len() > limit {
        return Err(BodyError::TooLarge { read: first.len() });
    }
    let Some(second) = next_chunk(&mut response).await? else {
        return Ok(first);
    };
    let expected = announced.map_or(first.len() + second.len(), |length| length as usize);
    let mut body = BytesMut::with_capacity(expected.min(limit));
    body.extend_from_slice(&first);
    let mut chunk = second;
    loop {
        if body.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge {
                read: body.len() + chunk.len(),
            });
        }
        body.extend_from_slice(&chunk);
        match next_chunk(&mut response).await? {
            Some(next) => chunk = next,
            None => return Ok(body.freeze()),
        }
    }
}

async fn next_chunk(response: &mut reqwest::Response) -> Result<Option<Bytes>, BodyError> {
    response.chunk().await.map_err(BodyError::Transport)
}
