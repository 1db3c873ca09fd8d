//! FTGO's saga participants: Consumer, Kitchen and Accounting Service.

use super::db::{Database, Key, Value};
use super::handler::{Ctx, Done, Outcome, Tx};
use super::kind::Kind;
use super::message::Message;
use super::service::TICKET_TOPIC;
use super::states::TicketState;

/// Consumer Service: `ValidateOrderByConsumer`.
pub fn consumer(db: &Database, ctx: &mut Ctx, command: &Message) -> Outcome {
    if command.kind != Kind::ValidateOrderByConsumer {
        return Err(format!("Consumer Service has no handler for {}", command.kind));
    }
    let consumer = command.int("consumerId");
    if db.table("consumers").rows.contains_key(&Key::id(consumer)) {
        let text = format!("consumer {consumer} may place order {}", command.int("orderId"));
        Ok(Done::replying(Tx::default(), ctx.reply(command, Kind::Success, true), text))
    } else {
        Ok(Done::replying(Tx::default(), ctx.reply(command, Kind::Failure, false), format!("consumer {consumer} not found")))
    }
}

/// Kitchen Service: the saga commands about a ticket (its id is the order
/// id, as in FTGO). Each moves the ticket between states as FTGO's `Ticket`
/// does; from any other state the command fails.
pub fn kitchen(db: &Database, ctx: &mut Ctx, command: &Message) -> Outcome {
    let order = command.int("orderId");
    let mut tx = Tx::default();
    if command.kind == Kind::CreateTicket {
        tx.put(TICKETS, Key::id(order), ticket_row(order, TicketState::CreatePending.into(), Value::Null));
        tx.send(ctx.event(Kind::TicketCreatedEvent, TICKET_TOPIC, order).field("orderId", order));
        let reply = ctx.reply(command, Kind::CreateTicketReply, true).field("ticketId", order);
        let text = format!("ticket {order} created as CREATE_PENDING; publishes TicketCreatedEvent");
        return Ok(Done::replying(tx, reply, text));
    }
    let Some((state, previous)) = ticket(db, order) else {
        return Err(format!("there is no ticket {order}"));
    };
    use TicketState::*;
    let (from, next): (&[TicketState], Next) = match command.kind {
        Kind::ConfirmCreateTicket => (&[CreatePending], Next::Set(AwaitingAcceptance)),
        Kind::CancelCreateTicket => (&[CreatePending], Next::Set(Cancelled)),
        Kind::BeginCancelTicketCommand => (&[AwaitingAcceptance, Accepted], Next::Lock(CancelPending)),
        Kind::UndoBeginCancelTicketCommand => (&[CancelPending], Next::Unlock),
        Kind::ConfirmCancelTicketCommand => (&[CancelPending], Next::Set(Cancelled)),
        Kind::BeginReviseTicketCommand => (&[AwaitingAcceptance, Accepted], Next::Lock(RevisionPending)),
        // Undone or confirmed, a revision leaves the ticket where it was
        // (its line items would change; the model has none).
        Kind::UndoBeginReviseTicketCommand | Kind::ConfirmReviseTicketCommand => (&[RevisionPending], Next::Unlock),
        other => return Err(format!("Kitchen Service has no handler for {other}")),
    };
    if !from.contains(&state) {
        let text = format!("ticket {order} is {state}: {} fails", command.kind);
        return Ok(Done::replying(tx, ctx.reply(command, Kind::Failure, false), text));
    }
    let (to, previous) = match next {
        Next::Set(to) => (Value::from(to), Value::Null),
        Next::Lock(lock) => (Value::from(lock), Value::from(state)),
        Next::Unlock => (previous, Value::Null),
    };
    let mut text = format!("ticket {order}: {state} -> {to}");
    tx.put(TICKETS, Key::id(order), ticket_row(order, to, previous));
    // The domain events FTGO's Ticket returns for these transitions.
    let event = match command.kind {
        Kind::ConfirmCancelTicketCommand => Some(Kind::TicketCancelled),
        Kind::ConfirmReviseTicketCommand => Some(Kind::TicketRevised),
        _ => None,
    };
    if let Some(kind) = event {
        tx.send(ctx.event(kind, TICKET_TOPIC, order).field("orderId", order));
        text.push_str(&format!("; publishes {kind}"));
    }
    Ok(Done::replying(tx, ctx.reply(command, Kind::Success, true), text))
}

