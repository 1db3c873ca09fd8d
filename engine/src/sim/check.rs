//! The invariant checker: an oracle separate from the model. It reads the
//! world's tables after every step (safety) and once the world is at rest
//! with faults over (liveness), and names every violation it finds.

use serde::Serialize;

use super::correlation::SagaRef;
use super::db::{Key, Value, RECEIVED_TABLE};
use super::kind::Kind;
use super::message::Category;
use super::saga::{definition, Invoke, SagaInstance, StepStatus};
use super::sorted::{SortedMap, SortedSet};
use super::states::{OrderState, TicketState};
use super::step::{Step, StepKind};
use super::topology::{Style, Svc};
use super::world::World;

/// A broken invariant: a stable id (scenario files name the ones a lesson
/// expects) and what exactly is wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct Violation {
    pub id: &'static str,
    pub detail: String,
}

fn violation(id: &'static str, detail: String) -> Violation {
    Violation { id, detail }
}

/// Remembers what it has seen, to judge transitions between steps. Besides
/// the tables it reads after each step, it learns only from the steps
/// themselves (which message each consumer handled, which commands each
/// saga sent), as an outside observer would: never from the engine's own
/// bookkeeping.
#[derive(Clone, Debug, Default, Hash)]
pub struct Checker {
    order_states: SortedMap<i64, String>,
    /// How many times each consumer's handling of each message changed
    /// something: (message id, consumer) -> count.
    effects: SortedMap<(u64, Svc), u32>,
    /// The commands each saga put on the broker, in order, by message id.
    saga_commands: SortedMap<SagaRef, Vec<(u64, Kind)>>,
}

/// Order states reached only at the end of a saga or a cancel.
fn is_final(state: Option<OrderState>) -> bool {
    matches!(state, Some(OrderState::Rejected | OrderState::Cancelled))
}

/// Whether an order may move from `from` (none: a new order) to `to`. A
/// state the table holds that is no order state at all is never allowed.
fn allowed(style: Style, from: Option<Option<OrderState>>, to: Option<OrderState>) -> bool {
    use OrderState::*;
    let Some(to) = to else { return false };
    match (style, from) {
        (Style::Ftgo, None) => to == ApprovalPending,
        (Style::Ftgo, Some(Some(from))) => matches!(
            (from, to),
            (ApprovalPending, Approved | Rejected)
                | (Approved, CancelPending | RevisionPending)
                | (CancelPending, Approved | Cancelled)
                | (RevisionPending, Approved)
        ),
        (_, None) => to == Pending,
        (_, Some(Some(Pending))) => matches!(to, Approved | Rejected | Cancelled),
        (_, Some(Some(Approved))) => to == Cancelled,
        _ => false,
    }
}

/// Every violation id the checker can report: safety ids first (checked
/// after every step), then liveness ids (checked at rest).
pub const IDS: [&str; 14] = [
    "credit-over-reserved",
    "duplicate-effect",
    "compensation-order",
    "lost-update",
    "illegal-transition",
    "not-quiet",
    "messages-in-flight",
    "outbox-not-drained",
    "saga-not-ended",
    "saga-failed",
    "order-stuck-pending",
    "view-diverged",
    "credit-mismatch",
    "saga-inconsistent",
];

/// What a violation id means, in words a learner reads beside the detail.
pub fn meaning(id: &str) -> &'static str {
    match id {
        "credit-over-reserved" => "More credit is reserved than the customer's limit",
        "duplicate-effect" => "A message took effect twice: its consumer is not idempotent",
        "compensation-order" => "Compensations did not run backwards through the completed steps",
        "lost-update" => "Lost update: a saga overwrote an order another transaction had already finished",
        "illegal-transition" => "An order moved between states its rules forbid",
        "not-quiet" => "Events are still scheduled",
        "messages-in-flight" => "Messages are still waiting in the broker",
        "outbox-not-drained" => "Outbox rows were never published",
        "saga-not-ended" => "A saga never finished",
        "saga-failed" => "A compensation failed: the saga gave up, leaving its earlier steps done",
        "order-stuck-pending" => "An order is stuck: nothing will ever approve or reject it",
        "view-diverged" => "The read model disagrees with the services that own the data",
        "credit-mismatch" => "Orders and credit reservations disagree",
        "saga-inconsistent" => "The saga's participants disagree about the order",
        _ => "An invariant is broken",
    }
}

