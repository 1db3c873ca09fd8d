//! The explorer: the lessons' targets (a violation found without the
//! countermeasure, none with it), the reduction against a plain search,
//! counterexamples replayed through the ordinary timeline, determinism and
//! slicing.

mod common;

use common::scenario;
use sagascope_engine::explore::{Bounds, Cut, Explorer, Faults, Verdict};
use sagascope_engine::scenarios;
use sagascope_engine::sim::choice::{parse_path, path_text};
use sagascope_engine::sim::{Choice, Timeline, World};

fn start(lesson: &str, variant: &str) -> World {
    let scenario = scenario(lesson);
    let variant = scenario.variant(Some(variant)).expect("variant");
    scenario.world(variant, 1)
}

fn bounds(depth: usize, faults: &str) -> Bounds {
    Bounds { depth, faults: Faults::parse(faults).expect("faults"), ..Bounds::default() }
}

fn verdict(world: World, bounds: Bounds) -> Verdict {
    Explorer::new(world, bounds).run(u64::MAX).cloned().expect("a verdict")
}

/// The violation's id, or `None` for a complete search that found none.
fn found(verdict: &Verdict) -> Option<&'static str> {
    match verdict {
        Verdict::Found { violation, .. } => Some(violation.id),
        Verdict::Clean { cut } => {
            assert_eq!(*cut, Cut::Nothing, "the bounds cut the search short");
            None
        }
    }
}

/// Follows a verdict's path from `world` through a timeline and returns
/// the ids the timeline shows at the end of that run.
fn replayed(world: World, verdict: &Verdict) -> Vec<&'static str> {
    let Verdict::Found { path, .. } = verdict else { panic!("nothing to replay") };
    let mut timeline = Timeline::new(world, 10_000);
    // The text form is what a deep link carries.
    let path = parse_path(&path_text(path)).expect("a path reads back");
    timeline.follow(&path).expect("the path fits the run it came from");
    timeline.seek(timeline.len());
    timeline.violations().iter().map(|(_, v)| v.id).collect()
}

#[test]
fn without_the_semantic_lock_a_lost_update_is_found_and_with_it_none() {
    let depth = 40;
    let without = verdict(start("isolation", "no-countermeasure"), bounds(depth, ""));
    assert_eq!(found(&without), Some("lost-update"));
    assert!(replayed(start("isolation", "no-countermeasure"), &without).contains(&"lost-update"));
    assert_eq!(found(&verdict(start("isolation", "semantic-lock"), bounds(depth, ""))), None);
    // Faults do not break the countermeasure either.
    assert_eq!(found(&verdict(start("isolation", "semantic-lock"), bounds(depth, "duplicate=1,crash=1"))), None);
}

#[test]
fn without_the_outbox_the_stuck_order_is_found_and_with_it_none() {
    let without = verdict(start("outbox", "dual-write"), bounds(40, ""));
    assert_eq!(found(&without), Some("order-stuck-pending"));
    assert!(matches!(&without, Verdict::Found { at_rest: true, .. }), "judged once the run is at rest");
    assert!(replayed(start("outbox", "dual-write"), &without).contains(&"order-stuck-pending"));
    for variant in ["outbox", "relay-crash"] {
        assert_eq!(found(&verdict(start("outbox", variant), bounds(40, ""))), None, "{variant}");
    }
}

#[test]
fn without_received_messages_the_duplicate_effect_is_found_and_with_it_none() {
    let without = verdict(start("idempotent-consumer", "no-idempotence"), bounds(40, ""));
    assert_eq!(found(&without), Some("duplicate-effect"));
    assert!(replayed(start("idempotent-consumer", "no-idempotence"), &without).contains(&"duplicate-effect"));
    for variant in ["duplicate-dropped", "rebalance"] {
        let clean = verdict(start("idempotent-consumer", variant), bounds(40, "duplicate=1,rebalance=1"));
        assert_eq!(found(&clean), None, "{variant}");
    }
}

