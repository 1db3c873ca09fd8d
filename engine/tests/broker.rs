//! Partitions and consumer offsets, as Kafka and Eventuate's consumer work:
//! a message's partition is the hash of its key (`PARTITION_ID`, the
//! aggregate id, on events; the message id otherwise); order holds within
//! a partition only; a consumer commits its offset at its next poll, and a
//! restart or a rebalance re-reads everything after the last commit.

mod common;

use common::{lesson_start, order, run_checked};
use sagascope_engine::sim::broker::{partition_of, PARTITIONS};
use sagascope_engine::sim::kind::Kind;
use sagascope_engine::sim::message::{Category, Message};
use sagascope_engine::sim::{Action, Step, StepKind, Svc, World};

/// The idempotent-consumer lesson's start (Order and Customer Service,
/// Alice with 100 of credit) with `actions` scripted on it.
fn world(seed: u64, actions: &[(u64, Action)]) -> World {
    lesson_start("idempotent-consumer", seed, actions)
}

/// The order ids whose `OrderCreatedEvent`s Customer Service handled, in
/// the order it handled them.
fn created_handled(steps: &[Step]) -> Vec<i64> {
    steps
        .iter()
        .filter(|s| s.kind == StepKind::Handle && s.actor == Some(Svc::CustomerService))
        .filter_map(|s| s.message.as_ref().filter(|m| m.kind == Kind::OrderCreatedEvent))
        .map(|m| m.id as i64)
        .collect()
}

#[test]
fn a_message_goes_to_the_partition_its_key_hashes_to() {
    let event = |aggregate: i64, id: u64| {
        let mut m = Message::new(Kind::OrderCreatedEvent, Category::Event, Svc::OrderService, "Order").header("PARTITION_ID", aggregate);
        m.id = id;
        m
    };
    // One aggregate, one partition, whatever the message.
    assert!((1..50).all(|id| partition_of(&event(7, id)) == partition_of(&event(7, 1))));
    // Aggregates spread over every partition.
    let used: std::collections::BTreeSet<u8> = (1..50).map(|aggregate| partition_of(&event(aggregate, 1))).collect();
    assert_eq!(used.len(), usize::from(PARTITIONS));
    // A command has no PARTITION_ID: its id is the key.
    let command = |id: u64| {
        let mut m = Message::new(Kind::ReserveCreditCommand, Category::Command, Svc::OrderService, "customerService");
        m.id = id;
        m
    };
    let used: std::collections::BTreeSet<u8> = (1..50).map(|id| partition_of(&command(id))).collect();
    assert_eq!(used.len(), usize::from(PARTITIONS));
}

#[test]
fn order_holds_within_a_partition_but_not_across_partitions() {
    let (mut overtaken, mut runs) = (0, 0);
    for seed in 1..=200 {
        let (_, steps, violations) = run_checked(world(seed, &[order(0), order(1), order(2), order(3)]), 1000);
        assert!(violations.is_empty(), "seed={seed}: {violations:?}");
        let handled = created_handled(&steps);
        assert_eq!(handled.len(), 4, "seed={seed}");
        // Message ids follow commit order; within one partition they are
        // handled in that order, always.
        for partition in 0..PARTITIONS {
            let lane: Vec<i64> = handled.iter().copied().filter(|id| partition_of_order_event(&steps, *id) == partition).collect();
            assert!(lane.windows(2).all(|w| w[0] < w[1]), "seed={seed}: partition {partition} out of order: {lane:?}");
        }
        overtaken += u64::from(handled.windows(2).any(|w| w[0] > w[1]));
        runs += 1;
    }
    assert!(overtaken > 0, "in {runs} runs no event overtook another from a different partition");
}

/// The partition of the `OrderCreatedEvent` with message id `id`.
fn partition_of_order_event(steps: &[Step], id: i64) -> u8 {
    let order = steps
        .iter()
        .find(|s| s.kind == StepKind::Commit && s.sent.contains(&(id as u64)))
        .and_then(|s| s.writes.iter().find(|w| w.table == "orders"))
        .map(|w| w.key.first_int())
        .expect("the commit that wrote the event");
    let mut event = Message::new(Kind::OrderCreatedEvent, Category::Event, Svc::OrderService, "Order").header("PARTITION_ID", order);
    event.id = id as u64;
    partition_of(&event)
}

