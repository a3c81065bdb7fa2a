//! Which request parameters hold secrets, read off their names: the
//! importer marks them `sensitive`, so their generated `Debug` redacts them.

use crate::spec::FieldSpec;

/// Marks `field` and every nested property whose name is password-like
/// (`Password`, `RunasUserPassword`, `AdUserPasswd`, `User.N.Password`) or
/// a secret (`AccessKeySecret`), when it holds text.
pub fn mark(field: &mut FieldSpec) {
    if field.name.as_deref().is_some_and(is_secret_name) && holds_text(field) {
        field.sensitive = Some(true);
    }
    if let Some(items) = field.items.as_deref_mut() {
        mark(items);
    }
    for property in field.properties.iter_mut().flatten() {
        mark(property);
    }
}

/// The last segment of a flattened name decides; case, `-` and `_` are
/// ignored.
pub fn is_secret_name(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    let normalized: String = last
        .chars()
        .filter(|c| *c != '-' && *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    normalized.contains("password")
        || normalized.contains("passwd")
        || normalized.ends_with("secret")
}

fn holds_text(field: &FieldSpec) -> bool {
    match field.ty.as_str() {
        "string" => true,
        "array" => field
            .items
            .as_deref()
            .is_some_and(|items| items.ty == "string"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_like_names_are_secret() {
        for name in [
            "Password",
            "Passwd",
            "RunasUserPassword",
            "WinAdPar.AdUserPasswd",
            "User.1.Password",
            "AccessKeySecret",
            "password_hash",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "PasswordPolicy.Length",
            "User",
            "AccessKeyId",
            "Passage",
            "SecretName",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn only_text_is_marked() {
        let mut count = FieldSpec {
            name: Some("PasswordLength".into()),
            ty: "integer".into(),
            ..FieldSpec::default()
        };
        mark(&mut count);
        assert_eq!(count.sensitive, None);
        let mut user = FieldSpec {
            name: Some("User".into()),
            ty: "array".into(),
            items: Some(Box::new(FieldSpec {
                ty: "object".into(),
                properties: Some(vec![FieldSpec {
                    name: Some("Password".into()),
                    ty: "string".into(),
                    ..FieldSpec::default()
                }]),
                ..FieldSpec::default()
            })),
            ..FieldSpec::default()
        };
        mark(&mut user);
        assert_eq!(user.sensitive, None);
        let password = &user.items.unwrap().properties.unwrap()[0];
        assert_eq!(password.sensitive, Some(true));
    }
}
