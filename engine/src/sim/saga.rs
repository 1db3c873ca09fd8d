//! Orchestrated sagas, shaped like Eventuate Tram Sagas: a definition of
//! steps, and a `saga_instance` row that the orchestrator persists in the
//! same local transaction as every command it sends.

use serde::Serialize;

pub use super::correlation::{SagaType, REPLY_SAGA_ID, REPLY_SAGA_TYPE};
use super::db::{Database, Value, Write};
pub use super::documents::{SagaData, SagaInstance, StepStatus};
use super::handler::{Ctx, Tx};
use super::kind::Kind;
use super::message::{Category, Message};
use super::names::qualified;
use super::order_table;
use super::states::OrderState;
use super::topology::{Style, Svc};

/// What a step does, forward or as its compensation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Invoke {
    /// A local transaction in the orchestrator's own service.
    Local(&'static str),
    /// A command sent to a participant, which replies.
    Participant(Svc, Kind),
}

/// Where a step sits in the saga's structure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Can be undone by its compensation.
    Compensatable,
    /// The go/no-go point: after it succeeds, the saga runs to completion.
    Pivot,
    /// Follows the pivot and is guaranteed to succeed.
    Retriable,
}

/// One step of a saga definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepDef {
    pub forward: Invoke,
    pub compensation: Option<Invoke>,
    pub role: Role,
}

/// The steps of a saga type in a style.
pub fn definition(saga_type: SagaType, style: Style) -> &'static [StepDef] {
    use Invoke::{Local, Participant};
    use Role::{Compensatable, Pivot, Retriable};
    const CUSTOMERS_AND_ORDERS: &[StepDef] = &[
        StepDef { forward: Local("create order"), compensation: Some(Local("reject order")), role: Compensatable },
        StepDef { forward: Participant(Svc::CustomerService, Kind::ReserveCreditCommand), compensation: None, role: Pivot },
        StepDef { forward: Local("approve order"), compensation: None, role: Retriable },
    ];
    const FTGO: &[StepDef] = &[
        StepDef {
            forward: Local("create order"),
            compensation: Some(Participant(Svc::OrderService, Kind::RejectOrderCommand)),
            role: Compensatable,
        },
        StepDef { forward: Participant(Svc::ConsumerService, Kind::ValidateOrderByConsumer), compensation: None, role: Compensatable },
        StepDef {
            forward: Participant(Svc::KitchenService, Kind::CreateTicket),
            compensation: Some(Participant(Svc::KitchenService, Kind::CancelCreateTicket)),
            role: Compensatable,
        },
        StepDef { forward: Participant(Svc::AccountingService, Kind::AuthorizeCommand), compensation: None, role: Pivot },
        StepDef { forward: Participant(Svc::KitchenService, Kind::ConfirmCreateTicket), compensation: None, role: Retriable },
        StepDef { forward: Participant(Svc::OrderService, Kind::ApproveOrderCommand), compensation: None, role: Retriable },
    ];
    // FTGO's CancelOrderSaga: the order and the ticket are locked
    // (CANCEL_PENDING) first, so they can be unlocked if a later step fails.
    const FTGO_CANCEL: &[StepDef] = &[
        StepDef {
            forward: Participant(Svc::OrderService, Kind::BeginCancelCommand),
            compensation: Some(Participant(Svc::OrderService, Kind::UndoBeginCancelCommand)),
            role: Compensatable,
        },
        StepDef {
            forward: Participant(Svc::KitchenService, Kind::BeginCancelTicketCommand),
            compensation: Some(Participant(Svc::KitchenService, Kind::UndoBeginCancelTicketCommand)),
            role: Compensatable,
        },
        StepDef { forward: Participant(Svc::AccountingService, Kind::ReverseAuthorizationCommand), compensation: None, role: Pivot },
        StepDef { forward: Participant(Svc::KitchenService, Kind::ConfirmCancelTicketCommand), compensation: None, role: Retriable },
        StepDef { forward: Participant(Svc::OrderService, Kind::ConfirmCancelOrderCommand), compensation: None, role: Retriable },
    ];
    // FTGO's ReviseOrderSaga has the same shape: lock, pivot, confirm.
    const FTGO_REVISE: &[StepDef] = &[
        StepDef {
            forward: Participant(Svc::OrderService, Kind::BeginReviseOrderCommand),
            compensation: Some(Participant(Svc::OrderService, Kind::UndoBeginReviseOrderCommand)),
            role: Compensatable,
        },
        StepDef {
            forward: Participant(Svc::KitchenService, Kind::BeginReviseTicketCommand),
            compensation: Some(Participant(Svc::KitchenService, Kind::UndoBeginReviseTicketCommand)),
            role: Compensatable,
        },
        StepDef { forward: Participant(Svc::AccountingService, Kind::ReviseAuthorization), compensation: None, role: Pivot },
        StepDef { forward: Participant(Svc::KitchenService, Kind::ConfirmReviseTicketCommand), compensation: None, role: Retriable },
        StepDef { forward: Participant(Svc::OrderService, Kind::ConfirmReviseOrderCommand), compensation: None, role: Retriable },
    ];
    match (saga_type, style) {
        (SagaType::CancelOrderSaga, _) => FTGO_CANCEL,
        (SagaType::ReviseOrderSaga, _) => FTGO_REVISE,
        (SagaType::CreateOrderSaga, Style::Ftgo) => FTGO,
        (SagaType::CreateOrderSaga, _) => CUSTOMERS_AND_ORDERS,
    }
}

