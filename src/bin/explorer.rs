//! The explorer's web worker: a second, engine-only wasm module that Trunk
//! builds beside the app (`data-type="worker"` in index.html) and that the
//! page loads only when a learner asks "can this go wrong?", so it costs
//! the first load nothing. It searches every interleaving of a lesson
//! variant (`sagascope_engine::explore`) off the page's thread and posts
//! its progress and its verdict back.
//!
//! Request (an object): `{lesson, variant, seed, free, path, step, depth,
//! faults}`, where `lesson` is the lesson file's text, as the page fetched
//! it, and `path` and `step` say where the page stands: the search starts
//! there, and the path it reports leads from the start through that step.
//! Replies (objects, `kind` first): `progress` with `transitions`,
//! `distinct`, `depth`; then `found` (the violation, the path as a link
//! writes it, the step that shows it, how many steps the search chose and
//! the first of them), `clean` (`cut`: `nothing`, `depth`
//! or `states`) or `error` (`message`).

use sagascope_engine::explore::{Bounds, Cut, Explorer, Faults, Progress, Verdict};
use sagascope_engine::scenarios;
use sagascope_engine::sim::check::meaning;
use sagascope_engine::sim::choice::{parse_path, path_text};
use sagascope_engine::sim::Timeline;
use wasm_bindgen::prelude::*;
use web_sys::js_sys::{global, Object, Reflect};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Steps searched between two progress messages (a few milliseconds).
const SLICE: u64 = 3_000;
/// Most distinct states a search keeps in the page's memory: about 200 MB
/// at some 650 bytes a state (the same memory 150,000 states took when a
/// state cost 2.3 KB); the largest lesson search, API composition with a
/// relay crash, takes 226,132.
const MAX_STATES: usize = 300_000;
/// Most steps of the run a found path opens as.
const STEP_LIMIT: usize = 20_000;

fn main() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = global().unchecked_into();
    let answer = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let reply = search(&event.data(), &|progress| post(&answer, &progress_reply(progress)));
        post(&answer, &reply.unwrap_or_else(|message| reply_object("error", &[("message", message.into())])));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page keeps it: so does its handler.
    on_message.forget();
}

fn post(scope: &DedicatedWorkerGlobalScope, message: &Object) {
    // Posting a plain object cannot fail; a closed page has no one to tell.
    let _ = scope.post_message(message);
}

/// An object `{kind, ...fields}`.
fn reply_object(kind: &str, fields: &[(&str, JsValue)]) -> Object {
    let object = Object::new();
    let _ = Reflect::set(&object, &"kind".into(), &kind.into());
    for (name, value) in fields {
        let _ = Reflect::set(&object, &(*name).into(), value);
    }
    object
}

fn counts(progress: Progress) -> [(&'static str, JsValue); 3] {
    [
        ("transitions", (progress.transitions as f64).into()),
        ("distinct", (progress.distinct as f64).into()),
        ("depth", (progress.depth as f64).into()),
    ]
}

fn progress_reply(progress: Progress) -> Object {
    reply_object("progress", &counts(progress))
}

/// Reads a request's field as text or as a whole number.
fn field(request: &JsValue, name: &str) -> JsValue {
    Reflect::get(request, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

fn text(request: &JsValue, name: &str) -> Result<String, String> {
    field(request, name).as_string().ok_or_else(|| format!("the request has no {name}"))
}

fn number(request: &JsValue, name: &str, default: u64) -> u64 {
    field(request, name).as_f64().filter(|n| n.is_finite() && *n >= 0.0).map_or(default, |n| n as u64)
}

/// Runs one search to its verdict, reporting progress between slices.
fn search(request: &JsValue, progress: &dyn Fn(Progress)) -> Result<Object, String> {
    let scenario = scenarios::from_bytes(text(request, "lesson")?.as_bytes())?;
    let variant = scenario.variant(Some(&text(request, "variant")?))?;
    let seed = number(request, "seed", 1);
    let free = field(request, "free").as_bool().unwrap_or(false);
    let world = if free { scenario.free_world(variant, seed) } else { scenario.world(variant, seed) };
    let depth = number(request, "depth", Bounds::default().depth as u64).clamp(1, 500) as usize;
    let faults = Faults::parse(&text(request, "faults").unwrap_or_default())?;
    // Where the page stands: the run it shows (the lesson's, or the path
    // it follows), at its step.
    let mut here = Timeline::new(world.clone(), STEP_LIMIT);
    let shown = parse_path(&text(request, "path").unwrap_or_default()).ok_or("the page's path is not a path")?;
    here.follow(&shown).map_err(|n| format!("choice {n} of the page's path does not fit"))?;
    here.seek(number(request, "step", 0) as usize);
    let to_here = here.path_to(here.cursor()).ok_or("the run shown has a learner's action, which a path cannot hold")?;
    let mut explorer = Explorer::from_timeline(&here, Bounds { depth, faults, max_states: MAX_STATES });
    let verdict = loop {
        if let Some(verdict) = explorer.run(SLICE) {
            break verdict.clone();
        }
        progress(explorer.progress());
    };
    // The worker's whole memory once searched: a figure for the benchmark.
    let memory: web_sys::js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let bytes = memory.buffer().unchecked_into::<web_sys::js_sys::ArrayBuffer>().byte_length();
    let counts = [&counts(explorer.progress())[..], &[("memory", f64::from(bytes).into())]].concat();
    let (path, violation, at_rest) = match verdict {
        Verdict::Found { path, violation, at_rest } => (to_here.into_iter().chain(path).collect::<Vec<_>>(), violation, at_rest),
        Verdict::Clean { cut } => {
            let cut = match cut {
                Cut::Nothing => "nothing",
                Cut::Depth => "depth",
                Cut::States => "states",
            };
            let unreached = explorer.unreached().join(", then ");
            let fields = [
                ("cut", cut.into()),
                ("maxStates", (MAX_STATES as f64).into()),
                ("unreached", unreached.into()),
                ("ended", (explorer.ended() as f64).into()),
            ];
            return Ok(reply_object("clean", &[&counts[..], &fields[..]].concat()));
        }
    };
    // The step of the followed run where the violation shows.
    let mut timeline = Timeline::new(world, STEP_LIMIT);
    timeline.follow(&path).map_err(|n| format!("choice {n} of the path it found does not replay"))?;
    let step = timeline.shown_at(violation.id);
    let chosen: Vec<usize> = (0..timeline.len()).filter(|i| timeline.is_choice(*i)).collect();
    // Open the run just before its first chosen step (or where it breaks,
    // when the lesson's own timing breaks it).
    let first = chosen.first().copied().unwrap_or(step);
    let fields = [
        ("id", violation.id.into()),
        ("meaning", meaning(violation.id).into()),
        ("detail", violation.detail.into()),
        ("atRest", at_rest.into()),
        ("path", path_text(&path).into()),
        ("step", (step as f64).into()),
        ("chosen", (chosen.len() as f64).into()),
        ("first", (first as f64).into()),
    ];
    Ok(reply_object("found", &[&counts[..], &fields[..]].concat()))
}
