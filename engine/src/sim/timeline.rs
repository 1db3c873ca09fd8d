//! Time travel. A timeline knows every step of the run so far and can put
//! the world at any of them exactly: it restores the nearest checkpoint and
//! replays. Acting in the past forks: the future after the cursor is dropped
//! and recomputed from the new action.

use super::action::Action;
use super::check::{at_rest, Findings, Violation};
use super::choice::Choice;
use super::sorted::SortedMap;
use super::step::Step;
use super::world::World;

/// Steps between checkpoints at first: a seek replays at most this many.
const CHECKPOINT_INTERVAL: usize = 64;
/// Most checkpoints kept. A longer run keeps every other one and doubles
/// the interval, so memory grows with the world, not with the world times
/// the run's length (a seek in a 40,000-step run replays up to 1,024 steps,
/// about a millisecond).
const CHECKPOINTS_MAX: usize = 64;

/// How a step of the run came about, when not by the clock alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Move {
    /// A learner's action.
    Act(Action),
    /// A search's choice: these events of [`World::due`], by index, in
    /// order; the last makes the step, the others change nothing visible.
    Take(Vec<usize>),
    /// A search's fault, after these events (by index) that made no step.
    Inject(Vec<usize>, Action),
}

/// Makes the next step of `world` as `how` says (by the clock if `None`).
/// `None` only if a move does not fit the world, which a recorded move
/// never does.
fn apply(world: &mut World, how: Option<&Move>) -> Option<Step> {
    let mut take_all = |indexes: &[usize]| -> Option<Option<Step>> {
        let mut last = None;
        for index in indexes {
            last = world.take(*index)?;
        }
        Some(last)
    };
    match how {
        None => world.step(),
        Some(Move::Act(action)) => Some(world.act(action.clone())),
        Some(Move::Take(indexes)) => take_all(indexes)?,
        Some(Move::Inject(before, action)) => {
            take_all(before)?;
            Some(world.act(action.clone()))
        }
    }
}

/// A run that can be replayed to any step.
#[derive(Clone, Debug)]
pub struct Timeline {
    /// `checkpoints[k]` is the world after `k * interval` steps.
    checkpoints: Vec<World>,
    /// Steps between checkpoints: CHECKPOINT_INTERVAL, doubled each time
    /// the checkpoints are thinned.
    interval: usize,
    /// Every step known so far.
    steps: Vec<Step>,
    /// Steps that a learner's action or a search's choice made, by index.
    moves: SortedMap<usize, Move>,
    /// The world after `cursor` steps.
    world: World,
    cursor: usize,
    /// The future the last fork dropped, kept so it can be shown, and the
    /// moves that made it (see [`Timeline::before_fork`]).
    dropped: Vec<Step>,
    dropped_moves: SortedMap<usize, Move>,
    /// The step the last fork dropped the future after.
    forked_at: usize,
    /// Most steps to compute ahead.
    limit: usize,
    /// Safety violations found after each step of the known run.
    findings: Findings,
    /// Liveness violations of the final world, once the run is quiet.
    at_rest: Vec<Violation>,
    /// Counts the learner's actions: the known run changes only with one.
    revision: u64,
}

impl Timeline {
    /// Runs `world` until it is quiet (or `limit` steps) and stands at step 0.
    pub fn new(world: World, limit: usize) -> Self {
        let mut timeline = Timeline {
            checkpoints: vec![world.clone()],
            interval: CHECKPOINT_INTERVAL,
            steps: Vec::new(),
            moves: SortedMap::new(),
            world,
            cursor: 0,
            dropped: Vec::new(),
            dropped_moves: SortedMap::new(),
            forked_at: 0,
            limit,
            findings: Findings::default(),
            at_rest: Vec::new(),
            revision: 0,
        };
        timeline.compute_ahead();
        timeline
    }

    /// Steps known so far.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether the run has no step at all.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Changes whenever the known run changes (a learner's action): a view
    /// sized for the whole run is redone only then.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// How many steps the world has taken.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The world after `cursor()` steps.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// Every known step.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// Step indexes from `before` steps behind the cursor to `after` ahead,
    /// within the known run: what a log or a diagram shows around "now".
    pub fn window(&self, before: usize, after: usize) -> std::ops::Range<usize> {
        self.cursor.saturating_sub(before)..(self.cursor + after).min(self.steps.len())
    }

    /// The step that led to the current world, if any.
    pub fn current(&self) -> Option<&Step> {
        self.cursor.checked_sub(1).map(|i| &self.steps[i])
    }

    /// How many future steps the last action in the past dropped.
    pub fn dropped(&self) -> usize {
        self.dropped.len()
    }

    /// The steps the last action in the past dropped, in order.
    pub fn dropped_steps(&self) -> &[Step] {
        &self.dropped
    }

