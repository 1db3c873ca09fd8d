//! The app's state: the lesson's timeline (owned here, read by every
//! component) and a few signals. Components never copy the engine's state;
//! they read it through [`Lesson::with`], which re-runs them when it changes.

use std::rc::Rc;

use leptos::prelude::*;

use crate::scenarios::{self, Question, Scenario};
use crate::sim::{Action, Timeline};

use super::motion::{self, Transition};
use super::{hash, lessons, progress};

/// Most steps computed ahead of the cursor.
const STEP_LIMIT: usize = 20_000;
/// Unguided play: the virtual time between two steps passes this many
/// times faster than the speed says (the moves themselves take their time).
const IDLE_SPEEDUP: f64 = 8.0;
/// Real ms one move of the messages takes at the default speed (0.1):
/// a message published and handled moves for twice this.
const HOP_MS_DEFAULT: f64 = 450.0;

/// What the inspector shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    Service(crate::sim::Svc),
    /// A message in flight.
    Message(crate::sim::world::FlightKey),
    /// A channel's lane: every message on it, the ones it has no room to
    /// show too.
    Lane(String),
}

/// The verdict on an answer and the step it shows at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feedback {
    pub right: bool,
    pub text: String,
    /// The cursor it shows at: where the question was asked until the
    /// step it was about is taken (`waiting`), then that step's.
    at: usize,
    waiting: bool,
}

/// Everything about the open lesson.
pub struct Inner {
    /// Shared: switching variant or seed does not copy the lesson.
    pub scenario: Rc<Scenario>,
    pub variant: usize,
    pub seed: u64,
    pub timeline: Timeline,
    /// Guided play: real ms the current step has still to stay on screen
    /// once its moves have played.
    dwell: f64,
    /// What moves on the stage from the step before to this one.
    pub transition: Transition,
    /// A question was answered while this step's messages still moved:
    /// the step it was about follows once they have arrived.
    answer_waits: bool,
    /// Play stopped only to ask a question: the answer plays on.
    resume: bool,
    /// Questions answered or skipped in this run, by index.
    answered: Vec<usize>,
    /// The variant's situation with nothing scripted (`free=1`).
    pub free: bool,
    /// The steps the page may show (`from=N&to=M` in an embed): seeking,
    /// stepping and playing stay inside.
    bounds: (usize, usize),
    /// The presentation options, kept at the end of the lesson's hash.
    tail: String,
    /// The explorer's choices the run follows from its start (`path=`,
    /// as written); empty: the lesson's own run.
    pub path: String,
    /// The run before the last change (an action that dropped a future,
    /// an explored run, another seed), which the learner can compare this
    /// one with; it stands at the same step while compared.
    pub before: Option<Timeline>,
    /// What `before` is, as a sentence names it ("the lesson's own run").
    pub before_name: String,
    /// Whether `before` shows beside this run.
    pub comparing: bool,
}

impl Inner {
    /// The run this one is compared with, while it is.
    pub fn compared(&self) -> Option<&Timeline> {
        self.before.as_ref().filter(|_| self.comparing)
    }

    /// The presentation options at the end of the lesson's hash.
    pub fn tail(&self) -> &str {
        &self.tail
    }
}

