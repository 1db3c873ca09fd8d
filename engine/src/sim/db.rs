//! A service's private database: named tables of rows a UI can show as they
//! are, and the write set of one local transaction.

use std::rc::Rc;

use serde::Serialize;

use super::documents::{CustomerView, SagaInstance, ViewOrder};
use super::message::Message;
use super::sorted::{SortedMap, SortedSet};
pub use super::value::{Key, Value};

/// A table: fixed columns and rows by primary key, in key order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [&'static str],
    pub rows: SortedMap<Key, Rc<[Value]>>,
}

impl Table {
    /// An empty table.
    pub fn new(name: &'static str, columns: &'static [&'static str]) -> Self {
        Table { name, columns, rows: SortedMap::new() }
    }

    /// The value of `column` in the row with `key`, if both exist.
    pub fn cell(&self, key: &Key, column: &str) -> Option<&Value> {
        let index = self.columns.iter().position(|c| *c == column)?;
        self.rows.get(key).map(|row| &row[index])
    }

    /// The table as text.
    fn view(&self) -> TableView {
        TableView {
            name: self.name,
            columns: self.columns.to_vec(),
            rows: self.rows.iter().map(|(k, r)| (k.to_string(), r.iter().map(Value::to_string).collect())).collect(),
        }
    }

    /// The value of `column` in `row`. Panics on a column the table lacks,
    /// which is a programming error in a handler.
    pub fn get<'r>(&self, row: &'r [Value], column: &str) -> &'r Value {
        let index = self.columns.iter().position(|c| *c == column).unwrap_or_else(|| panic!("table {} has no column {column}", self.name));
        &row[index]
    }
}

/// One write of a local transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Write {
    /// Insert or replace the row with `key`.
    Put { table: &'static str, key: Key, row: Vec<Value> },
    /// Remove the row with `key`.
    Delete { table: &'static str, key: Key },
    /// Insert or replace a saga orchestrator's `saga_instance` row.
    Saga(SagaInstance),
    /// Upsert a `customer_view` document's customer fields.
    ViewCustomer { id: i64, name: Rc<str>, credit_limit: i64 },
    /// Upsert one order inside a customer's `customer_view` document.
    ViewOrder { customer: i64, order: i64, entry: ViewOrder },
}

impl Write {
    /// The table and the key of the row this write touches.
    pub fn target(&self) -> (&'static str, Key) {
        match self {
            Write::Put { table, key, .. } | Write::Delete { table, key } => (table, key.clone()),
            Write::Saga(saga) => (SAGA_TABLE, Key::id(saga.saga_id as i64)),
            Write::ViewCustomer { id, .. } | Write::ViewOrder { customer: id, .. } => (VIEW_TABLE, Key::id(*id)),
        }
    }
}

/// The idempotent consumer's table of handled message ids.
pub const RECEIVED_TABLE: &str = "received_messages";
/// The outbox table, as Eventuate names it.
pub const OUTBOX_TABLE: &str = "message";
/// The outbox's columns, as Eventuate's `message` table has them.
pub const OUTBOX_COLUMNS: [&str; 7] = ["id", "destination", "headers", "payload", "published", "message_partition", "creation_time"];
/// The orchestrator's table of saga progress.
pub const SAGA_TABLE: &str = "saga_instance";
/// The CQRS view's documents.
pub const VIEW_TABLE: &str = "customer_view";

/// A private database. Plain tables hold business rows and
/// `received_messages`; the outbox, saga instances and view documents are
/// typed because the relay, the orchestrator and the view read them back,
/// and [`Database::render`] shows all of them the same way.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Database {
    pub tables: SortedMap<&'static str, Table>,
    /// Which typed tables this service shows ([`OUTBOX_TABLE`],
    /// [`SAGA_TABLE`], [`VIEW_TABLE`]), even while they are empty.
    pub typed: Vec<&'static str>,
    /// The outbox, by message id; rows stay after they are published.
    pub outbox: SortedMap<u64, Rc<Message>>,
    /// Ids of outbox rows whose `published` is 0 (only a polling relay
    /// ever sets it).
    pub unpublished: SortedSet<u64>,
    pub sagas: SortedMap<u64, SagaInstance>,
    pub views: SortedMap<i64, CustomerView>,
}

/// A table as text, ready to draw: what a learner sees of a database.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TableView {
    pub name: &'static str,
    pub columns: Vec<&'static str>,
    /// (row key, cells)
    pub rows: Vec<(String, Vec<String>)>,
}