    /// The run as it was before the last fork dropped its future, replayed
    /// from the start with the moves it had (so it is exact to the last
    /// cell, and costs no copy until asked for): what a fork is compared
    /// with. `None` if the last fork dropped nothing.
    pub fn before_fork(&self) -> Option<Timeline> {
        if self.dropped.is_empty() {
            return None;
        }
        // A limit of 0 computes nothing yet: the steps are recorded below.
        let mut before = Timeline::new(self.checkpoints[0].clone(), 0);
        before.limit = self.limit;
        for index in 0..self.forked_at + self.dropped.len() {
            let moves = if index < self.forked_at { &self.moves } else { &self.dropped_moves };
            before.record(moves.get(&index).cloned());
        }
        before.compute_ahead();
        before.seek(0);
        Some(before)
    }

    /// Whether the step that leads to `cursor` broke an invariant.
    pub fn broke_at(&self, cursor: usize) -> bool {
        self.findings.found().iter().any(|(at, _)| *at == cursor)
    }

    /// The invariants broken up to the cursor, each with the step that
    /// first broke it; at the end of a quiet run, also what is wrong at
    /// rest, which no single step broke (`None`).
    pub fn violations(&self) -> Vec<(Option<usize>, &Violation)> {
        let safety = self.findings.found().iter().filter(|(at, _)| *at <= self.cursor).map(|(at, v)| (Some(*at), v));
        let at_end = self.at_rest.iter().filter(|_| self.cursor == self.steps.len()).map(|v| (None, v));
        safety.chain(at_end).collect()
    }

    /// The choices that lead from the start to step `n` of this run, as a
    /// path [`Timeline::follow`] takes: the clock's steps as the events it
    /// took (index 0), a search's choices as they were. `None` if a
    /// learner's action is among them: a path holds no requests.
    pub fn path_to(&self, n: usize) -> Option<Vec<Choice>> {
        let mut world = self.checkpoints[0].clone();
        let mut path = Vec::new();
        for index in 0..n.min(self.steps.len()) {
            let how = self.moves.get(&index);
            match how {
                Some(Move::Act(_)) => return None,
                Some(Move::Take(taken)) => path.extend(taken.iter().map(|i| Choice::Take(*i))),
                Some(Move::Inject(taken, action)) => {
                    path.extend(taken.iter().map(|i| Choice::Take(*i)));
                    path.push(Choice::Fault(action.clone()));
                }
                None => {
                    // The clock takes the first event due until one makes a step.
                    while world.take(0)?.is_none() {
                        path.push(Choice::Take(0));
                    }
                    path.push(Choice::Take(0));
                    continue;
                }
            }
            apply(&mut world, how)?;
        }
        Some(path)
    }

    /// The first step (counted from 1) at which this run and `other` part:
    /// the first that differs, or the first one of them lacks; `None` for
    /// the same run. Step by step, as two runs are compared. Two steps are
    /// the same when they happen at the same time and say the same (the
    /// text names the actor, the message and the outcome): comparing every
    /// field would cost the web app's download 0.4 KB gzip, and a test
    /// checks both ways agree on every lesson's runs.
    pub fn parts_from(&self, other: &Timeline) -> Option<usize> {
        let same = self.steps.iter().zip(&other.steps).take_while(|(a, b)| a.time_ms == b.time_ms && a.text == b.text).count();
        (same < self.steps.len().max(other.steps.len())).then_some(same + 1)
    }

    /// The step (counted from 1) after which violation `id` first shows in
    /// the known run; the run's end for one judged at rest (or not shown).
    pub fn shown_at(&self, id: &str) -> usize {
        self.findings.found().iter().find(|(_, v)| v.id == id).map_or(self.steps.len(), |(at, _)| *at)
    }

    /// Whether step `index` was a learner's action.
    pub fn is_act(&self, index: usize) -> bool {
        matches!(self.moves.get(&index), Some(Move::Act(_)))
    }

    /// Whether step `index` came from a search's choice (an event taken
    /// out of the clock's order, or a fault it injected).
    pub fn is_choice(&self, index: usize) -> bool {
        matches!(self.moves.get(&index), Some(Move::Take(_) | Move::Inject(..)))
    }

    /// Puts the world at step `target` (clamped to the known steps).
    pub fn seek(&mut self, target: usize) {
        let target = target.min(self.steps.len());
        let nearest = target / self.interval;
        let replay_from_here = target >= self.cursor && target - self.cursor <= self.interval;
        if !replay_from_here {
            self.world = self.checkpoints[nearest].clone();
            self.cursor = nearest * self.interval;
        }
        while self.cursor < target {
            let step = self.replay_one();
            debug_assert_eq!(step, self.steps[self.cursor], "replay diverged at step {}", self.cursor);
            self.cursor += 1;
        }
    }

    /// Calls `each` with the world at every step of the known run, from
    /// step 0 to the last, without moving the cursor: what a view needs to
    /// size itself once for the whole run.
    pub fn replay(&self, mut each: impl FnMut(&World)) {
        let mut world = self.checkpoints[0].clone();
        each(&world);
        for index in 0..self.steps.len() {
            apply(&mut world, self.moves.get(&index)).expect("a known step replays");
            each(&world);
        }
    }

