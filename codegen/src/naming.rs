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

/// Method names the generator itself gives the types holding request
/// parameters (call, builder, nested parameter types), and trait methods
/// it calls on them by path: a setter of that name would clash.
pub const RESERVED_PARAMETER_NAMES: &[&str] = &[
    "build",
    "send",
    "with_options",
    "new",
    "into_paginator",
    "default",
    "clone",
];

/// Field names the generator itself adds to response types.
pub const RESERVED_RESPONSE_NAMES: &[&str] = &["unknown_fields", "request_id"];

/// A field name that does not clash with what the generator emits beside
/// it: a reserved name gets a trailing underscore (`send` → `send_`), as
/// `self` does. `RequestId` keeps `request_id`: it is that field.
pub fn unreserved(rust_name: String, wire_name: &str, reserved: &[&str]) -> String {
    if reserved.contains(&rust_name.as_str()) && wire_name != "RequestId" {
        format!("{rust_name}_")
    } else {
        rust_name
    }
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
        let send = unreserved(field("Send"), "Send", RESERVED_PARAMETER_NAMES);
        assert_eq!(send, "send_");
        let id = unreserved(field("RequestId"), "RequestId", RESERVED_RESPONSE_NAMES);
        assert_eq!(id, "request_id");
    }
}
