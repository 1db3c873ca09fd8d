//! The services a scenario can run, their private schemas and their
//! process state (up or down, relay, outbox on or off).

use std::rc::Rc;

use serde::Serialize;

use super::db::{Database, OUTBOX_TABLE, RECEIVED_TABLE, SAGA_TABLE, VIEW_TABLE};
use super::kind::Kind;
use super::message::Message;
use super::topology::{Style, Svc};

/// Topic of Order aggregate events.
pub const ORDER_TOPIC: &str = "Order";
/// Topic of Customer aggregate events.
pub const CUSTOMER_TOPIC: &str = "Customer";
/// FTGO: topic of Ticket aggregate events.
pub const TICKET_TOPIC: &str = "Ticket";

/// Whether `svc` has a handler for messages of `kind` on an event topic.
/// Eventuate consumers dispatch by event type and skip types they have no
/// handler for; the broker model skips them too, to keep the trace short.
pub fn handles_event(svc: Svc, kind: Kind) -> bool {
    match svc {
        Svc::CustomerService => matches!(kind, Kind::OrderCreatedEvent | Kind::OrderCancelledEvent),
        Svc::OrderService => {
            matches!(
                kind,
                Kind::CustomerCreditReservedEvent | Kind::CustomerCreditReservationFailedEvent | Kind::CustomerValidationFailedEvent
            )
        }
        Svc::OrderHistoryService => matches!(
            kind,
            Kind::CustomerCreatedEvent
                | Kind::OrderCreatedEvent
                | Kind::OrderApprovedEvent
                | Kind::OrderRejectedEvent
                | Kind::OrderCancelledEvent
        ),
        _ => false,
    }
}

/// The business tables a service owns, by style.
pub fn schema(svc: Svc, style: Style) -> Database {
    const RECEIVED: (&str, &[&str]) = (RECEIVED_TABLE, &["consumer_id", "message_id"]);
    let tables: &[(&'static str, &'static [&'static str])] = match (svc, style) {
        (Svc::OrderService, Style::Ftgo) => &[("orders", &["id", "consumer_id", "order_total", "state"]), RECEIVED],
        (Svc::OrderService, _) => &[("orders", &["id", "customer_id", "order_total", "state", "rejection_reason"]), RECEIVED],
        (Svc::CustomerService, _) => {
            &[("customers", &["id", "name", "credit_limit"]), ("credit_reservations", &["customer_id", "order_id", "amount"]), RECEIVED]
        }
        (Svc::OrderHistoryService, _) => &[RECEIVED],
        (Svc::ConsumerService, _) => &[("consumers", &["id", "name"]), RECEIVED],
        (Svc::KitchenService, _) => &[("tickets", &["id", "order_id", "state", "previous_state"]), RECEIVED],
        (Svc::AccountingService, _) => {
            &[("accounts", &["consumer_id", "card_status"]), ("authorizations", &["order_id", "consumer_id", "amount", "state"]), RECEIVED]
        }
        (Svc::ApiComposer, _) => &[],
    };
    let mut db = Database::with_tables(tables);
    if svc.publishes() {
        db.typed.push(OUTBOX_TABLE);
    }
    if svc == Svc::OrderService && style != Style::Choreography {
        db.typed.push(SAGA_TABLE);
    }
    if svc == Svc::OrderHistoryService {
        db.typed.push(VIEW_TABLE);
    }
    db
}

/// How a relay reads the outbox: eventuate-cdc's two kinds of reader.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum RelayMode {
    /// The CDC tails the database's transaction log (MySQL binlog,
    /// Postgres WAL) and saves its position in the log; it never updates a
    /// row's `published`. Eventuate's default.
    #[default]
    LogTailing,
    /// The polling publisher: every 500 ms `SELECT ... WHERE published = 0
    /// ORDER BY id LIMIT 1000`, publish that batch, then `UPDATE ... SET
    /// published = 1`.
    Polling,
}

impl RelayMode {
    /// The name scenario files use.
    pub fn id(self) -> &'static str {
        match self {
            RelayMode::LogTailing => "log-tailing",
            RelayMode::Polling => "polling",
        }
    }

    /// The mode whose name is `id`.
    pub fn parse(id: &str) -> Option<RelayMode> {
        [RelayMode::LogTailing, RelayMode::Polling].into_iter().find(|m| m.id() == id)
    }
}

/// A service's message relay (Eventuate's CDC service for this database).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Relay {
    pub mode: RelayMode,
    pub up: bool,
    /// The relay will crash right after its next publish, before it saves
    /// its log position (or marks its batch published), so what it
    /// published is published again after the restart.
    pub crash_armed: bool,
    /// A poll is already in the event queue.
    pub poll_scheduled: bool,
    /// Log tailing: the last outbox row whose log position the CDC saved;
    /// it reads on from the row after it.
    pub position: u64,
    /// Polling: the rows the last poll found, and how many of them are
    /// published; the batch is marked published when all of them are.
    pub batch: Vec<u64>,
    pub batch_published: usize,
    /// The highest message id it ever published: a broker keeps those in
    /// its log and can deliver them again.
    pub published_up_to: u64,
}

/// A running (or crashed) service and its database.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Service {
    pub id: Svc,
    /// The process is running. Its database survives a crash.
    pub up: bool,
    /// The service can reach the broker.
    pub connected: bool,
    pub db: Database,
    pub relay: Relay,
    /// Off: the dual write. Commit, then publish from memory.
    pub outbox_enabled: bool,
    /// Off: `received_messages` is not checked, so duplicates take effect.
    pub idempotent: bool,
    /// A bug: every message handler throws.
    pub handler_bug: bool,
    /// Order History Service: skip an event not newer than the last one
    /// applied to its order, as FTGO's view does.
    pub view_dedup: bool,
    /// Dual-write messages committed but not yet published; a crash loses them.
    pub unsent: Vec<Message>,
}

impl Service {
    /// A fresh, running service with empty tables.
    pub fn new(id: Svc, style: Style) -> Self {
        Service {
            id,
            up: true,
            connected: true,
            db: schema(id, style),
            relay: Relay { up: true, ..Relay::default() },
            outbox_enabled: true,
            // The example's history view uses a no-op duplicate detector.
            idempotent: id != Svc::OrderHistoryService,
            handler_bug: false,
            view_dedup: false,
            unsent: Vec::new(),
        }
    }

    /// The outbox rows its relay has still to publish: those after its
    /// saved log position (log tailing), or those not marked published
    /// (polling).
    pub fn relay_backlog(&self) -> impl Iterator<Item = &Rc<Message>> {
        let (tailing, polling) = match self.relay.mode {
            RelayMode::LogTailing => (Some(self.db.outbox.range(&(self.relay.position + 1), &u64::MAX).map(|(_, m)| m)), None),
            RelayMode::Polling => (None, Some(self.db.unpublished.iter().map(|id| &self.db.outbox[id]))),
        };
        tailing.into_iter().flatten().chain(polling.into_iter().flatten())
    }

    /// Whether it can take a message from the broker right now.
    pub fn can_consume(&self) -> bool {
        self.up && self.connected
    }
}
