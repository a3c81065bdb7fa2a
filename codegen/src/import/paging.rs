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
    // Token paging sized by the singular `MaxResult` (as some answers
    // of the E-HPC family are) names it; the usual names need no key.
    let page_size =
        (style == "token" && !has(parameters, "MaxResults") && has(parameters, "MaxResult"))
            .then(|| "MaxResult".to_string());
    Some(PaginatorSpec {
        style: style.to_string(),
        items,
        page_size,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, ty: &str) -> FieldSpec {
        FieldSpec {
            name: Some(name.to_string()),
            ty: ty.to_string(),
            ..FieldSpec::default()
        }
    }

    #[test]
    fn page_number_and_token_styles_are_told_apart() {
        let page = [field("ClusterId", "string"), field("PageNumber", "integer")];
        let answer = [field("TotalCount", "integer"), field("Jobs", "array")];
        let inferred = infer(&page, &answer).unwrap();
        assert_eq!(
            (inferred.style.as_str(), inferred.items.as_str()),
            ("page_number", "Jobs")
        );

        let token = [field("NextToken", "string"), field("MaxResults", "integer")];
        let answer = [field("NextToken", "string"), field("Regions", "array")];
        let inferred = infer(&token, &answer).unwrap();
        assert_eq!(
            (inferred.style.as_str(), inferred.items.as_str()),
            ("token", "Regions")
        );
    }

    #[test]
    fn nothing_is_inferred_without_paging_or_with_several_lists() {
        let answer = [field("TotalCount", "integer"), field("Jobs", "array")];
        assert!(infer(&[field("ClusterId", "string")], &answer).is_none());
        let two = [
            field("TotalCount", "integer"),
            field("Jobs", "array"),
            field("Nodes", "array"),
        ];
        assert!(infer(&[field("PageNumber", "integer")], &two).is_none());
    }
}
