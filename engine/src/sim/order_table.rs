//! Order Service's `orders` table in the customers-and-orders schema:
//! reading an order and writing its state. Shared by the choreography's
//! handlers (`orders`) and the orchestrator's local steps (`saga`).

use super::db::{Database, Key, Value};
use super::handler::Tx;
use super::states::OrderState;

/// The table's name.
pub const ORDERS: &str = "orders";

/// `orders` row for the customers-and-orders schema.
pub fn order_row(id: i64, customer: i64, total: i64, state: OrderState, reason: &str) -> Vec<Value> {
    let reason = if reason.is_empty() { Value::Null } else { Value::from(reason) };
    vec![id.into(), customer.into(), total.into(), state.into(), reason]
}

/// The order's (customer, total, state), if it exists.
pub fn order(db: &Database, id: i64) -> Option<(i64, i64, OrderState)> {
    let table = db.table(ORDERS);
    let row = table.rows.get(&Key::id(id))?;
    let customer = row[1].int();
    Some((customer, table.get(row, "order_total").int(), OrderState::parse(table.get(row, "state").text())?))
}

/// Writes a new state (and rejection reason) for an existing order of the
/// customers-and-orders schema (FTGO's orders change in `on_command`).
pub fn set_state(db: &Database, tx: &mut Tx, id: i64, state: OrderState, reason: &str) {
    let (customer, total, _) = order(db, id).expect("order exists");
    tx.put(ORDERS, Key::id(id), order_row(id, customer, total, state, reason));
}
