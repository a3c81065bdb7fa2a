//! `cargo xtask bench-compile`: how long `cargo build -p ehpc-sdk` takes
//! and how much memory it needs once the dependencies are built, in debug
//! and release.
//!
//! Each run touches `ehpc-sdk/src/lib.rs` so only the crate itself is
//! compiled again. Peak memory comes from GNU time (`/usr/bin/time -v`),
//! whose figure is the largest resident set of cargo and every process it
//! waited for: the rustc compiling ehpc-sdk, as cargo itself stays far
//! smaller.

use std::fs;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant, SystemTime};

const GNU_TIME: &str = "/usr/bin/time";
const PACKAGE: &str = "ehpc-sdk";
/// Cargo prints this when another build holds the target directory; the
/// wall time of such a run measures the wait, not the compiler.
const LOCK_WAIT: &str = "Blocking waiting for file lock";

/// What is measured: both API versions (the default features), then each
/// alone; `None` builds with the default features.
const FEATURE_SETS: &[(&str, Option<&str>)] = &[
    ("both", None),
    ("2018-04-12 alone", Some("rustls,v2018-04-12")),
    ("2024-07-30 alone", Some("rustls,v2024-07-30")),
];

/// One measured build.
struct Sample {
    wall: Duration,
    cpu: Duration,
    peak_kib: u64,
}

pub fn run(root: &Path, args: &[&str]) -> ExitCode {
    let mut runs = 5;
    let mut profiles = vec![false, true];
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match *arg {
            "--runs" => match args.next().map(|n| n.parse::<usize>()) {
                Some(Ok(n)) if n > 0 => runs = n,
                _ => return usage_error("--runs takes a positive number"),
            },
            "--debug-only" => profiles = vec![false],
            other => return usage_error(&format!("unknown argument `{other}`")),
        }
    }
    if let Err(message) = check_gnu_time() {
        eprintln!("error: {message}");
        return ExitCode::FAILURE;
    }
    print_machine();
    println!("runs per profile: {runs}; each after touching {PACKAGE}/src/lib.rs\n");
    println!(
        "| API versions | profile | wall median (min–max) | CPU user+sys median | peak RSS median (min–max) |"
    );
    println!("|---|---|---|---|---|");
    for (label, features) in FEATURE_SETS {
        for &release in &profiles {
            match profile(root, features, release, runs) {
                Ok(samples) => print_row(label, if release { "release" } else { "debug" }, samples),
                Err(message) => {
                    eprintln!("error: {message}");
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    print_load("load after");
    ExitCode::SUCCESS
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}\nusage: cargo xtask bench-compile [--runs N] [--debug-only]");
    ExitCode::from(2)
}

fn check_gnu_time() -> Result<(), String> {
    let works = Command::new(GNU_TIME)
        .args(["-v", "-o", "/dev/null", "true"])
        .status()
        .is_ok_and(|status| status.success());
    if works {
        Ok(())
    } else {
        Err(format!(
            "GNU time is needed at {GNU_TIME} for peak memory; \
             install it (Debian/Ubuntu: `apt-get install time`)"
        ))
    }
}

/// Builds once so the dependencies are in place, then measures `runs`
/// rebuilds of the crate alone.
fn profile(
    root: &Path,
    features: &Option<&str>,
    release: bool,
    runs: usize,
) -> Result<Vec<Sample>, String> {
    build(root, features, release).map_err(|e| format!("preparing the build: {e}"))?;
    let mut samples = Vec::with_capacity(runs);
    while samples.len() < runs {
        touch(&root.join(PACKAGE).join("src/lib.rs"))?;
        match build(root, features, release)? {
            Some(sample) => samples.push(sample),
            None => eprintln!("(a run waited for another build's lock; measuring it again)"),
        }
    }
    Ok(samples)
}

fn touch(path: &Path) -> Result<(), String> {
    fs::File::options()
        .write(true)
        .open(path)
        .and_then(|file| file.set_modified(SystemTime::now()))
        .map_err(|e| format!("cannot touch {}: {e}", path.display()))
}

/// One `cargo build -p ehpc-sdk` under GNU time; `None` when cargo had
/// to wait for another build.
fn build(root: &Path, features: &Option<&str>, release: bool) -> Result<Option<Sample>, String> {
    let report = std::env::temp_dir().join(format!("bench-compile-{}.txt", std::process::id()));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(GNU_TIME);
    command
        .arg("-v")
        .arg("-o")
        .arg(&report)
        .arg(&cargo)
        .args(["build", "--quiet", "-p", PACKAGE])
        .current_dir(root)
        .env("CARGO_TERM_COLOR", "never");
    if release {
        command.arg("--release");
    }
    if let Some(features) = features {
        command.args(["--no-default-features", "--features", features]);
    }
    let started = Instant::now();
    let output = command
        .output()
        .map_err(|e| format!("cannot run {GNU_TIME}: {e}"))?;
    let wall = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("`cargo build -p {PACKAGE}` failed:\n{stderr}"));
    }
    let text =
        fs::read_to_string(&report).map_err(|e| format!("cannot read {}: {e}", report.display()));
    let _ = fs::remove_file(&report);
    if stderr.contains(LOCK_WAIT) {
        return Ok(None);
    }
    let text = text?;
    let field = |name: &str| -> Result<f64, String> {
        text.lines()
            .find_map(|line| line.trim().strip_prefix(name)?.trim().parse().ok())
            .ok_or_else(|| format!("GNU time printed no `{name}`:\n{text}"))
    };
    let cpu = field("User time (seconds):")? + field("System time (seconds):")?;
    Ok(Some(Sample {
        wall,
        cpu: Duration::from_secs_f64(cpu),
        peak_kib: field("Maximum resident set size (kbytes):")? as u64,
    }))
}

