//! The broker's side of the world: publishing to channels, delivering
//! to subscribers in order within a partition, committing their offsets,
//! redelivering after a restart or a rebalance, and a subscriber handling
//! a delivery as one local transaction (or stopping on a handler error).

use super::*;
use crate::sim::kind::Kind;
use crate::sim::names::qualified;

/// How long a handled message waits for its offset to be committed: the
/// consumer commits at its next poll (Eventuate's Kafka consumer polls
/// every 100 ms), so a crash or a rebalance in between delivers it again.
const OFFSET_COMMIT_MS: u64 = 100;

impl World {
    pub(super) fn latency_ms(&mut self, channel: &'static str) -> u64 {
        self.latency.range(BROKER_LATENCY_MS.0, BROKER_LATENCY_MS.1) + self.broker.delay_ms.get(channel).copied().unwrap_or(0)
    }

    /// Puts a message on its channel's partition: one delivery per
    /// subscriber, behind what that subscriber has queued on the partition.
    pub(super) fn publish(&mut self, message: &Rc<Message>) -> MessageRef {
        for to in self.receivers(message.channel, message.kind, message.category) {
            let latency = self.latency_ms(message.channel);
            let delivery = self.broker.copy(message, to, self.now, self.now + latency, false);
            let last = self.broker.subscriptions[&delivery.lane()].queue.back().map_or(0, |d| d.deliver_at);
            let delivery = Delivery { deliver_at: delivery.deliver_at.max(last), ..delivery };
            self.enqueue(delivery, false);
        }
        reference(message, None, false)
    }

    /// Adds a delivery to its lane (at the back, or at the front for a
    /// redelivery) and makes sure the head is scheduled.
    pub(super) fn enqueue(&mut self, delivery: Delivery, front: bool) {
        let lane = delivery.lane();
        let sub = self.broker.subscriptions.get_mut(&lane).expect("subscription exists");
        if front {
            sub.queue.push_front(delivery);
        } else {
            sub.queue.push_back(delivery);
        }
        self.schedule_head(lane);
    }

    fn schedule_head(&mut self, lane: Lane) {
        let now = self.now;
        let ready = self.can_deliver(lane);
        let sub = self.broker.subscriptions.get_mut(&lane).expect("subscription exists");
        if sub.scheduled {
            return;
        }
        let Some(head) = sub.queue.front_mut() else { return };
        if head.waiting && !ready {
            return;
        }
        // A delivery parked behind redeliveries travels once they are through.
        head.waiting = false;
        head.deliver_at = head.deliver_at.max(now);
        let at = head.deliver_at;
        sub.scheduled = true;
        self.schedule(at, Event::Deliver(lane));
    }

    /// After a restart, reconnect or release: parked heads travel again.
    pub(super) fn wake(&mut self) {
        let parked: Vec<Lane> =
            self.broker.subscriptions.iter().filter(|(_, s)| s.queue.front().is_some_and(|d| d.waiting)).map(|(k, _)| *k).collect();
        for lane in parked {
            if !self.can_deliver(lane) {
                continue;
            }
            let at = self.now + self.latency_ms(lane.0);
            let head = self.broker.subscriptions.get_mut(&lane).and_then(|s| s.queue.front_mut()).expect("parked head");
            head.waiting = false;
            head.deliver_at = at;
            self.schedule_head(lane);
        }
    }

    pub(super) fn can_deliver(&self, (channel, to, partition): Lane) -> bool {
        let stopped = self.broker.subscriptions.get(&(channel, to, partition)).is_some_and(|s| s.stopped);
        !stopped && !self.broker.held.contains(channel) && self.services.get(&to).is_some_and(|s| s.can_consume())
    }

