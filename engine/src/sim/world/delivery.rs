//! The broker's side of the world: publishing to channels, delivering
//! to subscribers in order, and a subscriber handling a delivery as one
//! local transaction (or stopping on a handler error).

use super::*;

impl World {
    pub(super) fn latency_ms(&mut self, channel: &'static str) -> u64 {
        self.latency.range(BROKER_LATENCY_MS.0, BROKER_LATENCY_MS.1) + self.broker.delay_ms.get(channel).copied().unwrap_or(0)
    }

    /// Puts a message on its channel: one delivery per subscriber, in order.
    pub(super) fn publish(&mut self, message: &Rc<Message>) -> MessageRef {
        let subscribers = self.broker.channels.get(message.channel).map_or(0, Vec::len);
        for index in 0..subscribers {
            let to = self.broker.channels[message.channel][index];
            if message.category == Category::Event && !crate::sim::service::handles_event(to, message.kind) {
                continue;
            }
            let latency = self.latency_ms(message.channel);
            let last = self.broker.subscriptions[&(message.channel, to)].queue.back().map_or(0, |d| d.deliver_at);
            let deliver_at = (self.now + latency).max(last);
            let delivery = self.broker.copy(message, to, self.now, deliver_at, false);
            self.enqueue(message.channel, to, delivery, false);
        }
        reference(message, None, false)
    }

    /// Adds a delivery to a subscription (at the back, or right behind the
    /// head for a redelivery) and makes sure the head is scheduled.
    pub(super) fn enqueue(&mut self, channel: &'static str, to: Svc, delivery: Delivery, front: bool) {
        let sub = self.broker.subscriptions.get_mut(&(channel, to)).expect("subscription exists");
        if front {
            sub.queue.push_front(delivery);
        } else {
            sub.queue.push_back(delivery);
        }
        self.schedule_head(channel, to);
    }

    fn schedule_head(&mut self, channel: &'static str, to: Svc) {
        let now = self.now;
        let sub = self.broker.subscriptions.get_mut(&(channel, to)).expect("subscription exists");
        if sub.scheduled {
            return;
        }
        let Some(head) = sub.queue.front_mut() else { return };
        if head.waiting {
            return;
        }
        head.deliver_at = head.deliver_at.max(now);
        let at = head.deliver_at;
        sub.scheduled = true;
        self.schedule(at, Event::Deliver(channel, to));
    }

    /// After a restart, reconnect or release: parked heads travel again.
    pub(super) fn wake(&mut self) {
        let parked: Vec<(&'static str, Svc)> =
            self.broker.subscriptions.iter().filter(|(_, s)| s.queue.front().is_some_and(|d| d.waiting)).map(|(k, _)| *k).collect();
        for (channel, to) in parked {
            if !self.can_deliver(channel, to) {
                continue;
            }
            let at = self.now + self.latency_ms(channel);
            let head = self.broker.subscriptions.get_mut(&(channel, to)).and_then(|s| s.queue.front_mut()).expect("parked head");
            head.waiting = false;
            head.deliver_at = at;
            self.schedule_head(channel, to);
        }
    }

    pub(super) fn can_deliver(&self, channel: &'static str, to: Svc) -> bool {
        let stopped = self.broker.subscriptions.get(&(channel, to)).is_some_and(|s| s.stopped);
        !stopped && !self.broker.held.contains(channel) && self.services.get(&to).is_some_and(Service::can_consume)
    }

    pub(super) fn deliver(&mut self, channel: &'static str, to: Svc) -> Option<Step> {
        let available = self.can_deliver(channel, to);
        let sub = self.broker.subscriptions.get_mut(&(channel, to))?;
        sub.scheduled = false;
        if !available {
            sub.queue.front_mut()?.waiting = true;
            return None;
        }
        let delivery = sub.queue.pop_front()?;
        let step = match self.consume(to, &delivery) {
            Ok(step) => step,
            Err(reason) => return Some(self.stop_consumer(channel, to, delivery, &reason)),
        };
        if self.redeliver_percent > 0 && self.faults.chance(self.redeliver_percent) {
            // The acknowledgement was lost: the broker delivers it again.
            let at = self.now + self.latency_ms(channel);
            let again = self.broker.copy(&delivery.message, to, self.now, at, true);
            self.enqueue(channel, to, again, true);
        } else {
            self.schedule_head(channel, to);
        }
        Some(step)
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
        let consumer = Value::Static(subscriber_id(svc, message));
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
                tx.send(self.handle(svc, |_, ctx| ctx.reply(message, "Failure", false)));
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
        Ok(self.commit(svc, done, StepKind::Handle, Some(reference)))
    }

    /// An event or reply handler threw: its transaction rolls back and the
    /// consumer stops with its offset uncommitted, so the message stays
    /// first in line and comes again when the service restarts (and stops
    /// it again while the bug is there: a poison message).
    fn stop_consumer(&mut self, channel: &'static str, to: Svc, mut delivery: Delivery, reason: &str) -> Step {
        let message = Rc::clone(&delivery.message);
        delivery.waiting = true;
        let sub = self.broker.subscriptions.get_mut(&(channel, to)).expect("subscription exists");
        sub.queue.push_front(delivery);
        sub.stopped = true;
        let text = format!(
            "{to}: the handler of {} {} threw ({reason}); its transaction rolled back and the consumer stopped with \
             its offset uncommitted, so {} comes again when {to} restarts",
            message.kind,
            message.id_text(),
            message.id_text()
        );
        self.note_about(StepKind::Handle, to, reference(&message, Some(to), false), text)
    }
}

/// The subscriber id a service consumes `message` under, as the example
/// applications name them (`@EventuateDomainEventHandler(subscriberId = ...)`,
/// `CommandDispatcherFactory.make(...)`, a saga type's `-consumer`).
fn subscriber_id(svc: Svc, message: &Message) -> &'static str {
    match (svc, message.category) {
        (Svc::OrderService, Category::Reply) => message.saga().map_or("saga-consumer", |s| s.saga_type.consumer_id()),
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
