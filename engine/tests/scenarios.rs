//! Every scenario and variant: its expected message sequence (seed 1), its
//! expected final order states and violations (many seeds).

mod common;

use common::{order_states, run_checked, scenario, signature};
use sagascope_engine::scenarios;
use sagascope_engine::sim::kind::Kind;

/// Runs `id`/`variant` with seed 1 and compares the step signatures.
fn check(id: &str, variant: &str, expected: &[&str]) {
    let scenario = scenario(id);
    let variant = scenario.variant(Some(variant)).expect("variant exists");
    let (_, steps, _) = run_checked(scenario.world(variant, 1), 10_000);
    let got: Vec<String> = steps.iter().filter_map(signature).collect();
    assert_eq!(got, expected, "{id}/{}: trace differs", variant.id);
}

#[test]
fn choreography_traces() {
    let reserved = ["order-service commits", "customer-service<OrderCreatedEvent", "order-service<CustomerCreditReservedEvent"];
    check("choreography", "approved", &reserved);
    check(
        "choreography",
        "rejected",
        &["order-service commits", "customer-service<OrderCreatedEvent", "order-service<CustomerCreditReservationFailedEvent"],
    );
    check(
        "choreography",
        "unknown-customer",
        &["order-service commits", "customer-service<OrderCreatedEvent", "order-service<CustomerValidationFailedEvent"],
    );
    let mut cancel = reserved.to_vec();
    cancel.extend(["order-service commits", "customer-service<OrderCancelledEvent"]);
    check("choreography", "cancel", &cancel);
}

#[test]
fn orchestration_traces() {
    check(
        "orchestration",
        "approved",
        &["order-service commits", "customer-service<ReserveCreditCommand", "order-service<CustomerCreditReserved"],
    );
    check(
        "orchestration",
        "rejected",
        &["order-service commits", "customer-service<ReserveCreditCommand", "order-service<CustomerCreditLimitExceeded"],
    );
    check(
        "orchestration",
        "unknown-customer",
        &["order-service commits", "customer-service<ReserveCreditCommand", "order-service<CustomerNotFound"],
    );
}

#[test]
fn ftgo_traces() {
    let to_the_pivot = [
        "order-service commits",
        "consumer-service<ValidateOrderByConsumer",
        "order-service<Success",
        "kitchen-service<CreateTicket",
        "order-service<CreateTicketReply",
        "accounting-service<AuthorizeCommand",
    ];
    let approved = [
        "order-service<Success",
        "kitchen-service<ConfirmCreateTicket",
        "order-service<Success",
        "order-service<ApproveOrderCommand",
        "order-service<Success",
    ];
    check("ftgo-create-order", "approved", &[&to_the_pivot[..], &approved[..]].concat());
    // Cancel and revise are sagas of the same shape, after the order is
    // APPROVED: lock the order, lock the ticket, the pivot, confirm both.
    let approved_order = [&to_the_pivot[..], &approved[..]].concat();
    let lock_confirm = |begin, begin_ticket, pivot, confirm_ticket, confirm: &'static str, begin_reply| {
        let mut trace = vec!["order-service commits", begin, begin_reply, begin_ticket, "order-service<Success", pivot];
        trace.extend(["order-service<Success", confirm_ticket, "order-service<Success", confirm, "order-service<Success"]);
        trace
    };
    let cancel = lock_confirm(
        "order-service<BeginCancelCommand",
        "kitchen-service<BeginCancelTicketCommand",
        "accounting-service<ReverseAuthorizationCommand",
        "kitchen-service<ConfirmCancelTicketCommand",
        "order-service<ConfirmCancelOrderCommand",
        "order-service<Success",
    );
    check("ftgo-cancel-order", "cancelled", &[&approved_order[..], &cancel[..]].concat());
    let revise = lock_confirm(
        "order-service<BeginReviseOrderCommand",
        "kitchen-service<BeginReviseTicketCommand",
        "accounting-service<ReviseAuthorization",
        "kitchen-service<ConfirmReviseTicketCommand",
        "order-service<ConfirmReviseOrderCommand",
        "order-service<BeginReviseOrderReply",
    );
    check("ftgo-revise-order", "revised", &[&approved_order[..], &revise[..]].concat());
    // Too late: the ticket is PREPARING, so step 2 fails and step 1 is undone.
    let undone = [
        "kitchen-service commits",
        "kitchen-service commits",
        "order-service commits",
        "order-service<BeginCancelCommand",
        "order-service<Success",
        "kitchen-service<BeginCancelTicketCommand",
        "order-service<Failure",
        "order-service<UndoBeginCancelCommand",
        "order-service<Success",
    ];
    check("ftgo-cancel-order", "kitchen-preparing", &[&approved_order[..], &undone[..]].concat());
    // Compensation in reverse: the ticket (step 3) first, then the order (step 1).
    let compensated = [
        "order-service<AccountDisabledReply",
        "kitchen-service<CancelCreateTicket",
        "order-service<Success",
        "order-service<RejectOrderCommand",
        "order-service<Success",
    ];
    check("ftgo-create-order", "authorization-fails", &[&to_the_pivot[..], &compensated[..]].concat());
    check(
        "ftgo-create-order",
        "consumer-invalid",
        &[
            "order-service commits",
            "consumer-service<ValidateOrderByConsumer",
            "order-service<Failure",
            "order-service<RejectOrderCommand",
            "order-service<Success",
        ],
    );
}

