//! The importer against small metadata files in a scratch `specs/`.

use super::*;
use std::fs;

const SERVICE: &str = "product: EHPC\nversion: \"2018-04-12\"\nstyle: RPC\nendpoints:\n  rule: \"ehpc.{region}.aliyuncs.com\"\n  vpc_rule: \"ehpc-vpc.{region}.aliyuncs.com\"\n";

/// A scratch directory with `specs/service.yaml` and `specs/EHPC/2018-04-12/operations/`.
struct Scratch {
    root: PathBuf,
}

impl Scratch {
    fn new(name: &str) -> Self {
        // Tests run in parallel: every scratch directory is its own.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let unique = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let root = std::env::temp_dir().join(format!(
            "codegen-import-{name}-{}-{unique}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("specs/EHPC/2018-04-12/operations")).unwrap();
        fs::write(root.join("specs/EHPC/2018-04-12/service.yaml"), SERVICE).unwrap();
        Scratch { root }
    }

    fn metadata(&self, json: &serde_json::Value) -> PathBuf {
        let path = self.root.join("api-docs.json");
        fs::write(&path, serde_json::to_string_pretty(json).unwrap()).unwrap();
        path
    }

    fn options(&self, metadata: PathBuf) -> ImportOptions {
        ImportOptions {
            metadata,
            specs_dir: self.root.join("specs"),
            only: None,
            write: true,
        }
    }

    fn spec(&self, name: &str) -> String {
        fs::read_to_string(
            self.root
                .join(format!("specs/EHPC/2018-04-12/operations/{name}.yaml")),
        )
        .unwrap()
    }

