//! The message relay (the outbox's publisher) and the dual write that
//! publishes straight from memory when the outbox is off.

use super::*;

impl World {
    pub(super) fn relay_poll(&mut self, svc: Svc) -> Option<Step> {
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

    pub(super) fn dual_write(&mut self, svc: Svc) -> Option<Step> {
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

    pub(super) fn kick_relay(&mut self, svc: Svc) {
        let s = self.services.get_mut(&svc).expect("present");
        let pending = !s.db.unpublished.is_empty();
        if s.relay.up && s.connected && pending && !s.relay.poll_scheduled {
            s.relay.poll_scheduled = true;
            let at = self.now + self.latency.range(RELAY_LAG_MS.0, RELAY_LAG_MS.1);
            self.schedule(at, Event::RelayPoll(svc));
        }
    }
}