#[test]
fn outbox_traces() {
    check("outbox", "dual-write", &["fault@order-service", "order-service commits", "fault@order-service", "fault@order-service"]);
    check(
        "outbox",
        "outbox",
        &[
            "order-service commits",
            "fault@order-service",
            "customer-service<OrderCreatedEvent",
            "fault@order-service",
            "order-service<CustomerCreditReservedEvent",
        ],
    );
    check(
        "outbox",
        "relay-crash",
        &[
            "fault@order-service",
            "order-service commits",
            "customer-service<OrderCreatedEvent",
            "order-service<CustomerCreditReservedEvent",
            "fault@order-service",
            "customer-service drops OrderCreatedEvent",
        ],
    );
    check(
        "outbox",
        "polling-relay-crash",
        &[
            "fault@broker",
            "order-service commits",
            "order-service commits",
            "fault@order-service",
            "customer-service<OrderCreatedEvent",
            "fault@order-service",
            "customer-service drops OrderCreatedEvent",
            "customer-service<OrderCreatedEvent",
            "order-service<CustomerCreditReservedEvent",
            "order-service<CustomerCreditReservedEvent",
        ],
    );
}

#[test]
fn idempotent_consumer_traces() {
    check(
        "idempotent-consumer",
        "duplicate-dropped",
        &[
            "order-service commits",
            "fault@broker",
            "customer-service<OrderCreatedEvent",
            "customer-service drops OrderCreatedEvent",
            "order-service<CustomerCreditReservedEvent",
        ],
    );
    check(
        "idempotent-consumer",
        "no-idempotence",
        &[
            "fault@customer-service",
            "order-service commits",
            "fault@broker",
            "customer-service<OrderCreatedEvent",
            "customer-service<OrderCreatedEvent",
            "order-service<CustomerCreditReservedEvent",
            "order-service<CustomerCreditReservationFailedEvent",
        ],
    );
    check(
        "idempotent-consumer",
        "rebalance",
        &[
            "order-service commits",
            "customer-service<OrderCreatedEvent",
            "fault@customer-service",
            "customer-service drops OrderCreatedEvent",
            "order-service<CustomerCreditReservedEvent",
        ],
    );
}

#[test]
fn cqrs_and_composition_traces() {
    check(
        "cqrs-view",
        "lag",
        &[
            "order-service commits",
            "query@order-history-service",
            "order-history-service<OrderCreatedEvent",
            "customer-service<OrderCreatedEvent",
            "order-service<CustomerCreditReservedEvent",
            "order-history-service<OrderApprovedEvent",
            "query@order-history-service",
        ],
    );
    check(
        "api-composition",
        "service-down",
        &[
            "order-service commits",
            "order-history-service<OrderCreatedEvent",
            "customer-service<OrderCreatedEvent",
            "order-service<CustomerCreditReservedEvent",
            "order-history-service<OrderApprovedEvent",
            "fault@order-service",
            "query@api-composer",
            "query@order-history-service",
            "query@order-service",
            "query@customer-service",
            "query@api-composer",
            "query@api-composer",
            "fault@order-service",
        ],
    );
}

#[test]
fn isolation_traces() {
    check(
        "isolation",
        "semantic-lock",
        &[
            "order-service commits",
            "order-service refuses",
            "customer-service<OrderCreatedEvent",
            "order-service<CustomerCreditReservedEvent",
            "order-service commits",
            "customer-service<OrderCancelledEvent",
        ],
    );
    check(
        "isolation",
        "no-countermeasure",
        &[
            "fault@broker",
            "order-service commits",
            "order-service commits",
            "customer-service<OrderCreatedEvent",
            "customer-service<OrderCancelledEvent",
            "order-service<CustomerCreditReservedEvent",
        ],
    );
}

