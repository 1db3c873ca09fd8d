//! The explorer: a search of every interleaving a situation leaves open.
//! From a world (a lesson's start, or any step of a run) it takes each
//! pending event next in turn, whatever its time (which delivery comes
//! first, when the relay publishes, when a scripted request or query
//! happens), injects faults within a budget (a duplicate, a crash and its
//! restart, a relay crash, a rebalance), and checks the invariants after
//! every step and once the world is at rest. Breadth first, so the first
//! violation found comes with one of the shortest paths to it; the path is
//! a list of [`Choice`]s a timeline follows like any run.
//!
//! Two reductions keep realistic bounds small:
//! - **States already seen.** A state is the world's timing-free
//!   fingerprint ([`crate::sim::world::fingerprint`]) with the checker's
//!   memory and the faults left; a state reached again is not searched
//!   again.
//! - **Offset commits that no longer matter.** A consumer's offset commit
//!   only decides what a restart or a rebalance delivers again; once
//!   neither can come on a path (no crash or rebalance budget left, none
//!   awaiting or scripted), commits are no choice: they stay queued and
//!   the run at rest is judged after them. Without this, every pending
//!   commit doubled the states (FTGO Cancel Order, no faults: 300,000
//!   states cut at the cap, now 1,751 searched whole).
//! - **Offsets that cannot matter** ([`World`]'s fingerprint): a handled
//!   delivery its idempotent consumer has recorded in `received_messages`
//!   would only be dropped if it came again, so whether its offset was
//!   committed is left out of the state (FTGO Create Order with a duplicate
//!   and a crash: cut at 300,000 states before, now 10,745 searched whole).
//! - **Faults that can only be shrugged off.** A duplicate to a consumer
//!   that drops copies (it checks `received_messages`, and no script line
//!   turns that off), or a rebalance that would deliver again only what
//!   its consumers recorded, can only make a dropped copy: they are not
//!   offered (FTGO Cancel Order with a rebalance: 386,164 states to 13,755).
//! - **Sleep sets** (Godefroid) over independent events: two events of
//!   different services that do not both publish to the broker (a relay
//!   poll or a dual write) and do not both write new messages (whose ids
//!   would swap) give the same state in either order, so after one order
//!   is searched the other is not. A state reached again with fewer events
//!   asleep is searched again for those. Events of one service, scripted
//!   actions, faults and API calls are never taken as independent.
//!
//! `engine/tests/explore.rs` checks that the reduced search finds every
//! violation the plain one finds, on every lesson at small bounds.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hash};

use crate::sim::action::Action;
use crate::sim::check::{at_rest, Checker, Violation};
use crate::sim::choice::Choice;
use crate::sim::world::{fingerprint, Event, FingerprintHasher, World};
use crate::sim::{Step, Svc, Timeline};

/// Faults a search may inject along one path, at most this many of each.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Faults {
    /// Another copy of a message waiting in a lane, to that subscriber.
    pub duplicate: u8,
    /// A service's process stops; it must restart before the run is over.
    pub crash: u8,
    /// A relay crashes after its next publish, before saving its position.
    pub relay: u8,
    /// A consumer group rebalances before its offsets are committed.
    pub rebalance: u8,
}

const FAULT_NAMES: [&str; 4] = ["duplicate", "crash", "crash-relay", "rebalance"];

impl Faults {
    /// Reads `duplicate=1,crash=2` (a name alone means 1; `none` or
    /// nothing: no faults).
    pub fn parse(text: &str) -> Result<Faults, String> {
        let mut faults = Faults::default();
        for part in text.split(',').filter(|p| !p.is_empty() && *p != "none") {
            let (name, count) = part.split_once('=').unwrap_or((part, "1"));
            let count: u8 = count.parse().map_err(|_| format!("{name}={count}: the count must be a number from 0 to 255"))?;
            let slot = match name {
                "duplicate" => &mut faults.duplicate,
                "crash" => &mut faults.crash,
                "crash-relay" => &mut faults.relay,
                "rebalance" => &mut faults.rebalance,
                _ => return Err(format!("unknown fault {name:?}: use {}", FAULT_NAMES.join(", "))),
            };
            *slot = count;
        }
        Ok(faults)
    }

    /// As [`Faults::parse`] reads it: `duplicate=1,crash=1`, or `none`.
    pub fn text(&self) -> String {
        let counts = [self.duplicate, self.crash, self.relay, self.rebalance];
        let parts: Vec<String> = FAULT_NAMES.iter().zip(counts).filter(|(_, n)| *n > 0).map(|(name, n)| format!("{name}={n}")).collect();
        if parts.is_empty() {
            "none".into()
        } else {
            parts.join(",")
        }
    }
}

