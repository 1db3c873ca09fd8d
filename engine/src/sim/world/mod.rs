//! The world: every service, the broker and virtual time. `step()` runs the
//! next event of the queue, ordered by (time, sequence); `act()` applies a
//! learner's action now. Both return the [`Step`] a learner sees.

use std::rc::Rc;

use serde::Serialize;

use super::action::Action;
use super::broker::{Broker, ChannelKind, Delivery, Lane};
use super::db::{Key, Value, Write, OUTBOX_COLUMNS, OUTBOX_TABLE, RECEIVED_TABLE, SAGA_TABLE};
use super::handler::{Ctx, Done, Outcome, Tx};
use super::kind::Kind;
use super::message::{Category, Message};
use super::query::{Call, Leg, QueryRecord, QuerySource};
use super::rng::Rng;
use super::service::{Service, CUSTOMER_TOPIC, ORDER_TOPIC, TICKET_TOPIC};
use super::shared::Shared;
use super::sorted::{MinQueue, SortedMap};
use super::step::{Facts, MessageRef, Step, StepKind, Written};
use super::topology::{Style, Svc};
use super::view::History;
use super::{customers, ftgo, orders, saga, view};
pub use fingerprint::{fingerprint, FingerprintHasher};

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

/// How long after a commit a log-tailing relay reads it, in ms.
const RELAY_LAG_MS: (u64, u64) = (10, 40);
/// Broker latency per delivery, in ms.
const BROKER_LATENCY_MS: (u64, u64) = (30, 90);
/// A dual write's publish follows its commit after this long, in ms.
const DUAL_WRITE_LAG_MS: (u64, u64) = (10, 30);
/// One hop of an API composer's HTTP call, in ms.
const HTTP_LATENCY_MS: (u64, u64) = (20, 60);

/// Something scheduled to happen at a virtual time: what the explorer
/// chooses among.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Event {
    Act(Action),
    RelayPoll(Svc),
    DualWrite(Svc),
    Deliver(Lane),
    CommitOffsets(Lane),
    CallArrive(u64),
}

/// What the UI shows that no table records: messages lost in a crash.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Ledger {
    /// Messages committed with the outbox off and lost in a crash:
    /// (sender, kind, message id).
    pub lost: Vec<(Svc, Kind, u64)>,
}

/// Which message is moving: one broker delivery (its delivery id, unique
/// per copy) or one leg of an API composer's call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FlightKey {
    Delivery(u64),
    Call(u64, Leg),
}

impl FlightKey {
    /// The key written as [`Display`](std::fmt::Display) writes it; none
    /// for any other text.
    pub fn parse(text: &str) -> Option<FlightKey> {
        let id = |digits: &str| digits.parse::<u64>().ok().filter(|_| digits.bytes().all(|b| b.is_ascii_digit()));
        if let Some(delivery) = text.strip_prefix('d') {
            return id(delivery).map(FlightKey::Delivery);
        }
        let call = text.strip_prefix('c')?;
        match (call.strip_suffix('q'), call.strip_suffix('r')) {
            (Some(request), _) => id(request).map(|n| FlightKey::Call(n, Leg::Request)),
            (_, Some(response)) => id(response).map(|n| FlightKey::Call(n, Leg::Response)),
            _ => None,
        }
    }
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
    pub kind: Kind,
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
    pub(crate) seed: u64,
    pub(crate) style: Style,
    /// Virtual time in ms.
    pub(crate) now: u64,
    pub(crate) services: SortedMap<Svc, Shared<Service>>,
    pub(crate) broker: Broker,
    pub(crate) calls: SortedMap<u64, Call>,
    pub(crate) queries: Vec<QueryRecord>,
    /// On: only an `APPROVED` order can be cancelled.
    pub(crate) semantic_lock: bool,
    /// Chance in percent that a subscriber's consumer group rebalances right
    /// after a handler ran, before the offset was committed, so what it
    /// handled since the last commit comes again. Drawn by fault plans.
    pub(crate) rebalance_percent: u64,
    pub(crate) ledger: Ledger,
    queue: MinQueue<(u64, u64), Event>,
    /// Scripted actions not yet run, by the same (time, sequence) keys as
    /// the queue. Shared between clones: a checkpoint of a long script
    /// copies a pointer, not every action still to come.
    script: Rc<Vec<((u64, u64), Event)>>,
    /// How many of `script`'s actions have run.
    script_done: usize,
    sequence: u64,
    next_message_id: u64,
    next_call_id: u64,
    latency: Rng,
    faults: Rng,
}

mod delivery;
mod faults;
mod fingerprint;
mod flights;
mod queries;
mod relay;

