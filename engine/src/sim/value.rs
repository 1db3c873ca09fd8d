//! A cell of a table and a row's primary key, as the tables show them.

use std::fmt;
use std::rc::Rc;

use serde::Serialize;

/// One cell. Ordered so that keys sort numerically (`2` before `10`).
/// Text is shared (`Rc`), so cloning a database for a checkpoint copies
/// pointers, not strings.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
#[serde(untagged)]
pub enum Value {
    Null,
    Int(i64),
    Text(Rc<str>),
    /// A message id, shown as `m12`.
    Message(u64),
    /// Text fixed in the program (a service id); cheaper than `Text` for
    /// a row written on every delivery. A column holds one kind or the other.
    Static(&'static str),
}

impl Value {
    /// The integer in this cell, or 0 for anything else.
    pub fn int(&self) -> i64 {
        match self {
            Value::Int(n) => *n,
            _ => 0,
        }
    }

    /// The text in this cell, or "" for anything else.
    pub fn text(&self) -> &str {
        match self {
            Value::Text(s) => s,
            Value::Static(s) => s,
            _ => "",
        }
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Int(n)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(Rc::from(s))
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(Rc::from(s))
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Int(i64::from(b))
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Int(n) => write!(f, "{n}"),
            Value::Text(s) => f.write_str(s),
            Value::Message(id) => write!(f, "m{id}"),
            Value::Static(s) => f.write_str(s),
        }
    }
}

/// A primary key: one or more cells (composite keys such as
/// `received_messages(consumer_id, message_id)` have two).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
pub struct Key(pub Rc<[Value]>);

impl Key {
    /// A key of these cells.
    pub fn new(cells: Vec<Value>) -> Self {
        Key(cells.into())
    }

    /// A single-integer key.
    pub fn id(id: i64) -> Self {
        Key::new(vec![Value::Int(id)])
    }

    /// The key of an outbox row: its message id.
    pub fn message(id: u64) -> Self {
        Key::new(vec![Value::Message(id)])
    }

    /// The first cell as an integer: the id of a single-integer key, the
    /// customer of `credit_reservations(customer_id, order_id)`.
    pub fn first_int(&self) -> i64 {
        self.0.first().map_or(0, Value::int)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, part) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            write!(f, "{part}")?;
        }
        Ok(())
    }
}
