//! A caption for every action a learner (or a script) can take, true in
//! every lesson, for the steps a lesson's own narration does not name: a
//! learner who crashes a service, turns the outbox off or asks a query
//! always reads what that did and why it matters.

use std::sync::OnceLock;

use super::{Narration, Rule};

/// (rule, caption), most specific first.
const CAPTIONS: [(&str, &str); 36] = [
    ("refused", "The request was refused: the service said no, and nothing was written. The log line says why."),
    ("commit?outbox=off", "The outbox is off: the rows commit, but the messages wait in the process's memory for a separate publish, which a crash can lose."),
    ("commit?did=place_order", "The order is saved, still pending, and in the same local transaction its first message is written to the outbox. Nothing has left the service yet."),
    ("commit?did=cancel_order", "The cancel is accepted: the order's new state and the message that tells the others commit together, in one local transaction."),
    ("commit?did=revise_order", "The revision is accepted: the order is marked as being revised and its saga's first command is written to the outbox, in one local transaction."),
    ("commit?did=advance_ticket", "The restaurant moves the ticket on: one local transaction in Kitchen Service, which tells no other service."),
    ("commit?did=create_customer", "Customer Service saves the new customer and, in the same transaction, CustomerCreatedEvent to its outbox, for the services that keep a copy."),
    ("query?did=query_view", "The query reads the view's own table: one local read, fast, but only as fresh as the last event the view applied."),
    ("query?did=compose_query", "The API composer asks each service that owns the data and joins their answers: always fresh, but only if every one of them answers."),
    ("fault?did=crash", "The service's process stops. Its database survives; what was only in its memory is gone, and messages for it wait in the broker."),
    ("fault?did=restart", "The service starts again and reads its channels from its last committed offsets: what it handled but had not yet committed comes again."),
    ("fault?did=crash_relay", "The relay will crash right after its next publish, before it records how far it got: after its restart it publishes that message again."),
    ("fault?did=restart_relay", "The relay starts again from the last position it saved, so a message it published since goes out again: the outbox publishes at least once."),
    ("fault?did=duplicate", "The broker will deliver this message once more: at-least-once delivery means any message can arrive twice."),
    ("fault?did=rebalance", "The consumer group rebalances: each partition restarts from its last committed offset, so what was handled but not committed comes again."),
    ("fault?did=hold_channel", "The broker holds this channel: messages pile up on it and none reaches its subscribers until it is released."),
    ("fault?did=release_channel", "The channel is released: what waited on it is delivered, in order."),
    ("fault?did=delay_channel", "This channel gets slower: later messages on it arrive later, the way a read model falls behind."),
    ("fault?did=disconnect", "The service and its relay are cut off from the broker: it keeps its data, but nothing goes out and nothing comes in."),
    ("fault?did=reconnect", "The service reaches the broker again: what waited in its outbox goes out, and what was sent to it comes in."),
    ("fault?did=outbox_off", "The outbox is off: from now on the service commits, then publishes from memory in a separate write (a dual write)."),
    ("fault?did=outbox_on", "The outbox is on: messages are rows written in the same transaction as the data, and the relay publishes them."),
    ("fault?did=relay_polling", "The relays now poll: every 500 ms each selects the outbox rows not yet published, publishes them, then marks them published."),
    ("fault?did=relay_log_tailing", "The relays tail each database's transaction log (Eventuate's default) and remember their position in it."),
    ("fault?did=idempotence_off", "The service stops checking received_messages: a message that comes twice will be handled twice."),
    ("fault?did=idempotence_on", "The service checks received_messages again: a copy of a message it already handled changes nothing."),
    ("fault?did=handler_bug_on", "A bug, on purpose: from now on every one of the service's message handlers throws an exception, whatever message comes."),
    ("fault?did=handler_bug_off", "The bug is fixed. A consumer that stopped on it resumes when the service restarts."),
    ("fault?did=view_dedup_on", "The view now skips an event not newer than the last one it applied to that order, as FTGO's view does."),
    ("fault?did=view_dedup_off", "The view applies every event it gets, in the order it gets them, as the customers-and-orders example does."),
    ("fault?did=semantic_lock_on", "The semantic lock is on: a *_PENDING state tells other requests that a saga is still working on this record."),
    ("fault?did=semantic_lock_off", "The semantic lock is off: nothing stops a request from changing a record while its saga is still running."),
    ("drop", "A copy of a message already handled: received_messages has its id, so the handler does not run and nothing changes."),
    ("query", "One of the API composer's calls moves: a request to a service that owns the data, or its answer coming back."),
    // What a learner's action sets going, where the lesson has no words
    // for it: true of every message, so a step never goes unexplained.
    ("publish", "A message goes onto the broker, which delivers it, at least once, to every service subscribed to its channel."),
    ("handle", "A message reached a subscriber, whose handler ran against that service's own database; the line below says what it changed and sent."),
];

/// The captions above as narration, read once.
pub fn narration() -> &'static [Narration] {
    static NARRATION: OnceLock<Vec<Narration>> = OnceLock::new();
    NARRATION.get_or_init(|| {
        CAPTIONS
            .iter()
            .map(|(on, text)| Narration { on: Rule::parse(on).expect("a built-in rule is valid"), text: (*text).to_string() })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use crate::sim::Action;

    /// Every action a learner can take has its own caption.
    #[test]
    fn every_action_has_a_caption() {
        for did in Action::DID {
            assert!(super::CAPTIONS.iter().any(|(on, _)| on.ends_with(&format!("did={did}"))), "no caption for {did}");
        }
    }
}
