//! Maps field paths (`parameters[2].maximum`) to line and column in YAML
//! text, so that problems found after deserialization can still point at
//! the line a maintainer has to fix.

use std::collections::HashMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// Positions of every mapping key and sequence item of one YAML document.
#[derive(Debug, Default)]
pub struct Locations {
    positions: HashMap<String, (usize, usize)>,
}

impl Locations {
    /// Scans `text`; YAML the scanner rejects yields an empty map (the
    /// deserializer reports such text with its own location).
    pub fn scan(text: &str) -> Self {
        let mut recorder = Recorder::default();
        let mut parser = Parser::new_from_str(text);
        if parser.load(&mut recorder, false).is_err() {
            return Locations::default();
        }
        Locations {
            positions: recorder.positions,
        }
    }

    /// Line and column (1-based) of `path`, or of its nearest recorded
    /// ancestor when the path itself is absent (a missing key points at the
    /// mapping that lacks it).
    pub fn find(&self, path: &str) -> Option<(usize, usize)> {
        let mut current = path;
        loop {
            if let Some(position) = self.positions.get(current) {
                return Some(*position);
            }
            if current.is_empty() {
                return None;
            }
            current = parent(current);
        }
    }
}

fn parent(path: &str) -> &str {
    match path.rfind(['.', '[']) {
        Some(index) => &path[..index],
        None => "",
    }
}

enum Frame {
    Mapping {
        path: String,
        key: Option<String>,
        /// Where the parser says the mapping starts; used only when it has
        /// no keys, since for block mappings that mark lands on the first
        /// `:` rather than on the first key.
        start: (usize, usize),
    },
    Sequence {
        path: String,
        index: usize,
    },
}

#[derive(Default)]
struct Recorder {
    stack: Vec<Frame>,
    positions: HashMap<String, (usize, usize)>,
}

impl Recorder {
    /// Path of the node that starts now, advancing the parent's state.
    fn next_node_path(&mut self, mark: Marker, scalar: Option<&str>) -> Option<String> {
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Sequence { path, index }) => {
                let node = format!("{path}[{index}]");
                *index += 1;
                Some(node)
            }
            Some(Frame::Mapping { path, key, .. }) => match key.take() {
                Some(key) => Some(join(path, &key)),
                None => {
                    // This node is a key: remember where it stands, and
                    // let the mapping itself start at its first key.
                    let position = (mark.line(), mark.col() + 1);
                    self.positions.entry(path.clone()).or_insert(position);
                    let key = scalar.unwrap_or_default().to_string();
                    let node = join(path, &key);
                    self.positions.entry(node).or_insert(position);
                    if let Some(Frame::Mapping { key: slot, .. }) = self.stack.last_mut() {
                        *slot = Some(key);
                    }
                    None
                }
            },
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl MarkedEventReceiver for Recorder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::Scalar(value, ..) => {
                if let Some(path) = self.next_node_path(mark, Some(&value)) {
                    self.positions
                        .entry(path)
                        .or_insert((mark.line(), mark.col() + 1));
                }
            }
            Event::MappingStart(..) => {
                let path = self.next_node_path(mark, None).unwrap_or_default();
                self.stack.push(Frame::Mapping {
                    path,
                    key: None,
                    start: (mark.line(), mark.col() + 1),
                });
            }
            Event::SequenceStart(..) => {
                let path = self.next_node_path(mark, None).unwrap_or_default();
                self.positions
                    .entry(path.clone())
                    .or_insert((mark.line(), mark.col() + 1));
                self.stack.push(Frame::Sequence { path, index: 0 });
            }
            Event::MappingEnd => {
                if let Some(Frame::Mapping { path, start, .. }) = self.stack.pop() {
                    self.positions.entry(path).or_insert(start);
                }
            }
            Event::SequenceEnd => {
                self.stack.pop();
            }
            Event::Alias(_) => {
                let _ = self.next_node_path(mark, None);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys_items_and_falls_back_to_parents() {
        let text =
            "name: A\nparameters:\n  - name: B\n    type: string\n  - name: C\n    maximum: 5\n";
        let locations = Locations::scan(text);
        assert_eq!(locations.find("name"), Some((1, 1)));
        assert_eq!(locations.find("parameters[1].maximum"), Some((6, 5)));
        assert_eq!(locations.find("parameters[0].type"), Some((4, 5)));
        // Absent key: the item that lacks it.
        assert_eq!(locations.find("parameters[1].required"), Some((5, 5)));
    }
}