/// The saga's behaviour; the row itself is in [`super::documents`].
impl SagaInstance {
    /// Its saga's steps.
    pub fn definition(&self) -> &'static [StepDef] {
        definition(self.saga_type, self.style)
    }

    /// Marks the current step done or, while compensating, compensated.
    fn finish_current(&mut self) {
        let index = self.current;
        if self.compensating {
            self.steps[index] = StepStatus::Compensated;
            self.compensated.push(index);
        } else {
            self.steps[index] = StepStatus::Done;
        }
    }

    /// Marks the steps it never reached as skipped: the saga has ended.
    fn skip_pending(&mut self) {
        for status in self.steps.iter_mut().filter(|s| **s == StepStatus::Pending) {
            *status = StepStatus::Skipped;
        }
    }
}

/// Starts a saga about an order inside the caller's local transaction: the
/// `saga_instance` row and the first command commit together. A first step
/// that is local (create order) is the insert the caller already wrote.
pub fn start(db: &Database, ctx: &mut Ctx, tx: &mut Tx, saga_type: SagaType, data: SagaData) -> String {
    let steps = definition(saga_type, ctx.style);
    // Eventuate's saga ids are UUIDs; a sequence reads better and is as unique.
    let saga_id = db.sagas.keys().next_back().map_or(1, |last| last + 1);
    let mut saga = SagaInstance {
        saga_type,
        saga_id,
        style: ctx.style,
        current: 0,
        last_request_id: 0,
        end_state: false,
        compensating: false,
        failed: false,
        data,
        steps: vec![StepStatus::Pending; steps.len()],
        compensated: Vec::new(),
    };
    let first = if matches!(steps[0].forward, Invoke::Local(_)) {
        saga.steps[0] = StepStatus::Done;
        1
    } else {
        0
    };
    let text = advance(db, ctx, tx, &mut saga, Some(first));
    let order_id = saga.data.order_id;
    tx.writes.push(Write::Saga(saga));
    format!("{} {saga_id} started for order {order_id}; {text}", saga_type.name())
}

/// The step after the current one: backwards while compensating.
fn next_step(saga: &SagaInstance) -> Option<usize> {
    if saga.compensating {
        saga.current.checked_sub(1)
    } else {
        Some(saga.current + 1)
    }
}

/// Runs the saga from step `from` (then on, in its direction), running
/// local steps inline, until it sends a command or ends. Returns what it did.
fn advance(db: &Database, ctx: &mut Ctx, tx: &mut Tx, saga: &mut SagaInstance, from: Option<usize>) -> String {
    let steps = saga.definition();
    let mut said = Vec::new();
    let mut next = from;
    loop {
        let Some(index) = next.filter(|i| *i < steps.len()) else {
            saga.end_state = true;
            saga.current = 0;
            saga.skip_pending();
            said.push(if saga.compensating { "saga ended: compensated".to_string() } else { "saga ended: completed".to_string() });
            break;
        };
        saga.current = index;
        let invoke = if saga.compensating { steps[index].compensation } else { Some(steps[index].forward) };
        match invoke {
            None => {} // nothing to undo for this step
            Some(Invoke::Local(name)) => {
                run_local(db, tx, saga, name);
                saga.finish_current();
                said.push(format!("local step {}: {name}", index + 1));
            }
            Some(Invoke::Participant(participant, command)) => {
                let message = command_message(ctx, saga, participant, command);
                saga.last_request_id = message.id;
                saga.steps[index] = if saga.compensating { StepStatus::Compensating } else { StepStatus::Active };
                said.push(format!("step {}: sends {command} to {participant}", index + 1));
                tx.send(message);
                break;
            }
        }
        next = next_step(saga);
    }
    said.join("; ")
}

/// Applies a local step to the orchestrator's own `orders` table.
fn run_local(db: &Database, tx: &mut Tx, saga: &SagaInstance, name: &str) {
    match name {
        "approve order" => order_table::set_state(db, tx, saga.data.order_id, OrderState::Approved, ""),
        "reject order" => {
            order_table::set_state(db, tx, saga.data.order_id, OrderState::Rejected, saga.data.rejection_reason.unwrap_or(""))
        }
        _ => {} // "create order" is the insert that started the saga
    }
}

