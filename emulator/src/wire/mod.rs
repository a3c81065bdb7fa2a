//! The bottom layer: the vocabulary every layer above speaks. A request in
//! RPC terms, the answers and refusals that go back, request ids and the
//! protocol's timestamps. Imports nothing of the crate.

pub(crate) mod answer;
pub(crate) mod request;
pub(crate) mod timestamp;
