//! Engine properties: invariants under random faults, determinism, exact
//! time travel, and the engine's purity.

mod common;

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use common::{random_world, random_world_with, run_checked, scenario};
use sagascope_engine::sim::{Action, StepKind, Svc, Timeline};
use sagascope_engine::trace::{render, Format};

/// Safety after every step and liveness once the faults stop, over 10,000
/// seeds of random orders and random faults (`FAULT_SEEDS=N` for more).
#[test]
fn invariants_hold_under_random_faults() {
    let seeds: u64 = std::env::var("FAULT_SEEDS").ok().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let (mut faults_seen, mut runs_with_messages) = (0, 0);
    for seed in 1..=seeds {
        let (world, steps, violations) = run_checked(random_world(seed), 20_000);
        assert!(violations.is_empty(), "reproduce with seed={seed}: {violations:#?}");
        assert!(world.is_quiet(), "reproduce with seed={seed}: not quiet");
        runs_with_messages += u64::from(steps.iter().any(|s| s.kind == StepKind::Handle));
        faults_seen += steps.iter().filter(|s| s.kind == StepKind::Fault).count() as u64;
    }
    // The faults and the messages must really have happened for the test to
    // mean anything (a run whose Order Service is down for every order
    // handles nothing, and that is rare).
    assert!(faults_seen > seeds, "only {faults_seen} fault steps in {seeds} seeds");
    assert!(runs_with_messages * 100 >= seeds * 99, "only {runs_with_messages} of {seeds} runs handled a message");
}

/// Duplicates reach consumers under random faults, and are dropped.
#[test]
fn random_faults_produce_duplicates_that_are_dropped() {
    let drops: usize =
        (1..=200).map(|seed| run_checked(random_world(seed), 20_000).1.iter().filter(|s| s.kind == StepKind::Drop).count()).sum();
    assert!(drops > 20, "only {drops} duplicates dropped in 200 seeds");
}

/// FTGO cancels and revisions under random faults take each path of their
/// sagas: completed, refused at step 1 (the order was not APPROVED), and
/// compensated after step 2 failed (the ticket was already PREPARING).
#[test]
fn random_cancels_and_revisions_take_every_path_of_their_sagas() {
    use sagascope_engine::sim::saga::{SagaType, StepStatus};
    for saga_type in [SagaType::CancelOrderSaga, SagaType::ReviseOrderSaga] {
        let (mut completed, mut refused, mut undone) = (0, 0, 0);
        for seed in (2..=600).step_by(3) {
            let (world, _, _) = run_checked(random_world(seed), 20_000);
            let sagas = &world.services()[&Svc::OrderService].db.sagas;
            for saga in sagas.values().filter(|s| s.saga_type == saga_type) {
                match (saga.compensating, saga.steps.iter().position(|s| *s == StepStatus::Failed)) {
                    (false, _) => completed += 1,
                    (true, Some(0)) => refused += 1,
                    (true, Some(1)) if saga.compensated == [0] => undone += 1,
                    _ => panic!("seed={seed}: unexpected {saga:?}"),
                }
            }
        }
        assert!(completed > 0 && refused > 0 && undone > 0, "{saga_type:?}: completed {completed}, refused {refused}, undone {undone}");
    }
}

fn trace_hash(seed: u64) -> u64 {
    let (_, steps, _) = run_checked(random_world(seed), 20_000);
    let mut hasher = DefaultHasher::new();
    render(&steps, Format::Jsonl).hash(&mut hasher);
    hasher.finish()
}

#[test]
fn same_seed_same_trace_hash() {
    for seed in [1, 2, 3, 99, 12345] {
        assert_eq!(trace_hash(seed), trace_hash(seed), "non-determinism detected: reproduce with seed={seed}");
    }
    assert_ne!(trace_hash(4), trace_hash(7), "different seeds should give different runs");
}

/// Going to step N by any route gives the world that N steps forward give.
#[test]
fn seeking_is_exact_forward_and_back() {
    for seed in [3, 11, 26] {
        let world = random_world_with(seed, 40);
        let mut timeline = Timeline::new(world.clone(), 50_000);
        let len = timeline.len();
        assert!(len > 100, "seed={seed}: run too short ({len} steps) to test seeking");
        let mut reference = world;
        let mut snapshots = vec![reference.clone()];
        while reference.step().is_some() {
            snapshots.push(reference.clone());
        }
        assert_eq!(snapshots.len(), len + 1);
        let mut rng = sagascope_engine::sim::rng::Rng::new(seed);
        for _ in 0..200 {
            let target = rng.range(0, len as u64) as usize;
            timeline.seek(target);
            assert_eq!(timeline.cursor(), target);
            assert!(*timeline.world() == snapshots[target], "seed={seed}: seek to {target} differs");
        }
        // N forward then N back is where we started, to the last cell.
        timeline.seek(len / 2);
        let before = timeline.world().clone();
        for _ in 0..37 {
            timeline.forward();
        }
        for _ in 0..37 {
            timeline.back();
        }
        assert!(*timeline.world() == before, "seed={seed}: forward then back differs");
    }
}