    fn files(&self) -> Vec<String> {
        let mut names: Vec<String> =
            fs::read_dir(self.root.join("specs/EHPC/2018-04-12/operations"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
        names.sort();
        names
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

fn metadata(apis: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "version": "1.0",
        "info": {"style": "RPC", "product": "EHPC", "version": "2018-04-12"},
        "components": {"schemas": {
            "Tag": {"type": "object", "properties": {"Key": {"type": "string"}}}
        }},
        "apis": apis,
        "endpoints": [
            {"regionId": "cn-shanghai", "endpoint": "ehpc.cn-shanghai.aliyuncs.com"},
            {"regionId": "cn-beijing", "endpoint": "ehpc.cn-beijing.aliyuncs.com"}
        ]
    })
}

fn list_things() -> serde_json::Value {
    serde_json::json!({
        "methods": ["post", "get"],
        "operationType": "read",
        "title": "不要",
        "summary": "不要复制",
        "parameters": [
            {"name": "PageSize", "in": "query", "schema": {
                "description": "每页数量", "type": "integer", "format": "int32",
                "required": false, "maximum": "50", "minimum": "1", "example": "10", "default": "10"}},
            {"name": "Type", "in": "query", "schema": {
                "type": "string", "required": true, "enum": ["a", "b"], "example": "a"}},
            {"name": "Tag", "in": "query", "style": "repeatList", "schema": {
                "type": "array", "maxItems": 20, "items": {"$ref": "#/components/schemas/Tag"}}}
        ],
        "responses": {"200": {"schema": {"type": "object", "properties": {
            "RequestId": {"type": "string", "example": "04F0F334-1335-436C-A1D7-6C044FE7****"},
            "TotalCount": {"type": "integer", "format": "int64", "example": "3"},
            "Things": {"type": "object", "properties": {"ThingInfo": {
                "type": "array", "items": {"type": "object", "properties": {
                    "Id": {"type": "string", "example": "t-1"}
                }}}}}
        }}}},
        "errorCodes": {
            "503": [{"errorCode": "ServiceUnavailable", "errorMessage": "Try later."}],
            "404": [{"errorCode": "ThingNotFound", "errorMessage": "No such thing."}]
        },
        "responseDemo": "[]"
    })
}

#[test]
fn writes_facts_and_no_prose() {
    let scratch = Scratch::new("facts");
    let path = scratch.metadata(&metadata(serde_json::json!({"ListThings": list_things()})));
    let report = import(&scratch.options(path)).unwrap();
    assert_eq!(report.created.len(), 1);
    assert_eq!(
        report.updated.len(),
        1,
        "service.yaml gains the regional table"
    );
    let text = scratch.spec("ListThings");
    assert!(
        !text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{text}"
    );
    let spec: OperationSpec = serde_norway::from_str(&text).unwrap();
    assert_eq!(spec.summary, "Lists things.");
    assert_eq!(spec.methods, ["POST", "GET"]);
    assert_eq!(spec.ram.access_level, "read");
    assert_eq!(spec.ram.action, "ehpc:ListThings");
    assert_eq!(
        spec.reference.as_deref(),
        Some("https://api.aliyun.com/document/EHPC/2018-04-12/ListThings")
    );
    let page_size = &spec.parameters[0];
    assert_eq!(page_size.maximum, Some(50.into()));
    assert_eq!(page_size.minimum, Some(1.into()));
    assert_eq!(page_size.example, Some(serde_norway::Value::from(10)));
    assert_eq!(page_size.description, None);
    let tag = &spec.parameters[2];
    assert_eq!(tag.style.as_deref(), Some("repeatList"));
    assert_eq!(tag.max_items, Some(20));
    assert_eq!(
        tag.items.as_ref().unwrap().properties.as_ref().unwrap()[0]
            .name
            .as_deref(),
        Some("Key")
    );
    let things = spec
        .response
        .iter()
        .find(|f| f.name.as_deref() == Some("Things"))
        .unwrap();
    assert_eq!(things.ty, "array");
    assert_eq!(things.wrapper.as_deref(), Some("ThingInfo"));
    let codes: Vec<(u16, &str)> = spec
        .errors
        .iter()
        .map(|e| (e.status, e.code.as_str()))
        .collect();
    assert_eq!(codes, [(404, "ThingNotFound"), (503, "ServiceUnavailable")]);
    let service =
        fs::read_to_string(scratch.root.join("specs/EHPC/2018-04-12/service.yaml")).unwrap();
    let beijing = service.find("cn-beijing").unwrap();
    assert!(
        beijing < service.find("cn-shanghai").unwrap(),
        "regions sorted: {service}"
    );
}

#[test]
fn infers_the_paginator_from_the_paging_parameter_and_the_list() {
    let scratch = Scratch::new("paging");
    let mut paged = list_things();
    paged["parameters"].as_array_mut().unwrap().push(
        serde_json::json!({"name": "PageNumber", "in": "query", "schema": {
            "type": "integer", "format": "int32", "required": false}}),
    );
    let path = scratch.metadata(&metadata(serde_json::json!({"ListThings": paged})));
    import(&scratch.options(path)).unwrap();
    let spec: OperationSpec = serde_norway::from_str(&scratch.spec("ListThings")).unwrap();
    let paginator = spec.paginator.unwrap();
    assert_eq!(paginator.style, "page_number");
    assert_eq!(paginator.items, "Things");

    // A paginator on disk (set by hand) wins over the inferred one.
    let mut on_disk = spec_with_paginator("token", "Others");
    on_disk.name = "ListThings".into();
    let imported = spec_with_paginator("page_number", "Things");
    let merged = merge::operation(imported, Some(&on_disk));
    assert_eq!(merged.paginator, on_disk.paginator);
}

fn spec_with_paginator(style: &str, items: &str) -> OperationSpec {
    let mut spec: OperationSpec = serde_norway::from_str(
        "name: ListThings\nsummary: Lists.\nmethods: [GET]\nram: {action: \"ehpc:ListThings\", access_level: read}\n",
    )
    .unwrap();
    spec.paginator = Some(crate::spec::PaginatorSpec {
        style: style.into(),
        items: items.into(),
        page_size: None,
    });
    spec
}

#[test]
fn a_second_run_changes_nothing() {
    let scratch = Scratch::new("rerun");
    let path = scratch.metadata(&metadata(serde_json::json!({"ListThings": list_things()})));
    import(&scratch.options(path.clone())).unwrap();
    let first = scratch.spec("ListThings");
    let report = import(&scratch.options(path)).unwrap();
    assert!(report.is_unchanged(), "{report:?}");
    assert_eq!(report.unchanged, 1);
    assert_eq!(scratch.spec("ListThings"), first);
}

#[test]
fn keeps_hand_written_content_and_takes_new_facts() {
    let scratch = Scratch::new("merge");
    let path = scratch.metadata(&metadata(serde_json::json!({"ListThings": list_things()})));
    import(&scratch.options(path.clone())).unwrap();
    let mut spec: OperationSpec = serde_norway::from_str(&scratch.spec("ListThings")).unwrap();
    spec.summary = "Lists the things of the account, a page at a time.".into();
    spec.description = Some("Hand-written.".into());
    spec.group = Some("things".into());
    spec.idempotent = true;
    spec.ram.access_level = "list".into();

    spec.parameters[0].description = Some("Items per page.".into());
    spec.parameters[0].example = Some(serde_norway::Value::from(20));
    spec.parameters[0].values = Some(vec![crate::spec::ValueSpec {
        value: serde_norway::Value::from(10),
        description: "The usual page.".into(),
    }]);
    spec.errors[1].retryable = true;
    spec.errors[1].description = Some("Temporary.".into());
    spec.errors.push(crate::spec::ErrorSpec {
        status: 400,
        code: "Throttling.User".into(),
        message: "Too many requests.".into(),
        description: None,
        retryable: true,
    });
    let hand_written = operation_yaml(&spec);
    fs::write(
        scratch
            .root
            .join("specs/EHPC/2018-04-12/operations/ListThings.yaml"),
        &hand_written,
    )
    .unwrap();

    // Unchanged metadata: the hand-written file is not touched at all.
    let report = import(&scratch.options(path)).unwrap();
    assert!(report.is_unchanged(), "{report:?}");
    assert_eq!(scratch.spec("ListThings"), hand_written);

    // A fact changes: it is taken, everything hand-written stays.
    let mut changed = list_things();
    changed["parameters"][0]["schema"]["maximum"] = "100".into();
    let path = scratch.metadata(&metadata(serde_json::json!({"ListThings": changed})));
    let report = import(&scratch.options(path)).unwrap();
    assert_eq!(report.updated.len(), 1);
    let merged: OperationSpec = serde_norway::from_str(&scratch.spec("ListThings")).unwrap();
    let mut expected = spec;
    expected.parameters[0].maximum = Some(100.into());
    assert_eq!(merged, expected);
}

#[test]
fn only_imports_the_named_operations() {
    let scratch = Scratch::new("only");
    let mut other = list_things();
    other["methods"] = serde_json::json!(["get"]);
    let path = scratch.metadata(&metadata(
        serde_json::json!({"ListThings": list_things(), "ListOthers": other}),
    ));
    let mut options = scratch.options(path);
    options.only = Some(vec!["ListOthers".into()]);
    import(&options).unwrap();
    assert_eq!(scratch.files(), ["ListOthers.yaml"]);
    options.only = Some(vec!["Nope".into()]);
    let error = import(&options).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the metadata has no operation named `Nope`"
    );
}

#[test]
fn check_mode_writes_nothing() {
    let scratch = Scratch::new("check");
    let path = scratch.metadata(&metadata(serde_json::json!({"ListThings": list_things()})));
    let mut options = scratch.options(path);
    options.write = false;
    let report = import(&options).unwrap();
    assert_eq!(report.created.len(), 1);
    assert!(scratch.files().is_empty());
}

/// A broken metadata file fails naming the operation and JSON path, and
/// writes nothing.
fn assert_rejected(apis: serde_json::Value, expected: &str) {
    let scratch = Scratch::new("bad");
    let path = scratch.metadata(&metadata(apis));
    let error = import(&scratch.options(path)).unwrap_err();
    assert_eq!(error.to_string(), expected);
    assert!(scratch.files().is_empty());
    assert_eq!(
        fs::read_to_string(scratch.root.join("specs/EHPC/2018-04-12/service.yaml")).unwrap(),
        SERVICE
    );
}

#[test]
fn rejects_an_unknown_type() {
    let mut api = list_things();
    api["parameters"][1]["schema"]["type"] = "date".into();
    assert_rejected(
        serde_json::json!({"ListThings": api, "ListOthers": list_things()}),
        "operation `ListThings`, at `apis.ListThings.parameters[1].schema.type`: unknown type \
         `date`: expected string, integer, number, boolean, array or object; nothing was written",
    );
}

#[test]
fn rejects_an_unknown_style() {
    let mut api = list_things();
    api["parameters"][2]["style"] = "simple".into();
    assert_rejected(
        serde_json::json!({"ListThings": api}),
        "operation `ListThings`, at `apis.ListThings.parameters[2].style`: unknown style \
         `simple`: expected repeatList, flat or json; nothing was written",
    );
}

#[test]
fn rejects_an_unresolvable_reference() {
    let mut api = list_things();
    api["parameters"][2]["schema"]["items"] =
        serde_json::json!({"$ref": "#/components/schemas/Nope"});
    assert_rejected(
        serde_json::json!({"ListThings": api}),
        "operation `ListThings`, at `apis.ListThings.parameters[2].schema.items`: cannot \
         resolve `$ref` `#/components/schemas/Nope`; nothing was written",
    );
}

#[test]
fn rejects_an_unsupported_schema_key() {
    let mut api = list_things();
    api["responses"]["200"]["schema"]["properties"]["TotalCount"]["additionalProperties"] =
        serde_json::json!({"type": "string"});
    assert_rejected(
        serde_json::json!({"ListThings": api}),
        "operation `ListThings`, at \
         `apis.ListThings.responses.200.schema.properties.TotalCount.additionalProperties`: \
         unsupported schema key `additionalProperties`; nothing was written",
    );
}

#[test]
fn rejects_broken_json() {
    let scratch = Scratch::new("json");
    let path = scratch.root.join("api-docs.json");
    fs::write(&path, "{\"apis\": {").unwrap();
    let error = import(&scratch.options(path)).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("is not valid JSON: EOF while parsing an object at line 1"),
        "{error}"
    );
    assert!(scratch.files().is_empty());
}

