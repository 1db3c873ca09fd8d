//! The world: every service, the broker and virtual time. `step()` runs the
//! next event of the queue, ordered by (time, sequence); `act()` applies a
//! learner's action now. Both return the [`Step`] a learner sees.

use std::rc::Rc;

use serde::Serialize;

use super::action::Action;
use super::broker::{Broker, Delivery};
use super::db::{Key, Value, Write, OUTBOX_COLUMNS, OUTBOX_TABLE, RECEIVED_TABLE};
use super::handler::{Ctx, Done, Outcome, Tx};
use super::message::{Category, Message};
use super::query::{Call, Leg, QueryRecord, QuerySource};
use super::rng::Rng;
use super::service::{Service, Style, Svc, CUSTOMER_TOPIC, ORDER_TOPIC};
use super::sorted::{MinQueue, SortedMap};
use super::step::{MessageRef, Step, StepKind, Written};
use super::view::History;
use super::{customers, ftgo, orders, saga, view};

/// A customer (or, in FTGO, a consumer with an account) present at the start.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub credit_limit: i64,
    /// FTGO: the state of the card on file (`VALID`, `EXPIRED`); none: no account.
    pub card_status: Option<String>,
}

/// What a world starts with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Setup {
    pub style: Style,
    pub services: Vec<Svc>,
    pub people: Vec<Person>,
}

/// Relay polling lag after a commit, in ms.
const RELAY_LAG_MS: (u64, u64) = (10, 40);
/// Broker latency per delivery, in ms.
const BROKER_LATENCY_MS: (u64, u64) = (30, 90);
/// A dual write's publish follows its commit after this long, in ms.
const DUAL_WRITE_LAG_MS: (u64, u64) = (10, 30);
/// One hop of an API composer's HTTP call, in ms.
const HTTP_LATENCY_MS: (u64, u64) = (20, 60);

/// Something scheduled to happen at a virtual time.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Event {
    Act(Action),
    RelayPoll(Svc),
    DualWrite(Svc),
    Deliver(&'static str, Svc),
    CallArrive(u64),
}

/// What the UI shows that no table records: messages lost in a crash.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ledger {
    /// Messages committed with the outbox off and lost in a crash:
    /// (sender, kind, message id).
    pub lost: Vec<(Svc, &'static str, u64)>,
}

/// Which message is moving: one broker delivery (its delivery id, unique
/// per copy) or one leg of an API composer's call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FlightKey {
    Delivery(u64),
    Call(u64, Leg),
}

/// Written `d12`, `c3q` or `c3r`: the page's `data-delivery` attribute.
impl std::fmt::Display for FlightKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FlightKey::Delivery(id) => write!(f, "d{id}"),
            FlightKey::Call(id, Leg::Request) => write!(f, "c{id}q"),
            FlightKey::Call(id, Leg::Response) => write!(f, "c{id}r"),
        }
    }
}

/// A message moving on screen: a broker delivery or an HTTP call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Flight {
    /// Unique per copy (a broker delivery or a call leg).
    #[serde(serialize_with = "as_text")]
    pub key: FlightKey,
    pub message_id: u64,
    pub kind: &'static str,
    pub category: Category,
    pub from: Svc,
    pub to: Svc,
    /// The broker channel, or "http".
    pub channel: &'static str,
    pub sent_at: u64,
    pub deliver_at: u64,
    pub duplicate: bool,
    /// Parked in the broker until the receiver or the channel is back.
    pub waiting: bool,
}

/// Everything that exists in a simulated run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct World {
    pub seed: u64,
    pub style: Style,
    /// Virtual time in ms.
    pub now: u64,
    pub services: SortedMap<Svc, Service>,
    pub broker: Broker,
    pub calls: SortedMap<u64, Call>,
    pub queries: Vec<QueryRecord>,
    /// On: only an `APPROVED` order can be cancelled.
    pub semantic_lock: bool,
    /// Chance in percent that the broker redelivers a message after its
    /// handler ran (the acknowledgement was lost). Drawn by fault plans.
    pub redeliver_percent: u64,
    pub ledger: Ledger,
    queue: MinQueue<(u64, u64), Event>,
    /// Scripted actions not yet run, by the same (time, sequence) keys as
    /// the queue. Shared between clones: a checkpoint of a long script
    /// copies a pointer, not every action still to come.
    script: Rc<Vec<((u64, u64), Action)>>,
    /// How many of `script`'s actions have run.
    script_done: usize,
    sequence: u64,
    next_message_id: u64,
    next_call_id: u64,
    latency: Rng,
    faults: Rng,
}