/// An action in the past forks the timeline: the future is dropped and
/// recomputed from the action.
#[test]
fn acting_in_the_past_forks() {
    let s = scenario("choreography");
    let mut timeline = Timeline::new(s.world(s.variant(Some("approved")).unwrap(), 1), 1000);
    let len = timeline.len();
    timeline.seek(2);
    timeline.act(Action::Crash { service: Svc::OrderService });
    assert_eq!(timeline.dropped(), len - 2);
    assert_eq!(timeline.cursor(), 3);
    assert!(timeline.is_act(2));
    // Order Service is down: Customer Service's answer now waits.
    timeline.seek(timeline.len());
    assert!(!timeline.world().services()[&Svc::OrderService].up);
    assert_eq!(timeline.world().broker().in_flight_count(), 1);
    // The forked run replays exactly too, by seeking and by `replay`.
    let end = timeline.world().clone();
    timeline.seek(0);
    timeline.seek(timeline.len());
    assert!(*timeline.world() == end);
    let mut worlds = Vec::new();
    timeline.replay(|w| worlds.push(w.clone()));
    assert_eq!(worlds.len(), timeline.len() + 1, "one world per step and the start");
    for (n, world) in worlds.iter().enumerate() {
        timeline.seek(n);
        assert!(timeline.world() == world, "replay differs from seek at step {n}");
    }
}

/// Asserts `a` and `b` are the same run: every step, and at every step
/// the same world (to the last cell) and the same broken invariants.
fn assert_same_run(a: &mut Timeline, b: &mut Timeline, context: &str) {
    assert_eq!(a.steps(), b.steps(), "{context}: steps");
    for n in 0..=a.len() {
        a.seek(n);
        b.seek(n);
        assert!(a.world() == b.world(), "{context}: worlds differ at step {n}");
        assert_eq!(a.violations(), b.violations(), "{context}: violations at step {n}");
    }
}

/// The first step (from 1) where two runs differ in any field of a step.
fn parts_by_every_field(a: &Timeline, b: &Timeline) -> Option<usize> {
    let same = a.steps().iter().zip(b.steps()).take_while(|(x, y)| x == y).count();
    (same < a.len().max(b.len())).then_some(same + 1)
}

/// A fork can be compared with the run it left: `before_fork` replays that
/// run from its start, the same at every step, cell and finding; a fork of
/// a fork gives the first fork back. And `parts_from` (steps compared by
/// time and text) finds the step where two runs part, as comparing every
/// field does, for these forks and for one variant at two seeds.
#[test]
fn a_fork_is_compared_with_the_run_it_left() {
    for scenario in sagascope_engine::scenarios::catalogue() {
        for variant in &scenario.variants {
            for seed in [1, 7] {
                let context = format!("{}/{} seed={seed}", scenario.id, variant.id);
                let original = Timeline::new(scenario.world(variant, seed), 10_000);
                let other_seed = Timeline::new(scenario.world(variant, seed + 1), 10_000);
                assert_eq!(original.parts_from(&other_seed), parts_by_every_field(&original, &other_seed), "{context}: seeds");
                assert_eq!(other_seed.parts_from(&other_seed.clone()), None, "{context}: a run is itself");
                let mut fork = original.clone();
                assert!(fork.before_fork().is_none(), "{context}: nothing dropped yet");
                if original.len() < 4 {
                    continue;
                }
                let at = original.len() / 2;
                let service = *fork.world().services().keys().next().expect("a service");
                fork.seek(at);
                fork.act(Action::Crash { service });
                let mut before = fork.before_fork().expect("a future was dropped");
                assert_same_run(&mut before, &mut original.clone(), &context);
                assert_eq!(fork.parts_from(&original), Some(at + 1), "{context}: the fork parts at its action");
                assert_eq!(fork.parts_from(&original), parts_by_every_field(&fork, &original), "{context}: fork");
                // Acting again in the fork's past: the run before is the first fork.
                let mut first_fork = fork.clone();
                fork.seek(at + 1);
                if fork.len() > at + 1 {
                    fork.act(Action::Restart { service });
                    assert_same_run(&mut fork.before_fork().expect("dropped"), &mut first_fork, &context);
                }
            }
        }
    }
}