#[test]
fn rejects_specs_the_generator_would_refuse() {
    // Validation runs over the result: a default outside the bounds is
    // caught before anything is written.
    let mut api = list_things();
    api["parameters"][0]["schema"]["default"] = "500".into();
    let scratch = Scratch::new("invalid");
    let path = scratch.metadata(&metadata(serde_json::json!({"ListThings": api})));
    let error = import(&scratch.options(path)).unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("parameters[0].default: `500` is outside the field's bounds"),
        "{text}"
    );
    assert!(scratch.files().is_empty());
}

#[test]
fn a_new_version_gets_its_own_tree_with_placement_and_schemes() {
    let scratch = Scratch::new("new-version");
    let mut list = list_things();
    list["methods"] = serde_json::json!(["post"]);
    list["schemes"] = serde_json::json!(["https"]);
    list["parameters"][0]["in"] = serde_json::json!("formData");
    list["parameters"][1]["in"] = serde_json::json!("body");
    let mut json = metadata(serde_json::json!({"ListThings": list}));
    json["info"]["version"] = serde_json::json!("2024-07-30");
    let path = scratch.metadata(&json);
    let report = import(&scratch.options(path.clone())).unwrap();
    let version_dir = scratch.root.join("specs/EHPC/2024-07-30");
    assert_eq!(
        report.created,
        [
            version_dir.join("service.yaml"),
            version_dir.join("operations/ListThings.yaml")
        ]
    );
    assert_eq!(
        scratch.files(),
        Vec::<String>::new(),
        "2018-04-12 untouched"
    );
    let service: ServiceSpec =
        serde_norway::from_str(&fs::read_to_string(version_dir.join("service.yaml")).unwrap())
            .unwrap();
    assert_eq!(service.version, "2024-07-30");
    assert_eq!(service.endpoints.rule, "ehpc.{region}.aliyuncs.com");
    assert_eq!(service.endpoints.vpc_rule, "ehpc-vpc.{region}.aliyuncs.com");
    let text = fs::read_to_string(version_dir.join("operations/ListThings.yaml")).unwrap();
    let spec: OperationSpec = serde_norway::from_str(&text).unwrap();
    assert_eq!(spec.methods, ["POST"]);
    assert!(spec.https_only);
    assert_eq!(
        spec.reference.as_deref(),
        Some("https://api.aliyun.com/document/EHPC/2024-07-30/ListThings")
    );
    let placements: Vec<Option<&str>> = spec
        .parameters
        .iter()
        .map(|p| p.placement.as_deref())
        .collect();
    assert_eq!(placements, [Some("formData"), Some("body"), Some("query")]);

    // A second run changes nothing; a hand edit survives it.
    let edited = text.replace("summary: Lists things.", "summary: Lists the things.");
    fs::write(version_dir.join("operations/ListThings.yaml"), &edited).unwrap();
    let again = import(&scratch.options(path)).unwrap();
    assert!(again.is_unchanged(), "{again:?}");
    assert_eq!(
        fs::read_to_string(version_dir.join("operations/ListThings.yaml")).unwrap(),
        edited
    );
}

