//! Every page of a listing, generically, through the SDK's paginator: the
//! operation's `paginator` spec key says how it pages and where its items
//! are; the pages are merged into one answer holding every item.

use codegen::model::{Operation, PagingStyle, Type};
use ehpc_sdk::paginate::{PageFuture, Paged, Paginator, PagingStyle as Style};
use ehpc_sdk::{Client, Error, ServiceError};
use serde_json::{Map, Value};

/// One listing call by name, as the SDK's paginator drives it.
#[derive(Clone)]
pub struct JsonListing {
    client: Client,
    version: String,
    action: &'static str,
    params: Map<String, Value>,
    style: Style,
    /// Wire names: the page picker, the page size, the items list and its wrapper.
    page_param: Option<(String, bool)>,
    size_param: Option<(String, bool)>,
    items: String,
    wrapper: Option<String>,
}

impl JsonListing {
    /// `None` for an operation without a paginator.
    pub fn new(client: Client, operation: &Operation, params: Map<String, Value>) -> Option<Self> {
        let paginator = operation.paginator.as_ref()?;
        let wire = |rust: &(String, Type)| {
            operation
                .parameters
                .iter()
                .find(|f| f.rust_name == rust.0)
                .map(|f| (f.wire_name.clone(), matches!(rust.1, Type::String)))
        };
        let items = operation
            .response
            .iter()
            .find(|f| f.rust_name == paginator.items_field)?;
        Some(JsonListing {
            client,
            version: operation.version.clone(),
            // Names the operation in the SDK's paging errors, which want it static.
            action: Box::leak(operation.name.clone().into_boxed_str()),
            params,
            style: match paginator.style {
                PagingStyle::PageNumber => Style::PageNumber,
                PagingStyle::Token => Style::Token,
            },
            page_param: paginator.page_param.as_ref().and_then(wire),
            size_param: paginator.page_size.as_ref().and_then(wire),
            items: items.wire_name.clone(),
            wrapper: items.wrapper.clone(),
        })
    }

    fn set(&mut self, param: &Option<(String, bool)>, value: u64) {
        if let Some((name, as_text)) = param {
            let value = if *as_text {
                Value::String(value.to_string())
            } else {
                Value::from(value)
            };
            self.params.insert(name.clone(), value);
        }
    }
}

/// The items list of an answer, under its wrapper when the service wraps it.
fn items_of<'a>(
    answer: &'a Value,
    items: &str,
    wrapper: &Option<String>,
) -> Option<&'a Vec<Value>> {
    let list = answer.get(items)?;
    match wrapper {
        Some(wrapper) => list.get(wrapper)?.as_array(),
        None => list.as_array(),
    }
}

fn items_of_mut<'a>(
    answer: &'a mut Value,
    items: &str,
    wrapper: &Option<String>,
) -> Option<&'a mut Vec<Value>> {
    let list = answer.get_mut(items)?;
    match wrapper {
        Some(wrapper) => list.get_mut(wrapper)?.as_array_mut(),
        None => list.as_array_mut(),
    }
}

/// One page, with its item count, which only the listing knows how to find.
pub struct Page {
    answer: Value,
    count: usize,
}

/// The paging style is a constant of the SDK's trait: one type per style.
#[derive(Clone)]
pub struct Styled<const TOKEN: bool>(JsonListing);

impl<const TOKEN: bool> Paged for Styled<TOKEN> {
    type Output = Page;
    type Error = ServiceError;
    type Item = Value;
    const ACTION: &'static str = "the listing";
    const STYLE: Style = if TOKEN {
        Style::Token
    } else {
        Style::PageNumber
    };

    fn with_page_number(mut self, number: u32) -> Self {
        let param = self.0.page_param.clone();
        self.0.set(&param, u64::from(number));
        self
    }

    fn with_token(mut self, token: String) -> Self {
        if let Some((name, _)) = &self.0.page_param {
            self.0.params.insert(name.clone(), Value::String(token));
        }
        self
    }

    fn with_page_size(mut self, size: u32) -> Self {
        let param = self.0.size_param.clone();
        self.0.set(&param, u64::from(size));
        self
    }

    fn send_page(self) -> PageFuture<Self> {
        let listing = self.0;
        Box::pin(async move {
            let answer = listing
                .client
                .call_json(
                    &listing.version,
                    listing.action,
                    Value::Object(listing.params),
                )
                .await?;
            let count = items_of(&answer, &listing.items, &listing.wrapper).map_or(0, Vec::len);
            Ok(Page { answer, count })
        })
    }

    fn total_count(page: &Page) -> Option<u64> {
        let total = page.answer.get("TotalCount")?;
        total.as_u64().or_else(|| total.as_str()?.parse().ok())
    }

    fn next_token(page: &Page) -> Option<&str> {
        page.answer.get("NextToken")?.as_str()
    }

    fn request_id(page: &Page) -> &str {
        page.answer
            .get("RequestId")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    fn item_count(page: &Page) -> usize {
        page.count
    }

    fn into_items(_page: Page) -> Vec<Value> {
        // Pages are merged whole by `all_pages`; items are not streamed.
        Vec::new()
    }
}

/// Every page (up to `max_items` items), merged into the first page's
/// answer: its items list holds every item, in order.
pub async fn all_pages(
    listing: JsonListing,
    page_size: Option<u32>,
    max_items: Option<u64>,
) -> Result<Value, Error<ServiceError>> {
    match listing.style {
        Style::Token => merged(Styled::<true>(listing), page_size, max_items).await,
        _ => merged(Styled::<false>(listing), page_size, max_items).await,
    }
}

async fn merged<const TOKEN: bool>(
    listing: Styled<TOKEN>,
    page_size: Option<u32>,
    max_items: Option<u64>,
) -> Result<Value, Error<ServiceError>> {
    let (items, wrapper) = (listing.0.items.clone(), listing.0.wrapper.clone());
    let mut paginator = Paginator::new(listing);
    if let Some(size) = page_size {
        paginator = paginator.page_size(size);
    }
    let mut pages = paginator.pages();
    let mut merged: Option<Value> = None;
    let mut all = Vec::new();
    while let Some(page) = pages.next().await {
        let mut page = page?;
        if let Some(list) = items_of_mut(&mut page.answer, &items, &wrapper) {
            all.append(list);
        }
        let full = max_items.is_some_and(|max| all.len() as u64 >= max);
        merged = Some(page.answer);
        if full {
            break;
        }
    }
    let mut answer = merged.unwrap_or(Value::Null);
    if let Some(max) = max_items {
        all.truncate(max as usize);
    }
    // The last page's answer with every item: its paging fields say where
    // the listing ended.
    if let Some(list) = items_of_mut(&mut answer, &items, &wrapper) {
        *list = all;
    }
    Ok(answer)
}
