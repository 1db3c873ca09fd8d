//! Golden traces: every lesson variant at a few seeds, as JSON lines (each
//! step, then every violation and every table at the end), compared with
//! the files under `tests/golden/`. "Behaviour unchanged" is this test
//! passing; a deliberate change rewrites the files with
//! `UPDATE_GOLDEN=1 cargo test -p sagascope-engine --test golden` and the
//! diff shows what moved.

mod common;

use std::path::PathBuf;

use common::run_checked;
use sagascope_engine::scenarios::{self, Scenario};
use serde_json::json;

/// Seeds each variant is recorded at: the scripted run and two others.
const SEEDS: [u64; 3] = [1, 2, 3];

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// The golden text of a scenario: one header line per run, its steps, its
/// violations (each with the step count that first showed it) and its
/// final tables.
fn golden(scenario: &Scenario) -> String {
    let mut out = String::new();
    let mut line = |value: serde_json::Value| {
        out.push_str(&value.to_string());
        out.push('\n');
    };
    for variant in &scenario.variants {
        for seed in SEEDS {
            line(json!({ "run": { "scenario": scenario.id, "variant": variant.id, "seed": seed } }));
            let (world, steps, violations) = run_checked(scenario.world(variant, seed), 100_000);
            for (index, step) in steps.iter().enumerate() {
                line(json!({ "step": index + 1, "at": step }));
            }
            line(json!({ "violations": violations }));
            for service in world.services().values() {
                line(json!({ "tables": service.id, "rows": service.db.render() }));
            }
        }
    }
    out
}

/// Where two texts first differ, by line, for a readable failure.
fn first_difference(want: &str, got: &str) -> String {
    let (mut want_lines, mut got_lines) = (want.lines(), got.lines());
    for number in 1.. {
        match (want_lines.next(), got_lines.next()) {
            (None, None) => break,
            (w, g) if w == g => continue,
            (w, g) => return format!("line {number}:\n  golden: {}\n  now:    {}", w.unwrap_or("<end>"), g.unwrap_or("<end>")),
        }
    }
    "no line differs (line endings?)".into()
}

#[test]
fn every_variant_matches_its_golden_trace() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let dir = golden_dir();
    let mut failures = Vec::new();
    for scenario in scenarios::catalogue() {
        let path = dir.join(format!("{}.jsonl", scenario.id));
        let got = golden(scenario);
        if update {
            std::fs::create_dir_all(&dir).expect("create tests/golden");
            std::fs::write(&path, &got).expect("write golden trace");
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(want) if want == got => {}
            Ok(want) => failures.push(format!("{}: {}", path.display(), first_difference(&want, &got))),
            Err(error) => failures.push(format!("{}: {error}", path.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "traces differ from tests/golden (if the change is deliberate, run UPDATE_GOLDEN=1 cargo test -p sagascope-engine --test golden \
         and read the diff):\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_golden_file_belongs_to_a_lesson() {
    let known: Vec<String> = scenarios::catalogue().iter().map(|s| format!("{}.jsonl", s.id)).collect();
    for entry in std::fs::read_dir(golden_dir()).expect("tests/golden exists") {
        let name = entry.expect("readable entry").file_name().to_string_lossy().into_owned();
        assert!(known.contains(&name), "tests/golden/{name} names no lesson: delete it");
    }
}

#[test]
fn json_lines_equal_serde_json_for_every_step() {
    // `trace::jsonl` writes JSON by hand (the web app exports it); every
    // step of every lesson at every golden seed must read as serde_json
    // writes the step, and text with quotes, backslashes and control
    // characters must be escaped the same way.
    let mut steps_checked = 0;
    for scenario in scenarios::catalogue() {
        for variant in &scenario.variants {
            for seed in SEEDS {
                let (_, mut steps, _) = run_checked(scenario.world(variant, seed), 100_000);
                if let Some(first) = steps.first_mut() {
                    first.text.push_str(" \"quoted\" back\\slash\ttab\nline \u{1} \u{7f} é");
                }
                let want: String = steps.iter().map(|s| serde_json::to_string(s).expect("serializes") + "\n").collect();
                assert_eq!(sagascope_engine::trace::jsonl(&steps), want, "{} / {} seed {seed}", scenario.id, variant.id);
                steps_checked += steps.len();
            }
        }
    }
    assert!(steps_checked > 1000, "checked {steps_checked} steps");
}
