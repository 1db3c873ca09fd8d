//! The host API: a page that embeds SagaScope in an iframe (a slide deck)
//! drives it with `postMessage` and hears what it does.
//!
//! - Host to app: `{namespace: "sagascope", v: 1, id, method, args}`, with
//!   the methods in [`METHODS`]; each is answered with
//!   `{namespace, v, id, event: "callback", ok, error?, state}` sent to the
//!   sender's origin. A malformed, unknown or out-of-range request is
//!   answered `ok: false` and changes nothing. Only the parent window is
//!   heard, and nothing in a message is ever used as markup.
//! - App to host: `{namespace, v, event, state}` for the events in
//!   [`EVENTS`]; `ready` comes once and lists both.
//! - reveal.js's own `slide:stop` pauses and `slide:start` resumes what the
//!   embed was doing.
//! - The Player.js protocol is spoken too (`playerjs`), over the same
//!   listener.
//!
//! `state` is `{scenario, variant, seed, step, steps, playing}`.

use std::cell::Cell;
use std::rc::Rc;

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::js_sys::{Array, Object, Reflect};

use super::controls;
use super::lessons;
use super::playerjs::{self, Receiver};
use super::recall;
use super::state::Lesson;

const NAMESPACE: &str = "sagascope";
pub const METHODS: [&str; 8] = ["goto", "next", "prev", "play", "pause", "reset", "load", "getState"];
pub const EVENTS: [&str; 5] = ["ready", "stepchanged", "played", "paused", "ended"];

/// Sets `key` on `object` (a plain JS object being built).
pub(super) fn set(object: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(object, &JsValue::from_str(key), &value.into());
}