/// A cheap, copyable handle on the lesson, shared through context.
#[derive(Clone, Copy)]
pub struct Lesson {
    inner: StoredValue<Inner, LocalStorage>,
    /// Bumped whenever the timeline moves or changes.
    version: RwSignal<u64>,
    /// Bumped when another lesson, variant or seed opens.
    pub opened: RwSignal<u64>,
    pub playing: RwSignal<bool>,
    /// Virtual ms per real ms.
    pub speed: RwSignal<f64>,
    /// Play takes one step, then waits for Play again.
    pub step_by_step: RwSignal<bool>,
    /// Real ms of the current transition played so far: the stage's
    /// animations stand at this time (see [`Inner::transition`]).
    pub motion: RwSignal<u32>,
    /// Whether the frame loop runs (see [`super::controls::animate`]).
    pub looping: StoredValue<bool>,
    /// A message for the learner (bad URL, refused action, dropped future).
    pub notice: RwSignal<Option<String>>,
    /// The verdict on the last answer, shown where the question was (so
    /// the stage does not move) until the step after the one it was about.
    pub feedback: RwSignal<Option<Feedback>>,
    pub selected: RwSignal<Option<Selection>>,
    /// The furthest step the learner has reached in this run: the log,
    /// the sequence diagram and the timeline show no step beyond it.
    reached: RwSignal<usize>,
    /// Show every step of the run, reached or not (on in the sandbox,
    /// where nothing is scripted).
    pub whole_run: RwSignal<bool>,
    /// Show the relay's publish steps on their own; off (the default in a
    /// guided lesson), stepping and playing pass over them and the next
    /// step's log line names them.
    pub show_relay: RwSignal<bool>,
    /// Tables on the stage the learner opened or folded by hand, each as
    /// `svc/table;` (see [`super::tables::table_open`]).
    pub toggled: RwSignal<String>,
    /// Guided play: each step stays on screen long enough to read its
    /// caption, and play pauses where a lesson turns (`guided=0`: off).
    guided: bool,
    /// In a slide (`embed=1`) the deck chose where to start: no notice
    /// that the steps before set the scene.
    embedded: bool,
    /// The learner asked for less motion (read once: `motion_left` runs
    /// every frame, and a media query each time allocated one).
    reduced: bool,
}

impl Lesson {
    /// Opens the lesson a URL hash names, or the first one, once its file
    /// is loaded; a bad hash becomes a notice, never a blank page. `done`
    /// gets an error only when no lesson file could be loaded.
    pub fn open_hash(hash_text: &str, done: impl FnOnce(Result<Lesson, String>) + 'static) {
        let (mut location, mut problem) = match hash::parse(hash_text) {
            Ok(location) => (location, None),
            Err(error) => (hash::Location::default(), Some(error)),
        };
        let id = match location.scenario.as_deref() {
            Some(id) if lessons::is_built_in(id) => id.to_string(),
            Some(id) => {
                problem = Some(format!(
                    "There is no lesson called \"{id}\" (a lesson from a file has to be loaded again); here is the first one."
                ));
                // Its variant and step belong to that other lesson.
                (location.variant, location.step) = (None, None);
                lessons::first().to_string()
            }
            None => lessons::first().to_string(),
        };
        let present = hash::present(hash_text);
        if !present.notes.is_empty() && problem.is_none() {
            problem = Some(present.notes.join(" "));
        }
        lessons::load(&id, move |loaded| done(loaded.map(|scenario| Lesson::new(scenario, &location, &present, problem))));
    }

    /// A lesson of `scenario` at the variant, seed and step `location` names.
    fn new(scenario: Rc<Scenario>, location: &hash::Location, present: &hash::Present, mut problem: Option<String>) -> Self {
        let variant = match location.variant.as_deref().map(|v| scenario.variants.iter().position(|x| x.id == v)) {
            Some(Some(i)) => i,
            Some(None) => {
                problem = Some(format!("Lesson {} has no variant {:?}.", scenario.id, location.variant.as_deref().unwrap_or_default()));
                0
            }
            None => 0,
        };
        let free = location.free;
        let seed = location.seed.unwrap_or(1);
        let asked = scenario.variants[variant].questions.len();
        let answered = location.answered.iter().copied().filter(|n| *n < asked).collect();
        let timeline = run(&scenario, variant, seed, free);
        let unscripted = unscripted(&scenario, free);
        let lesson = Lesson {
            inner: StoredValue::new_local(Inner {
                scenario,
                variant,
                seed,
                timeline,
                dwell: 0.0,
                transition: Transition::default(),
                answer_waits: false,
                resume: false,
                answered,
                free,
                bounds: (present.from.unwrap_or(0), present.to.unwrap_or(usize::MAX)),
                tail: present.tail(),
                path: String::new(),
                before: None,
                before_name: String::new(),
                comparing: false,
            }),
            version: RwSignal::new(0),
            opened: RwSignal::new(0),
            playing: RwSignal::new(false),
            speed: RwSignal::new(0.1),
            step_by_step: RwSignal::new(false),
            motion: RwSignal::new(0),
            looping: StoredValue::new(false),
            notice: RwSignal::new(problem),
            feedback: RwSignal::new(None),
            selected: RwSignal::new(None),
            reached: RwSignal::new(0),
            whole_run: RwSignal::new(unscripted),
            show_relay: RwSignal::new(unscripted || location.unguided),
            toggled: RwSignal::new(String::new()),
            guided: !location.unguided,
            embedded: present.embed,
            reduced: reduced_motion(),
        };
        if let Some(path) = location.path.as_deref() {
            lesson.follow(path);
            lesson.compare(location.compare);
        }
        match location.step {
            Some(step) => lesson.seek(step),
            None if present.from.is_some() => lesson.seek(0),
            None => lesson.skip_to_start(),
        }
        lesson
    }

