//! A small INI reader with the conventions of the official SDKs' readers
//! (Python's `configparser`, Go's `ini`, Node's `ini`): `[section]`
//! headers, `key = value` and `key: value` lines, whole-line and inline
//! comments (`#` or `;` after white space), values in matching quotes,
//! indented continuation lines. Keys are compared without case.

use std::collections::HashMap;

pub(crate) type Section = HashMap<String, String>;

/// A problem on a 1-based line; the description never quotes the line
/// (it may hold a secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IniError {
    pub(crate) line: usize,
    pub(crate) what: &'static str,
}

pub(crate) fn parse(text: &str) -> Result<HashMap<String, Section>, IniError> {
    let mut sections: HashMap<String, Section> = HashMap::new();
    let mut current: Option<String> = None;
    // The key whose value is open, with the indentation of its line.
    let mut last_key: Option<(String, usize)> = None;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let error = |what| IniError { line, what };
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let indent = raw.len() - raw.trim_start().len();
        let content = strip_inline_comment(trimmed);
        if let Some(rest) = content.strip_prefix('[') {
            let name = rest
                .strip_suffix(']')
                .map(str::trim)
                .filter(|name| !name.is_empty())
                .ok_or(error("a section header must look like `[name]`"))?;
            sections.entry(name.to_string()).or_default();
            current = Some(name.to_string());
            last_key = None;
            continue;
        }
        if let (Some(section), Some((key, key_indent))) = (&current, &last_key) {
            if indent > *key_indent {
                // Indented deeper than its key: the value goes on.
                let value = sections
                    .get_mut(section)
                    .and_then(|s| s.get_mut(key))
                    .expect("the open key was inserted");
                if !value.is_empty() {
                    value.push('\n');
                }
                value.push_str(content);
                continue;
            }
        }
        let at = content
            .find(['=', ':'])
            .ok_or(error("expected `key = value` or `[section]`"))?;
        let key = content[..at].trim().to_ascii_lowercase();
        if key.is_empty() {
            return Err(error("a key is missing before `=`"));
        }
        let section = current
            .as_ref()
            .ok_or(error("a key comes before any `[section]`"))?;
        let value = unquote(content[at + 1..].trim());
        sections
            .entry(section.clone())
            .or_default()
            .insert(key.clone(), value.to_string());
        last_key = Some((key, indent));
    }
    Ok(sections)
}

/// `value # note` and `value ; note` lose the comment; a `#` or `;`
/// inside a word (`pa#ss`) or inside quotes stays.
fn strip_inline_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut previous_is_space = false;
    for (at, c) in line.char_indices() {
        match quote {
            Some(open) if c == open => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if (c == '#' || c == ';') && previous_is_space => return line[..at].trim_end(),
            None => {}
        }
        previous_is_space = c.is_whitespace();
    }
    line
}

fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if value.len() >= 2 && value.starts_with(quote) && value.ends_with(quote) {
            return &value[1..value.len() - 1];
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_comments_separators_and_quotes() {
        let sections = parse(
            "# keys\n[default]\ntype = access_key\naccess_key_id = \"id\"\n\
             access_key_secret: s3cr#t ; the secret\nRole_Name = r # note\n\n; other\n[b]\nx=1\n\
             y = 'a # b'\n",
        )
        .unwrap();
        let default = &sections["default"];
        assert_eq!(default["access_key_id"], "id");
        assert_eq!(default["access_key_secret"], "s3cr#t");
        assert_eq!(default["role_name"], "r");
        assert_eq!(sections["b"]["x"], "1");
        assert_eq!(sections["b"]["y"], "a # b");
    }

    #[test]
    fn continuation_lines_extend_the_value() {
        let sections = parse("[a]\npolicy = {\n  \"Version\": \"1\"}\n  x = 1\n  y = 2\n").unwrap();
        assert_eq!(
            sections["a"]["policy"],
            "{\n\"Version\": \"1\"}\nx = 1\ny = 2"
        );
        let indented = parse("[a]\n  x = 1\n  y = 2\n").unwrap();
        assert_eq!(
            (indented["a"]["x"].as_str(), indented["a"]["y"].as_str()),
            ("1", "2")
        );
    }

    #[test]
    fn errors_name_the_line_and_never_the_text() {
        assert_eq!(parse("[default]\njunk\n").unwrap_err().line, 2);
        assert_eq!(parse("key = 1\n").unwrap_err().line, 1);
        assert_eq!(parse("[default\n").unwrap_err().line, 1);
        assert_eq!(parse("[a]\n = 1\n").unwrap_err().line, 2);
        assert!(!parse("[a]\nhidden-secret\n")
            .unwrap_err()
            .what
            .contains("hidden"));
    }
}
