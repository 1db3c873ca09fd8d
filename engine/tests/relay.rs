//! The relay's two modes, as eventuate-cdc implements them: the CDC tails
//! the transaction log and saves its position, never touching `published`
//! (its default); the polling publisher selects `published = 0` rows in
//! batches every 500 ms and marks each batch published after publishing it.

mod common;

use common::{lesson_start, order, run_checked};
use sagascope_engine::sim::kind::Kind;
use sagascope_engine::sim::service::RelayMode;
use sagascope_engine::sim::{Action, Step, StepKind, Svc, World};

/// The outbox lesson's start (Order Service and Customer Service, Alice
/// with 100 of credit) with `actions` scripted on it.
fn world(seed: u64, actions: &[(u64, Action)]) -> World {
    lesson_start("outbox", seed, actions)
}

/// The steps that published an `OrderCreatedEvent` (the orders' later
/// `OrderApprovedEvent`s are published the same way).
fn publishes(steps: &[Step]) -> Vec<&Step> {
    let created = |s: &&Step| s.message.as_ref().is_some_and(|m| m.kind == Kind::OrderCreatedEvent);
    steps.iter().filter(|s| s.kind == StepKind::Publish).filter(created).collect()
}

/// The `published` column of Order Service's outbox rows, in id order.
fn published_column(world: &World) -> Vec<String> {
    let tables = world.services()[&Svc::OrderService].db.render();
    let outbox = tables.iter().find(|t| t.name == "message").expect("an outbox");
    let column = outbox.columns.iter().position(|c| *c == "published").unwrap();
    outbox.rows.iter().map(|(_, cells)| cells[column].clone()).collect()
}

#[test]
fn log_tailing_is_the_default_and_never_updates_published() {
    let (world, steps, violations) = run_checked(world(1, &[order(0), order(5)]), 1000);
    assert!(violations.is_empty(), "{violations:?}");
    let published = publishes(&steps);
    assert_eq!(published.len(), 2);
    for step in &published {
        assert!(step.writes.is_empty(), "{:?}", step.writes);
        assert!(step.text.contains("transaction log"), "{}", step.text);
    }
    assert_eq!(published_column(&world), ["0", "0", "0", "0"], "two OrderCreatedEvents, two OrderApprovedEvents");
    let relay = &world.services()[&Svc::OrderService].relay;
    let last = world.services()[&Svc::OrderService].db.outbox.keys().last().copied();
    assert_eq!((relay.mode, Some(relay.position)), (RelayMode::LogTailing, last));
}

#[test]
fn a_cdc_crash_before_saving_its_position_publishes_the_row_again() {
    let crash = (0, Action::CrashRelay { service: Svc::OrderService });
    let restart = (300, Action::RestartRelay { service: Svc::OrderService });
    let (_, steps, violations) = run_checked(world(1, &[crash, order(10), restart]), 1000);
    assert!(violations.is_empty(), "{violations:?}");
    let published: Vec<u64> = publishes(&steps).iter().map(|s| s.message.as_ref().unwrap().id).collect();
    assert_eq!(published, [1, 1], "the same row, twice");
    assert!(publishes(&steps)[0].text.contains("before saving its log position"));
    let dropped = steps.iter().filter(|s| s.kind == StepKind::Drop).count();
    assert_eq!(dropped, 1, "Customer Service's received_messages drops the second copy");
}

#[test]
fn the_polling_relay_publishes_in_batches_every_500_ms() {
    let polling = (0, Action::SetRelayMode { mode: RelayMode::Polling });
    let (world, steps, violations) = run_checked(world(1, &[polling, order(10), order(20), order(600)]), 1000);
    assert!(violations.is_empty(), "{violations:?}");
    let published = publishes(&steps);
    let at: Vec<u64> = published.iter().map(|s| s.time_ms).collect();
    assert_eq!(at, [500, 501, 1000], "two rows in the poll at 500 ms, the third at the next poll");
    assert!(published[0].text.contains("selected the outbox rows with published = 0 (m1, m2)"), "{}", published[0].text);
    assert!(published[0].writes.is_empty(), "a batch is marked only after its last row");
    let marked: Vec<String> = published[1].writes.iter().map(|w| format!("{}.{}", w.key, w.columns.join(","))).collect();
    assert_eq!(marked, ["m1.published", "m2.published"]);
    assert!(published_column(&world).iter().all(|p| p == "1"), "{:?}", published_column(&world));
}

#[test]
fn a_polling_relay_crash_before_the_update_publishes_the_whole_batch_again() {
    let actions = [
        (0, Action::SetRelayMode { mode: RelayMode::Polling }),
        order(10),
        order(20),
        (100, Action::CrashRelay { service: Svc::OrderService }),
        (700, Action::RestartRelay { service: Svc::OrderService }),
    ];
    let (world, steps, violations) = run_checked(world(1, &actions), 1000);
    assert!(violations.is_empty(), "{violations:?}");
    let published: Vec<(u64, u64)> = publishes(&steps).iter().map(|s| (s.time_ms, s.message.as_ref().unwrap().id)).collect();
    // The crash comes right after the first publish: neither row was marked,
    // so the poll after the restart finds both.
    assert_eq!(published, [(500, 1), (1000, 1), (1001, 2)]);
    let dropped = steps.iter().filter(|s| s.kind == StepKind::Drop).count();
    assert_eq!(dropped, 1);
    assert!(published_column(&world).iter().all(|p| p == "1"), "{:?}", published_column(&world));
}

#[test]
fn the_relay_mode_is_chosen_before_the_first_message() {
    let late = (100, Action::SetRelayMode { mode: RelayMode::Polling });
    let (world, steps, _) = run_checked(world(1, &[order(0), late]), 1000);
    let refused = steps.iter().find(|s| s.kind == StepKind::Refused).expect("refused");
    assert!(refused.text.contains("before the first message"), "{}", refused.text);
    assert_eq!(world.services()[&Svc::OrderService].relay.mode, RelayMode::LogTailing);
}

#[test]
fn a_script_names_the_relay_mode() {
    let file = r#"{"id": "t", "title": "t", "summary": "s",
        "setup": {"style": "choreography", "services": ["order-service", "customer-service"], "people": []},
        "variants": [{"id": "v", "title": "v", "summary": "s", "script": [{"at": 0, "do": "set_relay", "mode": "polling"}]}]}"#;
    let s = sagascope_engine::scenarios::from_json(file).expect("valid");
    let mut world = s.world(s.variant(None).unwrap(), 1);
    world.step();
    assert_eq!(world.services()[&Svc::OrderService].relay.mode, RelayMode::Polling);
    let bad = file.replace("\"polling\"", "\"binlog\"");
    let error = sagascope_engine::scenarios::from_json(&bad).unwrap_err();
    assert!(error.contains("unknown relay mode \"binlog\"; use log-tailing or polling"), "{error}");
}
