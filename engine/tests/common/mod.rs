//! Helpers shared by the engine tests.

// Each test file compiles this module on its own and uses only some helpers.
#![allow(dead_code)]

use sagascope_engine::scenarios::{self, Scenario};
use sagascope_engine::sim::check::{at_rest, Findings, Violation};
use sagascope_engine::sim::rng::Rng;
use sagascope_engine::sim::world::Person;
use sagascope_engine::sim::{faults, Action, Setup, Step, StepKind, Style, Svc, World};

/// A compact, readable signature of a step: who received what, or what
/// kind of step it was. Publishes are left out: they mirror commits.
pub fn signature(step: &Step) -> Option<String> {
    let actor = step.actor.map_or("broker", |s| s.id());
    let kind = step.message.as_ref().map_or("", |m| m.kind.name());
    match step.kind {
        StepKind::Publish => None,
        StepKind::Handle => Some(format!("{actor}<{kind}")),
        StepKind::Drop => Some(format!("{actor} drops {kind}")),
        StepKind::Commit => Some(format!("{actor} commits")),
        StepKind::Refused => Some(format!("{actor} refuses")),
        StepKind::Fault => Some(format!("fault@{actor}")),
        StepKind::Query => Some(format!("query@{actor}")),
    }
}

/// The scenario, failing the test if it is missing.
pub fn scenario(id: &str) -> Scenario {
    scenarios::find(id).unwrap_or_else(|| panic!("no scenario {id}"))
}

/// Runs a world until it is quiet, checking safety after every step.
/// Returns the steps and every distinct violation seen, then at rest.
pub fn run_checked(mut world: World, step_limit: usize) -> (World, Vec<Step>, Vec<Violation>) {
    let mut findings = Findings::default();
    let mut steps = Vec::new();
    while let Some(step) = world.step() {
        findings.after_step(steps.len() + 1, &world, &step);
        steps.push(step);
        assert!(steps.len() <= step_limit, "seed {}: more than {step_limit} steps", world.seed());
    }
    let mut violations: Vec<Violation> = findings.found().iter().map(|(_, v)| v.clone()).collect();
    violations.extend(at_rest(&world));
    (world, steps, violations)
}

/// The start of lesson `lesson` (its setup, none of its scripts) with
/// `actions` scripted on it.
pub fn lesson_start(lesson: &str, seed: u64, actions: &[(u64, Action)]) -> World {
    let mut world = World::new(seed, &scenario(lesson).setup);
    for (at, action) in actions {
        world.schedule_action(*at, action.clone());
    }
    world
}

/// Customer 1 places an order of 10 at `at` ms.
pub fn order(at: u64) -> (u64, Action) {
    (at, Action::PlaceOrder { customer: 1, total: 10 })
}

/// The final state of every order, by id.
pub fn order_states(world: &World) -> Vec<(i64, String)> {
    let db = &world.services()[&Svc::OrderService].db;
    let table = db.table("orders");
    table.rows.iter().map(|(k, r)| (k.0[0].int(), table.get(r, "state").text().to_string())).collect()
}

/// A world of `style` with some customers, six random orders and random
/// faults, all drawn from `seed`.
pub fn random_world(seed: u64) -> World {
    random_world_with(seed, 6)
}

/// As [`random_world`], with `orders` orders.
pub fn random_world_with(seed: u64, orders: u64) -> World {
    let style = [Style::Choreography, Style::Orchestration, Style::Ftgo][(seed % 3) as usize];
    let services = match style {
        Style::Ftgo => vec![Svc::OrderService, Svc::ConsumerService, Svc::KitchenService, Svc::AccountingService],
        Style::Choreography => vec![Svc::OrderService, Svc::CustomerService, Svc::OrderHistoryService],
        Style::Orchestration => vec![Svc::OrderService, Svc::CustomerService],
    };
    let people = (1..=3)
        .map(|id| Person {
            id,
            name: format!("P{id}"),
            credit_limit: 60 + 30 * id,
            card_status: Some(if id == 3 { "EXPIRED" } else { "VALID" }.to_string()),
        })
        .collect();
    let mut world = World::new(seed, &Setup { style, services, people });
    // The view built to survive duplicates: received_messages and FTGO's
    // skip-what-is-not-newer check (the example's view has neither, and a
    // redelivered old event makes it wrong, as a lesson shows).
    if let Some(history) = world.service_mut(Svc::OrderHistoryService) {
        history.idempotent = true;
        history.view_dedup = true;
    }
    let mut load = faults::random_load(seed, 3, orders, 1500, true);
    if style == Style::Ftgo {
        load.extend(ftgo_work(seed, orders, 4000));
    }
    let plan = faults::random_plan(seed, &world, 1500, 6);
    faults::apply(&mut world, &plan, &load);
    world
}

/// FTGO: revisions and late cancels of some orders, and a restaurant that accepts some
/// tickets and starts preparing some, so that some cancels and revisions
/// meet a ticket that can no longer change and their saga compensates.
fn ftgo_work(seed: u64, orders: u64, horizon_ms: u64) -> Vec<(u64, Action)> {
    let mut rng = Rng::fork(seed, "restaurant");
    let mut out = Vec::new();
    for order in 1..=orders as i64 {
        for _ in 0..rng.range(0, 2) {
            out.push((rng.range(0, horizon_ms), Action::AdvanceTicket { order }));
        }
        if rng.chance(30) {
            out.push((rng.range(0, horizon_ms), Action::ReviseOrder { order, total: rng.range(5, 80) as i64 }));
        }
        if rng.chance(20) {
            out.push((rng.range(0, horizon_ms), Action::CancelOrder { order }));
        }
    }
    out
}
