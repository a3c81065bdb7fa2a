//! STUB

use super::super::Call;
use crate::model::{Model, ModelError, Scope};
use serde_json::Value;

pub(super) fn answer(
    _model: &mut Model,
    _scope: &Scope,
    _action: &str,
    _call: &Call<'_>,
    _body: &mut Value,
) -> Option<Result<(), ModelError>> {
    None
}