#[test]
fn a_fault_the_search_injects_finds_what_the_lesson_scripted() {
    // The plain choreography with idempotence off breaks only if a message
    // comes twice: the search must inject the duplicate itself.
    let mut world = start("choreography", "approved");
    world.act(sagascope_engine::sim::Action::SetIdempotence { service: sagascope_engine::sim::Svc::CustomerService, enabled: false });
    assert_eq!(found(&verdict(world.clone(), bounds(30, ""))), None);
    let with_fault = verdict(world.clone(), bounds(30, "duplicate=1"));
    assert_eq!(found(&with_fault), Some("duplicate-effect"));
    let Verdict::Found { path, .. } = &with_fault else { unreachable!() };
    assert!(path.iter().any(|c| matches!(c, Choice::Fault(_))), "the path injects the duplicate: {}", path_text(path));
    assert!(replayed(world, &with_fault).contains(&"duplicate-effect"));
}

/// Every distinct violation id a search finds (it does not stop at the first).
fn all_found(explorer: Explorer) -> (Vec<&'static str>, usize) {
    let mut explorer = explorer.find_all();
    explorer.run(u64::MAX);
    let mut ids: Vec<&'static str> = explorer
        .findings()
        .iter()
        .map(|v| match v {
            Verdict::Found { violation, .. } => violation.id,
            Verdict::Clean { .. } => unreachable!("findings are violations"),
        })
        .collect();
    ids.sort_unstable();
    (ids, explorer.progress().distinct)
}

#[test]
fn the_reductions_miss_no_violation_a_plain_search_finds() {
    // Every variant of every lesson, without faults, with each single
    // fault budget and with them together, at depths where the plain
    // search stays small.
    let mut compared = 0;
    for lesson in scenarios::catalogue() {
        for variant in &lesson.variants {
            let budgets = [
                ("", 14),
                ("duplicate=1", 12),
                ("crash=1", 10),
                ("crash-relay=1", 12),
                ("rebalance=1", 10),
                ("crash=1,crash-relay=1,rebalance=1", 9),
            ];
            for (faults, depth) in budgets {
                let world = lesson.world(variant, 1);
                let bounds = Bounds { depth, faults: Faults::parse(faults).expect("faults"), max_states: 200_000 };
                let (reduced, reduced_states) = all_found(Explorer::new(world.clone(), bounds));
                let (plain, plain_states) = all_found(Explorer::new(world, bounds).plain());
                // A commit the reduced search leaves to the clock is no
                // choice, so at the same depth it may reach further.
                let missed: Vec<&&str> = plain.iter().filter(|id| !reduced.contains(id)).collect();
                assert!(missed.is_empty(), "{} / {} with faults {faults:?}: the reduced search misses {missed:?}", lesson.id, variant.id);
                assert!(
                    reduced_states <= plain_states,
                    "{} / {}: the reductions reach no state a plain search misses",
                    lesson.id,
                    variant.id
                );
                compared += 1;
            }
        }
    }
    assert!(compared >= 180, "compared {compared} searches");
}

#[test]
fn every_violation_found_replays_through_the_timeline() {
    for (lesson, variant) in [("isolation", "no-countermeasure"), ("outbox", "dual-write"), ("idempotent-consumer", "no-idempotence")] {
        let mut explorer = Explorer::new(start(lesson, variant), bounds(30, "duplicate=1")).find_all();
        explorer.run(u64::MAX);
        assert!(!explorer.findings().is_empty(), "{lesson} / {variant}");
        for finding in explorer.findings() {
            let Verdict::Found { violation, .. } = finding else { unreachable!() };
            let shown = replayed(start(lesson, variant), finding);
            assert!(shown.contains(&violation.id), "{lesson} / {variant}: {} not shown after its path; shown {shown:?}", violation.id);
        }
    }
}

#[test]
fn a_search_is_deterministic_and_the_same_in_slices() {
    let world = start("isolation", "semantic-lock");
    // Big enough to take several slices of 50 steps.
    let whole = {
        let mut explorer = Explorer::new(world.clone(), bounds(40, "duplicate=1,crash=1"));
        let verdict = explorer.run(u64::MAX).cloned();
        (verdict, explorer.progress())
    };
    let again = {
        let mut explorer = Explorer::new(world.clone(), bounds(40, "duplicate=1,crash=1"));
        let verdict = explorer.run(u64::MAX).cloned();
        (verdict, explorer.progress())
    };
    assert_eq!(whole, again);
    let mut sliced = Explorer::new(world, bounds(40, "duplicate=1,crash=1"));
    let mut slices = 0;
    let verdict = loop {
        slices += 1;
        if let Some(verdict) = sliced.run(50) {
            break verdict.clone();
        }
    };
    assert!(slices > 3, "the search took {slices} slices");
    assert_eq!((Some(verdict), sliced.progress()), whole);
}

