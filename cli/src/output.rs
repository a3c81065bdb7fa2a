//! Answers on stdout: JSON (pretty), YAML, a table, or tab-separated text.

use crate::failure::Failure;
use serde_json::{Map, Value};

/// Columns a table shows by default, at most.
const MAX_COLUMNS: usize = 6;

/// Writes `answer` in `format`; `list` names the answer's items list (the
/// paginator's), which table and text show as rows.
pub fn render(answer: &Value, format: &str, list: Option<&str>) -> Result<String, Failure> {
    Ok(match format {
        "yaml" => serde_norway::to_string(answer).map_err(|e| Failure::other(e.to_string()))?,
        "table" => table(answer, list),
        "text" => text(answer, list),
        _ => {
            let mut json = serde_json::to_string_pretty(answer).expect("JSON values serialize");
            json.push('\n');
            json
        }
    })
}

/// The rows to show: the answer itself when it is a list, else its items
/// list (given, or its only list of objects), under a wrapper if any.
fn rows<'a>(answer: &'a Value, list: Option<&str>) -> Option<&'a Vec<Value>> {
    let unwrap = |v: &'a Value| -> Option<&'a Vec<Value>> {
        match v {
            Value::Array(items) => Some(items),
            Value::Object(o) if o.len() == 1 => o.values().next()?.as_array(),
            _ => None,
        }
    };
    if let Value::Array(items) = answer {
        return Some(items);
    }
    let object = answer.as_object()?;
    if let Some(items) = list.and_then(|name| object.get(name)).and_then(unwrap) {
        return Some(items);
    }
    let mut lists = object
        .values()
        .filter_map(unwrap)
        .filter(|items| items.first().is_some_and(Value::is_object));
    match (lists.next(), lists.next()) {
        (Some(items), None) => Some(items),
        _ => None,
    }
}

/// The cell of column `name` (`JobSpec.Id` one level down).
fn cell(item: &Value, name: &str) -> String {
    match item.get(name) {
        Some(value) => scalar(value),
        None => match name.split_once('.') {
            Some((outer, inner)) => scalar(&item[outer][inner]),
            None => String::new(),
        },
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Default columns: the items' scalar fields, ids, names and states first.
fn columns(items: &[Value]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut add = |name: String| {
        if !names.contains(&name) {
            names.push(name);
        }
    };
    for item in items {
        for (key, value) in item.as_object().into_iter().flatten() {
            match value {
                // One level down: a job's `JobSpec.Id`, `JobSpec.State`.
                Value::Object(inner) => inner
                    .iter()
                    .filter(|(_, v)| !v.is_object() && !v.is_array())
                    .for_each(|(k, _)| add(format!("{key}.{k}"))),
                Value::Array(_) => {}
                _ => add(key.clone()),
            }
        }
    }
    // The item's own id: a top-level `…Id`, else a nested `Id`, else any id.
    let first_id = names
        .iter()
        .position(|n| n.ends_with("Id") && !n.contains('.'))
        .or_else(|| names.iter().position(|n| n == "Id" || n.ends_with(".Id")))
        .or_else(|| names.iter().position(|n| n.ends_with("Id")));
    let rank = |(index, name): &(usize, &String)| {
        let lower = name.to_lowercase();
        if Some(*index) == first_id {
            0
        } else if lower.ends_with("name") {
            1
        } else if lower.contains("status") || lower.contains("state") {
            2
        } else if !name.ends_with("Id") {
            3
        } else {
            4
        }
    };
    let mut ranked: Vec<(usize, &String)> = names.iter().enumerate().collect();
    // Stable: the service's order within each rank.
    ranked.sort_by_key(rank);
    ranked.truncate(MAX_COLUMNS);
    ranked.into_iter().map(|(_, name)| name.clone()).collect()
}

fn table(answer: &Value, list: Option<&str>) -> String {
    let grid: Vec<Vec<String>> = match rows(answer, list) {
        Some(items) if items.iter().all(Value::is_object) => {
            let columns = columns(items);
            let mut grid = vec![columns.clone()];
            for item in items {
                grid.push(columns.iter().map(|c| cell(item, c)).collect());
            }
            grid
        }
        Some(items) => items.iter().map(|v| vec![scalar(v)]).collect(),
        None => match answer {
            Value::Object(object) => key_values(object),
            other => vec![vec![scalar(other)]],
        },
    };
    let widths: Vec<usize> = (0..grid.first().map_or(0, Vec::len))
        .map(|i| grid.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &grid {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

fn key_values(object: &Map<String, Value>) -> Vec<Vec<String>> {
    object
        .iter()
        .map(|(key, value)| {
            let shown = match value {
                Value::Object(_) | Value::Array(_) => value.to_string(),
                other => scalar(other),
            };
            vec![key.clone(), shown]
        })
        .collect()
}

fn text(answer: &Value, list: Option<&str>) -> String {
    let lines: Vec<String> = match rows(answer, list) {
        Some(items) => {
            let columns = columns(items);
            items
                .iter()
                .map(|item| match item {
                    Value::Object(_) => columns
                        .iter()
                        .map(|c| cell(item, c))
                        .collect::<Vec<_>>()
                        .join("\t"),
                    other => scalar(other),
                })
                .collect()
        }
        None => match answer {
            Value::Object(object) => key_values(object).iter().map(|r| r.join("\t")).collect(),
            other => vec![scalar(other)],
        },
    };
    lines.iter().map(|l| format!("{l}\n")).collect()
}