fn command_message(ctx: &mut Ctx, saga: &SagaInstance, participant: Svc, command: Kind) -> Message {
    let message = ctx
        .message(command, Category::Command, participant.command_channel())
        .static_header("command_type", command.name())
        .static_header("command_reply_to", qualified(saga.style, saga.saga_type.reply_channel()))
        .static_header("command_saga_type", qualified(saga.style, saga.saga_type.name()))
        .header("command_saga_id", saga.saga_id as i64)
        .field("orderId", saga.data.order_id);
    // Commands about money carry who pays and how much, the revision's
    // commands its new total; the others name the order alone.
    let party = if saga.style == Style::Ftgo { "consumerId" } else { "customerId" };
    let data = &saga.data;
    let revised = data.revised_total.unwrap_or(data.order_total);
    match command {
        Kind::ReserveCreditCommand | Kind::ValidateOrderByConsumer | Kind::AuthorizeCommand | Kind::ReverseAuthorizationCommand => {
            message.field(party, data.customer_id).field("orderTotal", data.order_total)
        }
        Kind::ReviseAuthorization => message.field(party, data.customer_id).field("orderTotal", revised),
        Kind::BeginReviseOrderCommand
        | Kind::BeginReviseTicketCommand
        | Kind::ConfirmReviseTicketCommand
        | Kind::ConfirmReviseOrderCommand => message.field("revisedOrderTotal", revised),
        _ => message,
    }
}

/// A participant's reply, handled as Eventuate's `SagaManagerImpl` does:
/// the reply is applied to the step `state_name` names, whichever command
/// it answers (`last_request_id` is never compared), so only the message
/// layer's `received_messages` keeps a duplicated reply out. Success moves
/// on, forward or backwards while compensating; a failure starts the
/// compensation, or, while compensating, ends the saga as failed.
pub fn on_reply(db: &Database, ctx: &mut Ctx, reply: &Message) -> Result<(Tx, String), String> {
    let saga_id = reply.header_int(REPLY_SAGA_ID) as u64;
    let Some(saga) = db.sagas.get(&saga_id).filter(|s| reply.saga().is_some_and(|r| r.saga_type == s.saga_type)) else {
        return Err(format!("no {} {saga_id}", reply.header_text(REPLY_SAGA_TYPE)));
    };
    let name = saga.saga_type.name();
    let mut tx = Tx::default();
    let mut saga = saga.clone();
    let mut text = String::new();
    if saga.end_state {
        // Eventuate's end state reads as "executing step 1, not
        // compensating": a late reply is taken as step 1's and the saga
        // runs again from there.
        text = format!("{name} {saga_id} had ended, but its state_name reads as step 1: ");
        saga.end_state = false;
        saga.compensating = false;
        saga.failed = false;
        for status in saga.steps.iter_mut().skip(1) {
            *status = StepStatus::Pending;
        }
    }
    let index = saga.current;
    let steps = saga.definition();
    let expected = if saga.compensating { steps[index].compensation } else { Some(steps[index].forward) };
    let success = reply.header_text("reply_outcome-type") == "SUCCESS";
    text.push_str(&format!("{name} {saga_id} got {} for step {}", reply.kind, index + 1));
    if let Some(Invoke::Participant(_, command)) = expected {
        let answers = reply.header_value("reply_to_message_id") == Some(&Value::Message(saga.last_request_id));
        if !answers {
            text.push_str(&format!(" (it answers an earlier command, not {command}: nothing checks that)"));
        }
    }
    if success {
        saga.finish_current();
        // A reply handler is chosen by the step and the reply's type.
        match (expected, reply.kind) {
            (Some(Invoke::Participant(_, Kind::CreateTicket)), Kind::CreateTicketReply) => {
                saga.data.ticket_id = Some(reply.int("ticketId"))
            }
            (Some(Invoke::Participant(_, Kind::BeginReviseOrderCommand)), Kind::BeginReviseOrderReply) => {
                saga.data.revised_total = Some(reply.int("revisedOrderTotal"));
            }
            _ => {}
        }
    } else if saga.compensating {
        saga.steps[index] = StepStatus::CompensationFailed;
        saga.skip_pending();
        saga.end_state = true;
        saga.failed = true;
        saga.current = 0;
        tx.writes.push(Write::Saga(saga));
        return Ok((tx, format!("{text}; a compensation failed, so the saga ends FAILED and nothing undoes the steps before it")));
    } else {
        saga.steps[index] = StepStatus::Failed;
        saga.compensating = true;
        saga.data.rejection_reason = match reply.kind {
            Kind::CustomerCreditLimitExceeded => Some("INSUFFICIENT_CREDIT"),
            Kind::CustomerNotFound => Some("UNKNOWN_CUSTOMER"),
            _ => None,
        };
        text.push_str("; compensating");
    }
    let from = next_step(&saga);
    let next = advance(db, ctx, &mut tx, &mut saga, from);
    tx.writes.push(Write::Saga(saga));
    Ok((tx, format!("{text}; {next}")))
}