    pub(super) fn deliver(&mut self, lane: Lane) -> Option<Step> {
        let available = self.can_deliver(lane);
        let sub = self.broker.subscriptions.get_mut(&lane)?;
        sub.scheduled = false;
        if !available {
            sub.queue.front_mut()?.waiting = true;
            return None;
        }
        let mut delivery = sub.queue.pop_front()?;
        let step = match self.consume(lane.1, &delivery) {
            Ok(step) => step,
            Err(reason) => return Some(self.stop_consumer(delivery, &reason)),
        };
        // Handled or dropped by a consumer that checks received_messages:
        // its id is recorded there now.
        delivery.recorded = self.services[&lane.1].idempotent;
        self.broker.subscriptions.get_mut(&lane).expect("subscription exists").uncommitted.push(delivery);
        if self.rebalance_percent > 0 && self.faults.chance(self.rebalance_percent) {
            // The consumer group rebalanced before this offset was committed.
            self.redeliver_uncommitted(lane.1);
        } else {
            self.schedule_commit(lane);
        }
        self.schedule_head(lane);
        Some(step)
    }

    /// Commits the lane's offset at the consumer's next poll.
    pub(super) fn schedule_commit(&mut self, lane: Lane) {
        let sub = self.broker.subscriptions.get_mut(&lane).expect("subscription exists");
        if !sub.commit_scheduled && !sub.uncommitted.is_empty() {
            sub.commit_scheduled = true;
            let at = self.now + OFFSET_COMMIT_MS;
            self.schedule(at, Event::CommitOffsets(lane));
        }
    }

    /// The consumer commits the offset after what it handled, unless it is
    /// down, cut off or stopped: then what it handled stays uncommitted.
    /// Not a step: nothing a learner sees changes.
    pub(super) fn commit_offsets(&mut self, lane: Lane) -> Option<Step> {
        let running = self.services.get(&lane.1).is_some_and(|s| s.can_consume());
        let sub = self.broker.subscriptions.get_mut(&lane)?;
        sub.commit_scheduled = false;
        if running && !sub.stopped {
            sub.uncommitted.clear();
        }
        None
    }

    /// Every lane of `svc` starts again from its last committed offset (a
    /// restart, or its consumer group rebalancing): what it handled since
    /// comes again, first and in order. Returns those message ids.
    pub(super) fn redeliver_uncommitted(&mut self, svc: Svc) -> Vec<u64> {
        let mut again = Vec::new();
        for lane in self.broker.lanes_of(svc) {
            let handled = std::mem::take(&mut self.broker.subscriptions.get_mut(&lane).expect("lane").uncommitted);
            if handled.is_empty() {
                continue;
            }
            let at = self.now + self.latency_ms(lane.0);
            for old in handled.iter().rev() {
                let id = old.message.id;
                again.insert(again.partition_point(|x| *x < id), id);
                // The copy of a recorded message is one its consumer drops.
                let copy = Delivery { recorded: old.recorded, ..self.broker.copy(&old.message, svc, self.now, at, true) };
                self.enqueue(copy, true);
            }
        }
        again
    }

    /// A subscriber handles a delivery as one local transaction, unless its
    /// `received_messages` says it already did. An error when an event or
    /// reply handler throws: nothing commits and the consumer must stop.
    fn consume(&mut self, svc: Svc, delivery: &Delivery) -> Result<Step, String> {
        let message = &delivery.message;
        let reference = reference(message, Some(svc), delivery.duplicate);
        let service = &self.services[&svc];
        // received_messages is keyed by the subscriber id, as in Eventuate:
        // a service with several subscribers dedupes each on its own.
        let consumer = Value::Static(subscriber_id(svc, message, self.style));
        let received = Key::new(vec![consumer.clone(), Value::Message(message.id)]);
        if service.idempotent && service.db.table(RECEIVED_TABLE).rows.contains_key(&received) {
            let text = format!(
                "{svc} dropped {} {}: received_messages already has it, so this duplicate changes nothing",
                message.kind,
                message.id_text()
            );
            return Ok(self.note_about(StepKind::Drop, svc, reference, text));
        }
        let (idempotent, bug) = (service.idempotent, service.handler_bug);
        let outcome = if bug { Err("a bug in the handler".into()) } else { self.handle(svc, |db, ctx| dispatch(svc, db, ctx, message)) };
        let mut done = match outcome {
            Ok(done) => done,
            // Eventuate's command dispatcher turns a handler's exception
            // into a Failure reply, committed like any other.
            Err(reason) if message.category == Category::Command => {
                let mut tx = Tx::default();
                tx.send(self.handle(svc, |_, ctx| ctx.reply(message, Kind::Failure, false)));
                Done::new(tx, format!("the handler threw ({reason}); the command dispatcher caught it and replies Failure"))
            }
            Err(reason) => return Err(reason),
        };
        if idempotent {
            done.tx.put(RECEIVED_TABLE, received, vec![consumer, Value::Message(message.id)]);
        }
        let copy = if delivery.duplicate { " (a duplicate)" } else { "" };
        done.text = format!(
            "{svc}: handled {} {}{copy} from {} via {}: {}",
            message.kind,
            message.id_text(),
            message.from,
            message.channel,
            done.text
        );
        let mut step = self.commit(svc, done, StepKind::Handle, Some(reference));
        // A reply handled: its outcome, not that of anything the step sent.
        step.facts.success = message.succeeded().or(step.facts.success);
        Ok(step)
    }

