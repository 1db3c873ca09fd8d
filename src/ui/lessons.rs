//! The built-in lessons are files next to the app (`lessons/<id>.json`,
//! copied there by Trunk), fetched the first time one is opened and kept
//! for the session, so that they stay out of the first download. The
//! single-file build (`scripts/offline`) carries them in the page instead.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::document;
use wasm_bindgen::prelude::*;

use crate::scenarios::{self, Scenario};

thread_local! {
    static LOADED: RefCell<Vec<Rc<Scenario>>> = const { RefCell::new(Vec::new()) };
}

/// Whether `id` names a built-in lesson.
pub fn is_built_in(id: &str) -> bool {
    scenarios::LESSONS.iter().any(|(lesson, _)| *lesson == id)
}

/// The first lesson, opened when a URL names none (or one that does not exist).
pub fn first() -> &'static str {
    scenarios::LESSONS[0].0
}

/// The lesson after `id` in the course, (id, title): the side-by-side
/// page comes after the last scripted lesson, before the sandbox.
pub fn next(id: &str) -> Option<(&'static str, &'static str)> {
    const COMPARE: (&str, &str) = (super::hash::COMPARE, "Side by side: choreography vs orchestration");
    let (lessons, sandbox) = scenarios::LESSONS.split_at(scenarios::LESSONS.len() - 1);
    lessons.iter().chain([&COMPARE]).chain(sandbox).skip_while(|l| l.0 != id).nth(1).copied()
}

/// Calls `done` with the built-in lesson `id`: at once if it was loaded
/// before, otherwise when its file has arrived (or failed to).
pub fn load(id: &str, done: impl FnOnce(Result<Rc<Scenario>, String>) + 'static) {
    if let Some(scenario) = LOADED.with_borrow(|loaded| loaded.iter().find(|s| s.id == id).cloned()) {
        done(Ok(scenario));
        return;
    }
    // The single-file build carries its lessons in the page (there is no
    // server to fetch them from under file://).
    let inline = document().get_element_by_id(&format!("lesson-{id}")).and_then(|script| script.text_content());
    if let Some(text) = inline {
        done(keep(scenarios::from_bytes(text.as_bytes())));
        return;
    }
    let url = format!("lessons/{id}.json");
    let opened = web_sys::XmlHttpRequest::new().map(|request| (request.open("GET", &url).is_ok(), request));
    let failed = move |why: &str| format!("The lesson file {url} could not be loaded: {why}.");
    let Ok((opened, request)) = opened else {
        done(Err(failed("this browser cannot make the request")));
        return;
    };
    request.set_response_type(web_sys::XmlHttpRequestResponseType::Arraybuffer);
    if !opened {
        done(Err(failed("the request could not be opened")));
        return;
    }
    let wanted = id.to_string();
    let on_end = Closure::once_into_js({
        let request = request.clone();
        move || {
            let status = request.status().unwrap_or(0);
            let bytes = request.response().map(|buffer| web_sys::js_sys::Uint8Array::new(&buffer).to_vec()).unwrap_or_default();
            let result = if status != 200 || bytes.is_empty() {
                Err(failed(&format!("the server answered {status}")))
            } else {
                scenarios::from_bytes(&bytes).and_then(|s| if s.id == wanted { Ok(s) } else { Err(failed("it holds another lesson")) })
            };
            done(keep(result));
        }
    });
    // `loadend` comes after success, failure and abort alike; `send` on an
    // opened request reports a network failure there, not here.
    request.set_onloadend(Some(on_end.unchecked_ref()));
    let _ = request.send();
}

/// A lesson just read, kept for the rest of the session.
fn keep(read: Result<Scenario, String>) -> Result<Rc<Scenario>, String> {
    let scenario = Rc::new(read?);
    LOADED.with_borrow_mut(|loaded| loaded.push(Rc::clone(&scenario)));
    Ok(scenario)
}
