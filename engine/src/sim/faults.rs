//! Faults as data: a plan of timed fault actions drawn from a seed, so one
//! seed reproduces one whole run. Every fault is healed by `heal_by_ms`, so
//! the run can then be checked for liveness.

use super::action::Action;
use super::rng::Rng;
use super::service::RelayMode;
use super::world::World;

/// A random fault schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultPlan {
    /// Chance in percent that a consumer group rebalances after a handler
    /// ran, before its offset was committed (a redelivery).
    pub rebalance_percent: u64,
    pub actions: Vec<(u64, Action)>,
    /// How the relays read their outboxes (both modes are tried).
    pub relay_mode: RelayMode,
    /// Every fault is over by then.
    pub heal_by_ms: u64,
}

/// Draws a plan of up to `faults_max` faults starting before `horizon_ms`.
pub fn random_plan(seed: u64, world: &World, horizon_ms: u64, faults_max: u64) -> FaultPlan {
    let mut rng = Rng::fork(seed, "fault-plan");
    let services: Vec<_> = world.services.keys().copied().collect();
    let channels: Vec<&'static str> = world.broker.channels.keys().copied().collect();
    let mut actions = Vec::new();
    let mut heal_by_ms = horizon_ms;
    let count = rng.range(0, faults_max);
    for _ in 0..count {
        let start = rng.range(0, horizon_ms);
        let end = start + rng.range(20, 600);
        heal_by_ms = heal_by_ms.max(end);
        let svc = services[rng.range(0, services.len() as u64 - 1) as usize];
        let channel = channels[rng.range(0, channels.len() as u64 - 1) as usize].to_string();
        let (begin, heal) = match rng.range(0, 5) {
            0 => (Action::Crash { service: svc }, Action::Restart { service: svc }),
            1 => (Action::CrashRelay { service: svc }, Action::RestartRelay { service: svc }),
            2 => (Action::Disconnect { service: svc }, Action::Reconnect { service: svc }),
            3 => (Action::HoldChannel { channel: channel.clone() }, Action::ReleaseChannel { channel }),
            4 => (Action::DelayChannel { channel: channel.clone(), ms: rng.range(50, 400) }, Action::DelayChannel { channel, ms: 0 }),
            _ => (Action::Duplicate { message: rng.range(1, 40), to: None }, Action::Duplicate { message: rng.range(1, 40), to: None }),
        };
        actions.push((start, begin));
        actions.push((end, heal));
    }
    let rebalance_percent = rng.range(0, 15);
    let relay_mode = if rng.chance(25) { RelayMode::Polling } else { RelayMode::LogTailing };
    FaultPlan { rebalance_percent, actions, relay_mode, heal_by_ms }
}

/// Random business: `orders` orders and a few cancels (and, with
/// `queries`, view queries) from customers `1..=customers`, spread over
/// `horizon_ms`.
pub fn random_load(seed: u64, customers: i64, orders: u64, horizon_ms: u64, queries: bool) -> Vec<(u64, Action)> {
    let mut rng = Rng::fork(seed, "load");
    let mut out = Vec::new();
    for order in 1..=orders {
        let at = rng.range(0, horizon_ms);
        // Customer 0 does not exist, so some orders meet UNKNOWN_CUSTOMER.
        let customer = rng.range(0, customers as u64) as i64;
        out.push((at, Action::PlaceOrder { customer, total: rng.range(5, 80) as i64 }));
        if rng.chance(20) {
            out.push((at + rng.range(100, 800), Action::CancelOrder { order: order as i64 }));
        }
        if rng.chance(10) && queries {
            out.push((at + rng.range(0, 400), Action::QueryView { customer }));
        }
    }
    out
}

/// Schedules a plan and a load on a world.
pub fn apply(world: &mut World, plan: &FaultPlan, load: &[(u64, Action)]) {
    world.rebalance_percent = plan.rebalance_percent;
    // First in the script, so that it comes before any message.
    world.schedule_action(0, Action::SetRelayMode { mode: plan.relay_mode });
    for (at, action) in plan.actions.iter().chain(load) {
        world.schedule_action(*at, action.clone());
    }
}
