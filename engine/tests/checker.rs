//! The checker is itself checked: for every violation id, a world (or a
//! history of steps) broken in exactly that way, and the checker must name
//! exactly that id. Switching any check off fails one of these tests.

mod common;

use std::rc::Rc;

use common::{run_checked, scenario};
use sagascope_engine::sim::check::{at_rest, meaning, Checker, IDS};
use sagascope_engine::sim::db::{Key, Value, Write};
use sagascope_engine::sim::kind::Kind;
use sagascope_engine::sim::message::{Category, Message};
use sagascope_engine::sim::saga::SagaInstance;
use sagascope_engine::sim::step::Written;
use sagascope_engine::sim::{Action, Step, StepKind, Svc, World};

/// The world at the end of a lesson variant (seed 1), which must be clean.
fn clean(id: &str, variant: &str) -> World {
    let scenario = scenario(id);
    let variant = scenario.variant(Some(variant)).expect("variant exists");
    let (world, _, violations) = run_checked(scenario.world(variant, 1), 10_000);
    assert_eq!(violations, vec![], "{id}/{}: must end clean to be broken on purpose", variant.id);
    world
}

/// A step that shows the checker nothing: no message, no row written.
fn quiet_step(world: &World) -> Step {
    quiet_step_at(world.now())
}

fn quiet_step_at(time_ms: u64) -> Step {
    Step {
        time_ms,
        kind: StepKind::Fault,
        actor: None,
        message: None,
        sent: vec![],
        writes: vec![],
        text: String::new(),
        facts: Default::default(),
    }
}

/// A step in which `svc` wrote the row `key` of `table`: what tells the
/// checker which rows to read again.
fn wrote(svc: Svc, table: &'static str, key: Key) -> Step {
    let write = Written { table, key, columns: vec![] };
    Step { actor: Some(svc), kind: StepKind::Commit, writes: vec![write], ..quiet_step_at(0) }
}

/// The ids a checker that knew `before` reports on seeing `after`, reached
/// by `step`.
fn transition_ids(before: &World, after: &World, step: &Step) -> Vec<&'static str> {
    let mut checker = Checker::knowing(before);
    assert_eq!(checker.after_step(before, &quiet_step(before)), vec![], "the world before must be clean");
    checker.after_step(after, step).iter().map(|v| v.id).collect()
}

fn rest_ids(world: &World) -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = at_rest(world).iter().map(|v| v.id).collect();
    ids.dedup();
    ids
}

/// Puts a row into `svc`'s table, replacing the row with the same key.
fn put(world: &mut World, svc: Svc, table: &'static str, key: Key, row: Vec<Value>) {
    world.service_mut(svc).expect("service").db.apply(Write::Put { table, key, row });
}

/// Sets a column of one row (by its first key cell).
fn set(world: &mut World, svc: Svc, table: &'static str, id: i64, column: &str, value: Value) {
    let db = &world.services()[&svc].db;
    let table_ref = db.table(table);
    let key = Key::id(id);
    let mut row: Vec<Value> = table_ref.rows.get(&key).expect("row exists").to_vec();
    let index = table_ref.columns.iter().position(|c| *c == column).expect("column exists");
    row[index] = value;
    world.service_mut(svc).expect("service").db.apply(Write::Put { table, key, row });
}

/// Runs a lesson variant (seed 1) through a fresh checker, letting `edit`
/// change what the checker sees of each step (drop it, or add steps after
/// it), and returns every id reported.
fn history_ids(id: &str, variant: &str, mut edit: impl FnMut(&Step) -> Vec<Step>) -> Vec<&'static str> {
    let scenario = scenario(id);
    let mut world = scenario.world(scenario.variant(Some(variant)).expect("variant"), 1);
    let mut checker = Checker::new();
    let mut ids = Vec::new();
    while let Some(step) = world.step() {
        for seen in edit(&step) {
            ids.extend(checker.after_step(&world, &seen).iter().map(|v| v.id));
        }
    }
    ids.dedup();
    ids
}