/// Every variant ends as its file says, with exactly the violations it
/// names, whatever the seed.
#[test]
fn every_variant_meets_its_expectations_across_seeds() {
    for scenario in scenarios::catalogue() {
        for variant in &scenario.variants {
            for seed in 1..=50 {
                let (world, _, violations) = run_checked(scenario.world(variant, seed), 10_000);
                let context = format!("{}/{} seed={seed}", scenario.id, variant.id);
                let states = order_states(&world);
                let expected: Vec<(i64, String)> = variant.expect.orders.iter().map(|(k, v)| (*k, v.clone())).collect();
                assert_eq!(states, expected, "{context}: final order states");
                let mut ids: Vec<&str> = violations.iter().map(|v| v.id).collect();
                ids.dedup();
                let mut want: Vec<&str> = variant.expect.violations.iter().map(String::as_str).collect();
                ids.sort();
                ids.dedup();
                want.sort();
                assert_eq!(ids, want, "{context}: violations {violations:?}");
            }
        }
    }
}

/// Queries report staleness as the lesson says: the first view query in
/// `cqrs-view` is stale, the last is fresh; the composer fails while a
/// service is down and the view still answers.
#[test]
fn queries_report_stale_fresh_and_failure() {
    for variant in ["lag", "out-of-order"] {
        let s = scenario("cqrs-view");
        let (world, _, _) = run_checked(s.world(s.variant(Some(variant)).unwrap(), 3), 1000);
        let (first, last) = (&world.queries()[0], world.queries().last().unwrap());
        assert!(first.stale() && first.events_behind > 0, "{variant}: first query should be stale: {first:?}");
        assert!(!last.stale(), "{variant}: last query should be fresh: {last:?}");
    }
    let s = scenario("api-composition");
    let (world, _, _) = run_checked(s.world(s.variant(Some("service-down")).unwrap(), 3), 1000);
    let composed = world.queries().iter().find(|q| q.source == sagascope_engine::sim::query::QuerySource::Composer).unwrap();
    let viewed = world.queries().iter().find(|q| q.source == sagascope_engine::sim::query::QuerySource::View).unwrap();
    assert!(composed.error.is_some(), "composition should fail: {composed:?}");
    assert!(viewed.error.is_none() && !viewed.stale(), "view should answer fresh: {viewed:?}");
    let (world, _, _) = run_checked(s.world(s.variant(Some("compare")).unwrap(), 3), 1000);
    let latency: Vec<u64> = world.queries().iter().map(|q| q.latency_ms().unwrap()).collect();
    assert!(latency[0] == 0 && latency[1] > 0, "the view answers at once, the composer later: {latency:?}");
}

/// FTGO's saga statuses: compensation ran in reverse for the failing pivot.
#[test]
fn ftgo_saga_compensates_in_reverse() {
    use sagascope_engine::sim::saga::StepStatus::*;
    let s = scenario("ftgo-create-order");
    let (world, _, _) = run_checked(s.world(s.variant(Some("authorization-fails")).unwrap(), 5), 1000);
    let saga = &world.services()[&sagascope_engine::sim::Svc::OrderService].db.sagas[&1];
    assert_eq!(saga.steps, vec![Compensated, Done, Compensated, Failed, Skipped, Skipped]);
    assert_eq!(saga.compensated, vec![2, 0]);
    assert!(saga.end_state && saga.compensating);
}

/// Each step names the rows it wrote and, within them, the columns whose
/// value changed: all of a new row, only `state` when an order is approved,
/// nothing when the relay tails the log (see `relay.rs` for polling).
#[test]
fn steps_name_the_cells_they_changed() {
    let scenario = scenario("choreography");
    let (_, steps, _) = run_checked(scenario.world(scenario.variant(Some("approved")).unwrap(), 1), 10_000);
    let changed = |step: &sagascope_engine::sim::Step, table: &str| -> Vec<&'static str> {
        step.writes.iter().filter(|w| w.table == table).flat_map(|w| w.columns.clone()).collect()
    };
    let created = &steps[0];
    assert_eq!(changed(created, "orders"), ["id", "customer_id", "order_total", "state", "rejection_reason"]);
    assert_eq!(changed(created, "message").len(), 7, "a new outbox row is new in every column");
    let published = steps.iter().find(|s| s.kind == sagascope_engine::sim::StepKind::Publish).expect("a publish");
    assert!(published.writes.is_empty(), "a log-tailing relay writes nothing: {:?}", published.writes);
    let approved = steps
        .iter()
        .rev()
        .find(|s| s.actor == Some(sagascope_engine::sim::Svc::OrderService) && s.kind == sagascope_engine::sim::StepKind::Handle)
        .unwrap();
    assert!(approved.text.contains("APPROVED"), "{}", approved.text);
    assert_eq!(changed(approved, "orders"), ["state"]);
}

