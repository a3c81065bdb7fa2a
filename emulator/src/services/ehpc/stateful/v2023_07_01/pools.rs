//! Pools, images and how long job records are kept.

use super::super::super::shape::{self, Page};
use super::super::{admits, member, string_list, Call};
use super::{integer, strings, time, within};
use crate::model::instant::{Image, NewImage, Pool, PoolChange, PoolPhase};
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
    let pool_name = call.text("PoolName");
    Some(match action {
        "CreatePool" => model.create_pool(scope, &pool_name, pool_change(call), now),
        "GetPool" => model.pool(scope, &pool_name, now).map(|(pool, usage)| {
            let info = &mut body["PoolInfo"];
            if let Value::Object(members) = pool_item(&pool) {
                for (name, value) in members {
                    shape::set(info, &name, value);
                }
            }
            shape::set(info, "ExecutorUsage", usage);
            shape::set(info, "Reason", "");
        }),
        "ListPools" => {
            let filter = call.json("Filter").unwrap_or(Value::Null);
            let (names, states) = (strings(&filter, "PoolName"), strings(&filter, "Status"));
            let chosen: Vec<Pool> = model
                .pools(scope, now)
                .into_iter()
                .filter(|p| admits(&names, &p.name) && admits(&states, pool_status(p.phase)))
                .filter(|p| within(&filter, "TimeCreatedAfter", "TimeCreatedBefore", p.created))
                .collect();
            let page = Page::from_request(call.request);
            let items = page.take(&chosen).iter().map(pool_item).collect();
            shape::list_field(body, "PoolList", items);
            page.answer(body, chosen.len());
            Ok(())
        }
        "UpdatePool" => model.update_pool(scope, &pool_name, pool_change(call), now),
        "DeletePool" => model.delete_pool(scope, &pool_name, now),
        "AddImage" => model.add_image(scope, new_image(call), now).map(|image| {
            body["ImageId"] = image.id.into();
            body["Success"] = true.into();
        }),
        "GetImage" => model.image(scope, &call.text("ImageId"), now).map(|image| {
            let target = &mut body["Image"];
            for (name, value) in image_fields(&image) {
                shape::set(target, name, value);
            }
            let spec = if image.kind == "Container" {
                ("ContainerImageSpec", "RegistryUrl")
            } else {
                ("VMImageSpec", "ImageId")
            };
            shape::set(&mut target[spec.0], spec.1, image.source.as_str());
            body["Success"] = true.into();
            body["TotalCount"] = 1.into();
        }),
        "ListImages" => {
            let ids = string_list(call, "ImageIds");
            let names = string_list(call, "ImageNames");
            let kind = call.param("ImageType").filter(|k| !k.is_empty());
            let chosen: Vec<Image> = model
                .images(scope, now)
                .into_iter()
                .filter(|i| admits(&ids, &i.id) && admits(&names, &i.name))
                .filter(|i| kind.is_none_or(|k| i.kind.eq_ignore_ascii_case(k)))
                .collect();
            let page = Page::from_request(call.request);
            let items = page.take(&chosen).iter().map(|image| {
                let mut item = json!({"ImageId": image.id, "UpdateTime": time(image.created)});
                for (name, value) in image_fields(image) {
                    item[name] = value;
                }
                item
            });
            shape::list_field(body, "Images", items.collect());
            page.answer(body, chosen.len());
            body["Success"] = true.into();
            Ok(())
        }
        "RemoveImage" => model
            .remove_image(scope, &call.text("ImageId"), now)
            .map(|()| body["Success"] = true.into()),
        "GetJobRecordDuration" => {
            if let Some(days) = model.record_days(scope, now) {
                body["JobRecordDuration"] = days.into();
            }
            Ok(())
        }
        "UpdateJobRecordDuration" => {
            let days = call.param("JobRecordDuration").and_then(|d| d.parse().ok());
            model.set_record_days(scope, days.unwrap_or(0), now)
        }
        _ => return None,
    })
}

/// Pool states, as the service's reference pages name them.
fn pool_status(phase: PoolPhase) -> &'static str {
    match phase {
        PoolPhase::Creating => "Creating",
        PoolPhase::Working => "Working",
        PoolPhase::Updating => "Updating",
        PoolPhase::Deleting => "Deleting",
    }
}

fn pool_change(call: &Call<'_>) -> PoolChange {
    let limits = call.json("ResourceLimits").unwrap_or(Value::Null);
    PoolChange {
        priority: call.param("Priority").and_then(|p| p.parse().ok()),
        max_executors: integer(&limits, "MaxExecutorNum").and_then(|n| u64::try_from(n).ok()),
        attributes: ["SchedulingPolicyId"]
            .iter()
            .filter_map(|name| Some((name.to_string(), call.param(name)?.to_string())))
            .collect(),
    }
}

fn pool_item(pool: &Pool) -> Value {
    json!({
        "PoolName": pool.name,
        "Priority": pool.priority,
        "MaxExecutorNum": pool.max_executors.unwrap_or(0),
        "Status": pool_status(pool.phase),
        "IsDefault": false,
        "CreateTime": time(pool.created),
        "UpdateTime": time(pool.updated),
        "SchedulingPolicyId": pool.attributes.get("SchedulingPolicyId").cloned().unwrap_or_default(),
    })
}

fn new_image(call: &Call<'_>) -> NewImage {
    let vm = call.json("VMImageSpec");
    let container = call.json("ContainerImageSpec");
    let kind = match (call.param("ImageType"), &container) {
        (Some(kind), _) if !kind.is_empty() => kind.to_string(),
        (_, Some(_)) => "Container".to_string(),
        _ => "VM".to_string(),
    };
    let source = match &container {
        Some(spec) => member(spec, "RegistryUrl"),
        None => vm.as_ref().and_then(|spec| member(spec, "ImageId")),
    };
    NewImage {
        name: call.text("Name"),
        description: call.text("Description"),
        kind,
        version: call.text("ImageVersion"),
        source: source.unwrap_or_default(),
    }
}

fn image_fields(image: &Image) -> [(&'static str, Value); 5] {
    [
        ("Name", image.name.clone().into()),
        ("Description", image.description.clone().into()),
        ("ImageType", image.kind.clone().into()),
        ("Version", image.version.clone().into()),
        ("CreateTime", time(image.created).into()),
    ]
}
