//! The APIs the command line speaks: every spec tree embedded at build
//! time, parsed and validated at start, grouped by product.

use codegen::diagnostic::Diagnostics;
use codegen::model::{Api, Field, Operation, StructType, Waiter};
use std::path::Path;

struct EmbeddedTree {
    service: EmbeddedSpec,
    waiters: Option<EmbeddedSpec>,
    errors: Option<EmbeddedSpec>,
    operations: &'static [EmbeddedSpec],
}

struct EmbeddedSpec {
    path: &'static str,
    text: &'static str,
}

mod embedded {
    use super::{EmbeddedSpec, EmbeddedTree};
    include!(concat!(env!("OUT_DIR"), "/embedded_specs.rs"));
}

/// The product addressed without a product subcommand.
pub const MAIN_PRODUCT: &str = "EHPC";

/// One product and its API versions, oldest first.
pub struct Product {
    pub code: String,
    /// The subcommand that addresses it, `None` for [`MAIN_PRODUCT`].
    pub command: Option<String>,
    pub apis: Vec<Api>,
}

impl Product {
    /// The version used without `--api-version`: the newest.
    pub fn default_api(&self) -> &Api {
        self.apis
            .last()
            .expect("a product has at least one version")
    }

    pub fn api(&self, version: &str) -> Option<&Api> {
        self.apis.iter().find(|api| api.service.version == version)
    }

    pub fn versions(&self) -> Vec<&str> {
        self.apis
            .iter()
            .map(|a| a.service.version.as_str())
            .collect()
    }
}

/// The subcommand of a product other than [`MAIN_PRODUCT`]: its code in
/// kebab case without the `ehpc-` every E-HPC product shares
/// (`EhpcInstant` → `instant`).
pub fn product_command(code: &str) -> String {
    let kebab = heck::ToKebabCase::to_kebab_case(code);
    match kebab.strip_prefix("ehpc-") {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => kebab,
    }
}

/// Which operations to read: all, or those named (by action or command
/// name) and those the waiters poll. Reading a spec costs more than the
/// rest of a start, so a call reads only its own.
pub enum Wanted {
    All,
    Named(Vec<String>),
}

impl Wanted {
    fn includes(&self, action: &str) -> bool {
        match self {
            Wanted::All => true,
            Wanted::Named(names) => names
                .iter()
                .any(|name| name == action || *name == command_name(action)),
        }
    }
}

/// Every embedded product, [`MAIN_PRODUCT`] first, the others by name.
pub fn products(wanted: &Wanted) -> Result<Vec<Product>, String> {
    // Naming no operation (`ehpc instant --help`, a misspelt one) needs
    // them all: the listing, the suggestions.
    let names_one = |words: &Vec<String>| {
        words.iter().any(|w| w == "wait")
            || embedded::TREES
                .iter()
                .flat_map(|t| t.operations.iter())
                .any(|spec| wanted.includes(&action_of(spec)))
    };
    let all = Wanted::All;
    let wanted = match wanted {
        Wanted::Named(words) if !names_one(words) => &all,
        other => other,
    };
    let mut products: Vec<Product> = Vec::new();
    let mut problems = Diagnostics::default();
    for tree in embedded::TREES {
        match parse_tree(tree, wanted) {
            Ok(api) => {
                let code = api.service.product.clone();
                match products.iter_mut().find(|p| p.code == code) {
                    Some(product) => product.apis.push(api),
                    None => products.push(Product {
                        command: (code != MAIN_PRODUCT).then(|| product_command(&code)),
                        code,
                        apis: vec![api],
                    }),
                }
            }
            Err(found) => problems.0.extend(found.0),
        }
    }
    if !problems.is_empty() {
        return Err(format!("the embedded specs are not valid:\n{problems}"));
    }
    for product in &mut products {
        product
            .apis
            .sort_by(|a, b| a.service.version.cmp(&b.service.version));
    }
    products.sort_by_key(|p| (p.command.is_some(), p.code.clone()));
    Ok(products)
}

/// A spec file is named after its action.
fn action_of(spec: &EmbeddedSpec) -> String {
    Path::new(spec.path)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string()
}