#[test]
fn a_search_from_the_middle_of_a_run_continues_it() {
    // Four steps into the lesson the cancel has not happened yet; the
    // search starts there and its path continues that run.
    let world = start("isolation", "no-countermeasure");
    let mut timeline = Timeline::new(world, 10_000);
    timeline.seek(2);
    let verdict = Explorer::from_timeline(&timeline, bounds(40, "")).run(u64::MAX).cloned().expect("a verdict");
    let Verdict::Found { path, violation, .. } = verdict else { panic!("no lost update from step 2") };
    assert_eq!(violation.id, "lost-update");
    let before: Vec<_> = timeline.steps()[..2].to_vec();
    timeline.follow(&path).expect("the path fits");
    assert_eq!(&timeline.steps()[..2], &before[..], "the steps before the search are kept");
    timeline.seek(timeline.len());
    assert!(timeline.violations().iter().any(|(_, v)| v.id == "lost-update"));
}

#[test]
fn a_path_that_does_not_fit_changes_nothing() {
    let mut timeline = Timeline::new(start("isolation", "semantic-lock"), 10_000);
    let steps = timeline.steps().to_vec();
    let error = timeline.follow(&[Choice::Take(0), Choice::Take(99)]).expect_err("event 99 is not due");
    assert_eq!(error, 2, "the second choice does not fit");
    assert_eq!(timeline.steps(), &steps[..]);
    assert_eq!(timeline.cursor(), 0);
}

#[test]
fn faults_read_and_print_alike() {
    let faults = Faults::parse("duplicate=2,crash,crash-relay=1,rebalance=0").expect("faults");
    assert_eq!(faults.text(), "duplicate=2,crash=1,crash-relay=1");
    assert_eq!(Faults::parse(&faults.text()), Ok(faults));
    assert_eq!(Faults::parse("none"), Ok(Faults::default()));
    assert!(Faults::parse("meteor=1").is_err());
    assert!(Faults::parse("crash=-1").is_err());
}

#[test]
fn a_fingerprint_leaves_out_timing_and_nothing_else() {
    use sagascope_engine::sim::world::fingerprint;
    // One run at two seeds: other latencies, other times, the same states.
    let ended = |seed: u64| {
        let scenario = scenario("choreography");
        let mut world = scenario.world(scenario.variant(Some("approved")).expect("variant"), seed);
        while world.step().is_some() {}
        world
    };
    let (one, two) = (ended(1), ended(2));
    assert_ne!(one.now(), two.now(), "the seeds give other timings");
    assert_eq!(fingerprint(&one), fingerprint(&two));
    // Any cell counts.
    let mut changed = one.clone();
    let customers = &mut changed.service_mut(sagascope_engine::sim::Svc::CustomerService).expect("customer service").db;
    let table = customers.tables.get_mut(&"customers").expect("customers");
    let key = table.rows.keys().next().expect("a customer").clone();
    let mut row = table.rows.get(&key).expect("row").to_vec();
    row[2] = sagascope_engine::sim::db::Value::Int(1);
    table.rows.insert(key, row.into());
    assert_ne!(fingerprint(&one), fingerprint(&changed));
}

#[test]
fn the_state_cap_stops_a_search_and_says_so() {
    let world = start("ftgo-cancel-order", "cancelled");
    let capped = Bounds { depth: 80, faults: Faults::parse("crash=1").expect("faults"), max_states: 500 };
    let mut explorer = Explorer::new(world, capped);
    assert_eq!(explorer.run(u64::MAX).cloned(), Some(Verdict::Clean { cut: Cut::States }));
    // One expansion may pass the cap; none starts after it.
    let distinct = explorer.progress().distinct;
    assert!((500..600).contains(&distinct), "{distinct} states");
}

