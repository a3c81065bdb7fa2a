//! Helpers shared by the workspace tests.

pub mod conformance_values;
