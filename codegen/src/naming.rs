//! Name conversion from wire names to Rust names.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// `StopVisualService` → `stop_visual_service`.
pub fn snake(name: &str) -> String {
    name.to_snake_case()
}

/// The Rust module of an API version: `2018-04-12` → `v2018_04_12`.
pub fn version_module(version: &str) -> String {
    format!("v{}", version.replace('-', "_"))
}

/// The Cargo feature that compiles an API version: `2018-04-12` → `v2018-04-12`.
pub fn version_feature(version: &str) -> String {
    format!("v{version}")
}

/// A field or setter name; dots in wire names (`EcsOrder.Manager.Count`)
/// become underscores.
pub fn field(wire_name: &str) -> String {
    wire_name.replace('.', "_").to_snake_case()
}

/// A type name from a wire name: `Clusters` → `Clusters`,
/// `EcsOrder.Manager` → `EcsOrderManager`.
pub fn type_name(wire_name: &str) -> String {
    wire_name.replace('.', "_").to_upper_camel_case()
}

/// An enum variant from an error code: `Throttling.User` → `ThrottlingUser`.
pub fn variant(code: &str) -> String {
    code.replace(['.', '-'], "_").to_upper_camel_case()
}

const STRICT_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// An identifier for a snake_case name: keywords become raw identifiers
/// (`r#type`), and the few that cannot be raw get a trailing underscore.
pub fn ident(name: &str) -> Ident {
    match name {
        "self" | "super" | "crate" | "Self" => Ident::new(&format!("{name}_"), Span::call_site()),
        _ if STRICT_KEYWORDS.contains(&name) => Ident::new_raw(name, Span::call_site()),
        _ => Ident::new(name, Span::call_site()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_wire_names() {
        assert_eq!(snake("StopVisualService"), "stop_visual_service");
        assert_eq!(field("CidrIp"), "cidr_ip");
        assert_eq!(
            field("EcsOrder.Manager.InstanceType"),
            "ecs_order_manager_instance_type"
        );
        assert_eq!(type_name("EcsOrder.Manager"), "EcsOrderManager");
        assert_eq!(variant("Throttling.User"), "ThrottlingUser");
        assert_eq!(
            variant("InvalidAccessKeyId.NotFound"),
            "InvalidAccessKeyIdNotFound"
        );
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("self").to_string(), "self_");
        assert_eq!(ident("cluster_id").to_string(), "cluster_id");
    }
}
