//! The CQRS read side: Order History Service's `customer_view` documents,
//! kept up to date from Customer and Order events, and the projection of
//! the owning services' data that the view should converge to.

use std::rc::Rc;

use serde::Serialize;

use super::db::{Database, Write};
pub use super::documents::{CustomerView, ViewOrder};
use super::handler::{Done, Outcome, Tx};
use super::kind::Kind;
use super::message::Message;
use super::sorted::{SortedMap, SortedSet};
use super::states::OrderState;

/// What a query returns, and what the truth looks like, without the
/// bookkeeping ids, so the two compare directly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct History {
    pub customer_id: i64,
    pub name: Option<Rc<str>>,
    pub credit_limit: Option<i64>,
    /// order id -> (state, total)
    pub orders: SortedMap<i64, (Rc<str>, i64)>,
}

impl History {
    /// An empty answer for a customer nobody knows yet.
    pub fn empty(customer_id: i64) -> Self {
        History { customer_id, name: None, credit_limit: None, orders: SortedMap::new() }
    }

    /// One line, for narration: "Alice: 1 PENDING 60, 2 APPROVED 30",
    /// the newest few orders only.
    pub fn summary(&self) -> String {
        const SHOWN: usize = 4;
        let who = self.name.as_deref().map_or_else(|| format!("customer {}", self.customer_id), str::to_string);
        let skipped = self.orders.len().saturating_sub(SHOWN);
        let orders: Vec<String> = self.orders.iter().skip(skipped).map(|(id, (state, total))| format!("{id} {state} {total}")).collect();
        match (orders.is_empty(), skipped) {
            (true, _) => format!("{who}: no orders"),
            (false, 0) => format!("{who}: {}", orders.join(", ")),
            (false, n) => format!("{who}: {n} older orders, then {}", orders.join(", ")),
        }
    }
}

/// The document as a query answer; the document itself is in
/// [`super::documents`].
impl CustomerView {
    /// The document as a query answer.
    pub fn history(&self) -> History {
        History {
            customer_id: self.id,
            name: self.name.clone(),
            credit_limit: self.credit_limit,
            orders: self.orders.iter().map(|(id, o)| (*id, (Rc::from(o.state), o.order_total))).collect(),
        }
    }
}

/// The order state an Order event implies.
fn state_after(kind: Kind) -> Option<&'static str> {
    Some(match kind {
        Kind::OrderCreatedEvent => OrderState::Pending.name(),
        Kind::OrderApprovedEvent => OrderState::Approved.name(),
        Kind::OrderRejectedEvent => OrderState::Rejected.name(),
        Kind::OrderCancelledEvent => OrderState::Cancelled.name(),
        _ => return None,
    })
}

/// Upserts the customer's document, as the customers-and-orders example
/// does: an order event may arrive before `CustomerCreatedEvent` (another
/// topic) and still lands, and an event that comes again is applied again.
/// With `dedup` (FTGO's `SourceEvent` check), an event not newer than the
/// last one applied to that order is ignored.
pub fn on_event(db: &Database, event: &Message, dedup: bool) -> Outcome {
    let aggregate = event.header_int("event-aggregate-id");
    let mut tx = Tx::default();
    if event.kind == Kind::CustomerCreatedEvent {
        let (name, credit_limit) = (Rc::from(event.text("name")), event.int("creditLimit"));
        tx.writes.push(Write::ViewCustomer { id: aggregate, name, credit_limit });
        return Ok(Done::new(tx, format!("upserted customer {aggregate}'s name and credit limit")));
    }
    let Some(state) = state_after(event.kind) else {
        return Ok(Done::nothing(format!("the view does not use {}", event.kind)));
    };
    let customer = event.int("customerId");
    if let Some(order) = db.views.get(&customer).and_then(|doc| doc.orders.get(&aggregate)).filter(|_| dedup) {
        if order.last_event_id >= event.id {
            return Ok(Done::nothing(format!(
                "{} m{} is not newer than m{} already applied to order {aggregate}; ignored",
                event.kind, event.id, order.last_event_id
            )));
        }
    }
    let created = !db.views.contains_key(&customer);
    let entry = ViewOrder { state, order_total: event.int("orderTotal"), last_event_id: event.id };
    tx.writes.push(Write::ViewOrder { customer, order: aggregate, entry });
    let note = if created { " (a document with no customer yet: the customer's event has not arrived)" } else { "" };
    Ok(Done::new(tx, format!("order {aggregate} is {state} in customer {customer}'s document{note}")))
}

/// The truth for one customer, read from the owning services' tables.
pub fn project_one(customers: &Database, orders: &Database, customer: i64) -> History {
    project_where(customers, orders, |id| id == customer).remove(&customer).unwrap_or_else(|| History::empty(customer))
}

/// The truth the view should converge to: one `History` per customer known
/// to Customer Service or named by an order.
pub fn project(customers: &Database, orders: &Database) -> SortedMap<i64, History> {
    project_where(customers, orders, |_| true)
}

/// Where the view (`view`, Order History Service's database) disagrees with
/// the projection of the owning services' data: (customer, what the view
/// says, what the services say), by customer.
pub fn differences(view: &Database, customers: &Database, orders: &Database) -> Vec<(i64, Option<History>, Option<History>)> {
    let truth = project(customers, orders);
    let ids: SortedSet<i64> = view.views.keys().chain(truth.keys()).copied().collect();
    ids.iter()
        .filter_map(|id| {
            let seen = view.views.get(id).map(|v| v.history());
            (seen.as_ref() != truth.get(id)).then(|| (*id, seen, truth.get(id).cloned()))
        })
        .collect()
}

/// The projection of the customers `wanted` accepts.
fn project_where(customers: &Database, orders: &Database, wanted: impl Fn(i64) -> bool) -> SortedMap<i64, History> {
    let mut out: SortedMap<i64, History> = SortedMap::new();
    let table = customers.table("customers");
    for (key, row) in table.rows.iter().filter(|(key, _)| wanted(key.0[0].int())) {
        let id = key.0[0].int();
        let entry = out.get_or_insert_with(id, || History::empty(id));
        entry.name = Some(Rc::from(table.get(row, "name").text()));
        entry.credit_limit = Some(table.get(row, "credit_limit").int());
    }
    let table = orders.table("orders");
    for (key, row) in table.rows.iter().filter(|(_, row)| wanted(table.get(row, "customer_id").int())) {
        let customer = table.get(row, "customer_id").int();
        let state = Rc::from(table.get(row, "state").text());
        let total = table.get(row, "order_total").int();
        out.get_or_insert_with(customer, || History::empty(customer)).orders.insert(key.0[0].int(), (state, total));
    }
    out
}