/// Every distinct violation of a run so far, each with the number of steps
/// after which it was first seen: what the timeline shows a learner.
#[derive(Clone, Debug, Default)]
pub struct Findings {
    checker: Checker,
    found: Vec<(usize, Violation)>,
}

impl Findings {
    /// Checks `world`, the world after `steps` steps, the last of which
    /// was `step`; keeps what is new.
    pub fn after_step(&mut self, steps: usize, world: &World, step: &Step) {
        for violation in self.checker.after_step(world, step) {
            if !self.found.iter().any(|(_, seen)| *seen == violation) {
                self.found.push((steps, violation));
            }
        }
    }

    /// Forgets what was found after the steps `history`; `world` is the
    /// world after them. The checker relearns what the steps showed and
    /// every order's state.
    pub fn rewind(&mut self, history: &[Step], world: &World) {
        self.found.retain(|(at, _)| *at <= history.len());
        self.checker = Checker::after(history, world);
    }

    /// Each violation with the step count that first showed it, in order.
    pub fn found(&self) -> &[(usize, Violation)] {
        &self.found
    }
}

impl Checker {
    /// A checker that has seen nothing yet.
    pub fn new() -> Self {
        Checker::default()
    }

    /// A checker that takes the order states of `world` as already judged,
    /// to judge only what happens from here on.
    pub fn knowing(world: &World) -> Self {
        let mut checker = Checker::new();
        checker.check_order_transitions(world, None, &mut Vec::new());
        checker
    }

    /// A checker that has watched `history`, which led to `world`: it
    /// judges what happens from there on as if it had seen every step.
    pub fn after(history: &[Step], world: &World) -> Self {
        let mut checker = Checker::knowing(world);
        for step in history {
            checker.observe(step);
        }
        checker
    }

    /// Safety: what must hold after every step, faults or not. `world` is
    /// the world after `step`.
    pub fn after_step(&mut self, world: &World, step: &Step) -> Vec<Violation> {
        let mut found = Vec::new();
        self.observe(step);
        self.check_order_transitions(world, Some(step), &mut found);
        check_credit(world, step, &mut found);
        self.check_effects(step, &mut found);
        self.check_compensations(world, step, &mut found);
        found
    }

    /// Learns what a step shows: a consumer's handling that changed
    /// something, a saga's command put on the broker.
    fn observe(&mut self, step: &Step) {
        let Some(message) = &step.message else { return };
        match (step.kind, step.actor) {
            (StepKind::Handle, Some(consumer)) if took_effect(step) => {
                *self.effects.get_or_insert_with((message.id, consumer), || 0) += 1;
            }
            (StepKind::Publish, _) if message.category == Category::Command => {
                if let Some(saga) = message.saga {
                    let sent = self.saga_commands.get_or_insert_with(saga, Vec::new);
                    // The relay can publish a row twice; it is one command.
                    if !sent.iter().any(|(id, _)| *id == message.id) {
                        sent.push((message.id, message.kind));
                    }
                }
            }
            _ => {}
        }
    }

    /// Each consumer lets each message take effect at most once.
    fn check_effects(&self, step: &Step, found: &mut Vec<Violation>) {
        let (Some(message), Some(consumer)) = (&step.message, step.actor) else { return };
        if step.kind != StepKind::Handle {
            return;
        }
        let count = self.effects.get(&(message.id, consumer)).copied().unwrap_or(0);
        if count > 1 {
            found.push(violation("duplicate-effect", format!("{consumer} applied m{} {count} times", message.id)));
        }
    }