/// How far a search goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    /// Most choices along one path.
    pub depth: usize,
    pub faults: Faults,
    /// Most distinct states kept (memory): past it the search stops, cut.
    pub max_states: usize,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds { depth: 80, faults: Faults::default(), max_states: 300_000 }
    }
}

/// What a search concluded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A broken invariant and the path to it from where the search started;
    /// `at_rest`: a liveness violation, judged once nothing was left to happen.
    Found { path: Vec<Choice>, violation: Violation, at_rest: bool },
    /// No violation among the states searched.
    Clean { cut: Cut },
}

/// Whether a search that found nothing searched everything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cut {
    /// Every state within the bounds was searched.
    Nothing,
    /// Some paths were longer than the depth bound.
    Depth,
    /// The state cap stopped the search.
    States,
}

/// How far a search has got.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Steps taken, counting those that led to a state already seen.
    pub transitions: u64,
    /// Distinct states reached.
    pub distinct: usize,
    /// The deepest level searched so far.
    pub depth: usize,
}

/// A searched state: the world, what the checker has seen on the way,
/// and the faults that path has left.
#[derive(Clone, Hash)]
struct Situation {
    world: World,
    checker: Checker,
    left: Faults,
    /// Services the search crashed: each must restart.
    crashed: Vec<Svc>,
    /// Relays the search crashed (or armed to): each must restart once down.
    relays: Vec<Svc>,
}

impl Situation {
    /// A service or relay the search crashed is still down.
    fn awaits_restart(&self) -> bool {
        let down = |svc: &Svc| self.world.service(*svc).is_some_and(|s| !s.up);
        let relay_down = |svc: &Svc| self.world.service(*svc).is_some_and(|s| !s.relay.up);
        self.crashed.iter().any(down) || self.relays.iter().any(relay_down)
    }

    /// Whether an offset commit can still change what happens: only a
    /// restart or a rebalance redelivers what was handled but not
    /// committed, so once neither can come (no budget for a crash or a
    /// rebalance left, nothing the search crashed awaiting its restart,
    /// none in the script, no random rebalances) a commit is invisible and
    /// its order against every other event makes no difference.
    fn offsets_matter(&self, reduce: bool) -> bool {
        !reduce
            || self.left.crash > 0
            || self.left.rebalance > 0
            || !self.crashed.is_empty()
            || self.world.rebalance_percent() > 0
            || self.world.script_redelivers()
    }

    /// Whether the search takes `event` when it is due: every event, but
    /// offset commits once they no longer matter (they stay queued; a path
    /// replayed by a timeline takes them when the clock does).
    fn takes(event: &Event, commits_matter: bool) -> bool {
        commits_matter || !matches!(event, Event::CommitOffsets(_))
    }

    /// Nothing is due (but offset commits that no longer matter) and
    /// nothing the search broke awaits its restart.
    fn at_rest(&self, reduce: bool) -> bool {
        let commits_matter = self.offsets_matter(reduce);
        !self.world.due().into_iter().any(|e| Situation::takes(e, commits_matter)) && !self.awaits_restart()
    }

    /// Every choice open here, each event once (equal events, such as two
    /// relay polls of one service, are the same choice), with the event.
    fn options(&self, reduce: bool) -> Vec<(Choice, Option<Event>)> {
        let world = &self.world;
        let due = world.due();
        let commits_matter = self.offsets_matter(reduce);
        let mut options: Vec<(Choice, Option<Event>)> = Vec::new();
        for (index, event) in due.iter().enumerate() {
            if Situation::takes(event, commits_matter) && !due[..index].contains(event) {
                options.push((Choice::Take(index), Some((*event).clone())));
            }
        }
        let mut fault = |action: Action| {
            let choice = Choice::Fault(action);
            if !options.iter().any(|(c, _)| *c == choice) {
                options.push((choice, None));
            }
        };
        for (svc, service) in world.services().iter() {
            if self.crashed.contains(svc) && !service.up {
                fault(Action::Restart { service: *svc });
            }
            if self.relays.contains(svc) && !service.relay.up {
                fault(Action::RestartRelay { service: *svc });
            }
        }
        if self.left.duplicate > 0 {
            // A copy to a consumer that drops copies can only be dropped.
            for ((_, to, _), lane) in world.broker().subscriptions.iter().filter(|((_, to, _), _)| !reduce || !world.drops_copies(*to)) {
                if let Some(head) = lane.queue.front().filter(|d| !d.duplicate) {
                    fault(Action::Duplicate { message: head.message.id, to: Some(*to) });
                }
            }
        }
        for (svc, service) in world.services().iter() {
            if self.left.crash > 0 && service.up && *svc != Svc::ApiComposer {
                fault(Action::Crash { service: *svc });
            }
            let armable = service.relay.up && !service.relay.crash_armed && service.relay_backlog().next().is_some();
            if self.left.relay > 0 && armable {
                fault(Action::CrashRelay { service: *svc });
            }
            let handled = world.broker().lanes_of(*svc).iter().any(|lane| !world.broker().subscriptions[lane].uncommitted.is_empty());
            // A rebalance that could only deliver copies to be dropped changes nothing.
            if self.left.rebalance > 0 && handled && (!reduce || world.redelivery_matters(*svc)) {
                fault(Action::Rebalance { service: *svc });
            }
        }
        options
    }

