//! The served operations follow the spec files: one per spec, added and
//! removed with them, and nothing else.

mod support;

use ehpc_emulator::{Catalog, Emulator, StartError};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use support::*;

const WORKSPACE_SPECS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../specs");
/// The version directory the copies are made from.
const VERSION: &str = "EHPC/2018-04-12";
const SHAPES: &str = include_str!("fixtures/DescribeShapes.yaml");

/// Action names of the spec files in `dir/operations`, from their names.
fn spec_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir.join("operations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A fresh copy of the workspace's specs.
fn copy_of_specs() -> PathBuf {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "emulator-specs-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("operations")).unwrap();
    let source = Path::new(WORKSPACE_SPECS).join(VERSION);
    let source = source.as_path();
    fs::copy(source.join("service.yaml"), dir.join("service.yaml")).unwrap();
    for name in spec_files(source) {
        let file = format!("operations/{name}.yaml");
        fs::copy(source.join(&file), dir.join(&file)).unwrap();
    }
    dir
}

fn names(catalog: &Catalog) -> Vec<String> {
    catalog.operation_names().map(str::to_string).collect()
}

/// Action names of every version's spec files, each once.
fn all_spec_files() -> Vec<String> {
    let mut names: Vec<String> = version_dirs()
        .iter()
        .flat_map(|(_, dir)| spec_files(dir))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Every version served, by name, with its directory
/// (`specs/<product>/<version>/`), sorted by version.
fn version_dirs() -> Vec<(String, PathBuf)> {
    let mut versions: Vec<(String, PathBuf)> = fs::read_dir(WORKSPACE_SPECS)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .flat_map(|product| fs::read_dir(product).unwrap().map(|e| e.unwrap().path()))
        .filter(|p| p.join("service.yaml").is_file())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    versions.sort();
    versions
}

fn versions() -> Vec<String> {
    version_dirs()
        .into_iter()
        .map(|(version, _)| version)
        .collect()
}

#[test]
fn the_embedded_specs_are_the_workspace_specs() {
    let embedded = Catalog::embedded().unwrap();
    assert_eq!(names(&embedded), all_spec_files());
    assert!(names(&embedded).contains(&"StopVisualService".to_string()));
    assert_eq!(embedded.versions().collect::<Vec<_>>(), versions());
    for (version, dir) in version_dirs() {
        assert_eq!(
            embedded
                .operation_names_in(&version)
                .map(str::to_string)
                .collect::<Vec<_>>(),
            spec_files(&dir),
            "{version}"
        );
    }
    assert_eq!(
        names(&Catalog::from_dir(WORKSPACE_SPECS).unwrap()),
        names(&embedded)
    );
}

#[test]
fn operations_change_when_and_only_when_a_spec_is_added_or_removed() {
    let dir = copy_of_specs();
    let before = names(&Catalog::from_dir(&dir).unwrap());

    // Editing a spec changes nothing in the list.
    let stop = dir.join("operations/StopVisualService.yaml");
    let text = fs::read_to_string(&stop).unwrap();
    fs::write(&stop, text.replace("summary: Stops", "summary: Halts")).unwrap();
    assert_eq!(names(&Catalog::from_dir(&dir).unwrap()), before);

    fs::write(dir.join("operations/DescribeShapes.yaml"), SHAPES).unwrap();
    let mut expected = before.clone();
    expected.push("DescribeShapes".to_string());
    expected.sort();
    assert_eq!(names(&Catalog::from_dir(&dir).unwrap()), expected);

    fs::remove_file(&stop).unwrap();
    expected.retain(|n| n != "StopVisualService");
    assert_eq!(names(&Catalog::from_dir(&dir).unwrap()), expected);

    fs::remove_file(dir.join("operations/DescribeShapes.yaml")).unwrap();
    expected.retain(|n| n != "DescribeShapes");
    assert_eq!(names(&Catalog::from_dir(&dir).unwrap()), expected);
}

#[tokio::test]
async fn an_emulator_serves_exactly_the_specs_of_its_directory() {
    let dir = copy_of_specs();
    fs::write(dir.join("operations/DescribeShapes.yaml"), SHAPES).unwrap();
    fs::remove_file(dir.join("operations/StopVisualService.yaml")).unwrap();
    let emulator = Emulator::builder().specs_dir(&dir).start().await.unwrap();
    assert!(emulator
        .operations()
        .contains(&"DescribeShapes".to_string()));

    let mut params = common("DescribeShapes");
    set(&mut params, "Name", "ok");
    set(&mut params, "Nodes.1.Id", "n1");
    let answer = get(emulator.addr(), &signed("GET", SECRET, params)).await;
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let body = answer.json();
    assert_eq!(body["TotalCount"], 12);
    assert_eq!(body["Shapes"]["ShapeInfo"][0]["Id"], "shape-1");

    let answer = get(
        emulator.addr(),
        &signed("GET", SECRET, stop_visual_service()),
    )
    .await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (404, "InvalidAction.NotFound")
    );
}

#[tokio::test]
async fn a_bad_spec_stops_the_start_and_is_named() {
    let dir = copy_of_specs();
    fs::write(
        dir.join("operations/Broken.yaml"),
        "name: Broken\nsummary: [\n",
    )
    .unwrap();
    let error = Emulator::builder()
        .specs_dir(&dir)
        .start()
        .await
        .unwrap_err();
    assert!(matches!(error, StartError::Specs(_)));
    assert!(error.to_string().contains("Broken.yaml"), "{error}");
}

#[tokio::test]
async fn every_specified_operation_of_every_version_is_served() {
    // From the examples: stateful operations would refuse the clusters
    // that calls without parameters name.
    let emulator = Emulator::builder().examples_only().start().await.unwrap();
    let catalog = emulator.catalog().clone();
    assert_eq!(emulator.operations(), all_spec_files());
    for version in versions() {
        for name in catalog.operation_names_in(&version) {
            let operation = catalog.operation_in(&version, name).unwrap();
            let mut params = common(name);
            set(&mut params, "Version", &version);
            let answer = get(emulator.addr(), &signed("GET", SECRET, params)).await;
            match operation.parameters.iter().find(|p| p.required) {
                Some(required) => {
                    assert_eq!(
                        (answer.status, answer.code().as_str()),
                        (400, "MissingParameter"),
                        "{version} {name}"
                    );
                    assert!(answer.message().contains(&required.wire_name), "{name}");
                }
                None => {
                    assert_eq!(answer.status, 200, "{version} {name}");
                    let body = answer.json();
                    for field in &operation.response {
                        assert!(
                            body.get(&field.wire_name).is_some(),
                            "{version} {name} lacks {}",
                            field.wire_name
                        );
                    }
                }
            }
        }
    }
}

#[tokio::test]
async fn an_action_of_one_version_is_not_found_in_the_other() {
    let emulator = Emulator::start().await.unwrap();
    // StopVisualService exists in 2018-04-12 only, ListAddonTemplates in
    // 2024-07-30 only.
    let mut params = stop_visual_service();
    set(&mut params, "Version", "2024-07-30");
    let answer = get(emulator.addr(), &signed("GET", SECRET, params)).await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (404, "InvalidAction.NotFound")
    );
    assert!(
        answer.message().contains("2018-04-12"),
        "{}",
        answer.message()
    );

    let mut params = common("ListAddonTemplates");
    set(&mut params, "Version", "2024-07-30");
    let answer = get(emulator.addr(), &signed("GET", SECRET, params.clone())).await;
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    set(&mut params, "Version", "2018-04-12");
    set(
        &mut params,
        "SignatureNonce",
        "another-nonce-for-the-old-version",
    );
    let answer = get(emulator.addr(), &signed("GET", SECRET, params)).await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (404, "InvalidAction.NotFound")
    );

    // An E-HPC Instant version is named with its product.
    let mut params = stop_visual_service();
    set(&mut params, "Version", "2023-07-01");
    set(
        &mut params,
        "SignatureNonce",
        "a-nonce-for-the-instant-version",
    );
    let answer = get(emulator.addr(), &signed("GET", SECRET, params)).await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (404, "InvalidAction.NotFound")
    );
    assert!(
        answer.message().contains("in EhpcInstant 2023-07-01"),
        "{}",
        answer.message()
    );

    let mut params = common("ListRegions");
    set(&mut params, "Version", "2020-01-01");
    let answer = get(emulator.addr(), &signed("GET", SECRET, params)).await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (400, "InvalidVersion")
    );
}