/// Reads `key` of a JS value; `undefined` when it is not an object.
pub(super) fn get(value: &JsValue, key: &str) -> JsValue {
    if value.is_object() {
        Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

/// A whole number from 0 to `max`, or `None`.
fn whole(value: &JsValue, max: f64) -> Option<u64> {
    value.as_f64().filter(|n| n.fract() == 0.0 && (0.0..=max).contains(n)).map(|n| n as u64)
}

/// The lesson as the host sees it.
fn state(lesson: Lesson) -> Object {
    let state = Object::new();
    lesson.with_untracked(|i| {
        set(&state, "scenario", i.scenario.id.as_str());
        set(&state, "variant", i.scenario.variants[i.variant].id.as_str());
        set(&state, "seed", i.seed as f64);
        set(&state, "step", i.timeline.cursor() as f64);
        set(&state, "steps", i.timeline.len() as f64);
    });
    set(&state, "playing", lesson.playing.get_untracked());
    state
}

/// A message to the host: `{namespace, v, ...}` plus what `fill` adds.
fn send(parent: &web_sys::Window, origin: &str, fill: impl FnOnce(&Object)) {
    let message = Object::new();
    set(&message, "namespace", NAMESPACE);
    set(&message, "v", 1);
    fill(&message);
    let _ = parent.post_message(&message, origin);
}

/// Listens to the host, if the app is framed, and tells it what happens.
pub fn connect(lesson: Lesson) {
    let Ok(Some(parent)) = window().parent() else { return };
    if Object::is(&parent, &window()) {
        return;
    }
    let parent = Rc::new(parent);
    let player = Rc::new(Receiver::new((*parent).clone()));
    player.ready("*", &JsValue::UNDEFINED);
    // Events go to any origin: the host's is not known before it speaks,
    // and the state says nothing a viewer of the slide cannot see.
    let tell = {
        let parent = Rc::clone(&parent);
        move |event: &str| {
            send(&parent, "*", |m| {
                set(m, "event", event);
                set(m, "state", state(lesson));
            })
        }
    };
    send(&parent, "*", |m| {
        set(m, "event", "ready");
        set(m, "methods", METHODS.iter().map(|s| JsValue::from_str(s)).collect::<Array>());
        set(m, "events", EVENTS.iter().map(|s| JsValue::from_str(s)).collect::<Array>());
        set(m, "state", state(lesson));
    });
    // What the embed was doing when its slide was left.
    let was_playing = Rc::new(Cell::new(false));
    let handle = window_event_listener(ev::message, {
        let parent = Rc::clone(&parent);
        let player = Rc::clone(&player);
        move |ev: web_sys::MessageEvent| {
            if !ev.source().is_some_and(|source| Object::is(&source, &parent)) {
                return;
            }
            let data = ev.data();
            match data.as_string().as_deref() {
                Some("slide:stop") => {
                    was_playing.set(lesson.playing.get_untracked());
                    lesson.playing.set(false);
                    return;
                }
                Some("slide:start") => {
                    if was_playing.get() {
                        controls::play(lesson);
                    }
                    return;
                }
                _ => {}
            }
            let origin = match ev.origin() {
                origin if origin == "null" || origin.is_empty() => "*".to_string(),
                origin => origin,
            };
            if let Some(request) = playerjs::request(&data) {
                return player.receive(lesson, &request, &origin);
            }
            if get(&data, "namespace").as_string().as_deref() != Some(NAMESPACE) {
                return;
            }
            let id = get(&data, "id");
            let parent = Rc::clone(&parent);
            let answer = move |result: Result<(), String>| {
                send(&parent, &origin, |m| {
                    set(m, "id", id);
                    set(m, "event", "callback");
                    set(m, "ok", result.is_ok());
                    if let Err(error) = result {
                        set(m, "error", error);
                    }
                    set(m, "state", state(lesson));
                })
            };
            if get(&data, "v").as_f64() != Some(1.0) {
                return answer(Err("only v 1 is spoken".into()));
            }
            call(lesson, &get(&data, "method").as_string().unwrap_or_default(), &get(&data, "args"), answer);
        }
    });
    on_cleanup(move || handle.remove());
    // Events: each step the cursor lands on, play and pause, the end.
    Effect::new(move |last: Option<(usize, bool, bool)>| {
        let step = lesson.with(|i| i.timeline.cursor());
        let playing = lesson.playing.get();
        let ended = lesson.at_end();
        if let Some((last_step, last_playing, last_ended)) = last {
            if step != last_step {
                tell("stepchanged");
                player.emit("timeupdate", &Receiver::time(lesson));
            }
            if playing != last_playing {
                tell(if playing { "played" } else { "paused" });
                player.emit(if playing { "play" } else { "pause" }, &JsValue::UNDEFINED);
            }
            if ended && !last_ended {
                tell("ended");
                player.emit("ended", &JsValue::UNDEFINED);
            }
        }
        (step, playing, ended)
    });
}

/// Runs `method` with `args` and answers: `ok`, or why not (and then
/// nothing changed).
fn call(lesson: Lesson, method: &str, args: &JsValue, answer: impl FnOnce(Result<(), String>) + 'static) {
    let pause_then = |f: &dyn Fn()| {
        lesson.playing.set(false);
        f();
    };
    match method {
        "goto" => {
            // (An integer in the message: formatting a float would add
            // Rust's float printing to the download.)
            let last = lesson.with_untracked(|i| i.timeline.len());
            match whole(&get(args, "step"), last as f64) {
                Some(step) => pause_then(&|| lesson.seek(step as usize)),
                None => return answer(Err(format!("goto needs args.step, a whole number from 0 to {last}"))),
            }
        }
        "next" => pause_then(&|| {
            lesson.forward();
        }),
        "prev" => pause_then(&|| lesson.back()),
        // From the start, as if loaded afresh: the questions asked again,
        // and nothing remembered for the next load (see `recall`).
        "reset" => pause_then(&|| {
            lesson.forget_answers();
            lesson.seek(0);
            recall::forget();
        }),
        "play" => controls::play(lesson),
        "pause" => lesson.playing.set(false),
        "getState" => {}
        "load" => return load(lesson, args, answer),
        _ => return answer(Err(format!("unknown method; use one of {}", METHODS.join(", ")))),
    }
    answer(Ok(()));
}

/// `load {scenario, variant?, seed?}`: a built-in lesson, once its file
/// is here.
fn load(lesson: Lesson, args: &JsValue, answer: impl FnOnce(Result<(), String>) + 'static) {
    let Some(id) = get(args, "scenario").as_string().filter(|id| lessons::is_built_in(id)) else {
        return answer(Err("load needs args.scenario, the id of a built-in lesson".into()));
    };
    let variant = get(args, "variant");
    let seed = get(args, "seed");
    let seed = if seed.is_undefined() { Some(1) } else { whole(&seed, 9_007_199_254_740_991.0) };
    let Some(seed) = seed else { return answer(Err("args.seed must be a whole number".into())) };
    lessons::load(&id, move |loaded| {
        let result = loaded.and_then(|scenario| {
            let index = match variant.as_string() {
                None if variant.is_undefined() => Some(0),
                None => None,
                Some(name) => scenario.variants.iter().position(|v| v.id == name),
            };
            let index = index.ok_or_else(|| format!("lesson {} has no such variant", scenario.id))?;
            lesson.open(scenario, index, seed);
            Ok(())
        });
        answer(result);
    });
}