/// The timeline tells a learner which invariants are broken so far: at the
/// end of every lesson exactly the ones it expects, none before the step
/// that broke them (or before the end, for what is wrong at rest), and a
/// fork forgets what its dropped future broke.
#[test]
fn the_timeline_reports_violations_as_they_happen() {
    for scenario in sagascope_engine::scenarios::catalogue() {
        for variant in &scenario.variants {
            let context = format!("{}/{}", scenario.id, variant.id);
            let mut timeline = Timeline::new(scenario.world(variant, 1), 10_000);
            timeline.seek(timeline.len());
            let end = timeline.len();
            let found: Vec<(usize, String, String)> =
                timeline.violations().into_iter().map(|(at, v)| (at.unwrap_or(end), v.id.to_string(), v.detail.clone())).collect();
            let mut ids: Vec<&str> = found.iter().map(|(_, id, _)| id.as_str()).collect();
            ids.sort();
            ids.dedup();
            let mut want: Vec<&str> = variant.expect.violations.iter().map(String::as_str).collect();
            want.sort();
            assert_eq!(ids, want, "{context}");
            for (at, id, detail) in found {
                let shown = |timeline: &Timeline| timeline.violations().iter().any(|(_, v)| v.id == id && v.detail == detail);
                timeline.seek(at);
                assert!(shown(&timeline), "{context}: {id} at step {at}");
                timeline.seek(at - 1);
                assert!(!shown(&timeline), "{context}: {id} shown before step {at}");
            }
        }
    }
    // Turning the semantic lock back on after the script turned it off
    // refuses the cancel: the lost update never happens.
    let isolation = scenario("isolation");
    let mut timeline = Timeline::new(isolation.world(isolation.variant(Some("no-countermeasure")).unwrap(), 1), 10_000);
    timeline.seek(timeline.len());
    assert!(timeline.violations().iter().any(|(_, v)| v.id == "lost-update"));
    timeline.seek(1);
    timeline.act(Action::SetSemanticLock { enabled: true });
    timeline.seek(timeline.len());
    assert_eq!(timeline.violations(), vec![], "the fork dropped the future that broke the invariants");
}

/// The engine crate depends on no web crate (the compiler then keeps
/// `leptos`, `web_sys` and `wasm_bindgen` out), and its source never reaches
/// for what the compiler cannot forbid: the wall clock, the environment, the
/// file system, thread-locals or hash-ordered collections.
/// The modules each engine module uses (`super::x`, `crate::sim::x`),
/// read from its source, comments aside; `world/*` counts as `world`.
fn engine_module_graph() -> Vec<(String, Vec<String>)> {
    let dir = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src/sim"));
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for folder in [dir.clone(), dir.join("world")] {
        files.extend(std::fs::read_dir(folder).expect("readable folder").map(|e| e.expect("readable").path()).filter(|p| p.is_file()));
    }
    let mut graph: Vec<(String, Vec<String>)> = Vec::new();
    for path in files {
        let inside_world = path.parent().is_some_and(|p| p.ends_with("world"));
        let name = if inside_world { "world".to_string() } else { path.file_stem().unwrap().to_string_lossy().into_owned() };
        let text = std::fs::read_to_string(&path).expect("readable");
        let mut uses = Vec::new();
        for line in text.lines().map(str::trim).filter(|l| !l.starts_with("//")) {
            for prefix in ["super::", "crate::sim::"] {
                for (at, _) in line.match_indices(prefix) {
                    let rest = &line[at + prefix.len()..];
                    let module: String = rest.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
                    // `super::` inside world/ names world's own sub-modules.
                    if !module.is_empty() && module != name && !(inside_world && prefix == "super::") {
                        uses.push(module);
                    }
                }
            }
        }
        match graph.iter_mut().find(|(n, _)| *n == name) {
            Some((_, known)) => known.extend(uses),
            None => graph.push((name, uses)),
        }
    }
    graph
}

/// `db.rs` should not know saga or view rows, and no module should reach
/// itself through others: each module of the engine can be read knowing
/// only the ones below it.
#[test]
fn engine_modules_form_no_cycle() {
    let graph = engine_module_graph();
    assert!(graph.len() > 20, "expected the engine's modules, found {}", graph.len());
    let uses = |name: &str| graph.iter().find(|(n, _)| n == name).map(|(_, u)| u.clone()).unwrap_or_default();
    for (start, _) in &graph {
        // Depth-first from `start`, remembering the path, looking for `start`.
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen: Vec<String> = Vec::new();
        while let Some((module, path)) = stack.pop() {
            for next in uses(&module) {
                assert!(next != *start, "import cycle: {} -> {start}", path.join(" -> "));
                if !seen.contains(&next) {
                    seen.push(next.clone());
                    stack.push((next.clone(), [path.clone(), vec![next]].concat()));
                }
            }
        }
    }
    assert!(!uses("db").iter().any(|u| u == "saga" || u == "view"), "db.rs uses the saga or view modules: {:?}", uses("db"));
}

#[test]
fn engine_is_pure() {
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).expect("engine manifest");
    let dependencies = manifest.split("[dependencies]").nth(1).expect("a [dependencies] table");
    let names: Vec<&str> =
        dependencies.lines().take_while(|l| !l.starts_with('[')).filter_map(|l| l.split_once('=').map(|(name, _)| name.trim())).collect();
    assert_eq!(names, ["serde", "serde_json"], "the engine may depend on serde alone");
    let forbidden =
        ["std::time", "Instant", "SystemTime", "rand::", "getrandom", "HashMap", "HashSet", "thread_local", "std::env", "std::fs"];
    let dir = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src/sim"));
    let (mut folders, mut files) = (vec![dir.clone()], 0);
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("readable folder") {
            let path = entry.expect("readable").path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("readable");
            files += 1;
            for word in forbidden {
                assert!(!text.contains(word), "{} uses {word}", path.display());
            }
        }
    }
    assert!(files > 15, "expected the engine's files in {}", dir.display());
}