    /// Opens a variant where its point starts (its `start_ms`): the steps
    /// before set the scene, count as reached, and a notice says so.
    fn skip_to_start(&self) {
        let start = self.inner.with_value(|i| {
            let start = i.scenario.variants[i.variant].start_ms?;
            Some(i.timeline.steps().iter().take_while(|s| s.time_ms < start).count())
        });
        if let Some(n) = start.filter(|n| *n > 0) {
            self.seek(n);
            if !self.embedded {
                self.notice.set(Some(format!("The lesson starts at step {n}: the steps before it set the scene, and the log lists them.")));
            }
        }
    }

    /// Reads the lesson, re-running the caller when it changes.
    pub fn with<R>(&self, f: impl FnOnce(&Inner) -> R) -> R {
        self.version.track();
        self.inner.with_value(f)
    }

    /// Reads the lesson without subscribing to changes.
    pub fn with_untracked<R>(&self, f: impl FnOnce(&Inner) -> R) -> R {
        self.inner.with_value(f)
    }

    /// The timeline jumped (a seek, an action, another run): the stage
    /// shows where it stands, with nothing moving.
    fn changed(&self) {
        self.inner.update_value(|i| {
            i.transition = Transition::still(motion::tokens(&i.timeline));
            (i.answer_waits, i.resume) = (false, false);
        });
        self.motion.set(0);
        self.moved();
    }

    /// The timeline stepped and `transition` shows how: it plays from its
    /// start, driven by the frame loop until it ends.
    fn stepped(&self, transition: Transition) {
        self.inner.update_value(|i| {
            i.transition = transition;
            i.answer_waits = false;
        });
        self.motion.set(0);
        self.moved();
        super::controls::animate(*self);
    }

    /// Real ms one move takes at the chosen speed.
    fn hop_ms(&self) -> u32 {
        (HOP_MS_DEFAULT * 0.1 / self.speed.get_untracked()).clamp(40.0, 1500.0) as u32
    }

    /// Whether the frame loop has work: playing, a transition on screen,
    /// or an answered question's step to take once it has played.
    pub fn busy(&self) -> bool {
        self.playing.get_untracked() || self.motion_left() > 0 || self.inner.with_value(|i| i.answer_waits)
    }

    /// Real ms left of the transition on screen (0 with reduced motion,
    /// where the stage shows each step at once).
    pub fn motion_left(&self) -> u32 {
        if self.reduced {
            return 0;
        }
        let total = self.inner.with_value(|i| i.transition.duration_ms());
        total.saturating_sub(self.motion.get_untracked())
    }

    /// The timeline moved: remember how far the learner got, and re-run
    /// what reads the lesson.
    fn moved(&self) {
        let cursor = self.inner.try_update_value(|i| {
            let cursor = i.timeline.cursor();
            // The run compared with stands at the same step (or its last).
            if let Some(before) = i.before.as_mut().filter(|_| i.comparing) {
                before.seek(cursor);
            }
            cursor
        });
        let cursor = cursor.unwrap_or(0);
        if cursor > self.reached.get_untracked() {
            self.reached.set(cursor);
        }
        self.version.update(|v| *v += 1);
    }

    /// How many steps the log, the sequence diagram and the timeline may
    /// show: those reached so far, or all of them with the whole run on.
    pub fn shown_steps(&self) -> usize {
        let len = self.with(|i| i.timeline.len());
        if self.whole_run.get() {
            len
        } else {
            self.reached.get().min(len)
        }
    }