    /// Compensations run backwards through the completed steps, only for
    /// steps before the one that failed, and (unless the saga failed) all
    /// of them: judged from the commands each saga put on the broker and
    /// its `saga_instance` row.
    fn check_compensations(&self, world: &World, step: &Step, found: &mut Vec<Violation>) {
        let Some(saga) = step.message.as_ref().and_then(|m| m.saga) else { return };
        let Some(sent) = self.saga_commands.get(&saga) else { return };
        let steps = definition(saga.saga_type, world.style);
        let position = |kind: Kind, compensation: bool| {
            steps.iter().position(|s| {
                let invoke = if compensation { s.compensation } else { Some(s.forward) };
                matches!(invoke, Some(Invoke::Participant(_, command)) if command == kind)
            })
        };
        let name = saga.saga_type.name();
        let id = saga.saga_id;
        let mut last_forward: Option<usize> = None;
        let mut compensated: Vec<usize> = Vec::new();
        for (message, kind) in sent {
            // A participant step's forward command also names a step when a
            // compensation reuses it (FTGO's RejectOrderCommand is step 1's
            // compensation only), so compensation names are tried first.
            match (position(*kind, true), position(*kind, false)) {
                (Some(index), _) => {
                    let in_order = compensated.last().is_none_or(|last| index < *last);
                    let before_failure = last_forward.is_some_and(|failed| index < failed);
                    if !in_order || !before_failure {
                        found.push(violation(
                            "compensation-order",
                            format!(
                                "{name} {id} sent {kind} (m{message}) to undo step {} after undoing steps {} (last step tried: {})",
                                index + 1,
                                one_based(&compensated),
                                last_forward.map_or(0, |f| f + 1)
                            ),
                        ));
                    }
                    compensated.push(index);
                }
                (None, Some(index)) if !compensated.is_empty() => found.push(violation(
                    "compensation-order",
                    format!("{name} {id} sent {kind} (m{message}) for step {} while compensating", index + 1),
                )),
                (None, index) => last_forward = index.or(last_forward),
            }
        }
        let Some(row) = saga_row(world, saga) else { return };
        if row.end_state && row.compensating && !row.failed {
            let failed = last_forward.unwrap_or(0);
            let expected: Vec<usize> =
                (0..failed).rev().filter(|i| matches!(steps[*i].compensation, Some(Invoke::Participant(..)))).collect();
            if compensated != expected {
                found.push(violation(
                    "compensation-order",
                    format!(
                        "{name} {id} ended compensated having undone steps {}, expected {}",
                        one_based(&compensated),
                        one_based(&expected)
                    ),
                ));
            }
        }
    }

    /// Judges the orders `step` wrote (every order, for a checker that has
    /// seen nothing yet), reading each one's state from the table: the step
    /// says which rows to look at, as a change-data-capture stream would,
    /// so the check costs the same at step 10 and at step 10,000.
    fn check_order_transitions(&mut self, world: &World, step: Option<&Step>, found: &mut Vec<Violation>) {
        let Some(orders) = world.services.get(&Svc::OrderService) else { return };
        let table = orders.db.table("orders");
        let ids: Vec<i64> = match step {
            Some(step) => written(step, Svc::OrderService, "orders").collect(),
            None => table.rows.keys().map(Key::first_int).collect(),
        };
        for id in ids {
            let Some(state) = table.cell(&Key::id(id), "state").map(Value::text) else { continue };
            let before = self.order_states.get(&id).map(String::as_str);
            if before == Some(state) {
                continue;
            }
            if !allowed(world.style, before.map(OrderState::parse), OrderState::parse(state)) {
                let before_text = before.unwrap_or("nothing");
                let id_name = if before.is_some_and(|b| is_final(OrderState::parse(b))) { "lost-update" } else { "illegal-transition" };
                found.push(violation(id_name, format!("order {id} went from {before_text} to {state}")));
            }
            self.order_states.insert(id, state.to_string());
        }
    }
}

/// The first key cell of every row of `table` that `step` wrote in `svc`.
fn written<'s>(step: &'s Step, svc: Svc, table: &'static str) -> impl Iterator<Item = i64> + 's {
    let mine = step.actor == Some(svc);
    step.writes.iter().filter(move |w| mine && w.table == table).map(|w| w.key.first_int())
}

