//! The served operations follow the spec files: one per spec, added and
//! removed with them, and nothing else.

mod support;

use ehpc_emulator::{Catalog, Emulator, StartError};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use support::*;

const WORKSPACE_SPECS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../specs");
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
    let source = Path::new(WORKSPACE_SPECS);
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

#[test]
fn the_embedded_specs_are_the_workspace_specs() {
    let embedded = Catalog::embedded().unwrap();
    assert_eq!(names(&embedded), spec_files(Path::new(WORKSPACE_SPECS)));
    assert!(names(&embedded).contains(&"StopVisualService".to_string()));
    assert_eq!(embedded.version(), "2018-04-12");
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
async fn every_specified_operation_is_served() {
    let emulator = Emulator::start().await.unwrap();
    let catalog = emulator.catalog().clone();
    assert_eq!(
        emulator.operations(),
        spec_files(Path::new(WORKSPACE_SPECS))
    );
    for name in catalog.operation_names() {
        let operation = catalog.operation(name).unwrap();
        let answer = get(emulator.addr(), &signed("GET", SECRET, common(name))).await;
        match operation.parameters.iter().find(|p| p.required) {
            Some(required) => {
                assert_eq!(
                    (answer.status, answer.code().as_str()),
                    (400, "MissingParameter"),
                    "{name}"
                );
                assert!(answer.message().contains(&required.wire_name), "{name}");
            }
            None => {
                assert_eq!(answer.status, 200, "{name}");
                let body = answer.json();
                for field in &operation.response {
                    assert!(
                        body.get(&field.wire_name).is_some(),
                        "{name} lacks {}",
                        field.wire_name
                    );
                }
            }
        }
    }
}
