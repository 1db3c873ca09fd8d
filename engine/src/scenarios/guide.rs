//! Guided play, as the app plays it and as the course times it: which
//! steps are stops (a relay's publish is passed over unless the lesson
//! singles it out), the caption and question at each, the order a
//! question's choices show in, and how long each stop stays on screen.
//! The app's pacing and the course's minutes both come from here, so they
//! cannot drift apart.

use super::{Narration, Question, Scenario, Variant};
use crate::sim::{StepKind, Timeline};

/// Real ms one move of the messages takes at guided pace (a message
/// published and then handled moves twice).
pub const HOP_MS: u64 = 450;
/// Most changed cells a stop gives reading time to: beyond a row or two,
/// a learner takes in the rest at a glance.
const CELLS_READ: usize = 6;

/// How long a learner needs at guided pace to read `chars` characters of
/// caption (about 20 a second, while also watching the stage) and look at
/// the `cells` it points at.
pub fn reading_ms(chars: usize, cells: usize) -> u64 {
    1_000 + 50 * chars as u64 + 600 * cells.min(CELLS_READ) as u64
}

/// How long a learner needs to read a question and its choices.
pub fn question_ms(question: &Question) -> u64 {
    let chars = question.prompt.len() + question.choices.iter().map(String::len).sum::<usize>();
    reading_ms(chars, 0)
}

/// One stop of guided play: the steps taken by one press of Next (a relay
/// step passed over, then the step shown), what it says and asks.
pub struct Stop<'a> {
    /// The index of the first step taken; the question, if any, is asked
    /// before it.
    pub first: usize,
    /// The index of the step shown (the last taken).
    pub step: usize,
    pub caption: Option<&'a Narration>,
    pub question: Option<(usize, &'a Question)>,
    /// Steps taken that move something on the stage (a hop each).
    pub moves: usize,
    /// Cells the shown step changed.
    pub cells: usize,
}

impl Stop<'_> {
    /// Its caption is a step kind's fallback (or it has none).
    pub fn is_fallback(&self) -> bool {
        self.caption.is_none_or(|c| c.on.is_fallback())
    }

    /// Real ms its messages move at guided pace.
    pub fn motion_ms(&self) -> u64 {
        HOP_MS * self.moves as u64
    }

    /// Real ms guided play keeps it on screen once its messages have
    /// arrived: its caption and cells, and an answer's reason.
    pub fn reading_ms(&self) -> u64 {
        let why = self.question.map_or(0, |(_, q)| q.why.len());
        reading_ms(self.caption.map_or(0, |c| c.text.len()) + why, self.cells)
    }

    /// Real ms the stop takes in all: the question read, the motion, the
    /// reading.
    pub fn total_ms(&self) -> u64 {
        self.question.map_or(0, |(_, q)| question_ms(q)) + self.motion_ms() + self.reading_ms()
    }
}

/// A variant's run as guided play shows it, from where it starts.
pub struct Guided<'a> {
    pub timeline: Timeline,
    /// Steps before the variant's start, which set the scene.
    pub start: usize,
    pub stops: Vec<Stop<'a>>,
}

impl Guided<'_> {
    /// Real ms a guided play-through takes.
    pub fn total_ms(&self) -> u64 {
        self.stops.iter().map(Stop::total_ms).sum()
    }
}

impl Scenario {
    /// Whether step `n` (0-based) is a relay's publish that guided play
    /// passes over: not the last step, not one the variant's own captions
    /// or questions single out (nor the step after it), and not one that
    /// breaks an invariant.
    pub fn passed_over(&self, variant: &Variant, timeline: &Timeline, n: usize) -> bool {
        let steps = timeline.steps();
        let (Some(step), Some(after)) = (steps.get(n), steps.get(n + 1)) else { return false };
        step.kind == StepKind::Publish
            && !self.singles_out(variant, step)
            && self.question(variant, after).is_none()
            && !timeline.broke_at(n + 1)
    }

    /// The variant at `seed` as guided play takes it, stop by stop.
    pub fn guided<'a>(&'a self, variant: &'a Variant, seed: u64) -> Guided<'a> {
        let timeline = Timeline::new(self.world(variant, seed), 20_000);
        let steps = timeline.steps();
        let start = variant.start_ms.map_or(0, |at| steps.iter().take_while(|s| s.time_ms < at).count());
        let mut stops = Vec::new();
        let mut next = start;
        while next < steps.len() {
            let first = next;
            while self.passed_over(variant, &timeline, next) {
                next += 1;
            }
            let shown = &steps[next];
            stops.push(Stop {
                first,
                step: next,
                caption: self.narration_for(variant, shown),
                question: self.question(variant, &steps[first]),
                moves: steps[first..=next].iter().filter(|s| moves(s)).count(),
                cells: shown.changed_cells(),
            });
            next += 1;
        }
        Guided { timeline, start, stops }
    }
}

/// Whether a step moves something on the stage: a message leaves or
/// arrives, a request comes in, a copy appears.
fn moves(step: &crate::sim::Step) -> bool {
    match step.kind {
        // A commit is a learner's request, which comes in from outside.
        StepKind::Publish | StepKind::Handle | StepKind::Drop | StepKind::Query | StepKind::Commit => true,
        StepKind::Refused => false,
        StepKind::Fault => matches!(step.facts.did, Some("duplicate" | "restart" | "rebalance")),
    }
}

impl Question {
    /// The order its choices show in (indexes into `choices`): shuffled,
    /// the same way every time for the same question, so where the right
    /// one stands tells nothing.
    pub fn order(&self) -> Vec<usize> {
        // FNV-1a of the prompt picks one permutation.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in self.prompt.bytes() {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
        let mut order: Vec<usize> = (0..self.choices.len()).collect();
        for i in (1..order.len()).rev() {
            hash = hash.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            order.swap(i, (hash >> 33) as usize % (i + 1));
        }
        order
    }

    /// Where the right choice shows (0-based).
    pub fn shown_answer(&self) -> usize {
        self.order().iter().position(|c| *c == self.answer).unwrap_or(0)
    }
}