    /// Makes `choice`, which [`Situation::options`] offered; the step it
    /// made, if any.
    fn apply(&mut self, choice: &Choice) -> Option<Step> {
        let action = match choice {
            Choice::Take(index) => return self.world.take(*index).flatten(),
            Choice::Fault(action) => action,
        };
        let spend = |n: &mut u8| *n = n.saturating_sub(1);
        match action {
            Action::Duplicate { .. } => spend(&mut self.left.duplicate),
            Action::Crash { service } => {
                spend(&mut self.left.crash);
                self.crashed.push(*service);
            }
            Action::Restart { service } => self.crashed.retain(|s| s != service),
            Action::CrashRelay { service } => {
                spend(&mut self.left.relay);
                self.relays.push(*service);
            }
            Action::RestartRelay { service } => self.relays.retain(|s| s != service),
            Action::Rebalance { .. } => spend(&mut self.left.rebalance),
            _ => {}
        }
        Some(self.world.act(action.clone()))
    }
}

/// What an event touches, for the independence of two events. Scripted
/// actions and API calls have none: they are never independent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Effect {
    /// The service whose state it reads and writes.
    owner: Svc,
    /// It appends to broker lanes another service's events may also
    /// append to.
    publishes: bool,
    /// It wrote new messages, numbered from the world's one counter.
    numbers: bool,
}

impl Cut {
    /// The state cap outranks the depth bound: it says more about what
    /// was left out.
    fn max_with(self, other: Cut) -> Cut {
        if self == Cut::States {
            self
        } else {
            other
        }
    }
}

impl Effect {
    fn of(event: &Event, numbers: bool) -> Option<Effect> {
        let (owner, publishes) = match event {
            Event::Deliver((_, to, _)) | Event::CommitOffsets((_, to, _)) => (*to, false),
            Event::RelayPoll(svc) | Event::DualWrite(svc) => (*svc, true),
            Event::Act(_) | Event::CallArrive(_) => return None,
        };
        Some(Effect { owner, publishes, numbers })
    }

    fn independent(self, other: Effect) -> bool {
        self.owner != other.owner && !(self.publishes && other.publishes) && !(self.numbers && other.numbers)
    }
}

/// An event not to take from a state: its other order was searched.
#[derive(Clone, Debug)]
struct Asleep {
    event: Event,
    effect: Effect,
}

/// A state in the search tree: how it was first reached, and its sleep set.
struct Node {
    parent: Option<u32>,
    choice: Option<Choice>,
    depth: usize,
    sleep: Vec<Asleep>,
    expanded: bool,
}

/// A state to expand: its situation (rebuilt from the start when it was
/// dropped) and, when searched again, only the events that woke up.
struct Task {
    node: u32,
    situation: Option<Situation>,
    only: Option<Vec<Event>>,
}

/// A breadth-first search, run in slices (`run(budget)`) so a page can
/// show progress between them.
pub struct Explorer {
    start: Situation,
    bounds: Bounds,
    reduce: bool,
    stop_at_first: bool,
    nodes: Vec<Node>,
    seen: HashMap<u64, u32, BuildHasherDefault<FingerprintHasher>>,
    frontier: VecDeque<Task>,
    transitions: u64,
    depth: usize,
    cut: Cut,
    /// The most scripted actions taken on any path searched (a search cut
    /// short may never have reached the lesson's key request).
    script_reached: usize,
    /// Distinct states at rest judged: runs searched to their end.
    ended: usize,
    /// Every distinct violation id found, with the first path to it.
    found: Vec<Verdict>,
    verdict: Option<Verdict>,
}