impl World {
    /// A world at time 0 with `setup`'s services and people.
    pub fn new(seed: u64, setup: &Setup) -> Self {
        let mut services = SortedMap::new();
        for svc in &setup.services {
            services.insert(*svc, Shared::new(Service::new(*svc, setup.style)));
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
            rebalance_percent: 0,
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

    // ----- what a reader of the world sees -----

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn style(&self) -> Style {
        self.style
    }

    /// Virtual time in ms.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// Every service, with its database and process state.
    pub fn services(&self) -> &SortedMap<Svc, Shared<Service>> {
        &self.services
    }

    /// The service `svc`, if this world has it.
    pub fn service(&self, svc: Svc) -> Option<&Service> {
        self.services.get(&svc).map(|s| &**s)
    }

    /// Channels, subscriptions and what is in flight.
    pub fn broker(&self) -> &Broker {
        &self.broker
    }

    /// Every query asked so far, with its answer.
    pub fn queries(&self) -> &[QueryRecord] {
        &self.queries
    }

    /// What no table records: messages a crash lost.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// How many messages have been written so far (the next one's id is
    /// one more).
    pub fn messages_written(&self) -> u64 {
        self.next_message_id
    }

    /// The chance in percent of a random rebalance after each delivery
    /// (a fault plan's); 0 in every lesson.
    pub fn rebalance_percent(&self) -> u64 {
        self.rebalance_percent
    }

    /// The service `svc`, to change directly, outside any step: to set up
    /// an experiment, or, in the checker's tests, to break a world on
    /// purpose and see the checker name what is wrong.
    pub fn service_mut(&mut self, svc: Svc) -> Option<&mut Service> {
        self.services.get_mut(&svc).map(|s| &mut **s)
    }

    /// The broker, to change directly (see [`World::service_mut`]).
    pub fn broker_mut(&mut self) -> &mut Broker {
        &mut self.broker
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
        let mut channels =
            vec![(ORDER_TOPIC, ChannelKind::EventTopic, order_topic), (CUSTOMER_TOPIC, ChannelKind::EventTopic, customer_topic)];
        let sagas = saga::SagaType::of_style(self.style);
        for svc in [Svc::OrderService, Svc::CustomerService, Svc::ConsumerService, Svc::KitchenService, Svc::AccountingService] {
            let participates = sagas.iter().any(|t| saga::definition(*t, self.style).iter().any(|s| involves(s, svc)));
            if self.has(svc) && participates {
                channels.push((svc.command_channel(), ChannelKind::CommandChannel, vec![svc]));
            }
        }
        for saga_type in sagas {
            channels.push((saga_type.reply_channel(), ChannelKind::ReplyChannel, present(&[Svc::OrderService])));
        }
        if self.style == Style::Ftgo {
            // FTGO's Ticket events; their subscribers (the order history
            // view, delivery) are not modelled.
            channels.push((TICKET_TOPIC, ChannelKind::EventTopic, Vec::new()));
        }
        for (channel, kind, subscribers) in channels {
            self.broker.add_channel(channel, kind, &subscribers);
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
        script.insert(at, (key, Event::Act(action)));
    }

    /// Whether nothing is left to happen without a learner's action.
    pub fn is_quiet(&self) -> bool {
        self.queue.is_empty() && self.script_done == self.script.len()
    }

    /// How many of the script's actions have been taken, and the actions
    /// the script has in all, in order.
    pub fn script_progress(&self) -> (usize, impl Iterator<Item = &Action> + '_) {
        let actions = self.script.iter().filter_map(|(_, event)| match event {
            Event::Act(action) => Some(action),
            _ => None,
        });
        (self.script_done, actions)
    }

    /// Whether an action still to come in the script redelivers what a
    /// consumer handled but has not committed (a restart or a rebalance).
    pub fn script_redelivers(&self) -> bool {
        self.script[self.script_done..]
            .iter()
            .any(|(_, event)| matches!(event, Event::Act(Action::Restart { .. } | Action::Rebalance { .. })))
    }

    /// Where the script's next action falls among the queue's events, by
    /// (time, sequence), if the script has one left.
    fn script_position(&self) -> Option<usize> {
        let (key, _) = self.script.get(self.script_done)?;
        Some(self.queue.iter().take_while(|(queued, _)| *queued < key).count())
    }

    /// Everything that could happen next, in the order the clock would
    /// take it: the queue's events and the script's next action (a script
    /// keeps its own order). `step()` takes the first; a search of every
    /// interleaving takes any of them with [`World::take`].
    pub fn due(&self) -> Vec<&Event> {
        let mut due: Vec<&Event> = self.queue.iter().map(|(_, event)| event).collect();
        if let Some(at) = self.script_position() {
            due.insert(at, &self.script[self.script_done].1);
        }
        due
    }

    /// Runs the event that [`World::due`] lists at `index` now, whatever
    /// its time (as if the network or a scheduler had been that much faster
    /// or slower); `None` if there is no such event. Returns the step it
    /// made, if it made a visible one.
    pub fn take(&mut self, index: usize) -> Option<Option<Step>> {
        let script_at = self.script_position();
        let (key, event) = match script_at {
            Some(at) if at == index => {
                let next = self.script[self.script_done].clone();
                self.script_done += 1;
                next
            }
            _ => self.queue.remove_nth(index - usize::from(script_at.is_some_and(|at| at < index)))?,
        };
        Some(self.run(key.0, event))
    }

    // ----- running -----

    /// Runs events until one makes a visible step; `None` once nothing is
    /// left to happen.
    pub fn step(&mut self) -> Option<Step> {
        // The clock takes the first event due, until one makes a step.
        while let Some(made) = self.take(0) {
            if made.is_some() {
                return made;
            }
        }
        None
    }

    /// Runs one event due at `time` (never before now: an event taken
    /// early by a search runs at once, one taken late at its time).
    fn run(&mut self, time: u64, event: Event) -> Option<Step> {
        self.now = self.now.max(time);
        let step = match event {
            Event::Act(action) => return Some(self.act(action)),
            Event::RelayPoll(svc) => self.relay_poll(svc),
            Event::DualWrite(svc) => self.dual_write(svc),
            Event::Deliver(lane) => self.deliver(lane),
            Event::CommitOffsets(lane) => self.commit_offsets(lane),
            Event::CallArrive(id) => self.call_arrive(id),
        };
        step.map(|step| self.observed(step))
    }

    /// Applies an action now and returns its step.
    pub fn act(&mut self, action: Action) -> Step {
        let did = action.did();
        let mut step = self.act_now(action);
        step.facts.did = Some(did);
        if matches!(did, "cancel_order" | "advance_ticket") {
            step.facts.lock = Some(self.semantic_lock);
        }
        self.observed(step)
    }

    /// A step with the facts read off the world after it (see [`Facts`]).
    fn observed(&self, mut step: Step) -> Step {
        let service = step.actor.and_then(|svc| self.services.get(&svc));
        let facts = &mut step.facts;
        // A dual write's publish says so itself (the switch may have
        // turned since its commit).
        if facts.outbox.is_none() && (!step.sent.is_empty() || step.kind == StepKind::Publish) {
            facts.outbox = service.map(|s| s.outbox_enabled);
        }
        if facts.did == Some("query_view") {
            facts.fresh = self.queries.last().map(|q| !q.stale());
        }
        if let Some(message) = &step.message {
            facts.copy = message.duplicate;
        }
        if let Some(service) = service {
            // Only business tables have a `state` column.
            let state = |w: &Written| match w.columns.contains(&"state").then(|| service.db.table(w.table).cell(&w.key, "state")) {
                Some(Some(Value::Static(state))) => Some(*state),
                _ => None,
            };
            facts.to = step.writes.iter().find_map(state);
        }
        // The saga the step's message belongs to, or the one it started.
        let saga = step.message.as_ref().and_then(|m| m.saga).map(|s| s.saga_id).or_else(|| {
            let started = step.writes.iter().find(|w| w.table == SAGA_TABLE)?;
            u64::try_from(started.key.first_int()).ok()
        });
        let sagas = self.services.get(&Svc::OrderService).map(|s| &s.db.sagas);
        facts.phase = saga.and_then(|id| sagas?.get(&id)).map(|saga| saga.progress());
        step
    }

    fn act_now(&mut self, action: Action) -> Step {
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
            view_dedup: self.services[&svc].view_dedup,
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
        Step { time_ms: self.now, kind, actor: actor.into(), message: None, sent: vec![], writes: vec![], text, facts: Facts::default() }
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
        let replied = messages.iter().find_map(Message::succeeded);
        let sends: Vec<Kind> = messages.iter().map(|m| m.kind).collect();
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
        if wrote_outbox {
            self.kick_relay(svc);
        }
        if dual_write {
            let at = now + self.latency.range(DUAL_WRITE_LAG_MS.0, DUAL_WRITE_LAG_MS.1);
            self.schedule(at, Event::DualWrite(svc));
        }
        let mut text = text;
        if dual_write {
            text.push_str(". The outbox is off: the messages wait in memory to be published");
        }
        Step {
            time_ms: now,
            kind,
            actor: Some(svc),
            message,
            sent,
            writes: touched,
            text,
            facts: Facts { success: replied, sends, ..Facts::default() },
        }
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

/// Message ids as a learner reads them: `m3, m4`.
fn ids(ids: &[u64]) -> String {
    ids.iter().map(|id| format!("m{id}")).collect::<Vec<_>>().join(", ")
}

fn reference(message: &Message, to: Option<Svc>, duplicate: bool) -> MessageRef {
    MessageRef {
        id: message.id,
        kind: message.kind,
        category: message.category,
        from: message.from,
        channel: message.channel,
        destination: match message.header_value("DESTINATION") {
            Some(Value::Static(name)) => name,
            _ => message.channel,
        },
        to,
        duplicate,
        saga: message.saga(),
    }
}