    /// Opens another lesson (or variant, or seed) at step 0; another
    /// variant or seed of a lesson in the sandbox stays in the sandbox.
    pub fn open(&self, scenario: Rc<Scenario>, variant: usize, seed: u64) {
        let free = self.inner.with_value(|i| i.free && Rc::ptr_eq(&i.scenario, &scenario));
        self.open_as(scenario, variant, seed, free);
    }

    /// Opens a lesson at step 0, `free`: its variant's situation in the
    /// sandbox. With nothing scripted, the whole run and the relay's
    /// steps show.
    pub fn open_as(&self, scenario: Rc<Scenario>, variant: usize, seed: u64, free: bool) {
        let unscripted = unscripted(&scenario, free);
        self.whole_run.set(unscripted);
        self.show_relay.set(unscripted || !self.guided);
        let timeline = run(&scenario, variant, seed, free);
        self.inner.update_value(|i| {
            // The same run at another seed can be compared with this one.
            let same_run = Rc::ptr_eq(&i.scenario, &scenario) && i.variant == variant && i.free == free && i.seed != seed;
            let old = std::mem::replace(&mut i.timeline, timeline);
            i.before = same_run.then_some(old);
            i.before_name = format!("the same run at seed {}", i.seed);
            (i.scenario, i.variant, i.seed, i.dwell, i.free, i.comparing) = (scenario, variant, seed, 0.0, free, false);
            i.answered.clear();
            i.path.clear();
        });
        self.playing.set(false);
        self.selected.set(None);
        self.notice.set(None);
        self.feedback.set(None);
        self.toggled.set(String::new());
        self.reached.set(0);
        self.opened.update(|n| *n += 1);
        self.changed();
        self.skip_to_start();
    }

    /// Makes the run follow the explorer's choices `path` (as a link writes
    /// them) from its start; a path that does not fit this lesson leaves
    /// the lesson's own run and says why.
    pub fn follow(&self, path: &str) {
        let fits = crate::sim::choice::parse_path(path).is_some_and(|choices| {
            self.inner.try_update_value(|i| {
                i.timeline.seek(0);
                i.path = path.to_string();
                let fits = i.timeline.follow(&choices).is_ok();
                i.before = i.timeline.before_fork();
                i.before_name = "the lesson's own run".into();
                fits
            }) == Some(true)
        });
        if !fits {
            self.inner.update_value(|i| {
                i.path.clear();
                i.before = None;
            });
            self.notice.set(Some("This link's explored run does not fit the lesson; here is the lesson's own run.".into()));
        }
        self.changed();
    }

    /// Shows the run before the last change beside this one (if there is
    /// one), or stops.
    pub fn compare(&self, on: bool) {
        self.inner.update_value(|i| i.comparing = on && i.before.is_some());
        self.changed();
    }

    /// Goes to step `n` exactly (within the page's bounds).
    pub fn seek(&self, n: usize) {
        self.inner.update_value(|i| {
            i.timeline.seek(n);
            keep_in_bounds(i);
        });
        self.changed();
    }

    /// Whether the lesson stands at its last step (or the page's last).
    pub fn at_end(&self) -> bool {
        self.inner.with_value(|i| i.timeline.cursor() >= i.timeline.len().min(i.bounds.1))
    }

    /// One step forward, over folded relay steps (false at the end); the
    /// stage plays each step's moves in turn.
    pub fn forward(&self) -> bool {
        // Stepping on by hand: play no longer waits on a question.
        self.inner.update_value(|i| i.resume = false);
        let fold = !self.show_relay.get_untracked();
        let hop_ms = self.hop_ms();
        let frames = if self.at_end() { None } else { self.inner.try_update_value(|i| forward_over_folded(i, fold)) };
        // An answer's verdict follows the step it was about, then stays.
        let cursor = self.inner.with_value(|i| i.timeline.cursor());
        self.feedback.update(|f| {
            if let Some(f) = f.as_mut().filter(|f| f.waiting && f.at != cursor) {
                (f.at, f.waiting) = (cursor, false);
            }
        });
        match frames.filter(|(f, _)| f.len() > 1) {
            Some((frames, requests)) => {
                self.stepped(Transition { frames, requests, backward: false, hop_ms });
                true
            }
            None => {
                self.changed();
                false
            }
        }
    }