#[test]
fn a_version_that_is_not_a_date_is_refused() {
    let scratch = Scratch::new("bad-version");
    let mut json = metadata(serde_json::json!({"ListThings": list_things()}));
    json["info"]["version"] = serde_json::json!("../../etc");
    let error = import(&scratch.options(scratch.metadata(&json))).unwrap_err();
    assert!(error.to_string().contains("info.version"), "{error}");
    assert!(!scratch.root.join("etc").exists());
}

#[test]
fn a_read_that_deletes_or_updates_is_imported_as_write() {
    let scratch = Scratch::new("read-that-writes");
    let mut stop = list_things();
    stop["systemTags"] = serde_json::json!({"operationType": "delete"});
    let mut get = list_things();
    get["systemTags"] = serde_json::json!({"operationType": "get"});
    let path = scratch.metadata(&metadata(
        serde_json::json!({"StopThings": stop, "GetThings": get}),
    ));
    import(&scratch.options(path)).unwrap();
    let level = |name: &str| {
        serde_norway::from_str::<OperationSpec>(&scratch.spec(name))
            .unwrap()
            .ram
            .access_level
    };
    assert_eq!(level("StopThings"), "write");
    assert_eq!(level("GetThings"), "read");
}

#[test]
fn password_parameters_are_imported_as_sensitive_and_hand_edits_survive() {
    let scratch = Scratch::new("sensitive");
    let mut add = list_things();
    add["operationType"] = "write".into();
    add["parameters"] = serde_json::json!([
        {"name": "Password", "in": "query", "schema": {"type": "string"}},
        {"name": "PasswordLength", "in": "query", "schema": {"type": "integer", "format": "int32"}},
        {"name": "Note", "in": "query", "schema": {"type": "string"}},
        {"name": "User", "in": "query", "style": "repeatList", "schema": {
            "type": "array", "items": {"type": "object", "properties": {
                "Name": {"type": "string"},
                "AdUserPasswd": {"type": "string"}
            }}}}
    ]);
    let path = scratch.metadata(&metadata(serde_json::json!({"AddThings": add})));
    import(&scratch.options(path.clone())).unwrap();
    let read = || serde_norway::from_str::<OperationSpec>(&scratch.spec("AddThings")).unwrap();
    let spec = read();
    let sensitive = |spec: &OperationSpec| -> Vec<Option<bool>> {
        let user = spec.parameters[3].items.as_deref().unwrap();
        let properties = user.properties.as_deref().unwrap();
        spec.parameters
            .iter()
            .chain(properties)
            .map(|f| f.sensitive)
            .collect()
    };
    // Password, PasswordLength, Note, User, then User[].AdUserPasswd and
    // User[].Name (properties come sorted).
    assert_eq!(
        sensitive(&spec),
        [Some(true), None, None, None, Some(true), None]
    );

    // Turned off by hand on one, on by hand on another: both survive.
    let mut edited = spec;
    edited.parameters[0].sensitive = Some(false);
    edited.parameters[2].sensitive = Some(true);
    fs::write(
        scratch
            .root
            .join("specs/EHPC/2018-04-12/operations/AddThings.yaml"),
        operation_yaml(&edited),
    )
    .unwrap();
    let report = import(&scratch.options(path)).unwrap();
    assert!(report.is_unchanged(), "{report:?}");
    assert_eq!(
        sensitive(&read()),
        [Some(false), None, Some(true), None, Some(true), None]
    );
}

