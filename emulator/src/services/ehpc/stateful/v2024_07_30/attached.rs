//! What is attached to or installed on a cluster: shared storages,
//! add-ons and software.

use super::super::super::shape::{self, Page};
use super::super::{admits, member, object_list, string_list};
use super::super::{time, Call};
use super::scalar_members;
use crate::model::{Addon, Model, ModelError, Scope, SharedStorage};
use serde_json::{json, Value};

/// Status of an installed add-on (the spec's example).
const ADDON_STATUS: &str = "Running";
/// Status of installed software; the metadata gives no value.
const SOFTWARE_STATUS: &str = "Installed";

pub(super) fn answer(
    model: &mut Model,
    scope: &Scope,
    action: &str,
    call: &Call<'_>,
    body: &mut Value,
) -> Option<Result<(), ModelError>> {
    let now = call.now;
    let cluster_id = call.text("ClusterId");
    Some(match action {
        "AttachSharedStorages" => {
            let mounts = object_list(call, "SharedStorages")
                .iter()
                .map(|mount| {
                    let mut attributes = scalar_members(mount);
                    SharedStorage {
                        file_system_id: attributes.remove("FileSystemId").unwrap_or_default(),
                        mount_directory: attributes.remove("MountDirectory").unwrap_or_default(),
                        attributes,
                        sequence: 0,
                    }
                })
                .collect();
            model
                .attach_storages(scope, &cluster_id, mounts, now)
                .map(|()| body["ClusterId"] = cluster_id.clone().into())
        }
        "ListSharedStorages" => model.storages(scope, &cluster_id, now).map(|mounts| {
            let wanted_id = call.param("FileSystemId").filter(|id| !id.is_empty());
            let wanted_type = call.param("FileSystemType").filter(|t| !t.is_empty());
            let attribute = |mount: &SharedStorage, name: &str| {
                mount.attributes.get(name).cloned().unwrap_or_default()
            };
            // One item a file system, with every place it is mounted.
            let mut items: Vec<(String, Value)> = Vec::new();
            for mount in &mounts {
                let kind = attribute(mount, "VolumeType");
                if wanted_id.is_some_and(|id| id != mount.file_system_id)
                    || wanted_type.is_some_and(|t| !t.eq_ignore_ascii_case(&kind))
                {
                    continue;
                }
                let info = json!({
                    "MountDirectory": mount.mount_directory,
                    "MountOptions": attribute(mount, "MountOptions"),
                    "MountTarget": attribute(mount, "MountTarget"),
                    "ProtocolType": attribute(mount, "ProtocolType"),
                    "StorageDirectory": attribute(mount, "StorageDirectory"),
                });
                match items.iter_mut().find(|(id, _)| *id == mount.file_system_id) {
                    Some((_, item)) => item["MountInfo"].as_array_mut().unwrap().push(info),
                    None => items.push((
                        mount.file_system_id.clone(),
                        json!({
                            "FileSystemId": mount.file_system_id,
                            "FileSystemProtocol": attribute(mount, "ProtocolType"),
                            "FileSystemType": kind,
                            "MountInfo": [info],
                        }),
                    )),
                }
            }
            let items = items.into_iter().map(|(_, item)| item).collect();
            shape::list_field(body, "SharedStorages", items);
        }),
        "DetachSharedStorages" => {
            let directories: Vec<String> = object_list(call, "SharedStorages")
                .iter()
                .filter_map(|mount| member(mount, "MountDirectory"))
                .collect();
            model
                .detach_storages(scope, &cluster_id, &directories, now)
                .map(|()| body["ClusterId"] = cluster_id.clone().into())
        }
        "InstallAddon" => model
            .install_addon(
                scope,
                &cluster_id,
                &call.text("AddonName"),
                &call.text("AddonVersion"),
                now,
            )
            .map(|addon| {
                body["AddonId"] = addon.id.into();
                body["ClusterId"] = cluster_id.clone().into();
            }),
        "GetAddon" => {
            let id = call.text("AddonId");
            model.addons(scope, &cluster_id, now).and_then(|addons| {
                let addon = addons
                    .iter()
                    .find(|a| a.id == id)
                    .ok_or_else(|| no_addon(&cluster_id, &id))?;
                let target = &mut body["Addon"];
                if let Value::Object(fields) = addon_item(addon) {
                    for (field, value) in fields {
                        shape::set(target, &field, value);
                    }
                }
                Ok(())
            })
        }
        "ListAddons" => model.addons(scope, &cluster_id, now).map(|addons| {
            let ids = string_list(call, "AddonIds");
            let chosen: Vec<&Addon> = addons.iter().filter(|a| admits(&ids, &a.id)).collect();
            let page = Page::from_request(call.request);
            let items = page.take(&chosen).iter().map(|a| addon_item(a)).collect();
            shape::list_field(body, "Addons", items);
            page.answer(body, chosen.len());
        }),
        "UnInstallAddon" => model.uninstall_addon(scope, &cluster_id, &call.text("AddonId"), now),
        "InstallSoftwares" => {
            object_list(call, "AdditionalPackages")
                .iter()
                .try_for_each(|package| {
                    let name = member(package, "Name").unwrap_or_default();
                    let version = member(package, "Version").unwrap_or_default();
                    model.install_software(scope, &cluster_id, &name, &version, now)
                })
        }
        "ListInstalledSoftwares" => model.software(scope, &cluster_id, now).map(|installed| {
            let page = Page::from_request(call.request);
            let items = page.take(&installed).iter().map(|software| {
                json!({
                    "Name": software.name,
                    "Version": software.version,
                    "Status": SOFTWARE_STATUS,
                    "CreateTime": time(software.installed),
                })
            });
            shape::list_field(body, "AdditionalPackages", items.collect());
            page.answer(body, installed.len());
        }),
        "UninstallSoftwares" => {
            let names: Vec<String> = object_list(call, "AdditionalPackages")
                .iter()
                .filter_map(|package| member(package, "Name"))
                .collect();
            // All or none: an unknown name refuses before anything goes.
            model
                .software(scope, &cluster_id, now)
                .and_then(|installed| {
                    if let Some(missing) = names
                        .iter()
                        .find(|n| !installed.iter().any(|s| &s.name == *n))
                    {
                        return model.uninstall_software(scope, &cluster_id, missing, now);
                    }
                    names.iter().try_for_each(|name| {
                        model.uninstall_software(scope, &cluster_id, name, now)
                    })
                })
        }
        _ => return None,
    })
}

fn addon_item(addon: &Addon) -> Value {
    json!({
        "AddonId": addon.id,
        "Name": addon.name,
        "Version": addon.version,
        "Status": ADDON_STATUS,
        "InstallTime": time(addon.installed),
    })
}

fn no_addon(cluster: &str, id: &str) -> ModelError {
    ModelError::InvalidParams {
        reason: format!("the cluster {cluster} has no add-on {id}"),
    }
}