/// Credit is never over-reserved: the customers whose reservations `step`
/// wrote never hold more than their limit.
fn check_credit(world: &World, step: &Step, found: &mut Vec<Violation>) {
    let Some(customers) = world.services.get(&Svc::CustomerService) else { return };
    let (limits, reservations) = (customers.db.table("customers"), customers.db.table("credit_reservations"));
    for customer in written(step, Svc::CustomerService, "credit_reservations") {
        // Keys are (customer_id, order_id): one customer's rows are a range.
        let range = reservations.rows.range(&Key::id(customer), &Key::id(customer + 1));
        let amount: i64 = range.map(|(_, row)| reservations.get(row, "amount").int()).sum();
        let limit = limits.cell(&Key::id(customer), "credit_limit").map_or(0, Value::int);
        if amount > limit {
            found.push(violation("credit-over-reserved", format!("customer {customer} has {amount} reserved of a {limit} limit")));
        }
    }
}

/// Whether a handled message changed anything besides recording itself
/// in `received_messages`: a cell, or a message sent. Writing a row again
/// with the same values (an upsert of the same event) changes nothing.
fn took_effect(step: &Step) -> bool {
    !step.sent.is_empty() || step.writes.iter().any(|w| w.table != RECEIVED_TABLE && !w.columns.is_empty())
}

/// Step indexes as a learner counts them: "3, 1", or "none".
fn one_based(indexes: &[usize]) -> String {
    if indexes.is_empty() {
        return "none".into();
    }
    indexes.iter().map(|i| (i + 1).to_string()).collect::<Vec<_>>().join(", ")
}

/// The `saga_instance` row of `saga`, from Order Service's table.
fn saga_row(world: &World, saga: SagaRef) -> Option<&SagaInstance> {
    let orders = world.services.get(&Svc::OrderService)?;
    orders.db.sagas.get(&saga.saga_id).filter(|s| s.saga_type == saga.saga_type)
}

/// Liveness: what must hold once faults have stopped and the world is quiet.
pub fn at_rest(world: &World) -> Vec<Violation> {
    let mut found = Vec::new();
    if !world.is_quiet() {
        found.push(violation("not-quiet", format!("events still scheduled at {} ms", world.now)));
    }
    let in_flight = world.messages_in_flight();
    if in_flight > 0 {
        found.push(violation("messages-in-flight", format!("{in_flight} messages still in flight")));
    }
    for service in world.services.values() {
        let backlog = service.relay_backlog().count();
        if backlog > 0 {
            found.push(violation("outbox-not-drained", format!("{} has {backlog} outbox rows its relay never published", service.id)));
        }
    }
    if let Some(orders) = world.services.get(&Svc::OrderService) {
        for saga in orders.db.sagas.values() {
            let name = saga.saga_type.name();
            if !saga.end_state {
                found.push(violation("saga-not-ended", format!("{name} {} is still at step {}", saga.saga_id, saga.current + 1)));
            } else if saga.failed {
                let step = saga.steps.iter().position(|s| *s == StepStatus::CompensationFailed).map_or(0, |i| i + 1);
                found.push(violation(
                    "saga-failed",
                    format!("{name} {} ended FAILED: the compensation of step {step} failed, and no earlier step was undone", saga.saga_id),
                ));
            }
        }
        let table = orders.db.table("orders");
        for (key, row) in &table.rows {
            let state = table.get(row, "state").text();
            // Every state a saga or a lock leaves an order in meanwhile.
            if OrderState::parse(state).is_some_and(OrderState::is_pending) {
                found.push(violation("order-stuck-pending", format!("order {key} is still {state}")));
            }
        }
    }
    check_credit_matches_orders(world, &mut found);
    check_view(world, &mut found);
    check_ftgo(world, &mut found);
    found
}

