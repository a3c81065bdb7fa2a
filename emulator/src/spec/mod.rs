//! The specs served, beside the wire at the bottom: the operations, their
//! parameters, answers and documented errors, loaded and validated once at
//! start. Imports nothing of the crate.

mod catalog;

#[cfg(test)]
pub(crate) use catalog::embedded_service;
pub(crate) use catalog::struct_type;
pub use catalog::{Catalog, SpecError};
