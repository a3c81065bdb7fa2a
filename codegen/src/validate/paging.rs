//! The `paginator` key of an operation, checked against its parameters and
//! response fields.

use super::Checker;
use crate::model::{Field, Paginator, PagingStyle, Type};
use crate::spec::PaginatorSpec;

fn find<'f>(fields: &'f [Field], wire: &str) -> Option<&'f Field> {
    fields.iter().find(|f| f.wire_name == wire)
}

fn scalar(field: Option<&Field>) -> Option<(String, Type)> {
    field
        .filter(|f| matches!(f.ty, Type::String | Type::Int32 | Type::Int64))
        .map(|f| (f.rust_name.clone(), f.ty.clone()))
}

impl<T> Checker<'_, T> {
    pub(super) fn paginator(
        &mut self,
        spec: &PaginatorSpec,
        parameters: &[Field],
        response: &[Field],
    ) -> Option<Paginator> {
        let start = self.diagnostics.len();
        let style = match spec.style.as_str() {
            "page_number" => Some(PagingStyle::PageNumber),
            "token" => Some(PagingStyle::Token),
            other => {
                self.error(
                    "paginator.style",
                    format!("unknown paging style `{other}`: expected page_number or token"),
                );
                None
            }
        };
        let items = find(response, &spec.items);
        let item_type = match items.map(|f| &f.ty) {
            Some(Type::Array(item)) => Some((**item).clone()),
            Some(_) => {
                self.error(
                    "paginator.items",
                    format!("response field `{}` is not an array", spec.items),
                );
                None
            }
            None => {
                self.error(
                    "paginator.items",
                    format!(
                        "the response has no top-level field `{}` to take the items from",
                        spec.items
                    ),
                );
                None
            }
        };
        let (page_param, size_param) = match style {
            Some(PagingStyle::PageNumber) => ("PageNumber", "PageSize"),
            _ => ("NextToken", "MaxResults"),
        };
        let size_param = spec.page_size.as_deref().unwrap_or(size_param);
        let page_size = scalar(find(parameters, size_param));
        if spec.page_size.is_some() && page_size.is_none() {
            self.error(
                "paginator.page_size",
                format!("there is no string or integer parameter `{size_param}` to size pages"),
            );
        }
        let page = scalar(find(parameters, page_param));
        if style.is_some() && page.is_none() {
            self.error(
                "paginator.style",
                format!(
                    "style `{}` needs a string or integer parameter `{page_param}`",
                    spec.style
                ),
            );
        }
        let next_token = find(response, "NextToken")
            .filter(|f| f.ty == Type::String)
            .map(|f| f.rust_name.clone());
        if style == Some(PagingStyle::Token) && next_token.is_none() {
            self.error(
                "paginator.style",
                "style `token` needs a string response field `NextToken`",
            );
        }
        if self.diagnostics.len() > start {
            return None;
        }
        let style = style?;
        Some(Paginator {
            style,
            items_field: items?.rust_name.clone(),
            item_type: item_type?,
            page_param: page,
            page_size,
            total_count: scalar(find(response, "TotalCount")),
            next_token: next_token.filter(|_| style == PagingStyle::Token),
        })
    }
}
