//! What a learner, a script or a random fault plan can do to the world.

use super::service::RelayMode;
use super::topology::Svc;

/// A user action or a fault. Scenario files spell them
/// `{"do": "place_order", "customer": 1, "total": 60}` (see
/// `scenarios::script`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    PlaceOrder {
        customer: i64,
        total: i64,
    },
    CancelOrder {
        order: i64,
    },
    /// FTGO: a new total for an approved order (a `ReviseOrderSaga`).
    ReviseOrder {
        order: i64,
        total: i64,
    },
    /// FTGO: the restaurant accepts the order's ticket, or, once accepted,
    /// starts preparing it (a `PREPARING` ticket can no longer be cancelled).
    AdvanceTicket {
        order: i64,
    },
    CreateCustomer {
        name: String,
        credit_limit: i64,
    },
    /// Stop a service's process; its database and relay keep running.
    Crash {
        service: Svc,
    },
    Restart {
        service: Svc,
    },
    /// The relay crashes after its next publish, before it saves its log
    /// position (or marks its batch published).
    CrashRelay {
        service: Svc,
    },
    RestartRelay {
        service: Svc,
    },
    /// The broker delivers message `message` (its id, as in `m5`) once more,
    /// to `to` or to every subscriber.
    Duplicate {
        message: u64,
        to: Option<Svc>,
    },
    /// The consumer group of `service` rebalances: every partition it reads
    /// restarts from its last committed offset.
    Rebalance {
        service: Svc,
    },
    HoldChannel {
        channel: String,
    },
    ReleaseChannel {
        channel: String,
    },
    /// Adds `ms` of latency to every later delivery on the channel.
    DelayChannel {
        channel: String,
        ms: u64,
    },
    /// Cut the service (and its relay) off the broker.
    Disconnect {
        service: Svc,
    },
    Reconnect {
        service: Svc,
    },
    /// Off: the dual write (commit, then publish from memory).
    SetOutbox {
        service: Svc,
        enabled: bool,
    },
    /// How every relay reads its outbox; only before the first message.
    SetRelayMode {
        mode: RelayMode,
    },
    /// Off: the service stops checking `received_messages`.
    SetIdempotence {
        service: Svc,
        enabled: bool,
    },
    /// On: the service's message handlers throw (a bug), so a command gets
    /// a `Failure` reply and an event stops its consumer.
    SetHandlerBug {
        service: Svc,
        enabled: bool,
    },
    /// On: Order History Service skips an event not newer than the last one
    /// applied to its order (FTGO's view); off, it upserts what comes.
    SetViewDedup {
        enabled: bool,
    },
    /// Off: a `PENDING` order may be cancelled (no countermeasure).
    SetSemanticLock {
        enabled: bool,
    },
    /// Ask Order History Service for a customer's order history.
    QueryView {
        customer: i64,
    },
    /// Ask the API composer, which calls the owning services.
    ComposeQuery {
        customer: i64,
    },
}

impl Action {
    /// What the action did, as a caption rule names it (`did=crash`): its
    /// script verb, a switch with the way it was turned (`outbox_off`).
    pub fn did(&self) -> &'static str {
        let switch = |on: bool, names: [&'static str; 2]| names[usize::from(on)];
        match self {
            Action::PlaceOrder { .. } => "place_order",
            Action::CancelOrder { .. } => "cancel_order",
            Action::ReviseOrder { .. } => "revise_order",
            Action::AdvanceTicket { .. } => "advance_ticket",
            Action::CreateCustomer { .. } => "create_customer",
            Action::Crash { .. } => "crash",
            Action::Restart { .. } => "restart",
            Action::CrashRelay { .. } => "crash_relay",
            Action::RestartRelay { .. } => "restart_relay",
            Action::Duplicate { .. } => "duplicate",
            Action::Rebalance { .. } => "rebalance",
            Action::HoldChannel { .. } => "hold_channel",
            Action::ReleaseChannel { .. } => "release_channel",
            Action::DelayChannel { .. } => "delay_channel",
            Action::Disconnect { .. } => "disconnect",
            Action::Reconnect { .. } => "reconnect",
            Action::SetOutbox { enabled, .. } => switch(*enabled, ["outbox_off", "outbox_on"]),
            Action::SetRelayMode { mode: RelayMode::Polling } => "relay_polling",
            Action::SetRelayMode { mode: RelayMode::LogTailing } => "relay_log_tailing",
            Action::SetIdempotence { enabled, .. } => switch(*enabled, ["idempotence_off", "idempotence_on"]),
            Action::SetHandlerBug { enabled, .. } => switch(*enabled, ["handler_bug_off", "handler_bug_on"]),
            Action::SetViewDedup { enabled } => switch(*enabled, ["view_dedup_off", "view_dedup_on"]),
            Action::SetSemanticLock { enabled } => switch(*enabled, ["semantic_lock_off", "semantic_lock_on"]),
            Action::QueryView { .. } => "query_view",
            Action::ComposeQuery { .. } => "compose_query",
        }
    }

    /// Every name [`Action::did`] gives, for checking a rule that names one.
    pub const DID: [&'static str; 30] = [
        "place_order",
        "cancel_order",
        "revise_order",
        "advance_ticket",
        "create_customer",
        "crash",
        "restart",
        "crash_relay",
        "restart_relay",
        "duplicate",
        "rebalance",
        "hold_channel",
        "release_channel",
        "delay_channel",
        "disconnect",
        "reconnect",
        "outbox_off",
        "outbox_on",
        "relay_polling",
        "relay_log_tailing",
        "idempotence_off",
        "idempotence_on",
        "handler_bug_off",
        "handler_bug_on",
        "view_dedup_off",
        "view_dedup_on",
        "semantic_lock_off",
        "semantic_lock_on",
        "query_view",
        "compose_query",
    ];

    /// The service this action is about, if it names one.
    pub fn service(&self) -> Option<Svc> {
        match self {
            Action::Crash { service }
            | Action::Restart { service }
            | Action::CrashRelay { service }
            | Action::RestartRelay { service }
            | Action::Rebalance { service }
            | Action::Disconnect { service }
            | Action::Reconnect { service }
            | Action::SetOutbox { service, .. }
            | Action::SetIdempotence { service, .. }
            | Action::SetHandlerBug { service, .. } => Some(*service),
            Action::PlaceOrder { .. } | Action::CancelOrder { .. } | Action::ReviseOrder { .. } => Some(Svc::OrderService),
            Action::CreateCustomer { .. } => Some(Svc::CustomerService),
            Action::AdvanceTicket { .. } => Some(Svc::KitchenService),
            Action::QueryView { .. } | Action::SetViewDedup { .. } => Some(Svc::OrderHistoryService),
            Action::ComposeQuery { .. } => Some(Svc::ApiComposer),
            _ => None,
        }
    }

    /// Whether this action configures the system (a switch such as the
    /// outbox or the semantic lock) rather than doing something in it.
    pub fn is_setting(&self) -> bool {
        matches!(
            self,
            Action::SetOutbox { .. }
                | Action::SetRelayMode { .. }
                | Action::SetIdempotence { .. }
                | Action::SetHandlerBug { .. }
                | Action::SetViewDedup { .. }
                | Action::SetSemanticLock { .. }
        )
    }
}
