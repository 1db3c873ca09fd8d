//! What every handler works with: a context that numbers new messages, and
//! the write set of one local transaction.

use super::correlation::{SagaType, REPLY_SAGA_ID, REPLY_SAGA_TYPE};
use super::db::{Database, Key, Value, Write};
use super::kind::Kind;
use super::message::{Category, Message};
use super::names::{qualified, short};
use super::topology::{Style, Svc};

/// The world as a handler may see it: no other service's data.
pub struct Ctx<'a> {
    pub now: u64,
    pub style: Style,
    /// Off: cancelling a `PENDING` order is allowed (the isolation anomaly).
    pub semantic_lock: bool,
    /// Order History Service skips an event not newer than the last one
    /// applied to its order (FTGO's view); off, it upserts whatever comes
    /// (the customers-and-orders example's view).
    pub view_dedup: bool,
    pub me: Svc,
    pub(crate) next_message_id: &'a mut u64,
}

impl Ctx<'_> {
    /// A new message from this service, numbered now (Eventuate assigns the
    /// id when the message is written, before the transaction commits), with
    /// the headers Eventuate's producer adds to every message.
    pub fn message(&mut self, kind: Kind, category: Category, channel: &'static str) -> Message {
        *self.next_message_id += 1;
        let mut message = Message::new(kind, category, self.me, channel);
        message.id = *self.next_message_id;
        message.created_at = self.now;
        let id = Value::Message(message.id);
        message.header("ID", id).static_header("DESTINATION", qualified(self.style, channel)).header("DATE", self.now as i64)
    }

    /// A domain event about aggregate `aggregate` with id `id`.
    pub fn event(&mut self, kind: Kind, topic: &'static str, id: i64) -> Message {
        // Events are partitioned by aggregate, so one aggregate's events
        // keep their order; commands and replies get no partition key.
        self.message(kind, Category::Event, topic)
            .header("PARTITION_ID", id)
            .static_header("event-aggregate-type", topic)
            .header("event-aggregate-id", id)
            .static_header("event-type", kind.name())
    }

    /// A reply to `command`, sent to the channel its `command_reply_to`
    /// names, with the saga's correlation headers copied from it.
    pub fn reply(&mut self, command: &Message, kind: Kind, success: bool) -> Message {
        let reply_to = command.header_text("command_reply_to");
        let saga_type = SagaType::ALL.into_iter().find(|t| short(reply_to) == t.reply_channel()).unwrap_or(SagaType::CreateOrderSaga);
        self.message(kind, Category::Reply, saga_type.reply_channel())
            .static_header("reply_type", kind.name())
            .static_header("reply_outcome-type", if success { "SUCCESS" } else { "FAILURE" })
            .header("reply_to_message_id", Value::Message(command.id))
            .static_header(REPLY_SAGA_TYPE, qualified(self.style, saga_type.name()))
            .header(REPLY_SAGA_ID, command.header_int("command_saga_id"))
    }
}

/// The writes and outgoing messages of one local transaction. They commit
/// together or, when the handler returns an error, not at all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tx {
    pub writes: Vec<Write>,
    pub messages: Vec<Message>,
}

impl Tx {
    /// Inserts or replaces a row.
    pub fn put(&mut self, table: &'static str, key: Key, row: Vec<Value>) {
        self.writes.push(Write::Put { table, key, row });
    }

    /// Deletes a row.
    pub fn delete(&mut self, table: &'static str, key: Key) {
        self.writes.push(Write::Delete { table, key });
    }

    /// Adds an outgoing message (an outbox row, or a dual write).
    pub fn send(&mut self, message: Message) {
        self.messages.push(message);
    }

    /// Whether the transaction changes anything.
    pub fn is_empty(&self) -> bool {
        self.writes.is_empty() && self.messages.is_empty()
    }
}

/// A handler's result: the transaction to commit and a sentence that says
/// what the service decided and why.
#[derive(Debug)]
pub struct Done {
    pub tx: Tx,
    pub text: String,
}

impl Done {
    /// A decision with its transaction.
    pub fn new(tx: Tx, text: impl Into<String>) -> Self {
        Done { tx, text: text.into() }
    }

    /// A saga participant's answer: its transaction with `reply` added, and
    /// a sentence that ends with the reply it sends.
    pub fn replying(mut tx: Tx, reply: Message, text: impl std::fmt::Display) -> Self {
        let kind = reply.kind;
        tx.send(reply);
        Done { tx, text: format!("{text}; replies {kind}") }
    }

    /// A message that changes nothing (already handled, or out of date).
    pub fn nothing(text: impl Into<String>) -> Self {
        Done { tx: Tx::default(), text: text.into() }
    }
}

/// A handler's outcome: done, or refused with a reason the UI shows.
pub type Outcome = Result<Done, String>;

/// The next free integer id in `table` (its largest first key cell + 1).
pub fn next_id(db: &Database, table: &str) -> i64 {
    db.table(table).rows.keys().next_back().map_or(1, |k| k.0[0].int() + 1)
}