impl World {
    /// A world at time 0 with `setup`'s services and people.
    pub fn new(seed: u64, setup: &Setup) -> Self {
        let mut services = SortedMap::new();
        for svc in &setup.services {
            services.insert(*svc, Service::new(*svc, setup.style));
        }
        let mut world = World {
            seed,
            style: setup.style,
            now: 0,
            services,
            broker: Broker::default(),
            calls: SortedMap::new(),
            queries: Vec::new(),
            semantic_lock: true,
            redeliver_percent: 0,
            ledger: Ledger::default(),
            queue: MinQueue::default(),
            script: Rc::default(),
            script_done: 0,
            sequence: 0,
            next_message_id: 0,
            next_call_id: 0,
            latency: Rng::fork(seed, "latency"),
            faults: Rng::fork(seed, "faults"),
        };
        world.declare_channels();
        for person in &setup.people {
            world.seed_person(person);
        }
        world
    }

    fn has(&self, svc: Svc) -> bool {
        self.services.contains_key(&svc)
    }

    /// The channels of this style and who subscribes to each.
    fn declare_channels(&mut self) {
        let present = |list: &[Svc]| -> Vec<Svc> { list.iter().copied().filter(|s| self.has(*s)).collect() };
        let (order_topic, customer_topic) = match self.style {
            Style::Choreography => {
                (present(&[Svc::CustomerService, Svc::OrderHistoryService]), present(&[Svc::OrderService, Svc::OrderHistoryService]))
            }
            _ => (present(&[Svc::OrderHistoryService]), present(&[Svc::OrderHistoryService])),
        };
        let mut channels = vec![(ORDER_TOPIC, order_topic), (CUSTOMER_TOPIC, customer_topic)];
        let sagas = saga::SagaType::of_style(self.style);
        for svc in [Svc::OrderService, Svc::CustomerService, Svc::ConsumerService, Svc::KitchenService, Svc::AccountingService] {
            let participates = sagas.iter().any(|t| saga::definition(*t, self.style).iter().any(|s| involves(s, svc)));
            if self.has(svc) && participates {
                channels.push((svc.command_channel(), vec![svc]));
            }
        }
        for saga_type in sagas {
            channels.push((saga_type.reply_channel(), present(&[Svc::OrderService])));
        }
        for (channel, subscribers) in channels {
            self.broker.add_channel(channel, &subscribers);
        }
    }

