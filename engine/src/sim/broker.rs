//! The message broker: channels of partitions, one ordered queue per
//! (channel, subscriber, partition), at-least-once delivery and the
//! consumer offsets that make it so.

use std::collections::VecDeque;
use std::rc::Rc;

use serde::Serialize;

use super::message::Message;
use super::rng::Rng;
use super::sorted::{SortedMap, SortedSet};
use super::topology::Svc;

/// Partitions per channel. Kafka keeps order only within a partition, so
/// two are enough to let messages of different aggregates overtake each
/// other, as they do in production.
pub const PARTITIONS: u8 = 2;

/// One subscriber's partition of a channel: what a consumer reads in order.
pub type Lane = (&'static str, Svc, u8);

/// The partition a message goes to: the hash of its key, which is the
/// `PARTITION_ID` header (the aggregate id, on events) or else the message
/// id (commands and replies), as Eventuate's producer keys its records.
pub fn partition_of(message: &Message) -> u8 {
    let key = message.header_value("PARTITION_ID").map_or(message.id, |id| id.int() as u64);
    (Rng::new(key).next_u64() % u64::from(PARTITIONS)) as u8
}

/// One copy of a message on its way to one subscriber.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Delivery {
    /// Unique per copy; a duplicate has its own delivery id, the same message id.
    pub id: u64,
    /// Shared with the sender's outbox row and any other copy.
    pub message: Rc<Message>,
    pub to: Svc,
    pub partition: u8,
    pub sent_at: u64,
    pub deliver_at: u64,
    /// A second (or later) copy of a message already delivered or queued.
    pub duplicate: bool,
    /// Arrived while the subscriber could not take it; waits in the broker.
    pub waiting: bool,
    /// Its consumer recorded the message in `received_messages` (it
    /// handled this delivery, or the one this is a copy of, checking):
    /// if it comes (again), that consumer, checking still, drops it.
    pub recorded: bool,
}

impl Delivery {
    /// The queue it travels in.
    pub fn lane(&self) -> Lane {
        (self.message.channel, self.to, self.partition)
    }
}

/// A subscriber's ordered queue on one partition of a channel, and its
/// consumer offset.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Subscription {
    pub queue: VecDeque<Delivery>,
    /// A `Deliver` event for the head is in the world's queue.
    pub scheduled: bool,
    /// Handled, but the offset after them is not committed yet (the
    /// consumer commits at its next poll): a restart or a rebalance
    /// delivers all of them again.
    pub uncommitted: Vec<Delivery>,
    /// A `CommitOffsets` event for this lane is in the world's queue.
    pub commit_scheduled: bool,
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
    pub subscriptions: SortedMap<Lane, Subscription>,
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
            for partition in 0..PARTITIONS {
                self.subscriptions.get_or_insert_with((channel, *svc, partition), Subscription::default);
            }
        }
    }

    /// The channel called `name`, as the broker spells it.
    pub fn channel(&self, name: &str) -> Option<&'static str> {
        self.channels.keys().copied().find(|c| *c == name)
    }

    /// A new delivery of `message` to `to` on its partition, not yet queued.
    pub fn copy(&mut self, message: &Rc<Message>, to: Svc, sent_at: u64, deliver_at: u64, duplicate: bool) -> Delivery {
        self.next_delivery_id += 1;
        let partition = partition_of(message);
        let message = Rc::clone(message);
        Delivery { id: self.next_delivery_id, message, to, partition, sent_at, deliver_at, duplicate, waiting: false, recorded: false }
    }

    /// The lanes `svc` consumes from, one per channel partition.
    pub fn lanes_of(&self, svc: Svc) -> Vec<Lane> {
        self.subscriptions.keys().copied().filter(|(_, to, _)| *to == svc).collect()
    }

    /// Every delivery in flight, in (channel, subscriber, partition, queue) order.
    pub fn in_flight(&self) -> impl Iterator<Item = &Delivery> {
        self.subscriptions.values().flat_map(|s| s.queue.iter())
    }

    /// How many deliveries are in flight.
    pub fn in_flight_count(&self) -> usize {
        self.subscriptions.values().map(|s| s.queue.len()).sum()
    }
}