fn publishes(step: &Step, kind: Kind) -> bool {
    step.kind == StepKind::Publish && step.message.as_ref().is_some_and(|m| m.kind == kind)
}

#[test]
fn credit_over_reserved() {
    let before = clean("choreography", "approved");
    let mut after = before.clone();
    let key = Key::new(vec![1.into(), 1.into()]);
    put(&mut after, Svc::CustomerService, "credit_reservations", key.clone(), vec![1.into(), 1.into(), 10_000.into()]);
    let step = wrote(Svc::CustomerService, "credit_reservations", key);
    assert_eq!(transition_ids(&before, &after, &step), ["credit-over-reserved"]);
}

#[test]
fn duplicate_effect() {
    // Order Service handled the same reply twice and wrote both times.
    let world = clean("choreography", "approved");
    let mut checker = Checker::knowing(&world);
    let handled = history_step(&world, StepKind::Handle);
    assert_eq!(checker.after_step(&world, &handled), vec![]);
    let ids: Vec<&str> = checker.after_step(&world, &handled).iter().map(|v| v.id).collect();
    assert_eq!(ids, ["duplicate-effect"]);
    // A duplicate that only records itself (or is dropped) is harmless.
    let mut checker = Checker::knowing(&world);
    let mut recorded_only = handled.clone();
    recorded_only.writes.retain(|w| w.table == "received_messages");
    recorded_only.sent.clear();
    checker.after_step(&world, &handled);
    assert_eq!(checker.after_step(&world, &recorded_only), vec![]);
}

/// The step in which Order Service handled the reservation, from the
/// choreography lesson's own run.
fn history_step(_world: &World, kind: StepKind) -> Step {
    let scenario = scenario("choreography");
    let mut world = scenario.world(scenario.variant(Some("approved")).unwrap(), 1);
    std::iter::from_fn(|| world.step())
        .find(|s| s.kind == kind && s.actor == Some(Svc::OrderService) && !s.writes.is_empty())
        .expect("Order Service handles an event")
}

#[test]
fn compensation_order() {
    let run = ("ftgo-create-order", "authorization-fails");
    assert_eq!(history_ids(run.0, run.1, |s| vec![s.clone()]), Vec::<&str>::new(), "the lesson itself is clean");
    // The ticket's cancellation never reaches the broker: the saga ends
    // compensated having undone step 1 but not step 3.
    let skipped = history_ids(run.0, run.1, |s| if publishes(s, Kind::CancelCreateTicket) { vec![] } else { vec![s.clone()] });
    assert_eq!(skipped, ["compensation-order"]);
    // The ticket is cancelled after the order is rejected: forwards, not backwards.
    let mut held = None;
    let reordered = history_ids(run.0, run.1, |s| {
        if publishes(s, Kind::CancelCreateTicket) {
            held = Some(s.clone());
            vec![]
        } else if publishes(s, Kind::RejectOrderCommand) {
            vec![s.clone(), held.take().expect("CancelCreateTicket came first")]
        } else {
            vec![s.clone()]
        }
    });
    assert_eq!(reordered, ["compensation-order"]);
}

#[test]
fn lost_update() {
    let before = clean("choreography", "rejected");
    let mut after = before.clone();
    set(&mut after, Svc::OrderService, "orders", 1, "state", "APPROVED".into());
    assert_eq!(transition_ids(&before, &after, &wrote(Svc::OrderService, "orders", Key::id(1))), ["lost-update"]);
}

#[test]
fn illegal_transition() {
    let before = clean("choreography", "approved");
    let mut after = before.clone();
    set(&mut after, Svc::OrderService, "orders", 1, "state", "PENDING".into());
    assert_eq!(transition_ids(&before, &after, &wrote(Svc::OrderService, "orders", Key::id(1))), ["illegal-transition"]);
}