    /// Puts a person's rows straight into the owning databases (and the
    /// view, as if its events were processed long ago).
    fn seed_person(&mut self, person: &Person) {
        let id = person.id;
        let mut put = |svc: Svc, table: &'static str, row: Vec<super::db::Value>| {
            if let Some(service) = self.services.get_mut(&svc) {
                service.db.apply(Write::Put { table, key: Key::id(id), row });
            }
        };
        put(Svc::CustomerService, "customers", vec![id.into(), person.name.as_str().into(), person.credit_limit.into()]);
        put(Svc::ConsumerService, "consumers", vec![id.into(), person.name.as_str().into()]);
        if let Some(card) = &person.card_status {
            put(Svc::AccountingService, "accounts", vec![id.into(), card.as_str().into()]);
        }
        if let Some(history) = self.services.get_mut(&Svc::OrderHistoryService) {
            history.db.apply(Write::ViewCustomer { id, name: Rc::from(person.name.as_str()), credit_limit: person.credit_limit });
        }
    }

    // ----- scheduling -----

    fn schedule(&mut self, at: u64, event: Event) {
        self.sequence += 1;
        self.queue.push((at, self.sequence), event);
    }

    /// Schedules a scripted action at virtual time `at_ms`.
    pub fn schedule_action(&mut self, at_ms: u64, action: Action) {
        self.sequence += 1;
        let key = (at_ms, self.sequence);
        let script = Rc::make_mut(&mut self.script);
        let at = self.script_done + script[self.script_done..].partition_point(|(k, _)| *k < key);
        script.insert(at, (key, action));
    }

    /// Whether nothing is left to happen without a learner's action.
    pub fn is_quiet(&self) -> bool {
        self.queue.is_empty() && self.script_done == self.script.len()
    }

    /// The next event due, of the queue and the script, by (time, sequence).
    fn next_event(&mut self) -> Option<((u64, u64), Event)> {
        let scripted = self.script.get(self.script_done).map(|(key, _)| *key);
        match (scripted, self.queue.peek_key()) {
            (Some(script_key), queued) if queued.is_none_or(|q| script_key < *q) => {
                let action = self.script[self.script_done].1.clone();
                self.script_done += 1;
                Some((script_key, Event::Act(action)))
            }
            _ => self.queue.pop(),
        }
    }

    // ----- running -----

    /// Runs events until one makes a visible step; `None` once nothing is
    /// left to happen.
    pub fn step(&mut self) -> Option<Step> {
        while let Some(((time, _), event)) = self.next_event() {
            debug_assert!(time >= self.now, "time never goes backwards");
            self.now = time;
            let step = match event {
                Event::Act(action) => Some(self.act(action)),
                Event::RelayPoll(svc) => self.relay_poll(svc),
                Event::DualWrite(svc) => self.dual_write(svc),
                Event::Deliver(channel, to) => self.deliver(channel, to),
                Event::CallArrive(id) => self.call_arrive(id),
            };
            if step.is_some() {
                return step;
            }
        }
        None
    }

    /// Applies an action now and returns its step.
    pub fn act(&mut self, action: Action) -> Step {
        match action {
            Action::PlaceOrder { customer, total } => self.request(Svc::OrderService, |db, ctx| orders::place(db, ctx, customer, total)),
            Action::CancelOrder { order } => self.request(Svc::OrderService, |db, ctx| orders::cancel(db, ctx, order)),
            Action::ReviseOrder { order, total } => self.request(Svc::OrderService, |db, ctx| orders::revise(db, ctx, order, total)),
            Action::AdvanceTicket { order } => {
                self.request(Svc::KitchenService, |db, ctx| ftgo::advance_ticket(db, order, ctx.semantic_lock))
            }
            Action::CreateCustomer { name, credit_limit } => {
                self.request(Svc::CustomerService, |db, ctx| customers::create(db, ctx, &name, credit_limit))
            }
            Action::QueryView { customer } => self.query_view(customer),
            Action::ComposeQuery { customer } => self.compose_query(customer),
            fault => self.fault(fault),
        }
    }

    /// A learner's request to a service: refused if the service is down or
    /// the handler says no, otherwise one local transaction.
    fn request(&mut self, svc: Svc, handler: impl FnOnce(&super::db::Database, &mut Ctx) -> Outcome) -> Step {
        let Some(service) = self.services.get(&svc) else {
            return self.refused(svc, format!("this scenario has no {}", svc.title()));
        };
        if !service.up {
            return self.refused(svc, format!("{svc} is down: the request fails and nothing is written"));
        }
        match self.handle(svc, handler) {
            Ok(mut done) => {
                done.text.insert_str(0, &format!("{svc}: "));
                self.commit(svc, done, StepKind::Commit, None)
            }
            Err(reason) => self.refused(svc, format!("{svc} refused: {reason}")),
        }
    }

    /// Runs a handler of `svc` against its own database, with a context
    /// that numbers the messages it writes. Nothing is committed here.
    fn handle<R>(&mut self, svc: Svc, handler: impl FnOnce(&super::db::Database, &mut Ctx) -> R) -> R {
        let mut ctx = Ctx {
            now: self.now,
            style: self.style,
            semantic_lock: self.semantic_lock,
            me: svc,
            next_message_id: &mut self.next_message_id,
        };
        handler(&self.services[&svc].db, &mut ctx)
    }

    fn refused(&self, actor: impl Into<Option<Svc>>, text: String) -> Step {
        self.note(StepKind::Refused, actor, text)
    }

    /// A step that writes nothing.
    fn note(&self, kind: StepKind, actor: impl Into<Option<Svc>>, text: String) -> Step {
        Step { time_ms: self.now, kind, actor: actor.into(), message: None, sent: vec![], writes: vec![], text }
    }

    /// A step about a message that writes nothing in `actor`'s tables.
    fn note_about(&self, kind: StepKind, actor: Svc, message: MessageRef, text: String) -> Step {
        Step { message: Some(message), ..self.note(kind, actor, text) }
    }

    /// Commits a local transaction: business rows, the `received_messages`
    /// entry and outbox rows together. With the outbox off, the messages are
    /// kept in memory and published by a later, separate step.
    fn commit(&mut self, svc: Svc, done: Done, kind: StepKind, message: Option<MessageRef>) -> Step {
        let Done { tx, text } = done;
        let Tx { writes, messages } = tx;
        let now = self.now;
        let service = self.services.get_mut(&svc).expect("service exists");
        // One entry per row written, with the union of its changed columns.
        let mut touched: Vec<Written> = Vec::new();
        for write in writes {
            let (table, key) = write.target();
            let changed = service.db.apply(write);
            match touched.iter_mut().find(|w| w.table == table && w.key == key) {
                Some(row) => {
                    for column in changed {
                        if !row.columns.contains(&column) {
                            row.columns.push(column);
                        }
                    }
                }
                None => touched.push(Written { table, key, columns: changed }),
            }
        }
        let sent: Vec<u64> = messages.iter().map(|m| m.id).collect();
        let dual_write = !service.outbox_enabled && !messages.is_empty();
        let mut wrote_outbox = false;
        for message in messages {
            if service.outbox_enabled {
                touched.push(Written { table: OUTBOX_TABLE, key: Key::message(message.id), columns: OUTBOX_COLUMNS.to_vec() });
                service.db.add_to_outbox(message);
                wrote_outbox = true;
            } else {
                service.unsent.push(message);
            }
        }
        let relay_idle = service.relay.up && !service.relay.poll_scheduled;
        if wrote_outbox && relay_idle {
            service.relay.poll_scheduled = true;
            let at = now + self.latency.range(RELAY_LAG_MS.0, RELAY_LAG_MS.1);
            self.schedule(at, Event::RelayPoll(svc));
        }
        if dual_write {
            let at = now + self.latency.range(DUAL_WRITE_LAG_MS.0, DUAL_WRITE_LAG_MS.1);
            self.schedule(at, Event::DualWrite(svc));
        }
        let mut text = text;
        if dual_write {
            text.push_str(". The outbox is off: the messages wait in memory to be published");
        }
        Step { time_ms: now, kind, actor: Some(svc), message, sent, writes: touched, text }
    }

    // ----- relay and dual write -----

    fn relay_poll(&mut self, svc: Svc) -> Option<Step> {
        let service = self.services.get_mut(&svc)?;
        service.relay.poll_scheduled = false;
        if !service.relay.up || !service.connected {
            return None;
        }
        let message = Rc::clone(service.db.next_unpublished()?);
        let crash = service.relay.crash_armed;
        let text = if crash {
            service.relay.up = false;
            service.relay.crash_armed = false;
            format!(
                "relay of {svc} published {} {} to {}, then crashed before marking the outbox row published",
                message.kind,
                message.id_text(),
                message.channel
            )
        } else {
            service.db.unpublished.remove(&message.id);
            format!(
                "relay of {svc} published {} {} to {} and marked its outbox row published",
                message.kind,
                message.id_text(),
                message.channel
            )
        };
        let more = service.relay.up && !service.db.unpublished.is_empty();
        if more {
            service.relay.poll_scheduled = true;
        }
        let marked = Written { table: OUTBOX_TABLE, key: Key::message(message.id), columns: vec!["published"] };
        let writes = if crash { vec![] } else { vec![marked] };
        let reference = self.publish(&message);
        if more {
            let at = self.now + self.latency.range(RELAY_LAG_MS.0, RELAY_LAG_MS.1);
            self.schedule(at, Event::RelayPoll(svc));
        }
        Some(Step { writes, ..self.note_about(StepKind::Publish, svc, reference, text) })
    }

    fn dual_write(&mut self, svc: Svc) -> Option<Step> {
        let service = self.services.get_mut(&svc)?;
        if service.unsent.is_empty() {
            return None; // lost in a crash before this publish
        }
        let message = service.unsent.remove(0);
        if !service.unsent.is_empty() {
            let at = self.now + 1;
            self.schedule(at, Event::DualWrite(svc));
        }
        let text = format!(
            "{svc} published {} {} to {} straight after its commit (dual write, no outbox)",
            message.kind,
            message.id_text(),
            message.channel
        );
        let reference = self.publish(&Rc::new(message));
        Some(self.note_about(StepKind::Publish, svc, reference, text))
    }

    // ----- broker -----

    fn latency_ms(&mut self, channel: &'static str) -> u64 {
        self.latency.range(BROKER_LATENCY_MS.0, BROKER_LATENCY_MS.1) + self.broker.delay_ms.get(channel).copied().unwrap_or(0)
    }

    /// Puts a message on its channel: one delivery per subscriber, in order.
    fn publish(&mut self, message: &Rc<Message>) -> MessageRef {
        let subscribers = self.broker.channels.get(message.channel).map_or(0, Vec::len);
        for index in 0..subscribers {
            let to = self.broker.channels[message.channel][index];
            if message.category == Category::Event && !super::service::handles_event(to, message.kind) {
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
    fn enqueue(&mut self, channel: &'static str, to: Svc, delivery: Delivery, front: bool) {
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
    fn wake(&mut self) {
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

    fn can_deliver(&self, channel: &'static str, to: Svc) -> bool {
        let stopped = self.broker.subscriptions.get(&(channel, to)).is_some_and(|s| s.stopped);
        !stopped && !self.broker.held.contains(channel) && self.services.get(&to).is_some_and(Service::can_consume)
    }

    fn deliver(&mut self, channel: &'static str, to: Svc) -> Option<Step> {
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
        let received = Key::new(vec![Value::Static(svc.id()), Value::Message(message.id)]);
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
            done.tx.put(RECEIVED_TABLE, received, vec![Value::Static(svc.id()), Value::Message(message.id)]);
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

    // ----- queries -----

    /// The truth for `customer`, as the owning services hold it now.
    pub fn truth(&self, customer: i64) -> Option<History> {
        let customers = self.services.get(&Svc::CustomerService)?;
        let orders = self.services.get(&Svc::OrderService)?;
        if self.style == Style::Ftgo {
            return None;
        }
        Some(view::project_one(&customers.db, &orders.db, customer))
    }

    /// Events the view has not applied yet: unpublished outbox rows on the
    /// topics it reads, plus deliveries queued for it.
    pub fn events_behind(&self) -> usize {
        if !self.has(Svc::OrderHistoryService) {
            return 0;
        }
        let queued: usize = self
            .broker
            .subscriptions
            .iter()
            .filter(|((_, to), _)| *to == Svc::OrderHistoryService)
            .map(|(_, s)| s.queue.iter().filter(|d| !d.duplicate).count())
            .sum();
        let unpublished: usize = self
            .services
            .values()
            .flat_map(|s| s.db.unpublished.iter().map(|id| &*s.db.outbox[id]).chain(s.unsent.iter()))
            .filter(|m| m.channel == ORDER_TOPIC || m.channel == CUSTOMER_TOPIC)
            .count();
        queued + unpublished
    }

    fn query_view(&mut self, customer: i64) -> Step {
        let svc = Svc::OrderHistoryService;
        let Some(history) = self.services.get(&svc) else {
            return self.refused(svc, "this scenario has no Order History Service".into());
        };
        if !history.up {
            return self.refused(svc, format!("{svc} is down: the query fails"));
        }
        let answer = history.db.views.get(&customer).map_or_else(|| History::empty(customer), view::CustomerView::history);
        let truth = self.truth(customer);
        let behind = self.events_behind();
        let record = QueryRecord {
            id: self.queries.len() as u64 + 1,
            source: QuerySource::View,
            customer,
            started_ms: self.now,
            finished_ms: Some(self.now),
            answer: Rc::new(answer),
            truth: truth.map(Rc::new),
            error: None,
            events_behind: behind,
            outstanding: 0,
            not_found: false,
        };
        let verdict = if record.stale() {
            let events = if behind == 1 { "event" } else { "events" };
            format!(
                "STALE, {behind} {events} behind; the owning services say {}",
                record.truth.as_deref().map(History::summary).unwrap_or_default()
            )
        } else {
            "fresh: it matches the owning services".to_string()
        };
        let text = format!("{svc} answered query {} from its view in one local read: {}. {verdict}", record.id, record.answer.summary());
        self.queries.push(record);
        self.note(StepKind::Query, svc, text)
    }

    fn compose_query(&mut self, customer: i64) -> Step {
        let svc = Svc::ApiComposer;
        if !self.has(svc) {
            return self.refused(svc, "this scenario has no API composer".into());
        }
        let id = self.queries.len() as u64 + 1;
        // The example's API gateway serves /customers/{id}/orderhistory by
        // zipping these two calls (OrderHistoryHandlers).
        let targets =
            [(Svc::CustomerService, format!("GET /customers/{customer}")), (Svc::OrderService, format!("GET /orders/customer/{customer}"))];
        let mut asked = Vec::new();
        for (target, path) in targets {
            self.next_message_id += 1;
            self.next_call_id += 1;
            let mut message = Message::new("GET", Category::Request, svc, "http").header("path", path.as_str());
            message.id = self.next_message_id;
            message.created_at = self.now;
            let at = self.now + self.latency.range(HTTP_LATENCY_MS.0, HTTP_LATENCY_MS.1);
            let call = Call {
                id: self.next_call_id,
                query: id,
                target,
                leg: Leg::Request,
                message,
                sent_at: self.now,
                deliver_at: at,
                part: None,
            };
            self.calls.insert(call.id, call);
            self.schedule(at, Event::CallArrive(self.next_call_id));
            asked.push(format!("{path} to {target}"));
        }
        self.queries.push(QueryRecord {
            id,
            source: QuerySource::Composer,
            customer,
            started_ms: self.now,
            finished_ms: None,
            answer: Rc::new(History::empty(customer)),
            truth: None,
            error: None,
            events_behind: 0,
            outstanding: asked.len(),
            not_found: false,
        });
        let text = format!("{svc} starts query {id}, GET /customers/{customer}/orderhistory: sends {}", asked.join(" and "));
        self.note(StepKind::Query, svc, text)
    }

    fn call_arrive(&mut self, id: u64) -> Option<Step> {
        let mut call = self.calls.remove(&id)?;
        match call.leg {
            Leg::Request => {
                let target = call.target;
                let up = self.services.get(&target).is_some_and(|s| s.up);
                let path = call.message.header_text("path").to_string();
                let (status, body) = match (up, self.answer_call(&call)) {
                    (false, _) => ("503 Service Unavailable", String::new()),
                    (true, None) => ("404 Not Found", String::new()),
                    (true, Some((body, part))) => {
                        call.part = Some(part);
                        ("200 OK", body)
                    }
                };
                self.next_message_id += 1;
                let mut response =
                    Message::new(status, Category::Response, target, "http").header("path", path.as_str()).field("body", body.as_str());
                response.id = self.next_message_id;
                response.created_at = self.now;
                let at = self.now + self.latency.range(HTTP_LATENCY_MS.0, HTTP_LATENCY_MS.1);
                call.leg = Leg::Response;
                let request = std::mem::replace(&mut call.message, response);
                call.sent_at = self.now;
                call.deliver_at = at;
                self.calls.insert(id, call);
                self.schedule(at, Event::CallArrive(id));
                let text = match status {
                    "200 OK" => format!("{target} answered {path}: {body}"),
                    "404 Not Found" => format!("{target} answered {path}: 404 Not Found, no such customer"),
                    _ => format!("{target} is down: {path} gets 503 Service Unavailable"),
                };
                Some(self.note_about(StepKind::Query, target, reference(&request, Some(target), false), text))
            }
            Leg::Response => Some(self.composer_receives(call)),
        }
    }

    /// What a service returns to the composer: the body as text, and the
    /// part of the answer it contributes, read from its own tables now;
    /// `None` for a customer Customer Service does not know (404).
    fn answer_call(&self, call: &Call) -> Option<(String, History)> {
        let customer = self.queries[(call.query - 1) as usize].customer;
        let truth = self.truth(customer).unwrap_or_else(|| History::empty(customer));
        let mut part = History::empty(customer);
        let body = match call.target {
            Svc::CustomerService => {
                let (Some(name), Some(limit)) = (&truth.name, truth.credit_limit) else { return None };
                part.name = truth.name.clone();
                part.credit_limit = truth.credit_limit;
                format!("{name}, credit limit {limit}")
            }
            _ => {
                part.orders = truth.orders.clone();
                let orders: Vec<String> = truth.orders.iter().map(|(id, (state, total))| format!("{id} {state} {total}")).collect();
                format!("[{}]", orders.join(", "))
            }
        };
        Some((body, part))
    }

    /// The composer takes one response. As the example's gateway zips its
    /// two calls, the first error (a 503) fails the whole query at once and
    /// a later response is dropped; a 404 from Customer Service makes the
    /// answer 404 once both calls are back.
    fn composer_receives(&mut self, call: Call) -> Step {
        let now = self.now;
        let truth_now = self.truth(self.queries[(call.query - 1) as usize].customer);
        let target = call.target;
        let status = call.message.kind;
        let body = call.message.text("body").to_string();
        let record = &mut self.queries[(call.query - 1) as usize];
        record.outstanding -= 1;
        let reference = reference(&call.message, Some(Svc::ApiComposer), false);
        if record.finished_ms.is_some() {
            let text = format!("api-composer got {status} from {target} after query {} had already failed; dropped", record.id);
            return self.note_about(StepKind::Query, Svc::ApiComposer, reference, text);
        }
        match (status, call.part) {
            ("503 Service Unavailable", _) => record.error = Some(format!("{target} is down")),
            ("404 Not Found", _) => record.not_found = true,
            // Join in memory: each service contributes its own part.
            (_, Some(part)) if target == Svc::CustomerService => {
                let answer = Rc::make_mut(&mut record.answer);
                answer.name = part.name;
                answer.credit_limit = part.credit_limit;
            }
            (_, Some(part)) => Rc::make_mut(&mut record.answer).orders = part.orders,
            (_, None) => {}
        }
        let text = if record.outstanding > 0 && record.error.is_none() {
            let body = if body.is_empty() { String::new() } else { format!(" ({body})") };
            format!("api-composer got {status} from {target}{body}; waiting for the other call")
        } else {
            record.finished_ms = Some(now);
            record.truth = truth_now.map(Rc::new);
            let latency = now - record.started_ms;
            match (&record.error, record.not_found) {
                (Some(error), _) => format!(
                    "api-composer: query {} FAILED after {latency} ms: {error}; the first error fails the whole composition, \
                     so it answers 500 without waiting for the other call",
                    record.id
                ),
                (None, true) => format!("api-composer: query {} answers 404 Not Found after {latency} ms: no such customer", record.id),
                (None, false) => {
                    format!("api-composer joined both answers for query {} in {latency} ms: {}", record.id, record.answer.summary())
                }
            }
        };
        self.note_about(StepKind::Query, Svc::ApiComposer, reference, text)
    }

    // ----- faults -----

    fn fault(&mut self, fault: Action) -> Step {
        let actor = fault.service();
        if let Some(svc) = actor.filter(|s| !self.has(*s)) {
            return self.refused(svc, format!("this scenario has no {}", svc.title()));
        }
        let text = match fault {
            Action::Crash { service: svc } => {
                let s = self.services.get_mut(&svc).expect("present");
                if !s.up {
                    return self.refused(svc, format!("{svc} is already down"));
                }
                s.up = false;
                let lost: Vec<Message> = std::mem::take(&mut s.unsent);
                self.ledger.lost.extend(lost.iter().map(|m| (svc, m.kind, m.id)));
                let mut text = format!("{svc} crashed. Its database survives; messages for it wait in the broker");
                if !lost.is_empty() {
                    let names: Vec<String> = lost.iter().map(|m| format!("{} {}", m.kind, m.id_text())).collect();
                    text.push_str(&format!(". LOST: {} was committed but never published (dual write, no outbox)", names.join(", ")));
                }
                text
            }
            Action::Restart { service: svc } => {
                let s = self.services.get_mut(&svc).expect("present");
                if s.up {
                    return self.refused(svc, format!("{svc} is already running"));
                }
                s.up = true;
                // A consumer that stopped on a handler error starts again
                // from its last committed offset: the same message first.
                let stopped: Vec<(&'static str, Svc)> =
                    self.broker.subscriptions.iter().filter(|((_, to), sub)| *to == svc && sub.stopped).map(|(k, _)| *k).collect();
                for key in stopped {
                    self.broker.subscriptions.get_mut(&key).expect("subscription exists").stopped = false;
                }
                self.wake();
                format!("{svc} restarted and consumes again")
            }
            Action::CrashRelay { service: svc } => {
                let s = self.services.get_mut(&svc).expect("present");
                if !svc.publishes() || !s.relay.up || s.relay.crash_armed {
                    return self.refused(svc, format!("the relay of {svc} is not running"));
                }
                s.relay.crash_armed = true;
                format!("the relay of {svc} will crash after its next publish, before it marks the row published")
            }
            Action::RestartRelay { service: svc } => {
                let s = self.services.get_mut(&svc).expect("present");
                if s.relay.up && !s.relay.crash_armed {
                    return self.refused(svc, format!("the relay of {svc} is already running"));
                }
                s.relay.up = true;
                s.relay.crash_armed = false;
                self.kick_relay(svc);
                format!("the relay of {svc} restarted; it publishes every row not marked published")
            }
            Action::Duplicate { message, to } => return self.duplicate(message, to),
            Action::HoldChannel { channel } | Action::ReleaseChannel { channel } | Action::DelayChannel { channel, .. }
                if self.broker.channel(&channel).is_none() =>
            {
                return self.refused(None, format!("there is no channel {channel}"));
            }
            Action::HoldChannel { channel } => {
                let channel = self.broker.channel(&channel).expect("checked");
                self.broker.held.insert(channel);
                format!("the broker holds channel {channel}: nothing on it is delivered")
            }
            Action::ReleaseChannel { channel } => {
                let channel = self.broker.channel(&channel).expect("checked");
                self.broker.held.remove(channel);
                self.wake();
                format!("the broker released channel {channel}")
            }
            Action::DelayChannel { channel, ms } => {
                let channel = self.broker.channel(&channel).expect("checked");
                self.broker.delay_ms.insert(channel, ms);
                format!("channel {channel} now takes {ms} ms longer")
            }
            Action::Disconnect { service: svc } => {
                self.services.get_mut(&svc).expect("present").connected = false;
                format!("{svc} and its relay are cut off from the broker")
            }
            Action::Reconnect { service: svc } => {
                self.services.get_mut(&svc).expect("present").connected = true;
                self.wake();
                self.kick_relay(svc);
                format!("{svc} reaches the broker again")
            }
            Action::SetOutbox { service: svc, enabled } => {
                self.services.get_mut(&svc).expect("present").outbox_enabled = enabled;
                if enabled {
                    format!("{svc} writes messages to its outbox in the same transaction again")
                } else {
                    format!("{svc} turned its outbox off: it will commit, then publish separately (a dual write)")
                }
            }
            Action::SetIdempotence { service: svc, enabled } => {
                self.services.get_mut(&svc).expect("present").idempotent = enabled;
                let verb = if enabled { "checks" } else { "no longer checks" };
                format!("{svc} {verb} received_messages before handling a message")
            }
            Action::SetHandlerBug { service: svc, enabled } => {
                self.services.get_mut(&svc).expect("present").handler_bug = enabled;
                if enabled {
                    format!("a bug: {svc}'s message handlers now throw. A command gets a Failure reply; an event stops its consumer")
                } else {
                    format!("{svc}'s handlers are fixed; a consumer that stopped resumes when {svc} restarts")
                }
            }
            Action::SetSemanticLock { enabled } => {
                self.semantic_lock = enabled;
                match (enabled, self.style) {
                    (true, _) => "semantic lock on: a *_PENDING state tells other transactions a saga is working on the record".into(),
                    (false, Style::Ftgo) => {
                        "semantic lock off: the kitchen accepts a ticket still CREATE_PENDING while its saga runs".into()
                    }
                    (false, _) => "semantic lock off: a PENDING order can be cancelled while its saga runs".into(),
                }
            }
            // Business actions are dispatched by `act` before this match.
            _ => unreachable!("fault() is only called with a fault"),
        };
        self.note(StepKind::Fault, actor, text)
    }

    fn kick_relay(&mut self, svc: Svc) {
        let s = self.services.get_mut(&svc).expect("present");
        let pending = !s.db.unpublished.is_empty();
        if s.relay.up && s.connected && pending && !s.relay.poll_scheduled {
            s.relay.poll_scheduled = true;
            let at = self.now + self.latency.range(RELAY_LAG_MS.0, RELAY_LAG_MS.1);
            self.schedule(at, Event::RelayPoll(svc));
        }
    }

    /// The broker delivers a message once more (at-least-once). A copy in
    /// flight is duplicated right behind itself; a message already delivered
    /// is taken again from its sender's outbox, as a broker redelivers from
    /// its log.
    fn duplicate(&mut self, id: u64, to: Option<Svc>) -> Step {
        let in_flight: Vec<(&'static str, Svc, Delivery)> = self
            .broker
            .in_flight()
            .filter(|d| d.message.id == id && to.is_none_or(|t| t == d.to) && !d.duplicate)
            .map(|d| (d.message.channel, d.to, d.clone()))
            .collect();
        let mut copies = Vec::new();
        if !in_flight.is_empty() {
            for (channel, to, original) in in_flight {
                let copy = self.broker.copy(&original.message, to, original.sent_at, original.deliver_at + 1, true);
                let sub = self.broker.subscriptions.get_mut(&(channel, to)).expect("subscription");
                let at = sub.queue.iter().position(|d| d.id == original.id).expect("in queue") + 1;
                sub.queue.insert(at, copy);
                copies.push(to);
            }
        } else {
            let published = |s: &Service| s.db.outbox.get(&id).filter(|_| !s.db.unpublished.contains(&id)).cloned();
            let Some(message) = self.services.values().find_map(published) else {
                return self.refused(None, format!("m{id} is neither in flight nor published from an outbox"));
            };
            let subscribers = self.broker.channels.get(message.channel).cloned().unwrap_or_default();
            for sub in subscribers.into_iter().filter(|s| to.is_none_or(|t| t == *s)) {
                let at = self.now + self.latency_ms(message.channel);
                let copy = self.broker.copy(&message, sub, self.now, at, true);
                self.enqueue(message.channel, sub, copy, false);
                copies.push(sub);
            }
        }
        if copies.is_empty() {
            return self.refused(None, format!("m{id} has no subscriber to deliver it again"));
        }
        let names: Vec<&str> = copies.iter().map(|s| s.id()).collect();
        let text = format!("the broker will deliver m{id} again to {} (at-least-once delivery)", names.join(", "));
        self.note(StepKind::Fault, None, text)
    }

    // ----- what the UI draws -----

    /// How many messages are moving: broker deliveries and HTTP calls.
    pub fn messages_in_flight(&self) -> usize {
        self.broker.in_flight_count() + self.calls.len()
    }

    /// FTGO: the state of order `order`'s ticket in Kitchen Service, if it
    /// has one (what the restaurant's buttons offer depends on it).
    pub fn ticket_state(&self, order: i64) -> Option<&str> {
        let kitchen = self.services.get(&Svc::KitchenService)?;
        kitchen.db.tables.get("tickets")?.cell(&Key::id(order), "state").map(Value::text)
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
            waiting: d.waiting || !self.can_deliver(d.message.channel, d.to),
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

fn as_text<S: serde::Serializer>(key: &FlightKey, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(key)
}

/// Whether a saga step involves `svc` as a participant.
fn involves(step: &saga::StepDef, svc: Svc) -> bool {
    let is = |i: Option<saga::Invoke>| matches!(i, Some(saga::Invoke::Participant(p, _)) if p == svc);
    is(Some(step.forward)) || is(step.compensation)
}

fn reference(message: &Message, to: Option<Svc>, duplicate: bool) -> MessageRef {
    MessageRef {
        id: message.id,
        kind: message.kind,
        category: message.category,
        from: message.from,
        channel: message.channel,
        to,
        duplicate,
        saga: message.saga(),
    }
}

/// Routes a delivered message to the handler of its receiver.
fn dispatch(svc: Svc, db: &super::db::Database, ctx: &mut Ctx, message: &Message) -> Outcome {
    match (svc, message.category) {
        (Svc::OrderService, Category::Reply) => saga::on_reply(db, ctx, message).map(|(tx, text)| Done::new(tx, text)),
        (Svc::OrderService, Category::Command) => orders::on_command(db, ctx, message),
        (Svc::OrderService, _) => orders::on_customer_event(db, ctx, message),
        (Svc::CustomerService, Category::Command) => customers::on_command(db, ctx, message),
        (Svc::CustomerService, _) => customers::on_order_event(db, ctx, message),
        (Svc::OrderHistoryService, _) => view::on_event(db, message),
        (Svc::ConsumerService, _) => ftgo::consumer(db, ctx, message),
        (Svc::KitchenService, _) => ftgo::kitchen(db, ctx, message),
        (Svc::AccountingService, _) => ftgo::accounting(db, ctx, message),
        (Svc::ApiComposer, _) => Err("the API composer takes no messages".into()),
    }
}