fn parse_tree(tree: &EmbeddedTree, wanted: &Wanted) -> Result<Api, Diagnostics> {
    let mut problems = Diagnostics::default();
    let service = codegen::parse::parse_service(Path::new(tree.service.path), tree.service.text)
        .map_err(|d| problems.push(d))
        .ok();
    let waiters = match &tree.waiters {
        Some(spec) => Some(
            codegen::parse::parse_waiters(Path::new(spec.path), spec.text)
                .map_err(|d| Diagnostics(vec![d]))?,
        ),
        None => None,
    };
    let polled: Vec<&str> = waiters
        .iter()
        .flat_map(|w| w.spec.waiters.iter().map(|w| w.operation.as_str()))
        .collect();
    let mut operations = Vec::new();
    let chosen = tree.operations.iter().filter(|spec| {
        let action = action_of(spec);
        wanted.includes(&action) || polled.contains(&action.as_str())
    });
    for spec in chosen {
        match codegen::parse::parse_operation(Path::new(spec.path), spec.text) {
            Ok(parsed) => operations.push(parsed),
            Err(d) => problems.push(d),
        }
    }
    let Some(service) = service.filter(|_| problems.is_empty()) else {
        return Err(problems);
    };
    let mut api = codegen::validate::validate(&service, &operations)?;
    if let Some(parsed) = &waiters {
        api.waiters = codegen::validate::waiters::validate(parsed, &api)?;
    }
    let catalogue = match &tree.errors {
        Some(errors) => Some(
            codegen::parse::parse_error_catalogue(Path::new(errors.path), errors.text)
                .map_err(|d| Diagnostics(vec![d]))?,
        ),
        None => None,
    };
    // Errors documented once per version reach each operation's help.
    codegen::validate::docs::resolve(&mut api, catalogue.as_ref().map(|c| &c.spec));
    Ok(api)
}

/// `ListClusters` → `list-clusters`, the operation's subcommand.
pub fn command_name(action: &str) -> String {
    heck::ToKebabCase::to_kebab_case(action)
}

/// A parameter's flag: the SDK's setter name with `-` for `_`; the
/// trailing `_` that keeps a setter clear of the SDK's own names is not
/// needed on a flag.
pub fn flag_name(field: &Field) -> String {
    field.rust_name.trim_end_matches('_').replace('_', "-")
}

/// The object type `name` of an operation's request.
pub fn request_type<'a>(operation: &'a Operation, name: &str) -> Option<&'a StructType> {
    operation.request_types.iter().find(|t| t.name == name)
}

/// The waiters that follow what `operation` starts: a `Create*`, `Add*` or
/// `Submit*` is followed by the waiters of its resource that are not about
/// deletion, a `Delete*` by its resource's `*_deleted` waiter. The resource
/// is the action without its verb, matched singular or plural against the
/// waiter name's first word (`CreateNodes` → `nodes_running`,
/// `SubmitJob` → `job_finished`).
pub fn follow_up_waiter<'a>(api: &'a Api, operation: &Operation) -> Option<&'a Waiter> {
    let snake = &operation.snake;
    let (deleting, resource) = ["create_", "add_", "submit_"]
        .iter()
        .find_map(|verb| snake.strip_prefix(verb).map(|r| (false, r)))
        .or_else(|| snake.strip_prefix("delete_").map(|r| (true, r)))?;
    api.waiters.iter().find(|waiter| {
        let (subject, outcome) = waiter.name.split_once('_').unwrap_or((&waiter.name, ""));
        let same = subject == resource
            || subject.strip_suffix('s') == Some(resource)
            || resource.strip_suffix('s') == Some(subject);
        same && (outcome == "deleted") == deleting
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_product_other_than_ehpc_gets_a_subcommand_named_after_it() {
        assert_eq!(product_command("EhpcInstant"), "instant");
        assert_eq!(product_command("EhpcFoo2"), "foo2");
        assert_eq!(product_command("Nas"), "nas");
    }

    #[test]
    fn every_embedded_spec_is_read_and_ehpc_comes_first() {
        let products = products(&Wanted::All).expect("the specs are valid");
        assert_eq!(products[0].code, MAIN_PRODUCT);
        assert!(products[0].command.is_none());
        assert!(products[1..].iter().all(|p| p.command.is_some()));
        assert!(products[0].versions().contains(&"2018-04-12"));
    }

    #[test]
    fn a_call_reads_only_its_operation_and_those_the_waiters_poll() {
        let products = products(&Wanted::Named(vec!["list-jobs".into()])).expect("valid");
        let api = products[0].default_api();
        let names: Vec<&str> = api.operations.iter().map(|o| o.name.as_str()).collect();
        assert!(names.contains(&"ListJobs"), "{names:?}");
        assert!(names.contains(&"GetCluster"), "{names:?}");
        assert!(!names.contains(&"CreateCluster"), "{names:?}");
    }
}