    /// One step back, over folded relay steps: the forward moves reversed.
    pub fn back(&self) {
        self.inner.update_value(|i| i.resume = false);
        let fold = !self.show_relay.get_untracked();
        let hop_ms = self.hop_ms();
        let frames = self.inner.try_update_value(|i| {
            let (from, _) = i.bounds;
            let mut frames = vec![motion::tokens(&i.timeline)];
            let mut step = |i: &mut Inner| {
                let moved = i.timeline.cursor() > from && i.timeline.back();
                if moved {
                    frames.push(motion::tokens(&i.timeline));
                }
                moved
            };
            if step(i) {
                while fold && i.timeline.cursor() > from && folded(i, i.timeline.cursor() - 1) && step(i) {}
            }
            keep_in_bounds(i);
            frames
        });
        match frames.filter(|f| f.len() > 1) {
            Some(frames) => self.stepped(Transition { frames, requests: Vec::new(), backward: true, hop_ms }),
            None => self.changed(),
        }
    }

    /// The learner acts now. In the past, this forks the timeline.
    pub fn act(&self, action: Action) {
        // Acting at the furthest step reached is acting now: the steps
        // computed ahead of it were never seen, so nothing seen is undone.
        let now = self.inner.with_value(|i| i.timeline.cursor()) >= self.reached.get_untracked();
        let (dropped, refused) = self
            .inner
            .try_update_value(|i| {
                let step = i.timeline.act(action);
                let refused = (step.kind == crate::sim::StepKind::Refused).then(|| step.text.clone());
                // Acting in the past dropped a future: that run can be compared with.
                if let Some(before) = i.timeline.before_fork() {
                    i.before = Some(before);
                    i.before_name = "the run before your action".into();
                }
                (i.timeline.dropped(), refused)
            })
            .unwrap_or((0, None));
        let notice = match (refused, dropped) {
            (Some(text), _) => Some(text),
            (None, 0) => None,
            (None, _) if now => None,
            (None, n) => Some(format!("You acted in the past: the {n} steps that followed were dropped and the run was recomputed.")),
        };
        self.notice.set(notice);
        // The recomputed future is new: nothing after the cursor is reached.
        self.reached.set(0);
        self.feedback.set(None);
        self.changed();
    }

    /// One frame of `real_ms` wall time: the transition on screen plays
    /// on; then, while playing, the step stays on screen (guided play:
    /// long enough to read it) and the next one is taken. Stops at the end.
    pub fn tick(&self, real_ms: u32) {
        let left = self.motion_left();
        if left > 0 {
            // Past the end by a millisecond once it is over: the stage's
            // clock is a float, and at its very end a move would still be on.
            self.motion.set(self.motion.get_untracked() + if real_ms >= left { left + 1 } else { real_ms });
            return;
        }
        if self.inner.try_update_value(|i| std::mem::take(&mut i.answer_waits)) == Some(true) {
            self.take_answered_step();
            return;
        }
        if !self.playing.get_untracked() {
            return;
        }
        let waited = self.inner.try_update_value(|i| {
            i.dwell = (i.dwell - f64::from(real_ms)).max(0.0);
            i.dwell
        });
        if waited.unwrap_or(0.0) > 0.0 {
            return;
        }
        if self.at_end() {
            self.playing.set(false);
            return;
        }
        if self.question().is_some() {
            // Ask first; the learner's answer takes the step, and play
            // goes on from there.
            self.playing.set(false);
            self.inner.update_value(|i| i.resume = true);
            return;
        }
        let compensating = self.inner.with_value(|i| compensating_sagas(i.timeline.world()));
        self.forward();
        if self.step_by_step.get_untracked() {
            self.playing.set(false);
            return;
        }
        if self.guided {
            self.pause_to_read(compensating);
        } else {
            // Unguided: the time to the next step passes too, faster.
            let speed = self.speed.get_untracked();
            self.inner.update_value(|i| {
                let now = i.timeline.world().now();
                let next = i.timeline.steps().get(i.timeline.cursor()).map_or(now, |s| s.time_ms);
                i.dwell = (next.saturating_sub(now) as f64 / speed / IDLE_SPEEDUP).min(1000.0);
            });
        }
        // At the end, play stops once the last step has been read.
    }

