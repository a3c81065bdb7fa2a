//! How an operation pages, inferred from its parameters and response: the
//! metadata has no marker for it.

use crate::spec::{FieldSpec, PaginatorSpec};

fn has(fields: &[FieldSpec], name: &str) -> bool {
    fields.iter().any(|f| f.name.as_deref() == Some(name))
}

/// `page_number` when the operation takes `PageNumber` and answers with
/// `TotalCount` or `PageNumber`; `token` when it takes and answers
/// `NextToken`. The items are the response's one top-level array; with
/// none or several, nothing is inferred (a maintainer can set the key).
pub fn infer(parameters: &[FieldSpec], response: &[FieldSpec]) -> Option<PaginatorSpec> {
    let style = if has(parameters, "NextToken") && has(response, "NextToken") {
        "token"
    } else if has(parameters, "PageNumber")
        && (has(response, "TotalCount") || has(response, "PageNumber"))
    {
        "page_number"
    } else {
        return None;
    };
    let mut arrays = response.iter().filter(|f| f.ty == "array");
    let items = arrays.next()?.name.clone()?;
    if arrays.next().is_some() {
        return None;
    }
    Some(PaginatorSpec {
        style: style.to_string(),
        items,
    })
}