    fn replay_one(&mut self) -> Step {
        apply(&mut self.world, self.moves.get(&self.cursor)).expect("a known step replays")
    }

    /// One step forward; false at the end.
    pub fn forward(&mut self) -> bool {
        if self.cursor >= self.steps.len() {
            return false;
        }
        self.seek(self.cursor + 1);
        true
    }

    /// One step back; false at the start.
    pub fn back(&mut self) -> bool {
        if self.cursor == 0 {
            return false;
        }
        self.seek(self.cursor - 1);
        true
    }

    /// Applies a learner's action at the cursor. Any known future is
    /// dropped (and counted in `dropped()`), then recomputed.
    pub fn act(&mut self, action: Action) -> &Step {
        let at = self.cursor;
        self.fork();
        self.record(Some(Move::Act(action)));
        self.compute_ahead();
        &self.steps[at]
    }

    /// Follows a search's path from the cursor (choices as
    /// [`crate::explore`] reports them), then lets the clock run on. Like
    /// an action in the past, it drops the known future. A path that does
    /// not fit this world (an index beyond what is due) changes nothing
    /// and is an error: the number (from 1) of the first choice that does
    /// not fit.
    pub fn follow(&mut self, path: &[Choice]) -> Result<(), usize> {
        let moves = plan(self.world.clone(), path)?;
        self.fork();
        for how in moves {
            self.record(how);
        }
        self.compute_ahead();
        Ok(())
    }

    /// Drops the future after the cursor (kept in `dropped`), to record
    /// another one.
    fn fork(&mut self) {
        let at = self.cursor;
        self.revision += 1;
        self.findings.rewind(&self.steps[..at], &self.world);
        self.dropped = self.steps.split_off(at);
        self.dropped_moves = self.moves.split_off(&at);
        self.forked_at = at;
        self.checkpoints.truncate(at / self.interval + 1);
    }

    /// Makes one step at the end of the run, at the cursor, as `how` says
    /// (by the clock if `None`).
    fn record(&mut self, how: Option<Move>) {
        let at = self.cursor;
        if self.checkpoint_due(at) {
            self.push_checkpoint(self.world.clone());
        }
        let step = apply(&mut self.world, how.as_ref()).expect("a planned move fits");
        if let Some(how) = how {
            self.moves.insert(at, how);
        }
        self.findings.after_step(at + 1, &self.world, &step);
        self.steps.push(step);
        self.cursor += 1;
    }

    /// Whether the world after `index` steps is the next checkpoint.
    fn checkpoint_due(&self, index: usize) -> bool {
        index.is_multiple_of(self.interval) && self.checkpoints.len() == index / self.interval
    }

    fn push_checkpoint(&mut self, world: World) {
        self.checkpoints.push(world);
        if self.checkpoints.len() > CHECKPOINTS_MAX {
            self.thin_checkpoints();
        }
    }

    /// Keeps every other checkpoint (those at multiples of twice the
    /// interval) and doubles the interval.
    fn thin_checkpoints(&mut self) {
        let mut index = 0;
        self.checkpoints.retain(|_| {
            index += 1;
            index % 2 == 1
        });
        self.interval *= 2;
    }

    /// Runs a copy of the world from the last known step until it is quiet
    /// or the limit is reached, recording steps and checkpoints.
    fn compute_ahead(&mut self) {
        let mut world = self.world.clone();
        for index in self.cursor..self.steps.len() {
            // Only reached if the cursor is behind the end: replay to the end.
            let step = apply(&mut world, self.moves.get(&index)).expect("known step");
            debug_assert_eq!(step, self.steps[index]);
        }
        while self.steps.len() < self.limit {
            if self.checkpoint_due(self.steps.len()) {
                self.push_checkpoint(world.clone());
            }
            match world.step() {
                Some(step) => {
                    self.findings.after_step(self.steps.len() + 1, &world, &step);
                    self.steps.push(step);
                }
                None => break,
            }
        }
        // Liveness is judged only once nothing is left to happen.
        self.at_rest = if world.is_quiet() { at_rest(&world) } else { Vec::new() };
    }
}

/// The moves that follow `path` from `world`: consecutive events that make
/// no step join the next one that does (or the next fault); events at the
/// end that make none are left to the clock. Only deviations from the
/// clock's order are kept as moves (`None`: the clock's step).
fn plan(mut world: World, path: &[Choice]) -> Result<Vec<Option<Move>>, usize> {
    let mut moves = Vec::new();
    let mut taken: Vec<usize> = Vec::new();
    for (n, choice) in path.iter().enumerate() {
        match choice {
            Choice::Take(index) => {
                let made = world.take(*index).ok_or(n + 1)?;
                taken.push(*index);
                if made.is_some() {
                    let indexes = std::mem::take(&mut taken);
                    moves.push(indexes.iter().any(|i| *i != 0).then_some(Move::Take(indexes)));
                }
            }
            Choice::Fault(action) => {
                world.act(action.clone());
                moves.push(Some(Move::Inject(std::mem::take(&mut taken), action.clone())));
            }
        }
    }
    Ok(moves)
}