impl Database {
    /// A database with these empty tables.
    pub fn with_tables(tables: &[(&'static str, &'static [&'static str])]) -> Self {
        let tables = tables.iter().map(|(name, columns)| (*name, Table::new(name, columns))).collect();
        Database { tables, ..Database::default() }
    }

    /// The table called `name`. Panics if the service has no such table,
    /// which is a programming error in a handler.
    pub fn table(&self, name: &str) -> &Table {
        self.tables.get(name).unwrap_or_else(|| panic!("no table {name}"))
    }

    /// Applies one write of a committed transaction and returns the columns
    /// whose value it changed: every column of a new or a deleted row, none
    /// of a row written again with the same values. What the UI highlights
    /// cell by cell, and how the checker tells an effect from a no-op.
    pub fn apply(&mut self, write: Write) -> Vec<&'static str> {
        // The columns whose values differ, position by position.
        fn differing<T: PartialEq>(columns: &[&'static str], old: &[T], new: &[T]) -> Vec<&'static str> {
            columns.iter().zip(old.iter().zip(new)).filter(|(_, (a, b))| a != b).map(|(c, _)| *c).collect()
        }
        match write {
            Write::Put { table, key, row } => {
                let table = self.tables.get_mut(table).unwrap_or_else(|| panic!("no table {table}"));
                debug_assert_eq!(row.len(), table.columns.len(), "row width for {}", table.name);
                let row: Rc<[Value]> = row.into();
                match table.rows.insert(key, row.clone()) {
                    Some(old) => differing(table.columns, &old, &row),
                    None => table.columns.to_vec(),
                }
            }
            // A deleted row changed in every column (it is gone); none if
            // there was no such row.
            Write::Delete { table, key } => {
                let Some(table) = self.tables.get_mut(table) else { return Vec::new() };
                match table.rows.remove(&key) {
                    Some(_) => table.columns.to_vec(),
                    None => Vec::new(),
                }
            }
            Write::Saga(saga) => {
                let cells = saga.cells();
                match self.sagas.insert(saga.saga_id, saga) {
                    Some(old) => differing(&SagaInstance::COLUMNS, &old.cells(), &cells),
                    None => SagaInstance::COLUMNS.to_vec(),
                }
            }
            Write::ViewCustomer { id, name, credit_limit } => {
                let doc = self.views.get_or_insert_with(id, || CustomerView::empty(id));
                let fresh = doc.is_empty();
                let mut changed = Vec::new();
                if doc.name.as_ref() != Some(&name) {
                    changed.push("name");
                }
                if doc.credit_limit != Some(credit_limit) {
                    changed.push("credit_limit");
                }
                doc.name = Some(name);
                doc.credit_limit = Some(credit_limit);
                if fresh {
                    CustomerView::COLUMNS.to_vec()
                } else {
                    changed
                }
            }
            Write::ViewOrder { customer, order, entry } => {
                let doc = self.views.get_or_insert_with(customer, || CustomerView::empty(customer));
                let fresh = doc.is_empty();
                let same = doc.orders.insert(order, entry.clone()).as_ref() == Some(&entry);
                match (fresh, same) {
                    (true, _) => CustomerView::COLUMNS.to_vec(),
                    (false, true) => Vec::new(),
                    (false, false) => vec!["orders"],
                }
            }
        }
    }

    /// Writes a message to the outbox, unpublished.
    pub fn add_to_outbox(&mut self, message: Message) {
        self.unpublished.insert(message.id);
        self.outbox.insert(message.id, Rc::new(message));
    }

    /// Each table with its number of rows, without formatting a cell (what
    /// a layout needs to size a box), in the order they read best: business
    /// tables, then the typed ones this service has, then
    /// `received_messages`.
    pub fn table_sizes(&self) -> impl Iterator<Item = (&'static str, usize)> + '_ {
        let plain = |received: bool| self.tables.values().filter(move |t| (t.name == RECEIVED_TABLE) == received);
        let typed = self.typed.iter().map(|name| match *name {
            OUTBOX_TABLE => (*name, self.outbox.len()),
            SAGA_TABLE => (*name, self.sagas.len()),
            _ => (*name, self.views.len()),
        });
        let count = |t: &Table| (t.name, t.rows.len());
        plain(false).map(count).chain(typed).chain(plain(true).map(count))
    }

    /// Every table as text, in the order of [`Database::table_sizes`].
    pub fn render(&self) -> Vec<TableView> {
        self.table_sizes().map(|(name, _)| self.view(name)).collect()
    }

    /// Table `name` as text (empty if this service has no such table).
    pub fn view(&self, name: &'static str) -> TableView {
        match name {
            OUTBOX_TABLE => TableView {
                name,
                columns: OUTBOX_COLUMNS.to_vec(),
                rows: self.outbox.values().map(|m| (m.id_text(), m.outbox_cells(!self.unpublished.contains(&m.id)))).collect(),
            },
            SAGA_TABLE => TableView {
                name,
                columns: SagaInstance::COLUMNS.to_vec(),
                rows: self.sagas.values().map(|s| (s.saga_id.to_string(), s.cells())).collect(),
            },
            VIEW_TABLE => TableView {
                name,
                columns: CustomerView::COLUMNS.to_vec(),
                rows: self.views.values().map(|v| (v.id.to_string(), v.cells())).collect(),
            },
            _ => self.tables.get(&name).map_or(TableView { name, columns: Vec::new(), rows: Vec::new() }, Table::view),
        }
    }
}