/// Credit is reserved for exactly the approved orders, with their totals.
fn check_credit_matches_orders(world: &World, found: &mut Vec<Violation>) {
    let (Some(customers), Some(orders)) = (world.services.get(&Svc::CustomerService), world.services.get(&Svc::OrderService)) else {
        return;
    };
    let table = orders.db.table("orders");
    let approved: SortedSet<(i64, i64, i64)> = table
        .rows
        .values()
        .filter(|r| OrderState::parse(table.get(r, "state").text()) == Some(OrderState::Approved))
        .map(|r| (r[1].int(), r[0].int(), table.get(r, "order_total").int()))
        .collect();
    let reserved: SortedSet<(i64, i64, i64)> =
        customers.db.table("credit_reservations").rows.values().map(|r| (r[0].int(), r[1].int(), r[2].int())).collect();
    for (customer, order, total) in approved.iter().filter(|o| !reserved.contains(o)) {
        found.push(violation(
            "credit-mismatch",
            format!("order {order} is APPROVED but customer {customer} has no reservation of {total} for it"),
        ));
    }
    for (customer, order, total) in reserved.iter().filter(|r| !approved.contains(r)) {
        found.push(violation(
            "credit-mismatch",
            format!("customer {customer} still has {total} reserved for order {order}, which is not APPROVED"),
        ));
    }
}

/// The view equals the projection of the owning services' data.
fn check_view(world: &World, found: &mut Vec<Violation>) {
    let Some(history) = world.services.get(&Svc::OrderHistoryService) else { return };
    let (Some(c), Some(o)) = (world.services.get(&Svc::CustomerService), world.services.get(&Svc::OrderService)) else {
        return;
    };
    for (id, seen, truth) in super::view::differences(&history.db, &c.db, &o.db) {
        let say = |history: Option<super::view::History>| history.map_or_else(|| "nothing".to_string(), |h| h.summary());
        found.push(violation("view-diverged", format!("customer {id}: the view says {}, the services say {}", say(seen), say(truth))));
    }
}

/// FTGO: an approved order has a live ticket and an authorization of its
/// total; a rejected one has neither; one still awaiting approval has no
/// ticket the kitchen works on; a cancelled one has a cancelled ticket and a
/// reversed authorization.
fn check_ftgo(world: &World, found: &mut Vec<Violation>) {
    if world.style != Style::Ftgo {
        return;
    }
    let (Some(orders), Some(kitchen), Some(accounting)) =
        (world.services.get(&Svc::OrderService), world.services.get(&Svc::KitchenService), world.services.get(&Svc::AccountingService))
    else {
        return;
    };
    let (table, tickets, authorizations) = (orders.db.table("orders"), kitchen.db.table("tickets"), accounting.db.table("authorizations"));
    use TicketState::*;
    for (key, row) in &table.rows {
        let state = table.get(row, "state").text();
        // A ticket state the table holds that is no ticket state reads as
        // consistent with nothing.
        let ticket = tickets.cell(key, "state").map(|v| TicketState::parse(v.text()).ok_or(()));
        let authorization = authorizations.cell(key, "state").map(|v| v.text().to_string());
        let consistent = match OrderState::parse(state) {
            Some(OrderState::Approved) => {
                let amount = authorizations.cell(key, "amount").map_or(0, |v| v.int());
                matches!(ticket, Some(Ok(AwaitingAcceptance | Accepted | Preparing)))
                    && authorization.as_deref() == Some("AUTHORIZED")
                    && amount == table.get(row, "order_total").int()
            }
            Some(OrderState::Rejected) => matches!(ticket, None | Some(Ok(Cancelled))) && authorization.is_none(),
            // The kitchen must not work on an order that is not approved.
            Some(OrderState::ApprovalPending) => matches!(ticket, None | Some(Ok(CreatePending | Cancelled))),
            Some(OrderState::Cancelled) => ticket == Some(Ok(Cancelled)) && authorization.as_deref() == Some("REVERSED"),
            _ => true,
        };
        if !consistent {
            found.push(violation(
                "saga-inconsistent",
                format!(
                    "order {key} is {state} but its ticket is {} and its authorization {}",
                    tickets.cell(key, "state").map_or("missing", Value::text),
                    authorization.as_deref().unwrap_or("missing")
                ),
            ));
        }
    }
}