/// A revision changes the order's total and its authorization together,
/// and only when its saga completes; a compensated one changes neither.
#[test]
fn a_revision_takes_effect_only_when_its_saga_completes() {
    use sagascope_engine::sim::{db::Key, Svc};
    let s = scenario("ftgo-revise-order");
    for (variant, total, ticket) in [("revised", 60, "AWAITING_ACCEPTANCE"), ("kitchen-preparing", 45, "PREPARING")] {
        for seed in 1..=5 {
            let (world, _, violations) = run_checked(s.world(s.variant(Some(variant)).unwrap(), seed), 1000);
            assert!(violations.is_empty(), "{variant} seed={seed}: {violations:?}");
            let cell = |svc, table: &str, column| world.services()[&svc].db.table(table).cell(&Key::id(1), column).cloned().unwrap();
            assert_eq!(cell(Svc::OrderService, "orders", "order_total").int(), total, "{variant} seed={seed}");
            assert_eq!(cell(Svc::AccountingService, "authorizations", "amount").int(), total, "{variant} seed={seed}");
            assert_eq!(cell(Svc::KitchenService, "tickets", "state").text(), ticket, "{variant} seed={seed}");
        }
    }
}

/// Eventuate's `SagaManagerImpl.handleReply` applies a reply to the step
/// `state_name` names and never compares `lastRequestId`; an ended saga's
/// `state_name` is `SagaExecutionState.makeEndState()`, step 0, not
/// compensating. Without `received_messages`, a duplicated final reply runs
/// the saga again from step 2 (eventuate-tram-sagas, `SagaManagerImpl`,
/// `SimpleSagaDefinition`, `SagaExecutionState`).
#[test]
fn a_duplicated_reply_runs_an_ended_saga_again() {
    check(
        "orchestration",
        "duplicate-reply",
        &[
            "fault@order-service",
            "order-service commits",
            "customer-service<ReserveCreditCommand",
            "order-service<CustomerCreditReserved",
            "fault@broker",
            "order-service<CustomerCreditReserved",
            "customer-service<ReserveCreditCommand",
            "order-service<CustomerCreditLimitExceeded",
        ],
    );
}

/// The same rule mid-saga: a duplicate of step 2's `Success`, arriving
/// while the saga waits for `CreateTicketReply`, is taken as step 3's reply,
/// and `AuthorizeCommand` goes out before the ticket exists.
#[test]
fn a_reply_is_applied_to_the_current_step_whatever_it_answers() {
    use sagascope_engine::sim::{Action, StepKind, Svc};
    let s = scenario("ftgo-create-order");
    let variant = s.variant(Some("approved")).unwrap();
    // When Consumer Service's Success reply reaches the broker, and its id.
    let mut reference = s.world(variant, 1);
    let published = std::iter::from_fn(|| reference.step())
        .find(|step| step.kind == StepKind::Publish && step.message.as_ref().is_some_and(|m| m.kind == Kind::Success))
        .expect("the reply is published");
    let success = published.message.expect("a message").id;
    let mut world = s.world(variant, 1);
    world.schedule_action(0, Action::SetIdempotence { service: Svc::OrderService, enabled: false });
    world.schedule_action(published.time_ms + 1, Action::Duplicate { message: success, to: Some(Svc::OrderService) });
    let (_, steps, violations) = run_checked(world, 1000);
    let got: Vec<String> = steps.iter().filter_map(signature).collect();
    let authorize = got.iter().position(|s| s == "accounting-service<AuthorizeCommand").expect("AuthorizeCommand sent");
    let ticket = got.iter().position(|s| s == "kitchen-service<CreateTicket").expect("CreateTicket sent");
    let second = steps.iter().find(|s| s.message.as_ref().is_some_and(|m| m.duplicate)).expect("the duplicate is handled");
    assert!(second.text.contains("for step 3") && second.text.contains("nothing checks that"), "{}", second.text);
    assert!(second.text.contains("sends AuthorizeCommand"), "{}", second.text);
    assert!(authorize > ticket || steps.iter().any(|s| s.text.contains("AuthorizeCommand")), "{got:?}");
    assert!(violations.iter().any(|v| v.id == "duplicate-effect"), "{violations:?}");
}

