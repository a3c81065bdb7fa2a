//! Job templates: the parameters of jobs to come, kept as given.

use super::JobTemplate;
use crate::model::{Model, ModelError, Scope, LOWER_ALPHANUMERIC};
use serde_json::Value;
use std::collections::BTreeMap;

/// A template's fields by wire name; an update sets those it names.
pub type TemplateFields = BTreeMap<String, Value>;

impl Model {
    pub fn create_job_template(
        &mut self,
        scope: &Scope,
        name: &str,
        fields: TemplateFields,
        now: u64,
    ) -> Result<JobTemplate, ModelError> {
        self.make_room(1, |reason| ModelError::InvalidParams { reason })?;
        let id = format!("jt-{}", self.random(LOWER_ALPHANUMERIC, 20));
        let backend = self.instant_mut(scope, now);
        let template = JobTemplate {
            id: id.clone(),
            name: name.to_string(),
            fields,
            created: now,
            updated: now,
            sequence: backend.next_sequence(),
        };
        backend.templates.insert(id, template.clone());
        Ok(template)
    }

    pub fn job_template(
        &mut self,
        scope: &Scope,
        id: &str,
        now: u64,
    ) -> Result<JobTemplate, ModelError> {
        self.instant(scope, now)
            .and_then(|b| b.templates.get(id))
            .cloned()
            .ok_or_else(|| unknown_template(id))
    }

    /// Every template, oldest first.
    pub fn job_templates(&mut self, scope: &Scope, now: u64) -> Vec<JobTemplate> {
        let mut templates: Vec<JobTemplate> = self
            .instant(scope, now)
            .map(|b| b.templates.values().cloned().collect())
            .unwrap_or_default();
        templates.sort_by_key(|t| t.sequence);
        templates
    }

    pub fn update_job_template(
        &mut self,
        scope: &Scope,
        id: &str,
        name: Option<String>,
        fields: TemplateFields,
        now: u64,
    ) -> Result<(), ModelError> {
        let template = self
            .instant(scope, now)
            .and_then(|b| b.templates.get_mut(id))
            .ok_or_else(|| unknown_template(id))?;
        if let Some(name) = name {
            template.name = name;
        }
        template.fields.extend(fields);
        template.updated = now;
        Ok(())
    }

    pub fn delete_job_template(
        &mut self,
        scope: &Scope,
        id: &str,
        now: u64,
    ) -> Result<(), ModelError> {
        self.instant(scope, now)
            .and_then(|b| b.templates.remove(id))
            .map(|_| ())
            .ok_or_else(|| unknown_template(id))
    }
}

/// No template operation documents an error; an unknown one is an
/// invalid parameter, as the job operations refuse what they do not know.
fn unknown_template(id: &str) -> ModelError {
    ModelError::InvalidParams {
        reason: format!("JobTemplateId: there is no template {id}"),
    }
}