#[test]
fn a_path_to_any_step_replays_the_run_to_it_and_a_search_from_there_continues_it() {
    let world = start("isolation", "no-countermeasure");
    let Verdict::Found { path, .. } = verdict(world.clone(), bounds(40, "duplicate=1")) else { panic!("a lost update") };
    let mut explored = Timeline::new(world.clone(), 10_000);
    explored.follow(&path).expect("fits");
    for n in 0..=explored.len() {
        let prefix = explored.path_to(n).expect("no learner's action");
        let mut again = Timeline::new(world.clone(), 10_000);
        again.follow(&prefix).expect("a path to a step fits");
        assert_eq!(&again.steps()[..n], &explored.steps()[..n], "step {n}");
    }
    // A search from step 2 of the lesson's own run, then its path after the
    // path to step 2, is a path from the start that shows the violation.
    let mut lesson = Timeline::new(world.clone(), 10_000);
    lesson.seek(2);
    let Some(Verdict::Found { path: rest, violation, .. }) = Explorer::from_timeline(&lesson, bounds(40, "")).run(u64::MAX).cloned() else {
        panic!("a lost update from step 2")
    };
    let whole: Vec<Choice> = lesson.path_to(2).expect("clock steps only").into_iter().chain(rest).collect();
    let mut replayed = Timeline::new(world, 10_000);
    replayed.follow(&whole).expect("fits");
    replayed.seek(replayed.len());
    assert!(replayed.violations().iter().any(|(_, v)| v.id == violation.id));
    // A learner's request has no place in a path.
    let mut acted = Timeline::new(start("isolation", "no-countermeasure"), 10_000);
    acted.seek(1);
    acted.act(sagascope_engine::sim::Action::QueryView { customer: 1 });
    assert_eq!(acted.path_to(2), None);
}

#[test]
fn an_explored_run_parts_from_the_lesson_at_its_first_choice() {
    let world = start("isolation", "no-countermeasure");
    let Verdict::Found { path, .. } = verdict(world.clone(), bounds(40, "")) else { panic!("a lost update") };
    let lesson = Timeline::new(world, 10_000);
    let mut explored = lesson.clone();
    explored.follow(&path).expect("fits");
    let first_choice = (0..explored.len()).find(|i| explored.is_choice(*i)).expect("a chosen step");
    assert_eq!(explored.parts_from(&lesson), Some(first_choice + 1));
    assert_eq!(lesson.parts_from(&explored), Some(first_choice + 1));
    assert_eq!(lesson.parts_from(&lesson.clone()), None);
    // What the explored run is compared with: the lesson's own run.
    assert_eq!(explored.before_fork().expect("the lesson's run was dropped").steps(), lesson.steps());
}

#[test]
fn any_path_a_link_may_carry_follows_or_is_refused_without_a_panic() {
    // Faults on services the lesson does not have, messages that do not
    // exist, restarts of what never crashed: each replays as a step (the
    // world refuses what makes no sense). An index beyond what is due does
    // not fit, and says which choice.
    let follow = |text: &str| {
        let path = parse_path(text).expect("reads");
        let mut timeline = Timeline::new(start("isolation", "no-countermeasure"), 10_000);
        let result = timeline.follow(&path);
        timeline.seek(timeline.len());
        (result, timeline)
    };
    for text in [
        "crash:kitchen-service,restart:kitchen-service",
        "dup:999:order-service,dup:0,restart-relay:api-composer",
        "rebalance:order-history-service,crash-relay:consumer-service,0,0,0",
    ] {
        let (result, timeline) = follow(text);
        assert_eq!(result, Ok(()), "{text}");
        assert!(timeline.steps().iter().any(|s| s.kind == sagascope_engine::sim::StepKind::Refused), "{text}: a refusal shows");
    }
    assert_eq!(follow("18446744073709551615").0, Err(1));
    let (result, timeline) = follow(&["0"; 40].join(","));
    assert!(matches!(result, Err(n) if n > 10), "{result:?}: the first choices fit, one past the run's end does not");
    assert_eq!(timeline.cursor(), timeline.len(), "the lesson's own run stays, whole");
}
