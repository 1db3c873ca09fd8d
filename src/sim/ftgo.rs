//! FTGO's saga participants: Consumer, Kitchen and Accounting Service.

use super::db::{Database, Key, Value};
use super::handler::{Ctx, Done, Outcome, Tx};
use super::message::Message;

/// Consumer Service: `ValidateOrderByConsumer`.
pub fn consumer(db: &Database, ctx: &mut Ctx, command: &Message) -> Outcome {
    if command.kind != "ValidateOrderByConsumer" {
        return Err(format!("Consumer Service has no handler for {}", command.kind));
    }
    let consumer = command.int("consumerId");
    let mut tx = Tx::default();
    if db.table("consumers").rows.contains_key(&Key::id(consumer)) {
        tx.send(ctx.reply(command, "Success", true));
        Ok(Done::new(tx, format!("consumer {consumer} may place order {}; replies Success", command.int("orderId"))))
    } else {
        tx.send(ctx.reply(command, "Failure", false));
        Ok(Done::new(tx, format!("consumer {consumer} not found; replies Failure")))
    }
}

/// Kitchen Service: the saga commands about a ticket (its id is the order
/// id, as in FTGO). Each moves the ticket between states as FTGO's `Ticket`
/// does; from any other state the command fails.
pub fn kitchen(db: &Database, ctx: &mut Ctx, command: &Message) -> Outcome {
    let order = command.int("orderId");
    let ticket = ticket(db, order);
    let mut tx = Tx::default();
    if command.kind == "CreateTicket" {
        tx.put(TICKETS, Key::id(order), ticket_row(order, "CREATE_PENDING".into(), Value::Null));
        tx.send(ctx.reply(command, "CreateTicketReply", true).field("ticketId", order));
        return Ok(Done::new(tx, format!("ticket {order} created as CREATE_PENDING; replies CreateTicketReply")));
    }
    let Some((state, previous)) = ticket else {
        return Err(format!("there is no ticket {order}"));
    };
    // (states it may come from, the state it goes to); `None` goes back to
    // the state the ticket was in before its cancel began.
    let (from, to): (&[&str], Option<&'static str>) = match command.kind {
        "ConfirmCreateTicket" => (&["CREATE_PENDING"], Some("AWAITING_ACCEPTANCE")),
        "CancelCreateTicket" => (&["CREATE_PENDING"], Some("CANCELLED")),
        "BeginCancelTicketCommand" => (&["AWAITING_ACCEPTANCE", "ACCEPTED"], Some("CANCEL_PENDING")),
        "UndoBeginCancelTicketCommand" => (&["CANCEL_PENDING"], None),
        "ConfirmCancelTicketCommand" => (&["CANCEL_PENDING"], Some("CANCELLED")),
        "BeginReviseTicketCommand" => (&["AWAITING_ACCEPTANCE", "ACCEPTED"], Some("REVISION_PENDING")),
        // Undone or confirmed, a revision leaves the ticket where it was
        // (its line items would change; the model has none).
        "UndoBeginReviseTicketCommand" | "ConfirmReviseTicketCommand" => (&["REVISION_PENDING"], None),
        other => return Err(format!("Kitchen Service has no handler for {other}")),
    };
    if !from.contains(&state.as_str()) {
        tx.send(ctx.reply(command, "Failure", false));
        return Ok(Done::new(tx, format!("ticket {order} is {state}: {} fails; replies Failure", command.kind)));
    }
    // A cancel or a revision locks the ticket and remembers the state to
    // go back to.
    let (to, previous) = match to {
        Some(lock @ ("CANCEL_PENDING" | "REVISION_PENDING")) => (Value::from(lock), Value::from(state.as_str())),
        Some(to) => (Value::from(to), Value::Null),
        None => (previous, Value::Null),
    };
    tx.put(TICKETS, Key::id(order), ticket_row(order, to.clone(), previous));
    tx.send(ctx.reply(command, "Success", true));
    Ok(Done::new(tx, format!("ticket {order}: {state} -> {to}; replies Success")))
}

/// The restaurant works on a ticket (FTGO's REST API, not a saga): it
/// accepts an `AWAITING_ACCEPTANCE` ticket, then starts preparing it. Once
/// it is `PREPARING`, the ticket can no longer be cancelled.
pub fn advance_ticket(db: &Database, order: i64) -> Outcome {
    let Some((state, _)) = ticket(db, order) else {
        return Err(format!("there is no ticket {order}"));
    };
    let to = match state.as_str() {
        "AWAITING_ACCEPTANCE" => "ACCEPTED",
        "ACCEPTED" => "PREPARING",
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
fn ticket(db: &Database, order: i64) -> Option<(String, Value)> {
    let table = db.table(TICKETS);
    let row = table.rows.get(&Key::id(order))?;
    Some((table.get(row, "state").text().to_string(), table.get(row, "previous_state").clone()))
}

/// Accounting Service: `AuthorizeCommand`, the Create Order saga's pivot
/// (the consumer's card must be on file and valid);
/// `ReverseAuthorizationCommand`, the Cancel Order saga's; and
/// `ReviseAuthorization`, the Revise Order saga's.
pub fn accounting(db: &Database, ctx: &mut Ctx, command: &Message) -> Outcome {
    let (consumer, order, total) = (command.int("consumerId"), command.int("orderId"), command.int("orderTotal"));
    match command.kind {
        "AuthorizeCommand" => {}
        "ReverseAuthorizationCommand" => {
            let mut tx = Tx::default();
            tx.put("authorizations", Key::id(order), vec![order.into(), consumer.into(), total.into(), "REVERSED".into()]);
            tx.send(ctx.reply(command, "Success", true));
            return Ok(Done::new(tx, format!("authorization of {total} for order {order} reversed; replies Success")));
        }
        "ReviseAuthorization" => {
            let mut tx = Tx::default();
            tx.put("authorizations", Key::id(order), vec![order.into(), consumer.into(), total.into(), "AUTHORIZED".into()]);
            tx.send(ctx.reply(command, "Success", true));
            return Ok(Done::new(tx, format!("authorization for order {order} revised to {total}; replies Success")));
        }
        other => return Err(format!("Accounting Service has no handler for {other}")),
    }
    let card = db.table("accounts").cell(&Key::id(consumer), "card_status").map(|v| v.text().to_string());
    let mut tx = Tx::default();
    if card.as_deref() == Some("VALID") {
        tx.put("authorizations", Key::id(order), vec![order.into(), consumer.into(), total.into(), "AUTHORIZED".into()]);
        tx.send(ctx.reply(command, "Success", true));
        Ok(Done::new(tx, format!("card of consumer {consumer} authorized for {total}; replies Success")))
    } else {
        let why = card.map_or("no account".to_string(), |status| format!("card {status}"));
        tx.send(ctx.reply(command, "Failure", false));
        Ok(Done::new(tx, format!("authorization for order {order} failed ({why}); replies Failure")))
    }
}