    /// An event or reply handler threw: its transaction rolls back and the
    /// consumer stops with its offset uncommitted, so the message stays
    /// first in line and comes again when the service restarts (and stops
    /// it again while the bug is there: a poison message).
    fn stop_consumer(&mut self, mut delivery: Delivery, reason: &str) -> Step {
        let (message, to) = (Rc::clone(&delivery.message), delivery.to);
        delivery.waiting = true;
        let sub = self.broker.subscriptions.get_mut(&delivery.lane()).expect("subscription exists");
        sub.queue.push_front(delivery);
        sub.stopped = true;
        let text = format!(
            "{to}: the handler of {} {} threw ({reason}); its transaction rolled back and the consumer stopped with \
             its offset uncommitted, so {} comes again when {to} restarts",
            message.kind,
            message.id_text(),
            message.id_text()
        );
        let mut step = self.note_about(StepKind::Handle, to, reference(&message, Some(to), false), text);
        step.facts.threw = true;
        step
    }
}

/// The subscriber id a service consumes `message` under, as the example
/// applications name them (`@EventuateDomainEventHandler(subscriberId = ...)`,
/// `CommandDispatcherFactory.make(...)`, a saga type's `-consumer`).
pub(super) fn subscriber_id(svc: Svc, message: &Message, style: Style) -> &'static str {
    match (svc, message.category) {
        (Svc::OrderService, Category::Reply) => message.saga().map_or("saga-consumer", |s| qualified(style, s.saga_type.consumer_id())),
        (Svc::OrderService, Category::Command) => "orderService",
        (Svc::OrderService, _) => "customerServiceEvents",
        (Svc::CustomerService, Category::Command) => "customerCommandDispatcher",
        (Svc::CustomerService, _) => "OrderEventConsumer",
        (Svc::OrderHistoryService, _) => "customerHistoryServiceEvents",
        (Svc::ConsumerService, _) => "consumerServiceDispatcher",
        (Svc::KitchenService, _) => "kitchenServiceCommands",
        (Svc::AccountingService, _) => "accountCommandDispatcher",
        (Svc::ApiComposer, _) => "apiComposer",
    }
}

/// Routes a delivered message to the handler of its receiver.
fn dispatch(svc: Svc, db: &crate::sim::db::Database, ctx: &mut Ctx, message: &Message) -> Outcome {
    match (svc, message.category) {
        (Svc::OrderService, Category::Reply) => saga::on_reply(db, ctx, message).map(|(tx, text)| Done::new(tx, text)),
        (Svc::OrderService, Category::Command) => orders::on_command(db, ctx, message),
        (Svc::OrderService, _) => orders::on_customer_event(db, ctx, message),
        (Svc::CustomerService, Category::Command) => customers::on_command(db, ctx, message),
        (Svc::CustomerService, _) => customers::on_order_event(db, ctx, message),
        (Svc::OrderHistoryService, _) => view::on_event(db, message, ctx.view_dedup),
        (Svc::ConsumerService, _) => ftgo::consumer(db, ctx, message),
        (Svc::KitchenService, _) => ftgo::kitchen(db, ctx, message),
        (Svc::AccountingService, _) => ftgo::accounting(db, ctx, message),
        (Svc::ApiComposer, _) => Err("the API composer takes no messages".into()),
    }
}
