//! `waiters.yaml`: each waiter checked against the operation it polls.

use super::Checker;
use crate::diagnostic::Diagnostics;
use crate::model::{Api, Field, Operation, StateStep, Type, Waiter};
use crate::naming;
use crate::parse::Parsed;
use crate::spec::{WaiterSpec, WaitersSpec};
use std::collections::HashSet;

/// The waiters of one version, checked against its validated operations.
pub fn validate(parsed: &Parsed<WaitersSpec>, api: &Api) -> Result<Vec<Waiter>, Diagnostics> {
    let mut checker = Checker::new(parsed);
    let mut names = HashSet::new();
    let mut waiters = Vec::new();
    for (index, spec) in parsed.spec.waiters.iter().enumerate() {
        let path = format!("waiters[{index}]");
        if !names.insert(spec.name.as_str()) {
            checker.error(
                &format!("{path}.name"),
                format!("waiter `{}` is declared twice", spec.name),
            );
        }
        if let Some(waiter) = checker.waiter(&path, spec, api) {
            waiters.push(waiter);
        }
    }
    if checker.diagnostics.is_empty() {
        waiters.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(waiters)
    } else {
        Err(Diagnostics(checker.diagnostics))
    }
}

impl Checker<'_, WaitersSpec> {
    fn waiter(&mut self, path: &str, spec: &WaiterSpec, api: &Api) -> Option<Waiter> {
        let start = self.diagnostics.len();
        if spec.name.is_empty() || naming::snake(&spec.name) != spec.name {
            self.error(
                &format!("{path}.name"),
                format!("`{}` must be snake_case", spec.name),
            );
        }
        if spec.summary.trim().is_empty() {
            self.error(&format!("{path}.summary"), "say what the waiter waits for");
        }
        let Some(op) = api.operations.iter().find(|o| o.name == spec.operation) else {
            self.error(
                &format!("{path}.operation"),
                format!("no operation `{}` in this version", spec.operation),
            );
            return None;
        };
        let mut parameters = Vec::new();
        for (i, wire) in spec.parameters.iter().enumerate() {
            match op.parameters.iter().find(|p| &p.wire_name == wire) {
                Some(p) => parameters.push((wire.clone(), p.rust_name.clone(), p.ty.clone())),
                None => self.error(
                    &format!("{path}.parameters[{i}]"),
                    format!("`{}` has no parameter `{wire}`", op.name),
                ),
            }
        }
        let state_steps = self.state_path(&format!("{path}.state"), &spec.state, op);
        if spec.success.is_empty() && spec.success_errors.is_empty() {
            self.error(
                &format!("{path}.success"),
                "list the states (or `success_errors`) that end the wait",
            );
        }
        // The polled operation may not document the code (2024-07-30's
        // reads list no errors); it only has to look like one.
        for (i, code) in spec.success_errors.iter().enumerate() {
            if code.is_empty() || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '.') {
                self.error(
                    &format!("{path}.success_errors[{i}]"),
                    format!("`{code}` is not an error code"),
                );
            }
        }
        if spec.min_delay == 0 || spec.min_delay > spec.max_delay {
            self.error(
                &format!("{path}.min_delay"),
                "min_delay must be at least 1 and at most max_delay",
            );
        }
        if spec.max_wait < spec.max_delay {
            self.error(
                &format!("{path}.max_wait"),
                "max_wait must be at least max_delay",
            );
        }
        if self.diagnostics.len() > start {
            return None;
        }
        Some(Waiter {
            name: spec.name.clone(),
            summary: spec.summary.trim().to_string(),
            operation: op.name.clone(),
            operation_snake: op.snake.clone(),
            parameters,
            state: spec.state.clone(),
            state_steps: state_steps?,
            success: spec.success.clone(),
            failure: spec.failure.clone(),
            success_errors: spec.success_errors.clone(),
            min_delay: spec.min_delay,
            max_delay: spec.max_delay,
            max_wait: spec.max_wait,
        })
    }

    /// `A.B`, `Nodes[].Status`: object fields and arrays down to a scalar.
    fn state_path(&mut self, at: &str, state: &str, op: &Operation) -> Option<Vec<StateStep>> {
        let mut fields: &[Field] = &op.response;
        let mut steps = Vec::new();
        let segments: Vec<&str> = state.split('.').collect();
        for (i, segment) in segments.iter().enumerate() {
            let (wire, array) = match segment.strip_suffix("[]") {
                Some(wire) => (wire, true),
                None => (*segment, false),
            };
            let Some(field) = fields.iter().find(|f| f.wire_name == wire) else {
                self.error(
                    at,
                    format!(
                        "`{state}`: the answer of `{}` has no field `{wire}` there",
                        op.name
                    ),
                );
                return None;
            };
            let last = i + 1 == segments.len();
            let ty = match (&field.ty, array) {
                (Type::Array(item), true) => item.as_ref(),
                (Type::Array(_), false) => {
                    self.error(
                        at,
                        format!("`{state}`: `{wire}` is an array: write `{wire}[]`"),
                    );
                    return None;
                }
                (_, true) => {
                    self.error(at, format!("`{state}`: `{wire}` is not an array"));
                    return None;
                }
                (other, false) => other,
            };
            steps.push(StateStep {
                field: field.rust_name.clone(),
                array,
            });
            match ty {
                Type::Object(name) if !last => {
                    fields = op
                        .response_types
                        .iter()
                        .find(|t| &t.name == name)
                        .map(|t| t.fields.as_slice())
                        .unwrap_or_default();
                }
                Type::String | Type::Int32 | Type::Int64 | Type::Boolean if last => {}
                _ => {
                    self.error(
                        at,
                        format!("`{state}` must lead through objects to a scalar field"),
                    );
                    return None;
                }
            }
        }
        Some(steps)
    }
}
