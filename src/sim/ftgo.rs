//! FTGO's saga participants: Consumer, Kitchen and Accounting Service.

use super::db::{Database, Key};
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

/// Kitchen Service: creates, confirms or cancels the ticket (its id is the
/// order id, as in FTGO).
pub fn kitchen(db: &Database, ctx: &mut Ctx, command: &Message) -> Outcome {
    let order = command.int("orderId");
    let key = Key::id(order);
    let (state, text) = match command.kind {
        "CreateTicket" => ("CREATE_PENDING", format!("ticket {order} created as CREATE_PENDING")),
        "ConfirmCreateTicket" => ("AWAITING_ACCEPTANCE", format!("ticket {order} confirmed: AWAITING_ACCEPTANCE")),
        "CancelCreateTicket" => ("CANCELLED", format!("ticket {order} cancelled (compensation)")),
        other => return Err(format!("Kitchen Service has no handler for {other}")),
    };
    if command.kind != "CreateTicket" && !db.table("tickets").rows.contains_key(&key) {
        return Err(format!("there is no ticket {order}"));
    }
    let mut tx = Tx::default();
    tx.put("tickets", key, vec![order.into(), order.into(), state.into()]);
    let reply = if command.kind == "CreateTicket" {
        ctx.reply(command, "CreateTicketReply", true).field("ticketId", order)
    } else {
        ctx.reply(command, "Success", true)
    };
    let kind = reply.kind;
    tx.send(reply);
    Ok(Done::new(tx, format!("{text}; replies {kind}")))
}

/// Accounting Service: `AuthorizeCommand`, the pivot. The consumer's card
/// must be on file and valid.
pub fn accounting(db: &Database, ctx: &mut Ctx, command: &Message) -> Outcome {
    if command.kind != "AuthorizeCommand" {
        return Err(format!("Accounting Service has no handler for {}", command.kind));
    }
    let (consumer, order, total) = (command.int("consumerId"), command.int("orderId"), command.int("orderTotal"));
    let card = db.table("accounts").cell(&Key::id(consumer), "card_status").map(|v| v.text().to_string());
    let mut tx = Tx::default();
    if card.as_deref() == Some("VALID") {
        tx.put("authorizations", Key::id(order), vec![order.into(), consumer.into(), total.into()]);
        tx.send(ctx.reply(command, "Success", true));
        Ok(Done::new(tx, format!("card of consumer {consumer} authorized for {total}; replies Success")))
    } else {
        let why = card.map_or("no account".to_string(), |status| format!("card {status}"));
        tx.send(ctx.reply(command, "Failure", false));
        Ok(Done::new(tx, format!("authorization for order {order} failed ({why}); replies Failure")))
    }
}
