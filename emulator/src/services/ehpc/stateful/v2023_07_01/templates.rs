//! Job templates, kept as given.

use super::super::super::shape::{self, Page};
use super::super::Call;
use super::time;
use crate::model::instant::TemplateFields;
use crate::model::{Model, ModelError, Scope};
use serde_json::{json, Value};

pub(super) fn answer(
    model: &mut Model,
    scope: &Scope,
    action: &str,
    call: &Call<'_>,
    body: &mut Value,
) -> Option<Result<(), ModelError>> {
    let now = call.now;
    let id = call.text("JobTemplateId");
    Some(match action {
        "CreateJobTemplate" => model
            .create_job_template(scope, &call.text("JobTemplateName"), fields(call), now)
            .map(|template| body["JobTemplateId"] = template.id.into()),
        "GetJobTemplate" => model.job_template(scope, &id, now).map(|template| {
            for (name, value) in &template.fields {
                shape::set(body, name, value.clone());
            }
            shape::set(body, "JobTemplateId", template.id.as_str());
            shape::set(body, "JobTemplateName", template.name.as_str());
            shape::set(body, "Status", "Available");
            shape::set(body, "CreateTime", time(template.created));
            shape::set(body, "UpdateTime", time(template.updated));
        }),
        "ListJobTemplates" => {
            let templates = model.job_templates(scope, now);
            let page = Page::from_request(call.request);
            let items = page.take(&templates).iter().map(|template| {
                json!({
                    "JobTemplateId": template.id,
                    "JobTemplateName": template.name,
                    "JobTemplateDescription": template.fields.get("JobTemplateDescription"),
                    "Status": "Available",
                    "CreateTime": time(template.created),
                    "UpdateTime": time(template.updated),
                })
            });
            shape::list_field(body, "JobTemplates", items.collect());
            page.answer(body, templates.len());
            Ok(())
        }
        "UpdateJobTemplate" => {
            let name = call.param("JobTemplateName").map(str::to_string);
            model.update_job_template(scope, &id, name, fields(call), now)
        }
        "DeleteJobTemplate" => model.delete_job_template(scope, &id, now),
        _ => return None,
    })
}

/// The fields a template keeps. `SecurityPolicy` is left out of its
/// configuration: an object in CreateJobTemplate, a list in
/// GetJobTemplate.
fn fields(call: &Call<'_>) -> TemplateFields {
    let mut fields = TemplateFields::new();
    if let Some(description) = call.param("JobTemplateDescription") {
        fields.insert("JobTemplateDescription".to_string(), description.into());
    }
    if let Some(mut config) = call.json("JobTemplateConfig") {
        if let Value::Object(members) = &mut config {
            members.remove("SecurityPolicy");
        }
        fields.insert("JobTemplateConfig".to_string(), config);
    }
    fields
}
