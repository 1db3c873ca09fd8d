//! What counts as the same state for a search of every interleaving: a
//! 64-bit fingerprint of the world that leaves out timing. The explorer
//! takes any pending event next, whatever its time, so virtual time, the
//! moments a message was sent or is due, the latency generator's position,
//! delivery ids and the event queue's (time, sequence) keys change no
//! possible future; two worlds that differ only in them have the same
//! fingerprint. Everything else (every row, flag, queued message and the
//! multiset of pending events) is in it.

use std::hash::{Hash, Hasher};

pub use crate::sim::shared::FingerprintHasher;

use super::*;
use crate::sim::broker::Subscription;

/// The fingerprint of anything hashable, with [`FingerprintHasher`].
pub fn fingerprint(value: &impl Hash) -> u64 {
    let mut hasher = FingerprintHasher::default();
    value.hash(&mut hasher);
    hasher.finish()
}

impl Hash for World {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Left out: seed, now, sequence and the latency generator (timing
        // only); `faults` draws only while `rebalance_percent` is set, and
        // that is in.
        self.style.hash(state);
        self.services.hash(state);
        // Scanned once: both the broker and the pending events ask it.
        let switched = self.idempotence_switched();
        self.hash_broker(state, &switched);
        self.calls.hash(state);
        self.queries.hash(state);
        self.semantic_lock.hash(state);
        self.rebalance_percent.hash(state);
        self.ledger.hash(state);
        // The pending events as a multiset: the same events scheduled in
        // another order (other keys) are the same choices. A commit of
        // nothing that could come again, and a delivery of a copy to be
        // dropped, are no events (see `hash_broker`).
        let events = self
            .queue
            .values()
            .filter(|event| match event {
                Event::CommitOffsets(lane) => self.commit_matters(*lane, &switched),
                Event::Deliver(lane) => {
                    self.broker.subscriptions.get(lane).is_some_and(|sub| !self.live_queue(lane.1, sub, &switched).is_empty())
                }
                _ => true,
            })
            .fold(0u64, |sum, event| sum.wrapping_add(fingerprint(event)));
        events.hash(state);
        self.queue.len().hash(state);
        self.script[self.script_done..].iter().for_each(|(_, event)| event.hash(state));
        self.next_message_id.hash(state);
        self.next_call_id.hash(state);
        if self.rebalance_percent > 0 {
            self.faults.hash(state);
        }
    }
}

impl World {
    /// The broker without its delivery-id counter, and each lane without
    /// the handled deliveries whose offset commit cannot matter: a
    /// delivery its idempotent consumer has recorded in `received_messages`
    /// (and will go on checking) is dropped if it comes again, so whether
    /// its offset was committed changes nothing but a dropped copy. Two
    /// states that differ only there are one state.
    fn hash_broker<H: Hasher>(&self, state: &mut H, switched: &[Svc]) {
        (&self.broker.channels, &self.broker.held, &self.broker.delay_ms).hash(state);
        for (lane, sub) in self.broker.subscriptions.iter() {
            // A copy its consumer will drop changes nothing but a step.
            let live = self.live_queue(lane.1, sub, switched);
            (lane, &live, sub.scheduled && !live.is_empty(), sub.stopped).hash(state);
            let matters = self.uncommitted_that_matters(lane.1, sub, switched);
            (&matters, sub.commit_scheduled && !matters.is_empty()).hash(state);
        }
    }

    /// A lane's queue without the copies its consumer will drop.
    fn live_queue<'a>(&self, to: Svc, sub: &'a Subscription, switched: &[Svc]) -> Vec<&'a Delivery> {
        let checks = sub.queue.iter().any(|d| d.recorded) && self.services[&to].idempotent && !switched.contains(&to);
        sub.queue.iter().filter(|d| !(checks && d.recorded)).collect()
    }

    /// What [`World::hash`] leaves out of the offsets: every handled
    /// delivery not yet committed and every commit pending, for a search
    /// that merges no states (the explorer's plain reference).
    pub fn offsets_fingerprint(&self) -> u64 {
        let lanes: Vec<(&Vec<Delivery>, bool)> = self.broker.subscriptions.values().map(|s| (&s.uncommitted, s.commit_scheduled)).collect();
        let commits = self.queue.values().filter(|e| matches!(e, Event::CommitOffsets(_))).count();
        fingerprint(&(lanes, commits))
    }

    /// Services a scripted action still to come switches idempotence for:
    /// a copy could get through their check then.
    fn idempotence_switched(&self) -> Vec<Svc> {
        let pending = self.script[self.script_done..].iter();
        pending
            .filter_map(|(_, e)| match e {
                Event::Act(Action::SetIdempotence { service, .. }) => Some(*service),
                _ => None,
            })
            .collect()
    }

    /// A lane's handled deliveries whose redelivery would change more than
    /// a dropped copy.
    fn uncommitted_that_matters<'a>(&self, to: Svc, sub: &'a Subscription, switched: &[Svc]) -> Vec<&'a Delivery> {
        if sub.uncommitted.is_empty() {
            return Vec::new();
        }
        let checks = self.services[&to].idempotent && !switched.contains(&to);
        sub.uncommitted.iter().filter(|d| !(checks && d.recorded)).collect()
    }

    /// Whether `svc` drops any copy of a message it has handled, now and
    /// for the rest of the script (it checks `received_messages`).
    pub fn drops_copies(&self, svc: Svc) -> bool {
        self.services.get(&svc).is_some_and(|s| s.idempotent) && !self.idempotence_switched().contains(&svc)
    }

    /// Whether delivering again what `svc` has handled but not committed
    /// could change more than dropped copies (a restart or a rebalance).
    pub fn redelivery_matters(&self, svc: Svc) -> bool {
        let switched = self.idempotence_switched();
        self.broker.lanes_of(svc).iter().any(|lane| self.commit_matters(*lane, &switched))
    }

    /// Whether a pending commit of `lane` commits anything that matters.
    fn commit_matters(&self, lane: Lane, switched: &[Svc]) -> bool {
        self.broker.subscriptions.get(&lane).is_some_and(|sub| !self.uncommitted_that_matters(lane.1, sub, switched).is_empty())
    }
}

/// A message without the moment it was written (`created_at` and the
/// `DATE` header).
impl Hash for Message {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let fingerprint = self.fingerprint.of(|own| {
            (self.id, self.kind, self.category, self.from, self.channel).hash(own);
            self.headers.iter().filter(|(name, _)| *name != "DATE").for_each(|header| header.hash(own));
            self.payload.hash(own);
        });
        state.write_u64(fingerprint);
    }
}

/// A delivery without its id and times.
impl Hash for Delivery {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (&self.message, self.to, self.partition, self.duplicate, self.waiting).hash(state);
    }
}

/// A call without its times.
impl Hash for Call {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.id, self.query, self.target, self.leg, &self.message, &self.answer).hash(state);
    }
}

/// A query without its times.
impl Hash for QueryRecord {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.id, self.source, self.customer, self.finished_ms.is_some(), &self.answer, &self.truth).hash(state);
        (&self.error, self.events_behind, self.outstanding, self.not_found).hash(state);
    }
}
