//! Customer Service: owns customers and their credit reservations.

use super::db::{Database, Key};
use super::handler::{next_id, Ctx, Done, Outcome, Tx};
use super::kind::Kind;
use super::message::Message;
use super::service::CUSTOMER_TOPIC;

const CUSTOMERS: &str = "customers";
const RESERVATIONS: &str = "credit_reservations";

/// Available credit: the limit minus every reservation the customer holds.
pub fn available_credit(db: &Database, customer: i64) -> Option<(String, i64, i64)> {
    let customers = db.table(CUSTOMERS);
    let row = customers.rows.get(&Key::id(customer))?;
    let name = customers.get(row, "name").text().to_string();
    let limit = customers.get(row, "credit_limit").int();
    let reserved: i64 = reserved_by(db, customer).map(|(_, amount)| amount).sum();
    Some((name, limit, limit - reserved))
}

/// The (order id, amount) of each reservation `customer` holds.
pub fn reserved_by(db: &Database, customer: i64) -> impl Iterator<Item = (i64, i64)> + '_ {
    // Keys are (customer_id, order_id): this customer's rows are one range.
    let (from, to) = (Key::id(customer), Key::id(customer + 1));
    db.table(RESERVATIONS).rows.range(&from, &to).map(|(k, row)| (k.0[1].int(), row[2].int()))
}

/// The learner creates a customer: the row and `CustomerCreatedEvent`.
pub fn create(db: &Database, ctx: &mut Ctx, name: &str, credit_limit: i64) -> Outcome {
    if credit_limit < 0 {
        return Err(format!("a credit limit cannot be negative ({credit_limit})"));
    }
    let id = next_id(db, CUSTOMERS);
    let mut tx = Tx::default();
    tx.put(CUSTOMERS, Key::id(id), vec![id.into(), name.into(), credit_limit.into()]);
    tx.send(ctx.event(Kind::CustomerCreatedEvent, CUSTOMER_TOPIC, id).field("name", name).field("creditLimit", credit_limit));
    Ok(Done::new(tx, format!("customer {id} ({name}, credit limit {credit_limit}) created with CustomerCreatedEvent")))
}

/// The reservation decision shared by both coordination styles.
enum Decision {
    Reserved(Tx, String),
    LimitExceeded(String),
    NotFound,
}

fn decide(db: &Database, customer: i64, order: i64, total: i64) -> Decision {
    let Some((name, limit, available)) = available_credit(db, customer) else {
        return Decision::NotFound;
    };
    if total > available {
        return Decision::LimitExceeded(format!("{name} has {available} of {limit} available, order {order} needs {total}"));
    }
    let mut tx = Tx::default();
    tx.put(RESERVATIONS, Key::new(vec![customer.into(), order.into()]), vec![customer.into(), order.into(), total.into()]);
    Decision::Reserved(tx, format!("reserved {total} of {name}'s {available} available for order {order}"))
}

/// Choreography: react to Order events.
pub fn on_order_event(db: &Database, ctx: &mut Ctx, event: &Message) -> Outcome {
    let order = event.header_int("event-aggregate-id");
    let customer = event.int("customerId");
    match event.kind {
        Kind::OrderCreatedEvent => {
            let (mut tx, kind, text) = match decide(db, customer, order, event.int("orderTotal")) {
                Decision::Reserved(tx, text) => (tx, Kind::CustomerCreditReservedEvent, text),
                Decision::LimitExceeded(text) => (Tx::default(), Kind::CustomerCreditReservationFailedEvent, text),
                Decision::NotFound => (Tx::default(), Kind::CustomerValidationFailedEvent, format!("no customer {customer}")),
            };
            tx.send(ctx.event(kind, CUSTOMER_TOPIC, customer).field("orderId", order));
            Ok(Done::new(tx, format!("{text}; publishes {kind}")))
        }
        Kind::OrderCancelledEvent => {
            let key = Key::new(vec![customer.into(), order.into()]);
            if !db.table(RESERVATIONS).rows.contains_key(&key) {
                return Ok(Done::nothing(format!("no credit reserved for order {order}; nothing to release")));
            }
            let mut tx = Tx::default();
            tx.delete(RESERVATIONS, key);
            Ok(Done::new(tx, format!("released the credit reserved for order {order}")))
        }
        _ => Ok(Done::nothing(format!("Customer Service ignores {}", event.kind))),
    }
}

/// Orchestration: `ReserveCreditCommand` from `CreateOrderSaga`.
pub fn on_command(db: &Database, ctx: &mut Ctx, command: &Message) -> Outcome {
    if command.kind != Kind::ReserveCreditCommand {
        return Err(format!("Customer Service has no handler for {}", command.kind));
    }
    let (customer, order) = (command.int("customerId"), command.int("orderId"));
    let (tx, reply, text) = match decide(db, customer, order, command.int("orderTotal")) {
        Decision::Reserved(tx, text) => (tx, ctx.reply(command, Kind::CustomerCreditReserved, true), text),
        Decision::LimitExceeded(text) => (Tx::default(), ctx.reply(command, Kind::CustomerCreditLimitExceeded, false), text),
        Decision::NotFound => (Tx::default(), ctx.reply(command, Kind::CustomerNotFound, false), format!("no customer {customer}")),
    };
    Ok(Done::replying(tx, reply, text))
}