/// Where a saga command moves a ticket.
enum Next {
    Set(TicketState),
    /// A cancel or a revision locks the ticket and remembers the state to
    /// go back to in `previous_state`.
    Lock(TicketState),
    /// Back to the state before the lock.
    Unlock,
}

/// The restaurant works on a ticket (FTGO's REST API, not a saga): it
/// accepts an `AWAITING_ACCEPTANCE` ticket, then starts preparing it. Once
/// it is `PREPARING`, the ticket can no longer be cancelled. With the
/// semantic lock off (not FTGO: the experiment of removing the
/// countermeasure) it also accepts a ticket still `CREATE_PENDING`, which
/// its saga may yet need to cancel.
pub fn advance_ticket(db: &Database, order: i64, semantic_lock: bool) -> Outcome {
    let Some((state, _)) = ticket(db, order) else {
        return Err(format!("there is no ticket {order}"));
    };
    let to = match state {
        TicketState::AwaitingAcceptance => TicketState::Accepted,
        TicketState::CreatePending if !semantic_lock => TicketState::Accepted,
        TicketState::Accepted => TicketState::Preparing,
        _ => {
            return Err(format!(
                "ticket {order} is {state}; the restaurant can only accept an AWAITING_ACCEPTANCE ticket or prepare an ACCEPTED one"
            ))
        }
    };
    let mut tx = Tx::default();
    tx.put(TICKETS, Key::id(order), ticket_row(order, to.into(), Value::Null));
    Ok(Done::new(tx, format!("the restaurant moves ticket {order} from {state} to {to}")))
}

const TICKETS: &str = "tickets";

fn ticket_row(order: i64, state: Value, previous: Value) -> Vec<Value> {
    vec![order.into(), order.into(), state, previous]
}

/// The ticket's state and the state it was in before a cancel began.
fn ticket(db: &Database, order: i64) -> Option<(TicketState, Value)> {
    let table = db.table(TICKETS);
    let row = table.rows.get(&Key::id(order))?;
    Some((TicketState::parse(table.get(row, "state").text())?, table.get(row, "previous_state").clone()))
}

/// Accounting Service: `AuthorizeCommand`, the Create Order saga's pivot
/// (the consumer's card must be on file and valid);
/// `ReverseAuthorizationCommand`, the Cancel Order saga's; and
/// `ReviseAuthorization`, the Revise Order saga's.
pub fn accounting(db: &Database, ctx: &mut Ctx, command: &Message) -> Outcome {
    let (consumer, order, total) = (command.int("consumerId"), command.int("orderId"), command.int("orderTotal"));
    let (state, text) = match command.kind {
        Kind::AuthorizeCommand => {
            let card = db.table("accounts").cell(&Key::id(consumer), "card_status").map(|v| v.text().to_string());
            if card.as_deref() != Some("VALID") {
                // FTGO's only declared authorization failure: the command
                // handler catches AccountDisabledException and replies
                // withFailure(new AccountDisabledReply()).
                let why = card.map_or("no account".to_string(), |status| format!("card {status}"));
                let text = format!("authorization for order {order} failed ({why}): the account cannot pay");
                return Ok(Done::replying(Tx::default(), ctx.reply(command, Kind::AccountDisabledReply, false), text));
            }
            ("AUTHORIZED", format!("card of consumer {consumer} authorized for {total}"))
        }
        Kind::ReverseAuthorizationCommand => ("REVERSED", format!("authorization of {total} for order {order} reversed")),
        Kind::ReviseAuthorization => ("AUTHORIZED", format!("authorization for order {order} revised to {total}")),
        other => return Err(format!("Accounting Service has no handler for {other}")),
    };
    let mut tx = Tx::default();
    tx.put("authorizations", Key::id(order), vec![order.into(), consumer.into(), total.into(), state.into()]);
    Ok(Done::replying(tx, ctx.reply(command, Kind::Success, true), text))
}
