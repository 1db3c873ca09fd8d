//! The message relay (the outbox's publisher) in its two modes, and the
//! dual write that publishes straight from memory when the outbox is off.

use super::*;
use crate::sim::service::RelayMode;

/// Rows one poll reads at most (eventuate-cdc's `maxEventsPerPolling`).
const POLL_BATCH: usize = 1000;
/// How often the polling publisher polls, in ms (eventuate-cdc's
/// `pollingIntervalInMilliseconds`).
const POLL_INTERVAL_MS: u64 = 500;

impl World {
    pub(super) fn relay_poll(&mut self, svc: Svc) -> Option<Step> {
        let service: &mut Service = self.services.get_mut(&svc)?;
        service.relay.poll_scheduled = false;
        if !service.relay.up || !service.connected {
            return None;
        }
        let step = match service.relay.mode {
            RelayMode::LogTailing => self.tail_log(svc),
            RelayMode::Polling => self.poll_outbox(svc),
        };
        self.kick_relay(svc);
        step
    }

    /// The CDC reads the next row from the transaction log, publishes it and
    /// saves its log position; a crash in between means the row is read
    /// and published again after the restart.
    fn tail_log(&mut self, svc: Svc) -> Option<Step> {
        let service: &mut Service = self.services.get_mut(&svc)?;
        let relay = &mut service.relay;
        let message = Rc::clone(service.db.outbox.range(&(relay.position + 1), &u64::MAX).next()?.1);
        relay.published_up_to = relay.published_up_to.max(message.id);
        let (kind, id, channel) = (message.kind, message.id_text(), message.channel);
        let text = if std::mem::take(&mut relay.crash_armed) {
            relay.up = false;
            format!(
                "the CDC of {svc} read {kind} {id} from the transaction log and published it to {channel}, then crashed \
                 before saving its log position: after a restart it reads {id} again"
            )
        } else {
            relay.position = message.id;
            format!(
                "the CDC of {svc} read {kind} {id} from the transaction log, published it to {channel} and saved its log \
                 position"
            )
        };
        let reference = self.publish(&message);
        Some(self.note_about(StepKind::Publish, svc, reference, text))
    }

    /// The polling publisher: a poll selects the rows still `published = 0`
    /// (oldest first, at most a batch), each step publishes one of them, and
    /// after the last one a single update marks the whole batch published.
    /// A crash before that update leaves every row of the batch to be
    /// published again.
    fn poll_outbox(&mut self, svc: Svc) -> Option<Step> {
        let service: &mut Service = self.services.get_mut(&svc)?;
        let relay = &mut service.relay;
        let polled = relay.batch.is_empty();
        if polled {
            relay.batch = service.db.unpublished.iter().take(POLL_BATCH).copied().collect();
            relay.batch_published = 0;
        }
        let message = Rc::clone(&service.db.outbox[relay.batch.get(relay.batch_published)?]);
        relay.batch_published += 1;
        relay.published_up_to = relay.published_up_to.max(message.id);
        let (done, size) = (relay.batch_published, relay.batch.len());
        let mut text = format!("the polling relay of {svc} ");
        if polled {
            text.push_str(&format!("selected the outbox rows with published = 0 ({}), then ", ids(&relay.batch)));
        }
        text.push_str(&format!("published {} {} to {}", message.kind, message.id_text(), message.channel));
        if size > 1 {
            text.push_str(&format!(" ({done} of {size})"));
        }
        let mut writes = Vec::new();
        if std::mem::take(&mut relay.crash_armed) {
            relay.up = false;
            let batch = std::mem::take(&mut relay.batch);
            text.push_str(&format!(
                ", then crashed before setting published = 1: after a restart it publishes {} again",
                ids(&batch[..done])
            ));
        } else if done == size {
            let batch = std::mem::take(&mut relay.batch);
            text.push_str(&format!(", then set published = 1 on {}", ids(&batch)));
            for id in batch {
                service.db.unpublished.remove(&id);
                writes.push(Written { table: OUTBOX_TABLE, key: Key::message(id), columns: vec!["published"] });
            }
        }
        let reference = self.publish(&message);
        Some(Step { writes, ..self.note_about(StepKind::Publish, svc, reference, text) })
    }

    pub(super) fn dual_write(&mut self, svc: Svc) -> Option<Step> {
        let service: &mut Service = self.services.get_mut(&svc)?;
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
        let mut step = self.note_about(StepKind::Publish, svc, reference, text);
        step.facts.outbox = Some(false);
        Some(step)
    }

    /// Schedules the relay's next read if it has work and none is
    /// scheduled: soon after a commit when it tails the log, at the next
    /// poll when it polls (right away within a batch).
    pub(super) fn kick_relay(&mut self, svc: Svc) {
        let s = self.services.get_mut(&svc).expect("present");
        if !s.relay.up || !s.connected || s.relay.poll_scheduled || s.relay_backlog().next().is_none() {
            return;
        }
        s.relay.poll_scheduled = true;
        let at = match s.relay.mode {
            RelayMode::LogTailing => self.now + self.latency.range(RELAY_LAG_MS.0, RELAY_LAG_MS.1),
            RelayMode::Polling if !s.relay.batch.is_empty() => self.now + 1,
            RelayMode::Polling => (self.now / POLL_INTERVAL_MS + 1) * POLL_INTERVAL_MS,
        };
        self.schedule(at, Event::RelayPoll(svc));
    }
}