/// When Customer Service handled OrderCreatedEvent m1 in `world`, run alone.
fn handled_at(seed: u64) -> u64 {
    let (_, steps, _) = run_checked(world(seed, &[order(0)]), 1000);
    steps.iter().find(|s| s.kind == StepKind::Handle && s.actor == Some(Svc::CustomerService)).expect("handled").time_ms
}

/// One order; Customer Service crashes `ms` after handling its
/// OrderCreatedEvent (the offset commit comes 100 ms after), and restarts.
fn crash_customer_service_after_handling(ms: u64) -> Vec<Step> {
    let at = handled_at(1);
    let crash = (at + ms, Action::Crash { service: Svc::CustomerService });
    let restart = (at + 400, Action::Restart { service: Svc::CustomerService });
    let (_, steps, violations) = run_checked(world(1, &[order(0), crash, restart]), 1000);
    assert!(violations.is_empty(), "{violations:?}");
    steps
}

#[test]
fn a_restart_before_the_offset_commit_delivers_what_was_handled_again() {
    let steps = crash_customer_service_after_handling(50);
    let restarted = steps.iter().find(|s| s.text.contains("restarted")).expect("restart");
    assert!(restarted.text.contains("m1 handled before the crash, offset not yet committed"), "{}", restarted.text);
    let dropped: Vec<&Step> = steps.iter().filter(|s| s.kind == StepKind::Drop).collect();
    assert_eq!(dropped.len(), 1);
    assert!(dropped[0].message.as_ref().is_some_and(|m| m.id == 1 && m.duplicate));
}

#[test]
fn after_the_offset_commit_a_restart_delivers_nothing_again() {
    let steps = crash_customer_service_after_handling(150);
    assert!(steps.iter().all(|s| s.kind != StepKind::Drop && !s.message.as_ref().is_some_and(|m| m.duplicate)));
}

#[test]
fn a_rebalance_redelivers_everything_after_the_last_committed_offset() {
    // Three orders handled close together, then a rebalance before the
    // commit: all three come again, not one copy of one message.
    let at = handled_at(1);
    let rebalance = (at + 60, Action::Rebalance { service: Svc::CustomerService });
    let (_, steps, violations) = run_checked(world(1, &[order(0), order(1), order(2), rebalance]), 1000);
    assert!(violations.is_empty(), "{violations:?}");
    let fault = steps.iter().find(|s| s.text.contains("rebalanced")).expect("rebalance");
    let handled_before = steps.iter().take_while(|s| !s.text.contains("rebalanced")).filter(|s| s.kind == StepKind::Handle).count();
    let dropped = steps.iter().filter(|s| s.kind == StepKind::Drop).count();
    assert!(handled_before >= 2, "the test needs more than one handled message before the rebalance: {}", fault.text);
    assert_eq!(dropped, handled_before, "{}", fault.text);
}

#[test]
fn without_received_messages_a_rebalance_is_a_duplicate_effect() {
    let at = handled_at(1);
    let actions = [
        (0, Action::SetIdempotence { service: Svc::CustomerService, enabled: false }),
        order(0),
        (at + 50, Action::Rebalance { service: Svc::CustomerService }),
    ];
    let (_, _, violations) = run_checked(world(1, &actions), 1000);
    let ids: Vec<&str> = violations.iter().map(|v| v.id).collect();
    assert!(ids.contains(&"duplicate-effect"), "{violations:?}");
}

#[test]
fn a_rebalance_after_every_commit_brings_nothing_back() {
    let (_, steps, _) = run_checked(world(1, &[order(0), (2000, Action::Rebalance { service: Svc::CustomerService })]), 1000);
    let fault = steps.iter().find(|s| s.text.contains("rebalanced")).expect("rebalance");
    assert!(fault.text.contains("nothing comes again"), "{}", fault.text);
    let refused = run_checked(world(1, &[(0, Action::Rebalance { service: Svc::ApiComposer })]), 10).1;
    assert_eq!(refused[0].kind, StepKind::Refused);
}