impl Explorer {
    /// A search from `world`, the start of a run.
    pub fn new(world: World, bounds: Bounds) -> Self {
        let checker = Checker::knowing(&world);
        Explorer::from_situation(world, checker, bounds)
    }

    /// A search from the world at a timeline's cursor; the checker knows
    /// the steps before it.
    pub fn from_timeline(timeline: &Timeline, bounds: Bounds) -> Self {
        let world = timeline.world().clone();
        let checker = Checker::after(&timeline.steps()[..timeline.cursor()], &world);
        Explorer::from_situation(world, checker, bounds)
    }

    fn from_situation(world: World, checker: Checker, bounds: Bounds) -> Self {
        let start = Situation { world, checker, left: bounds.faults, crashed: Vec::new(), relays: Vec::new() };
        let mut explorer = Explorer {
            // A fault plan's random rebalances draw from the fault stream
            // after each delivery: no two deliveries are independent then.
            reduce: start.world.rebalance_percent() == 0,
            start: start.clone(),
            bounds,
            stop_at_first: true,
            nodes: vec![Node { parent: None, choice: None, depth: 0, sleep: Vec::new(), expanded: false }],
            seen: HashMap::default(),
            frontier: VecDeque::new(),
            transitions: 0,
            depth: 0,
            cut: Cut::Nothing,
            script_reached: start.world.script_progress().0,
            ended: 0,
            found: Vec::new(),
            verdict: None,
        };
        explorer.seen.insert(explorer.key(&start), 0);
        if start.at_rest(explorer.reduce) {
            explorer.judge_at_rest(&start, 0);
        }
        explorer.frontier.push_back(Task { node: 0, situation: Some(start), only: None });
        explorer
    }

    /// Without reductions: every order of independent events is searched,
    /// offset commits included (the reference the reduced search is tested
    /// against).
    pub fn plain(mut self) -> Self {
        self.reduce = false;
        self.seen.clear();
        self.seen.insert(self.key(&self.start), 0);
        self
    }

    /// What counts as the same state: the situation's fingerprint, which
    /// merges states that differ only in offsets that cannot matter; the
    /// plain search merges none.
    fn key(&self, situation: &Situation) -> u64 {
        match self.reduce {
            true => fingerprint(situation),
            false => fingerprint(&(fingerprint(situation), situation.world.offsets_fingerprint())),
        }
    }

    /// Searches on after a violation, to collect every distinct one.
    pub fn find_all(mut self) -> Self {
        self.stop_at_first = false;
        self
    }

    /// Searches for at most `budget` more steps; the verdict once the
    /// search is over.
    pub fn run(&mut self, budget: u64) -> Option<&Verdict> {
        let until = self.transitions.saturating_add(budget);
        while self.verdict.is_none() {
            let Some(task) = self.frontier.pop_front() else {
                self.verdict = Some(self.found.first().cloned().unwrap_or(Verdict::Clean { cut: self.cut }));
                break;
            };
            if self.transitions >= until {
                self.frontier.push_front(task);
                return None;
            }
            if self.seen.len() >= self.bounds.max_states {
                // The state cap: what is still queued is not searched.
                self.cut = Cut::States;
                self.frontier.clear();
                continue;
            }
            self.expand(task);
        }
        self.verdict.as_ref()
    }

    /// How far the search has got.
    pub fn progress(&self) -> Progress {
        Progress { transitions: self.transitions, distinct: self.seen.len(), depth: self.depth }
    }

    /// How many distinct runs were searched to their end (states at rest).
    pub fn ended(&self) -> usize {
        self.ended
    }