#[test]
fn not_quiet() {
    let mut world = clean("choreography", "approved");
    world.schedule_action(world.now() + 10, Action::QueryView { customer: 1 });
    assert_eq!(rest_ids(&world), ["not-quiet"]);
}

#[test]
fn messages_in_flight() {
    let mut world = clean("choreography", "approved");
    let mut message = Message::new(Kind::OrderCreatedEvent, Category::Event, Svc::OrderService, "Order");
    message.id = 99;
    let delivery = world.broker_mut().copy(&Rc::new(message), Svc::CustomerService, 0, 0, true);
    world.broker_mut().subscriptions.get_mut(&delivery.lane()).expect("subscription").queue.push_back(delivery);
    assert_eq!(rest_ids(&world), ["messages-in-flight"]);
}

#[test]
fn outbox_not_drained() {
    let mut world = clean("choreography", "approved");
    let mut message = Message::new(Kind::OrderCreatedEvent, Category::Event, Svc::OrderService, "Order");
    message.id = 99;
    world.service_mut(Svc::OrderService).unwrap().db.add_to_outbox(message);
    assert_eq!(rest_ids(&world), ["outbox-not-drained"]);
}

/// Rewrites Order Service's first `saga_instance` row with `edit`.
fn edit_first_saga(world: &mut World, edit: impl FnOnce(&mut SagaInstance)) {
    let db = &mut world.service_mut(Svc::OrderService).unwrap().db;
    let mut saga = db.sagas.values().next().expect("a saga").clone();
    edit(&mut saga);
    db.apply(Write::Saga(saga));
}

#[test]
fn saga_not_ended() {
    let mut world = clean("orchestration", "approved");
    edit_first_saga(&mut world, |saga| saga.end_state = false);
    assert_eq!(rest_ids(&world), ["saga-not-ended"]);
}

#[test]
fn saga_failed() {
    let mut world = clean("ftgo-create-order", "authorization-fails");
    edit_first_saga(&mut world, |saga| saga.failed = true);
    assert_eq!(rest_ids(&world), ["saga-failed"]);
}

#[test]
fn order_stuck_pending() {
    let mut world = clean("orchestration", "rejected");
    set(&mut world, Svc::OrderService, "orders", 1, "state", "PENDING".into());
    assert_eq!(rest_ids(&world), ["order-stuck-pending"]);
}

#[test]
fn view_diverged() {
    let mut world = clean("cqrs-view", "lag");
    set(&mut world, Svc::CustomerService, "customers", 1, "name", "Someone Else".into());
    assert_eq!(rest_ids(&world), ["view-diverged"]);
}

#[test]
fn credit_mismatch() {
    let mut world = clean("orchestration", "approved");
    let key = Key::new(vec![1.into(), 1.into()]);
    let db = &mut world.service_mut(Svc::CustomerService).unwrap().db;
    assert!(db.table("credit_reservations").rows.contains_key(&key), "the approved order's reservation");
    db.apply(Write::Delete { table: "credit_reservations", key });
    assert_eq!(rest_ids(&world), ["credit-mismatch"]);
}

#[test]
fn saga_inconsistent() {
    let mut world = clean("ftgo-create-order", "approved");
    let kitchen = &world.services()[&Svc::KitchenService].db;
    let ticket = kitchen.table("tickets").rows.keys().next().expect("a ticket").0[0].int();
    set(&mut world, Svc::KitchenService, "tickets", ticket, "state", "CANCELLED".into());
    assert_eq!(rest_ids(&world), ["saga-inconsistent"]);
}

/// Every id has a test above and words for the learner.
#[test]
fn every_id_is_tested_and_explained() {
    let source = include_str!("checker.rs");
    for id in IDS {
        let test = format!("fn {}()", id.replace('-', "_"));
        assert!(source.contains(&test), "no broken-world test `{test}` for {id}");
        assert_ne!(meaning(id), meaning("no-such-id"), "{id} has no meaning");
    }
}
