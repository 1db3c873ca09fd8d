//! Order Service: places and cancels orders and reacts to Customer Service
//! (choreography), or runs local saga steps and FTGO's order commands.

use super::db::{Database, Key};
use super::handler::{next_id, Ctx, Done, Outcome, Tx};
use super::kind::Kind;
use super::message::Message;
use super::order_table::{order, order_row, set_state, ORDERS};
use super::saga::{self, SagaData, SagaType};
use super::service::ORDER_TOPIC;
use super::states::OrderState;
use super::topology::Style;

/// An Order event carrying `OrderDetails`, as every Order event does.
fn order_event(ctx: &mut Ctx, kind: Kind, id: i64, customer: i64, total: i64) -> Message {
    ctx.event(kind, ORDER_TOPIC, id).field("customerId", customer).field("orderTotal", total)
}

/// The learner places an order: one local transaction writes the order and
/// either the `OrderCreatedEvent` (choreography) or a new saga instance and
/// its first command (orchestration).
pub fn place(db: &Database, ctx: &mut Ctx, customer: i64, total: i64) -> Outcome {
    if total <= 0 {
        return Err(format!("an order total must be positive, not {total}"));
    }
    let id = next_id(db, ORDERS);
    let mut tx = Tx::default();
    match ctx.style {
        Style::Choreography => {
            tx.put(ORDERS, Key::id(id), order_row(id, customer, total, OrderState::Pending, ""));
            tx.send(order_event(ctx, Kind::OrderCreatedEvent, id, customer, total));
            Ok(Done::new(tx, format!("order {id} for customer {customer} ({total}) saved as PENDING with OrderCreatedEvent")))
        }
        Style::Orchestration => {
            tx.put(ORDERS, Key::id(id), order_row(id, customer, total, OrderState::Pending, ""));
            let text = saga::start(db, ctx, &mut tx, SagaType::CreateOrderSaga, SagaData::new(id, customer, total));
            Ok(Done::new(tx, format!("order {id} for customer {customer} ({total}) saved as PENDING; {text}")))
        }
        Style::Ftgo => {
            // FTGO's createOrder publishes the Order's events and creates
            // the saga in one transaction.
            tx.put(ORDERS, Key::id(id), vec![id.into(), customer.into(), total.into(), OrderState::ApprovalPending.into()]);
            tx.send(ctx.event(Kind::OrderCreatedEvent, ORDER_TOPIC, id).field("consumerId", customer).field("orderTotal", total));
            let text = saga::start(db, ctx, &mut tx, SagaType::CreateOrderSaga, SagaData::new(id, customer, total));
            let saved = format!("order {id} for consumer {customer} ({total}) saved as APPROVAL_PENDING with OrderCreatedEvent");
            Ok(Done::new(tx, format!("{saved}; {text}")))
        }
    }
}

/// The learner cancels an order. Only an `APPROVED` order can be cancelled:
/// `PENDING` is a semantic lock that says a saga is still working on it.
/// In FTGO the cancel is a saga of its own, and its first step checks.
pub fn cancel(db: &Database, ctx: &mut Ctx, id: i64) -> Outcome {
    let Some((customer, total, state)) = order(db, id) else {
        return Err(format!("there is no order {id}"));
    };
    match ctx.style {
        Style::Choreography => {}
        Style::Orchestration => {
            return Err("the orchestrated example application has no cancel (its orders are PENDING, APPROVED or REJECTED); \
                        the choreography and FTGO lessons cancel orders"
                .into())
        }
        Style::Ftgo => {
            let mut tx = Tx::default();
            let text = saga::start(db, ctx, &mut tx, SagaType::CancelOrderSaga, SagaData::new(id, customer, total));
            return Ok(Done::new(tx, format!("cancel requested for order {id} ({state}); {text}")));
        }
    }
    let allowed = state == OrderState::Approved || (state == OrderState::Pending && !ctx.semantic_lock);
    if !allowed {
        return Err(format!("order {id} is {state}; only an APPROVED order can be cancelled"));
    }
    let mut tx = Tx::default();
    set_state(db, &mut tx, id, OrderState::Cancelled, "");
    tx.send(order_event(ctx, Kind::OrderCancelledEvent, id, customer, total));
    Ok(Done::new(tx, format!("order {id} moved from {state} to CANCELLED with OrderCancelledEvent")))
}

