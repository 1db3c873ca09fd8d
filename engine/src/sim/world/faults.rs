//! Faults and settings a learner, a script or a fault plan applies:
//! crashes, relay crashes, duplicates, held and delayed channels,
//! disconnections, and the outbox, idempotence, handler-bug and semantic
//! lock switches.

use super::*;
use crate::sim::service::RelayMode;
use crate::sim::shared::Shared;

impl World {
    pub(super) fn fault(&mut self, fault: Action) -> Step {
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
                // Its consumers start again from their last committed
                // offsets: what they handled since comes again, and a
                // consumer stopped on a handler error gets the same message.
                for ((_, to, _), sub) in self.broker.subscriptions.iter_mut() {
                    sub.stopped &= *to != svc;
                }
                let again = self.redeliver_uncommitted(svc);
                self.wake();
                let mut text = format!("{svc} restarted and consumes again from its last committed offsets");
                if !again.is_empty() {
                    text.push_str(&format!(": {} handled before the crash, offset not yet committed, will come again", ids(&again)));
                }
                text
            }
            Action::CrashRelay { service: svc } => {
                let s = self.services.get_mut(&svc).expect("present");
                if !svc.publishes() || !s.relay.up || s.relay.crash_armed {
                    return self.refused(svc, format!("the relay of {svc} is not running"));
                }
                s.relay.crash_armed = true;
                let before = match s.relay.mode {
                    RelayMode::LogTailing => "it saves its log position",
                    RelayMode::Polling => "it sets published = 1",
                };
                format!("the relay of {svc} will crash after its next publish, before {before}")
            }
            Action::RestartRelay { service: svc } => {
                let s = self.services.get_mut(&svc).expect("present");
                if s.relay.up && !s.relay.crash_armed {
                    return self.refused(svc, format!("the relay of {svc} is already running"));
                }
                s.relay.up = true;
                s.relay.crash_armed = false;
                let from = match s.relay.mode {
                    RelayMode::LogTailing => format!("reads the log again after its saved position (m{})", s.relay.position),
                    RelayMode::Polling => "polls every row still published = 0".to_string(),
                };
                self.kick_relay(svc);
                format!("the relay of {svc} restarted; it {from}")
            }
            Action::Duplicate { message, to } => return self.duplicate(message, to),
            Action::Rebalance { service: svc } => {
                if self.broker.lanes_of(svc).is_empty() {
                    return self.refused(svc, format!("{svc} consumes from no channel"));
                }
                let again = self.redeliver_uncommitted(svc);
                let what = if again.is_empty() {
                    "every offset was committed, so nothing comes again".to_string()
                } else {
                    format!("{} will come again", ids(&again))
                };
                format!("the consumer group of {svc} rebalanced: each partition restarts from its last committed offset; {what}")
            }
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
                for lane in self.broker.lanes_of(svc) {
                    self.schedule_commit(lane);
                }
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
            Action::SetRelayMode { mode } => {
                if self.services.values().any(|s| !s.db.outbox.is_empty()) {
                    return self
                        .refused(None, "choose the relay before the first message: a new reader would publish the outbox again".into());
                }
                for (_, service) in self.services.iter_mut() {
                    service.relay.mode = mode;
                }
                match mode {
                    RelayMode::LogTailing => "the relays tail each database's transaction log (CDC, Eventuate's default)".into(),
                    RelayMode::Polling => "the relays poll each outbox every 500 ms for rows with published = 0".into(),
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
                    format!("a bug: {svc}'s message handlers now throw, whatever message comes")
                } else {
                    format!("{svc}'s handlers are fixed; a consumer that stopped resumes when {svc} restarts")
                }
            }
            Action::SetViewDedup { enabled } => {
                self.services.get_mut(&Svc::OrderHistoryService).expect("present").view_dedup = enabled;
                if enabled {
                    "Order History Service now skips an event not newer than the last one applied to its order (FTGO's view)".into()
                } else {
                    "Order History Service upserts every event it gets, as the example's view does".into()
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

    /// The broker delivers a message once more (at-least-once). A copy in
    /// flight is duplicated right behind itself; a message already delivered
    /// is taken again from its sender's outbox, as a broker redelivers from
    /// its log.
    pub(super) fn duplicate(&mut self, id: u64, to: Option<Svc>) -> Step {
        let in_flight: Vec<Delivery> =
            self.broker.in_flight().filter(|d| d.message.id == id && to.is_none_or(|t| t == d.to) && !d.duplicate).cloned().collect();
        let mut copies = Vec::new();
        if !in_flight.is_empty() {
            for original in in_flight {
                let copy = self.broker.copy(&original.message, original.to, original.sent_at, original.deliver_at + 1, true);
                let sub = self.broker.subscriptions.get_mut(&original.lane()).expect("subscription");
                let at = sub.queue.iter().position(|d| d.id == original.id).expect("in queue") + 1;
                sub.queue.insert(at, copy);
                copies.push(original.to);
            }
        } else {
            let published = |s: &Shared<Service>| s.db.outbox.get(&id).filter(|_| id <= s.relay.published_up_to).cloned();
            let Some(message) = self.services.values().find_map(published) else {
                return self.refused(None, format!("m{id} is neither in flight nor published from an outbox"));
            };
            let subscribers = self.broker.channels.get(message.channel).cloned().unwrap_or_default();
            for sub in subscribers.into_iter().filter(|s| to.is_none_or(|t| t == *s)) {
                let at = self.now + self.latency_ms(message.channel);
                let copy = self.broker.copy(&message, sub, self.now, at, true);
                self.enqueue(copy, false);
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
}
