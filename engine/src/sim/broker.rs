//! The message broker: channels, one ordered queue per (channel, subscriber),
//! at-least-once delivery.

use std::collections::VecDeque;
use std::rc::Rc;

use serde::Serialize;

use super::message::Message;
use super::service::Svc;
use super::sorted::{SortedMap, SortedSet};

/// One copy of a message on its way to one subscriber.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Delivery {
    /// Unique per copy; a duplicate has its own delivery id, the same message id.
    pub id: u64,
    /// Shared with the sender's outbox row and any other copy.
    pub message: Rc<Message>,
    pub to: Svc,
    pub sent_at: u64,
    pub deliver_at: u64,
    /// A second (or later) copy of a message already delivered or queued.
    pub duplicate: bool,
    /// Arrived while the subscriber could not take it; waits in the broker.
    pub waiting: bool,
}

/// A subscriber's ordered queue on one channel (a partition, in Kafka terms).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Subscription {
    pub queue: VecDeque<Delivery>,
    /// A `Deliver` event for the head is in the world's queue.
    pub scheduled: bool,
    /// The consumer stopped on a handler error with its offset uncommitted:
    /// nothing is delivered until its service restarts, and then the same
    /// message comes first.
    pub stopped: bool,
}

/// What a channel carries (Eventuate's three kinds of channel).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChannelKind {
    /// An aggregate's domain events, for any subscriber.
    EventTopic,
    /// One participant's commands.
    CommandChannel,
    /// A saga type's replies, for its orchestrator.
    ReplyChannel,
}

impl ChannelKind {
    /// The words the broker's lanes show.
    pub fn label(self) -> &'static str {
        match self {
            ChannelKind::EventTopic => "event topic",
            ChannelKind::CommandChannel => "command channel",
            ChannelKind::ReplyChannel => "reply channel",
        }
    }
}

/// Channels, who subscribes to them, and what is in flight.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Broker {
    /// Every channel this world has, with its subscribers.
    pub channels: SortedMap<&'static str, Vec<Svc>>,
    /// What each channel carries.
    pub kinds: SortedMap<&'static str, ChannelKind>,
    pub subscriptions: SortedMap<(&'static str, Svc), Subscription>,
    /// Channels that deliver nothing until released.
    pub held: SortedSet<&'static str>,
    /// Extra latency per channel, in ms.
    pub delay_ms: SortedMap<&'static str, u64>,
    next_delivery_id: u64,
}

impl Broker {
    /// Declares a channel, what it carries and its subscribers.
    pub fn add_channel(&mut self, channel: &'static str, kind: ChannelKind, subscribers: &[Svc]) {
        self.kinds.insert(channel, kind);
        self.channels.get_or_insert_with(channel, Vec::new).extend_from_slice(subscribers);
        for svc in subscribers {
            self.subscriptions.get_or_insert_with((channel, *svc), Subscription::default);
        }
    }

    /// The channel called `name`, as the broker spells it.
    pub fn channel(&self, name: &str) -> Option<&'static str> {
        self.channels.keys().copied().find(|c| *c == name)
    }

    /// A new delivery of `message` to `to`, not yet queued.
    pub fn copy(&mut self, message: &Rc<Message>, to: Svc, sent_at: u64, deliver_at: u64, duplicate: bool) -> Delivery {
        self.next_delivery_id += 1;
        Delivery { id: self.next_delivery_id, message: Rc::clone(message), to, sent_at, deliver_at, duplicate, waiting: false }
    }

    /// Every delivery in flight, in (channel, subscriber, queue) order.
    pub fn in_flight(&self) -> impl Iterator<Item = &Delivery> {
        self.subscriptions.values().flat_map(|s| s.queue.iter())
    }

    /// How many deliveries are in flight.
    pub fn in_flight_count(&self) -> usize {
        self.subscriptions.values().map(|s| s.queue.len()).sum()
    }
}