    /// The step an answered question was about: taken now, and if play
    /// stopped only to ask, it goes on, the step kept on screen long
    /// enough to read it and the answer's reason.
    fn take_answered_step(&self) {
        let resume = self.inner.try_update_value(|i| std::mem::take(&mut i.resume)) == Some(true);
        let compensating = self.inner.with_value(|i| compensating_sagas(i.timeline.world()));
        self.forward();
        if resume {
            self.playing.set(true);
            self.pause_to_read(compensating);
            super::controls::animate(*self);
        }
    }

    /// The question to ask before the next step, in guided mode, unless
    /// it was answered or skipped: (its index, the question).
    pub fn question(&self) -> Option<(usize, Question)> {
        if !self.guided {
            return None;
        }
        self.with(|i| {
            if i.free {
                return None;
            }
            let next = i.timeline.steps().get(i.timeline.cursor())?;
            let (index, question) = i.scenario.question(&i.scenario.variants[i.variant], next)?;
            (!i.answered.contains(&index)).then(|| (index, question.clone()))
        })
    }

    /// The learner answers question `index` with `choice` (none: skips
    /// it); the verdict says whether the prediction held and why, and the
    /// step it was about happens.
    pub fn answer(&self, index: usize, choice: Option<usize>) {
        // A click that outlived its lesson (another variant opened) finds
        // no such question and does nothing.
        let Some(verdict) = self
            .inner
            .try_update_value(|i| {
                let question = i.scenario.variants[i.variant].questions.get(index)?;
                if choice.is_some() {
                    progress::record(&i.scenario.id, &i.scenario.variants[i.variant].id, index);
                }
                let at = i.timeline.cursor();
                let verdict = choice.map(|c| {
                    let right = c == question.answer;
                    let text = if right {
                        format!("Yes. {}", question.why)
                    } else {
                        format!("Not quite: {}. {}", question.choices[question.answer], question.why)
                    };
                    Feedback { right, text, at, waiting: true }
                });
                i.answered.push(index);
                Some(verdict)
            })
            .flatten()
        else {
            return;
        };
        self.feedback.set(verdict);
        // The step the question was about happens once what moves now has
        // arrived, so no answer cuts a message's trip short.
        if self.motion_left() > 0 {
            self.inner.update_value(|i| i.answer_waits = true);
            // The question is answered: it goes now.
            self.moved();
            super::controls::animate(*self);
        } else {
            self.take_answered_step();
        }
    }

    /// The verdict on an answer, while it shows.
    pub fn feedback_now(&self) -> Option<Feedback> {
        let cursor = self.with(|i| i.timeline.cursor());
        self.feedback.get().filter(|f| f.at == cursor)
    }

    /// The questions answered or skipped in this run, by index (an embed
    /// remembers them across reloads: `recall`).
    pub fn answered_untracked(&self) -> Vec<usize> {
        self.inner.with_value(|i| i.answered.clone())
    }

    /// Asks this run's questions again (the host's `reset`).
    pub fn forget_answers(&self) {
        self.inner.update_value(|i| i.answered.clear());
        self.moved();
    }

    /// Guided play, after a step: keep it on screen long enough to read
    /// its caption, the cells it changed and an answer's reason
    /// (`scenarios::reading_ms` at guided pace, scaled by the speed
    /// control), and pause where the lesson turns before its end: an
    /// invariant breaks, or a saga starts to compensate.
    fn pause_to_read(&self, compensating_before: usize) {
        let speed = self.speed.get_untracked();
        let feedback = self.feedback.get_untracked();
        let (broke, compensating) = self
            .inner
            .try_update_value(|i| {
                let t = &i.timeline;
                let step = t.current();
                let caption = step.and_then(|s| i.scenario.caption(&i.scenario.variants[i.variant], s)).map_or(0, str::len);
                let cells = step.map_or(0, crate::sim::Step::changed_cells);
                // An answer's reason is read with the step it was about.
                let why = feedback.as_ref().filter(|f| f.at == t.cursor()).map_or(0, |f| f.text.len());
                let broke = t.violations().iter().any(|(at, _)| *at == Some(t.cursor()));
                let compensating = compensating_sagas(t.world());
                i.dwell = scenarios::reading_ms(caption + why, cells) as f64 * 0.1 / speed;
                (broke, compensating)
            })
            .unwrap_or_default();
        let why = if self.at_end() {
            // The last step: play stops once it has been read anyway.
            return;
        } else if broke {
            "Paused: an invariant just broke. Read this step, then press Play to go on."
        } else if compensating > compensating_before {
            "Paused: the saga starts to compensate. Read this step, then press Play to go on."
        } else {
            return;
        };
        self.playing.set(false);
        self.notice.set(Some(why.into()));
    }