/// Choreography: Customer Service's answer moves a `PENDING` order on.
pub fn on_customer_event(db: &Database, ctx: &mut Ctx, message: &Message) -> Outcome {
    let id = message.int("orderId");
    let Some((customer, total, _)) = order(db, id) else {
        return Ok(Done::nothing(format!("no order {id}; nothing to do")));
    };
    let (new_state, reason, event) = match message.kind {
        Kind::CustomerCreditReservedEvent => (OrderState::Approved, "", Kind::OrderApprovedEvent),
        Kind::CustomerCreditReservationFailedEvent => (OrderState::Rejected, "INSUFFICIENT_CREDIT", Kind::OrderRejectedEvent),
        Kind::CustomerValidationFailedEvent => (OrderState::Rejected, "UNKNOWN_CUSTOMER", Kind::OrderRejectedEvent),
        _ => return Ok(Done::nothing(format!("{} is not for Order Service", message.kind))),
    };
    // As the example's `Order.noteCreditReserved` and
    // `noteCreditReservationFailed` do: the state is set, whatever it was.
    // Only the semantic lock (a PENDING order cannot be cancelled) and
    // received_messages (a duplicate is dropped) keep a late or repeated
    // event from overwriting a decision.
    let mut tx = Tx::default();
    set_state(db, &mut tx, id, new_state, reason);
    tx.send(order_event(ctx, event, id, customer, total));
    let why = if reason.is_empty() { String::new() } else { format!(" ({reason})") };
    Ok(Done::new(tx, format!("order {id} {new_state}{why} with {event}")))
}

/// FTGO: the learner revises an approved order (a new total). Like a
/// cancel, a revision is a saga, and its first step checks the state.
pub fn revise(db: &Database, ctx: &mut Ctx, id: i64, revised_total: i64) -> Outcome {
    if ctx.style != Style::Ftgo {
        return Err("only the FTGO lessons revise orders (ReviseOrderSaga)".into());
    }
    if revised_total <= 0 {
        return Err(format!("an order total must be positive, not {revised_total}"));
    }
    let Some((customer, total, state)) = order(db, id) else {
        return Err(format!("there is no order {id}"));
    };
    let mut tx = Tx::default();
    let data = SagaData { revised_total: Some(revised_total), ..SagaData::new(id, customer, total) };
    let text = saga::start(db, ctx, &mut tx, SagaType::ReviseOrderSaga, data);
    Ok(Done::new(tx, format!("revision of order {id} ({state}) from {total} to {revised_total} requested; {text}")))
}

/// FTGO: Order Service as a participant of its own sagas. Each command
/// moves the order from one state to another, as FTGO's `Order` does; from
/// any other state the command fails.
pub fn on_command(db: &Database, ctx: &mut Ctx, command: &Message) -> Outcome {
    let id = command.int("orderId");
    let (from, to) = match command.kind {
        Kind::ApproveOrderCommand => (OrderState::ApprovalPending, OrderState::Approved),
        Kind::RejectOrderCommand => (OrderState::ApprovalPending, OrderState::Rejected),
        Kind::BeginCancelCommand => (OrderState::Approved, OrderState::CancelPending),
        Kind::UndoBeginCancelCommand => (OrderState::CancelPending, OrderState::Approved),
        Kind::ConfirmCancelOrderCommand => (OrderState::CancelPending, OrderState::Cancelled),
        Kind::BeginReviseOrderCommand => (OrderState::Approved, OrderState::RevisionPending),
        Kind::UndoBeginReviseOrderCommand => (OrderState::RevisionPending, OrderState::Approved),
        Kind::ConfirmReviseOrderCommand => (OrderState::RevisionPending, OrderState::Approved),
        other => return Err(format!("Order Service has no handler for {other}")),
    };
    let Some((customer, total, state)) = order(db, id) else {
        return Err(format!("there is no order {id}"));
    };
    if state != from {
        let text = format!("order {id} is {state}, not {from}: {} fails", command.kind);
        return Ok(Done::replying(Tx::default(), ctx.reply(command, Kind::Failure, false), text));
    }
    let revised = command.int("revisedOrderTotal");
    let (total, reply, text) = match command.kind {
        // The revision takes effect only when the saga confirms it.
        Kind::ConfirmReviseOrderCommand => {
            (revised, ctx.reply(command, Kind::Success, true), format!("order {id}: {from} -> {to}, total {revised}"))
        }
        Kind::BeginReviseOrderCommand => {
            let reply = ctx.reply(command, Kind::BeginReviseOrderReply, true).field("revisedOrderTotal", revised);
            (total, reply, format!("order {id}: {from} -> {to}"))
        }
        _ => (total, ctx.reply(command, Kind::Success, true), format!("order {id}: {from} -> {to}")),
    };
    let mut tx = Tx::default();
    tx.put(ORDERS, Key::id(id), vec![id.into(), customer.into(), total.into(), to.into()]);
    // The domain events FTGO's Order returns for these transitions.
    let event = match command.kind {
        Kind::ApproveOrderCommand => Some(Kind::OrderAuthorized),
        Kind::RejectOrderCommand => Some(Kind::OrderRejected),
        Kind::ConfirmCancelOrderCommand => Some(Kind::OrderCancelled),
        Kind::BeginReviseOrderCommand => Some(Kind::OrderRevisionProposed),
        Kind::ConfirmReviseOrderCommand => Some(Kind::OrderRevised),
        _ => None,
    };
    let text = match event {
        Some(kind) => {
            tx.send(ctx.event(kind, ORDER_TOPIC, id).field("orderTotal", total));
            format!("{text}; publishes {kind}")
        }
        None => text,
    };
    Ok(Done::replying(tx, reply, text))
}
