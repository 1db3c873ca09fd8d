//! The Player.js protocol (embedly's open spec for media in iframes), beside
//! the app's own host API: a page that already drives videos through it
//! can drive a lesson. Time is counted in steps, one step to a second, so
//! `setCurrentTime(7)` goes to step 7 and `getDuration` is the number of
//! steps.
//!
//! - Host to app: `{context: "player.js", version, method, value?,
//!   listener?}`, as JSON text (as Player.js sends it) or as an object.
//! - Getters are answered to the sender's origin with the `listener` the
//!   request carried: `{context, version, event: <method>, value,
//!   listener}`.
//! - Events go only to listeners added with `addEventListener` (each to
//!   the origin that added it), with their `listener`; `ready` goes once to
//!   any origin with the frame's first URL as `src` (how Player.js tells
//!   its frames apart), and again to whoever listens for it.
//!
//! Everything sent is JSON text, as the Player.js library expects.

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::js_sys::{Array, Object, JSON};

use super::controls;
use super::host::{get, set};
use super::recall;
use super::state::Lesson;

const CONTEXT: &str = "player.js";
/// The spec's version the Player.js library 0.1 speaks.
const VERSION: &str = "0.0.11";
const METHODS: [&str; 8] =
    ["play", "pause", "getPaused", "getCurrentTime", "setCurrentTime", "getDuration", "addEventListener", "removeEventListener"];
const EVENTS: [&str; 5] = ["ready", "play", "pause", "timeupdate", "ended"];
/// More listeners than any host adds: a page cannot grow this list forever.
const LISTENERS_MAX: usize = 64;

/// A Player.js message as an object, if `data` is one (JSON text or an
/// object with `context: "player.js"`).
pub fn request(data: &JsValue) -> Option<JsValue> {
    let data = match data.as_string() {
        Some(text) if text.starts_with('{') => JSON::parse(&text).ok()?,
        Some(_) => return None,
        None => data.clone(),
    };
    (get(&data, "context").as_string().as_deref() == Some(CONTEXT)).then_some(data)
}

/// A listener's id as the host gave it: a string or a number, else none.
fn listener_id(data: &JsValue) -> JsValue {
    let id = get(data, "listener");
    if id.is_string() || id.as_f64().is_some() {
        id
    } else {
        JsValue::UNDEFINED
    }
}

struct Listener {
    event: String,
    id: JsValue,
    origin: String,
}

/// The app's side of the protocol: who listens to what.
pub struct Receiver {
    parent: web_sys::Window,
    listeners: RefCell<Vec<Listener>>,
}

impl Receiver {
    pub fn new(parent: web_sys::Window) -> Self {
        Receiver { parent, listeners: RefCell::new(Vec::new()) }
    }

    /// Posts `{context, version, event, value?, listener?}` as JSON text.
    fn send(&self, origin: &str, event: &str, value: &JsValue, listener: &JsValue) {
        let message = Object::new();
        set(&message, "context", CONTEXT);
        set(&message, "version", VERSION);
        set(&message, "event", event);
        if !value.is_undefined() {
            set(&message, "value", value.clone());
        }
        if !listener.is_undefined() {
            set(&message, "listener", listener.clone());
        }
        if let Ok(text) = JSON::stringify(&message) {
            let _ = self.parent.post_message(&text, origin);
        }
    }

    /// `ready`, with what the app speaks and the frame's first URL.
    pub fn ready(&self, origin: &str, listener: &JsValue) {
        let value = Object::new();
        set(&value, "src", recall::first_url());
        set(&value, "events", EVENTS.iter().map(|s| JsValue::from_str(s)).collect::<Array>());
        set(&value, "methods", METHODS.iter().map(|s| JsValue::from_str(s)).collect::<Array>());
        self.send(origin, "ready", &value, listener);
    }

    /// Tells `event` to everyone listening for it.
    pub fn emit(&self, event: &str, value: &JsValue) {
        for listener in self.listeners.borrow().iter().filter(|l| l.event == event) {
            self.send(&listener.origin, event, value, &listener.id);
        }
    }

    /// `timeupdate`'s value: the step as seconds, the steps as the duration.
    pub fn time(lesson: Lesson) -> JsValue {
        let value = Object::new();
        lesson.with_untracked(|i| {
            set(&value, "seconds", i.timeline.cursor() as f64);
            set(&value, "duration", i.timeline.len() as f64);
        });
        value.into()
    }

    /// Runs a request from `origin` (the host's, or `*`).
    pub fn receive(&self, lesson: Lesson, data: &JsValue, origin: &str) {
        let Some(method) = get(data, "method").as_string() else { return };
        let listener = listener_id(data);
        let value = get(data, "value");
        let answer = |value: JsValue| self.send(origin, &method, &value, &listener);
        match method.as_str() {
            "addEventListener" | "removeEventListener" => {
                let Some(event) = value.as_string().filter(|e| EVENTS.contains(&e.as_str())) else { return };
                let mut listeners = self.listeners.borrow_mut();
                if method == "removeEventListener" {
                    // Without a listener id, every listener of the event goes.
                    listeners.retain(|l| l.event != event || !(listener.is_undefined() || l.id == listener));
                } else if event == "ready" {
                    drop(listeners);
                    self.ready(origin, &listener);
                } else if listeners.len() < LISTENERS_MAX && !listeners.iter().any(|l| l.event == event && l.id == listener) {
                    listeners.push(Listener { event, id: listener, origin: origin.to_string() });
                }
            }
            "play" => controls::play(lesson),
            "pause" => lesson.playing.set(false),
            "getPaused" => answer((!lesson.playing.get_untracked()).into()),
            "getCurrentTime" => answer((lesson.with_untracked(|i| i.timeline.cursor()) as f64).into()),
            "getDuration" => answer((lesson.with_untracked(|i| i.timeline.len()) as f64).into()),
            // A time past the end goes to the end; a fraction of a second
            // stays on its step. (Not paused: a seeking video plays on.) A
            // value that is no time changes nothing.
            "setCurrentTime" => {
                if let Some(seconds) = value.as_f64().filter(|t| *t >= 0.0) {
                    lesson.seek(seconds as usize)
                }
            }
            // Methods `ready` did not list (mute, setVolume, ...) do nothing.
            _ => {}
        }
    }
}