    /// The URL hash for where the lesson stands.
    pub fn hash(&self) -> String {
        self.version.track();
        self.hash_untracked()
    }

    /// The same, without subscribing.
    pub fn hash_untracked(&self) -> String {
        self.inner.with_value(|i| {
            let variant = &i.scenario.variants[i.variant].id;
            let compare = if i.comparing && !i.path.is_empty() { "&compare=1" } else { "" };
            hash::format(&i.scenario.id, variant, i.timeline.cursor(), i.seed, !self.guided, i.free, &i.path) + compare + &i.tail
        })
    }
}

/// Whether nothing is scripted (the sandbox, or a variant `free`): then the
/// whole run and the relay's steps show from the start.
fn unscripted(scenario: &Scenario, free: bool) -> bool {
    free || scenario.variants.iter().all(|v| v.script.is_empty())
}

/// The run of a lesson's variant: scripted, or `free` (its settings only).
fn run(scenario: &Scenario, variant: usize, seed: u64, free: bool) -> Timeline {
    let variant = &scenario.variants[variant];
    let world = if free { scenario.free_world(variant, seed) } else { scenario.world(variant, seed) };
    Timeline::new(world, STEP_LIMIT)
}

/// Whether step `n` (0-based) is a relay's publish that stepping passes
/// over when relay steps are folded (see `Scenario::passed_over`).
pub fn folded(i: &Inner, n: usize) -> bool {
    i.scenario.passed_over(&i.scenario.variants[i.variant], &i.timeline, n)
}

/// Puts the cursor back inside the page's bounds (`from`, `to`).
fn keep_in_bounds(i: &mut Inner) {
    let (from, to) = i.bounds;
    let cursor = i.timeline.cursor();
    if cursor < from || cursor > to {
        i.timeline.seek(cursor.clamp(from, to));
    }
}

/// The messages on the stage before and after each step taken, and the
/// requests from outside that started some of them (see [`Transition`]).
type Frames = (Vec<Vec<motion::Token>>, Vec<(usize, motion::Actor, crate::sim::Svc)>);

/// One step forward, then on over folded relay steps (within the page's
/// bounds), with what each step moved.
fn forward_over_folded(i: &mut Inner, fold: bool) -> Frames {
    let mut frames = vec![motion::tokens(&i.timeline)];
    let mut requests = Vec::new();
    let to = i.bounds.1;
    while i.timeline.cursor() < to && i.timeline.forward() {
        frames.push(motion::tokens(&i.timeline));
        if let Some((actor, svc)) = i.timeline.current().and_then(motion::requester) {
            requests.push((frames.len() - 1, actor, svc));
        }
        if !(fold && folded(i, i.timeline.cursor() - 1)) {
            break;
        }
    }
    (frames, requests)
}

/// Whether the learner asked for less motion: the stage then shows each
/// step at once, its changes marked.
pub fn reduced_motion() -> bool {
    window().match_media("(prefers-reduced-motion: reduce)").ok().flatten().is_some_and(|m| m.matches())
}

/// How many of Order Service's sagas have turned to compensating, ended or
/// not: it grows by one when a saga starts to compensate.
fn compensating_sagas(world: &crate::sim::World) -> usize {
    world.service(crate::sim::Svc::OrderService).map_or(0, |s| s.db.sagas.values().filter(|saga| saga.compensating).count())
}