    /// The scripted actions no path searched has taken (their `did`
    /// names, in script order): what a search cut short never reached.
    pub fn unreached(&self) -> Vec<&'static str> {
        let (_, actions) = self.start.world.script_progress();
        actions.skip(self.script_reached).map(Action::did).collect()
    }

    /// Every distinct violation found so far (by id), each with the first
    /// path to it: the search's findings when it does not stop at the first.
    pub fn findings(&self) -> &[Verdict] {
        &self.found
    }

    fn expand(&mut self, task: Task) {
        let n = task.node;
        let situation = task.situation.unwrap_or_else(|| self.rebuild(n));
        let depth = self.nodes[n as usize].depth;
        self.depth = self.depth.max(depth);
        self.nodes[n as usize].expanded = true;
        let sleep = self.nodes[n as usize].sleep.clone();
        let mut done: Vec<Asleep> = Vec::new();
        for (choice, event) in situation.options(self.reduce) {
            let asleep = event.as_ref().is_some_and(|e| sleep.iter().any(|a| a.event == *e));
            let searched_before = task.only.as_ref().is_some_and(|only| event.as_ref().is_none_or(|e| !only.contains(e)));
            if asleep || searched_before {
                continue;
            }
            let mut child = situation.clone();
            let written = child.world.messages_written();
            let step = child.apply(&choice);
            self.transitions += 1;
            let effect = event.as_ref().and_then(|e| Effect::of(e, child.world.messages_written() != written));
            let broken = match &step {
                Some(step) => child.checker.after_step(&child.world, step),
                None => Vec::new(),
            };
            let child_sleep: Vec<Asleep> = match effect {
                Some(effect) if self.reduce => sleep.iter().chain(&done).filter(|a| a.effect.independent(effect)).cloned().collect(),
                _ => Vec::new(),
            };
            if let (Some(event), Some(effect)) = (event, effect) {
                done.push(Asleep { event, effect });
            }
            let key = self.key(&child);
            if let Some(&m) = self.seen.get(&key) {
                for violation in broken {
                    self.report(self.path(n, Some(&choice)), violation, false);
                }
                self.wake(m, &child_sleep);
            } else {
                self.script_reached = self.script_reached.max(child.world.script_progress().0);
                let m = self.nodes.len() as u32;
                self.nodes.push(Node { parent: Some(n), choice: Some(choice), depth: depth + 1, sleep: child_sleep, expanded: false });
                self.seen.insert(key, m);
                for violation in broken {
                    self.report(self.path(m, None), violation, false);
                }
                if child.at_rest(self.reduce) {
                    self.judge_at_rest(&child, m);
                }
                let capped = self.seen.len() >= self.bounds.max_states;
                let open = !child.options(self.reduce).is_empty();
                if open && (depth + 1 >= self.bounds.depth || capped) {
                    self.cut = if capped { Cut::States } else { self.cut.max_with(Cut::Depth) };
                } else if open {
                    self.frontier.push_back(Task { node: m, situation: Some(child), only: None });
                }
            }
            if self.verdict.is_some() {
                return;
            }
        }
    }

    /// State `m` is reached again with `sleep` asleep: the events asleep
    /// in `m` but not here were never taken from it, so they are taken now.
    fn wake(&mut self, m: u32, sleep: &[Asleep]) {
        let node = &mut self.nodes[m as usize];
        let woken: Vec<Event> = node.sleep.iter().filter(|a| !sleep.iter().any(|b| b.event == a.event)).map(|a| a.event.clone()).collect();
        if woken.is_empty() {
            return;
        }
        node.sleep.retain(|a| !woken.contains(&a.event));
        if node.expanded {
            self.frontier.push_back(Task { node: m, situation: None, only: Some(woken) });
        }
    }

    /// Liveness: a state where nothing is left to happen.
    fn judge_at_rest(&mut self, situation: &Situation, node: u32) {
        self.ended += 1;
        // The offset commits left out are taken first, as the clock would.
        let mut world = situation.world.clone();
        while let Some(index) = world.due().iter().position(|e| matches!(e, Event::CommitOffsets(_))) {
            world.take(index);
        }
        for violation in at_rest(&world) {
            self.report(self.path(node, None), violation, true);
        }
    }

    /// Keeps a violation found at the end of `path`. The clock's own
    /// choices at its end are left out: after a path the clock runs on.
    fn report(&mut self, mut path: Vec<Choice>, violation: Violation, at_rest: bool) {
        while path.last() == Some(&Choice::Take(0)) {
            path.pop();
        }
        if self.found.iter().any(|f| matches!(f, Verdict::Found { violation: v, .. } if v.id == violation.id)) {
            return;
        }
        let found = Verdict::Found { path, violation, at_rest };
        if self.stop_at_first && self.verdict.is_none() {
            self.verdict = Some(found.clone());
        }
        self.found.push(found);
    }

    /// The choices from the start to node `n`, then `last`.
    fn path(&self, n: u32, last: Option<&Choice>) -> Vec<Choice> {
        let mut path: Vec<Choice> = last.into_iter().cloned().collect();
        let mut at = Some(n);
        while let Some(node) = at.map(|i| &self.nodes[i as usize]) {
            path.extend(node.choice.clone());
            at = node.parent;
        }
        path.reverse();
        path
    }

    /// The situation at node `n`, by following its path from the start.
    fn rebuild(&self, n: u32) -> Situation {
        let mut situation = self.start.clone();
        for choice in self.path(n, None) {
            let step = situation.apply(&choice);
            if let Some(step) = step {
                situation.checker.after_step(&situation.world, &step);
            }
        }
        situation
    }
}