#[test]
fn only_a_read_sent_as_get_is_imported_as_read_only_and_a_declared_one_survives() {
    let scratch = Scratch::new("read-only");
    // `list_things` accepts POST and GET: the SDK sends POST.
    let post_read = list_things();
    let mut get_read = list_things();
    get_read["methods"] = serde_json::json!(["get"]);
    let mut get_write = list_things();
    get_write["methods"] = serde_json::json!(["get"]);
    get_write["operationType"] = "write".into();
    let apis = serde_json::json!({
        "ListThings": post_read, "GetThing": get_read, "AddThing": get_write
    });
    let path = scratch.metadata(&metadata(apis.clone()));
    import(&scratch.options(path.clone())).unwrap();
    let read = |name: &str| serde_norway::from_str::<OperationSpec>(&scratch.spec(name)).unwrap();
    let read_only = |name: &str| read(name).read_only;
    assert!(!read_only("ListThings"), "a read sent as POST");
    assert!(read_only("GetThing"));
    assert!(!read_only("AddThing"));

    // Declared read-only by hand: it survives, on the read only.
    for name in ["ListThings", "AddThing"] {
        let mut spec = read(name);
        spec.read_only = true;
        fs::write(
            scratch
                .root
                .join(format!("specs/EHPC/2018-04-12/operations/{name}.yaml")),
            operation_yaml(&spec),
        )
        .unwrap();
    }
    import(&scratch.options(path)).unwrap();
    assert!(read_only("ListThings"));
    assert!(!read_only("AddThing"));

    // The metadata turns it into a write: the declaration goes.
    let mut apis = apis;
    apis["ListThings"]["operationType"] = "write".into();
    let path = scratch.metadata(&metadata(apis));
    import(&scratch.options(path)).unwrap();
    assert!(!read_only("ListThings"));
}

#[test]
fn a_list_wrapped_in_two_objects_keeps_the_outer_one() {
    // `{"Policy": {"Group": {"Ids": [...]}}}`: `Group` is the wrapped list,
    // `Policy` an object holding it; folding twice would lose a level.
    let mut api = list_things();
    api["responses"]["200"]["schema"]["properties"]["Policy"] = serde_json::json!({
        "type": "object", "properties": {"Group": {
            "type": "object", "properties": {"Ids": {"type": "array", "items": {"type": "string"}}}
        }}
    });
    let scratch = Scratch::new("double-wrapper");
    let path = scratch.metadata(&metadata(serde_json::json!({"ListThings": api})));
    import(&scratch.options(path)).unwrap();
    let spec: OperationSpec = serde_norway::from_str(&scratch.spec("ListThings")).unwrap();
    let policy = spec
        .response
        .iter()
        .find(|f| f.name.as_deref() == Some("Policy"))
        .unwrap();
    assert_eq!(policy.ty, "object");
    let group = &policy.properties.as_ref().unwrap()[0];
    assert_eq!(group.name.as_deref(), Some("Group"));
    assert_eq!(group.ty, "array");
    assert_eq!(group.wrapper.as_deref(), Some("Ids"));
}