fn print_row(versions: &str, profile: &str, samples: Vec<Sample>) {
    let mut wall: Vec<f64> = samples.iter().map(|s| s.wall.as_secs_f64()).collect();
    let mut cpu: Vec<f64> = samples.iter().map(|s| s.cpu.as_secs_f64()).collect();
    let mut peak: Vec<f64> = samples.iter().map(|s| s.peak_kib as f64 / 1024.0).collect();
    let (wall_median, wall_min, wall_max) = median_min_max(&mut wall);
    let (cpu_median, _, _) = median_min_max(&mut cpu);
    let (peak_median, peak_min, peak_max) = median_min_max(&mut peak);
    println!(
        "| {versions} | {profile} | {wall_median:.2} s ({wall_min:.2}–{wall_max:.2}) | {cpu_median:.2} s \
         | {peak_median:.0} MiB ({peak_min:.0}–{peak_max:.0}) |"
    );
}

fn median_min_max(values: &mut [f64]) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    (
        values[values.len() / 2],
        values[0],
        values[values.len() - 1],
    )
}

/// Cores, CPU model, memory and compiler, so a figure carries its machine.
fn print_machine() {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = proc_field(&cpuinfo, "model name").unwrap_or("unknown");
    let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = proc_field(&meminfo, "MemTotal")
        .and_then(|v| v.trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or("unknown".to_string(), |kib| {
            format!("{:.1} GiB", kib / 1024.0 / 1024.0)
        });
    let rustc = Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
        .arg("-V")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    println!("machine: {cores} cores, {model}, {memory} memory; {rustc}");
    print_load("load before");
}

/// The load average: the machine may be shared with other builds.
fn print_load(when: &str) {
    let load = fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let averages: Vec<&str> = load.split_whitespace().take(3).collect();
    println!("{when}: load average {} (1, 5, 15 min)", averages.join(" "));
}

fn proc_field<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    text.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        (key.trim() == name).then_some(value.trim())
    })
}