/// A failure reply while compensating ends the saga with `failed` set and
/// nothing retried (eventuate-tram-sagas,
/// `AbstractSimpleSagaDefinition.handleFailedCompensatingTransaction`,
/// `SagaExecutionState.makeFailedEndState`): step 1's compensation,
/// RejectOrderCommand, is never sent.
#[test]
fn a_failed_compensation_ends_the_saga_failed() {
    use sagascope_engine::sim::saga::StepStatus::*;
    let s = scenario("ftgo-create-order");
    for seed in 1..=5 {
        let (world, steps, _) = run_checked(s.world(s.variant(Some("compensation-fails")).unwrap(), seed), 1000);
        let saga = &world.services()[&sagascope_engine::sim::Svc::OrderService].db.sagas[&1];
        assert!(saga.end_state && saga.compensating && saga.failed, "seed={seed}: {saga:?}");
        assert_eq!(saga.steps, vec![Done, Done, CompensationFailed, Failed, Skipped, Skipped], "seed={seed}");
        assert_eq!(saga.cells()[2], r#"{"currentlyExecuting":0,"compensating":false,"endState":true,"failed":true}"#);
        assert!(!steps.iter().any(|s| s.message.as_ref().is_some_and(|m| m.kind == Kind::RejectOrderCommand)), "seed={seed}");
    }
}

/// The example's API gateway (`OrderHistoryHandlers.getOrderHistory`)
/// zips `GET /customers/{id}` and `GET /orders/customer/{id}`: an unknown
/// customer is 404 (`CustomerServiceProxy` maps 404 to empty), and the
/// first failed call fails the whole query without waiting for the other.
#[test]
fn the_composer_answers_404_and_fails_on_the_first_error() {
    let s = scenario("api-composition");
    let (world, steps, _) = run_checked(s.world(s.variant(Some("unknown-customer")).unwrap(), 1), 1000);
    let composed = world.queries().iter().find(|q| q.source == sagascope_engine::sim::query::QuerySource::Composer).unwrap();
    assert!(composed.not_found && composed.error.is_none(), "{composed:?}");
    assert!(steps.iter().any(|s| s.text.contains("answers 404 Not Found")), "the composer says so");
    for seed in 1..=5 {
        let (world, steps, _) = run_checked(s.world(s.variant(Some("service-down")).unwrap(), seed), 1000);
        let composed = world.queries().iter().find(|q| q.source == sagascope_engine::sim::query::QuerySource::Composer).unwrap();
        let failed_at = steps.iter().position(|s| s.text.contains("FAILED")).expect("the query fails");
        let dropped_at = steps.iter().position(|s| s.text.contains("after query 1 had already failed; dropped"));
        assert!(composed.error.is_some(), "seed={seed}");
        // The other call's answer, if it came later, changed nothing.
        assert!(dropped_at.is_none_or(|d| d > failed_at), "seed={seed}");
    }
}

/// A command handler's exception becomes a `Failure` reply: Eventuate's
/// `CommandDispatcher.handleException` replies `new Failure()` when no
/// `@CommandExceptionHandler` matches (eventuate-tram-core). The saga
/// compensates as for any failure.
#[test]
fn a_throwing_command_handler_replies_failure() {
    check(
        "orchestration",
        "command-handler-throws",
        &["fault@customer-service", "order-service commits", "customer-service<ReserveCreditCommand", "order-service<Failure"],
    );
}

/// An event handler's exception stops its consumer with the offset
/// uncommitted (eventuate-messaging-kafka): nothing commits, not even
/// `received_messages`, the message stays first in line, and after a
/// restart it comes again, first.
#[test]
fn a_throwing_event_handler_stops_its_consumer_until_a_restart() {
    let s = scenario("choreography");
    for seed in 1..=5 {
        let mut timeline = sagascope_engine::sim::Timeline::new(s.world(s.variant(Some("poison-message")).unwrap(), seed), 1000);
        let steps = timeline.steps().to_vec();
        let threw = steps.iter().position(|s| s.text.contains("threw")).expect("the handler throws");
        assert!(steps[threw].writes.is_empty() && steps[threw].sent.is_empty(), "seed={seed}: nothing commits");
        let restart = steps.iter().position(|s| s.text.contains("restarted")).expect("a restart");
        // Between the error and the restart, Customer Service handles nothing.
        assert!(steps[threw + 1..restart].iter().all(|s| s.kind != sagascope_engine::sim::StepKind::Handle), "seed={seed}");
        let again = &steps[restart + 1];
        assert_eq!(again.message.as_ref().map(|m| (m.id, m.kind)), Some((1, Kind::OrderCreatedEvent)), "seed={seed}: m1 first");
        // While it waits, the message is still in the broker.
        timeline.seek(threw + 1);
        assert_eq!(timeline.world().broker().in_flight_count(), 1, "seed={seed}");
    }
}
