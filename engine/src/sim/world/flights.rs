//! What the UI draws of the world besides its tables: the messages
//! moving between services, and a few typed lookups.

use super::*;
use crate::sim::states::TicketState;

impl World {
    /// How many messages are moving: broker deliveries and HTTP calls.
    pub fn messages_in_flight(&self) -> usize {
        self.broker.in_flight_count() + self.calls.len()
    }

    /// FTGO: the state of order `order`'s ticket in Kitchen Service, if it
    /// has one (what the restaurant's buttons offer depends on it).
    pub fn ticket_state(&self, order: i64) -> Option<TicketState> {
        let kitchen = self.services.get(&Svc::KitchenService)?;
        TicketState::parse(kitchen.db.tables.get("tickets")?.cell(&Key::id(order), "state")?.text())
    }

    /// The services a message of `kind` published on `channel` goes to:
    /// the channel's subscribers, and for an event only those with a
    /// handler for its kind (the others never see it).
    pub fn receivers(&self, channel: &str, kind: Kind, category: Category) -> Vec<Svc> {
        let subscribers = self.broker.channels.get(channel).map_or(&[][..], Vec::as_slice);
        subscribers.iter().copied().filter(|to| category != Category::Event || crate::sim::service::handles_event(*to, kind)).collect()
    }

    /// The message a flight carries, while it is still moving.
    pub fn flight_message(&self, key: FlightKey) -> Option<&Message> {
        match key {
            FlightKey::Delivery(id) => self.broker.in_flight().find(|d| d.id == id).map(|d| &*d.message),
            FlightKey::Call(id, leg) => self.calls.get(&id).filter(|c| c.leg == leg).map(|c| &c.message),
        }
    }

    /// Every message moving right now: broker deliveries and HTTP calls.
    pub fn flights(&self) -> Vec<Flight> {
        let deliveries = self.broker.in_flight().map(|d| Flight {
            key: FlightKey::Delivery(d.id),
            message_id: d.message.id,
            kind: d.message.kind,
            category: d.message.category,
            from: d.message.from,
            to: d.to,
            channel: d.message.channel,
            sent_at: d.sent_at,
            deliver_at: d.deliver_at,
            duplicate: d.duplicate,
            // Parked already, or will be: its receiver or channel is blocked.
            waiting: d.waiting || !self.can_deliver(d.lane()),
        });
        let calls = self.calls.values().map(|c| Flight {
            key: FlightKey::Call(c.id, c.leg),
            message_id: c.message.id,
            kind: c.message.kind,
            category: c.message.category,
            from: if c.leg == Leg::Request { Svc::ApiComposer } else { c.target },
            to: if c.leg == Leg::Request { c.target } else { Svc::ApiComposer },
            channel: "http",
            sent_at: c.sent_at,
            deliver_at: c.deliver_at,
            duplicate: false,
            waiting: false,
        });
        deliveries.chain(calls).collect()
    }
}
