//! The Leptos app: a projection of the engine's state, nothing more.
//!
//! - `state`: the lesson (timeline + signals), shared through context.
//! - `canvas` and [`layout`]: services, broker and moving messages.
//! - `tables`, `panels`, `sequence`: tables, narration, log, saga, queries,
//!   inspector, sequence diagram.
//! - `controls`: playback and the learner's actions.
//! - `versus`: the run before the last change beside this one.
//! - [`hash`]: the `#/<scenario>?step=N&seed=N` contract.

mod canvas;
mod click;
mod controls;
pub mod hash;
mod host;
pub mod layout;
mod lessons;
mod markup;
mod motion;
mod panels;
mod playerjs;
mod progress;
mod recall;
mod sequence;
mod share;
mod state;
mod tables;
mod versus;

use std::rc::Rc;

use leptos::context::Provider;
use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::scenarios;
use canvas::{Canvas, Legend};
use controls::{Actions, Playback};
use markup::{option, Markup};
use panels::{Inspector, LessonEnd, Log, Narration, QueryPanel, QuestionPanel, SagaPanel, SagaStrip, StyleFacts, Violations};
use sequence::Sequence;
use state::Lesson;
use versus::Versus;

/// The URL hash, percent-decoded by the browser (`step=%31` is step 1); a
/// broken escape is left as it is, and parsing then names what is wrong.
fn location_hash() -> String {
    let raw = window().location().hash().unwrap_or_default();
    web_sys::js_sys::decode_uri_component(&raw).map(String::from).unwrap_or(raw)
}

/// The pages the hash can name.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Page {
    Course,
    Compare,
    Lesson,
}

fn current_page() -> Page {
    match hash::page(&location_hash()) {
        "" => Page::Course,
        hash::COMPARE => Page::Compare,
        _ => Page::Lesson,
    }
}

/// The whole app: the course, one lesson, or two side by side. Moving
/// between lessons keeps the lesson page (it follows the hash itself).
#[component]
pub fn App() -> impl IntoView {
    // Before anything reads the URL: an embed may put back where it was.
    recall::start();
    focus_after_clicks();
    let options = hash::present(&location_hash());
    present(&options);
    let applied = options.tail();
    let page = RwSignal::new(current_page());
    let handle = window_event_listener(ev::hashchange, move |_| {
        // The presentation options belong to the page: new ones (from any
        // page, the course included), a new page.
        if hash::present(&location_hash()).tail() != applied {
            let _ = window().location().reload();
            return;
        }
        let now = current_page();
        if now != page.get_untracked() {
            page.set(now);
        }
    });
    on_cleanup(move || handle.remove());
    move || {
        let now = page.get();
        show_course(now == Page::Course);
        match now {
            Page::Course => ().into_any(),
            Page::Compare => view! { <Compare/> }.into_any(),
            Page::Lesson => view! { <Single/> }.into_any(),
        }
    }
}

/// Applies the URL's presentation options to the page, once: the theme and
/// zoom on `<html>`, embed mode, the controls shown and the caption as
/// classes on `<body>` (the stylesheet does the rest).
fn present(options: &hash::Present) {
    let document = document();
    if let Some(root) = document.document_element() {
        if !options.theme.is_empty() {
            let _ = root.set_attribute("data-theme", options.theme);
        }
        if options.zoom > 0 {
            // Through the CSSOM: a style attribute would need the Content
            // Security Policy to allow inline styles.
            if let Ok(style) = web_sys::js_sys::Reflect::get(&root, &"style".into()) {
                let _ = web_sys::js_sys::Reflect::set(&style, &"zoom".into(), &format!("{}%", options.zoom).into());
            }
        }
    }
    let controls = match (options.controls, options.embed) {
        ("", true) => "mini",
        ("", false) => "full",
        (chosen, _) => chosen,
    };
    let embed = if options.embed { " embed" } else { "" };
    let caption = if options.no_caption { " no-caption" } else { "" };
    if let Some(body) = document.body() {
        let _ = body.set_attribute("class", &format!("controls-{controls}{embed}{caption}"));
    }
}

/// `#/`: the course, static in `index.html` (so it costs the download
/// only its text); shown with the answered questions filled in from the
/// learner's progress.
fn show_course(shown: bool) {
    let Some(course) = document().get_element_by_id("course") else { return };
    let _ = course.toggle_attribute_with_force("hidden", !shown);
    for (id, _) in scenarios::LESSONS.iter().filter(|_| shown) {
        let entry = course.query_selector(&format!("[data-lesson={id}]")).ok().flatten();
        let questions = entry.as_ref().and_then(|e| e.get_attribute("data-questions")).and_then(|q| q.parse::<usize>().ok());
        let progress = entry.and_then(|e| e.query_selector(".progress").ok().flatten());
        if let (Some(questions), Some(progress)) = (questions.filter(|q| *q > 0), progress) {
            let answered = progress::answered(id).min(questions);
            progress.set_text_content(Some(&if answered > 0 { format!("{answered} answered") } else { String::new() }));
        }
    }
}

/// The root of one lesson, carrying the page's data contract.
#[component]
fn LessonRoot(lesson: Lesson, class: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class=class data-testid="sagascope"
            data-scenario=move || lesson.with(|i| i.scenario.id.clone())
            data-step=move || lesson.with(|i| i.timeline.cursor()).to_string()
            data-steps=move || lesson.with(|i| i.timeline.len()).to_string()
            data-playing=move || lesson.playing.get().to_string()
            // While a step's messages move (see `motion`).
            data-moving=move || {
                lesson.motion.track();
                lesson.with(|_| ());
                (lesson.motion_left() > 0).to_string()
            }>
            {children()}
        </div>
    }
}

/// Opens the lesson the URL names: a line saying so while its file loads,
/// a message if it cannot be loaded, never a blank page.
#[component]
fn Single() -> impl IntoView {
    opening(&location_hash(), || view! { <LessonPage/> }.into_any())
}

/// Opens the lesson `hash` names: a line while its file loads, a message if
/// it cannot be loaded, else `page` with the lesson in its context.
fn opening(hash: &str, page: fn() -> AnyView) -> impl IntoView {
    let opened = RwSignal::new(None::<Result<Lesson, String>>);
    let autoplay = hash::present(hash).autoplay;
    Lesson::open_hash(hash, move |lesson| {
        if let (Ok(lesson), true) = (&lesson, autoplay) {
            controls::play(*lesson);
        }
        opened.set(Some(lesson));
    });
    move || match opened.get() {
        None => view! { <p class="loading">"Loading the lesson…"</p> }.into_any(),
        Some(Err(error)) => view! { <p class="notice" role="alert">{error}</p> }.into_any(),
        Some(Ok(lesson)) => view! { <Provider value=lesson>{page()}</Provider> }.into_any(),
    }
}

/// One lesson with every panel.
#[component]
fn LessonPage() -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    keyboard(lesson);
    sync_hash(lesson);
    host::connect(lesson);
    let diagram = RwSignal::new(false);
    view! {
        <LessonRoot lesson class="app">
            <Header/>
            {move || lesson.notice.get().map(|text| view! {
                <div class="notice" role="status">{text}
                    <button class="close" on:click=move |_| lesson.notice.set(None) aria-label="Dismiss">"×"</button>
                </div>
            })}
            <main>
                <div class="stage">
                    <Canvas/>
                    <Versus/>
                    <Legend/>
                    <SagaStrip/>
                    <Narration/>
                    <QuestionPanel/>
                    <LessonEnd/>
                    <Violations/>
                    <Playback/>
                    <Actions/>
                </div>
                <aside>
                    <Inspector/>
                    <SagaPanel/>
                    <QueryPanel/>
                    <div class="tabs">
                        <div class="tablist" role="tablist" aria-label="Steps or sequence diagram">
                            <button role="tab" aria-selected=move || (!diagram.get()).to_string() on:click=move |_| diagram.set(false)>"Steps"</button>
                            <button role="tab" aria-selected=move || diagram.get().to_string() on:click=move |_| diagram.set(true)>"Sequence diagram"</button>
                        </div>
                        <label class="whole-run" title="Also list the steps not reached yet">
                            <input type="checkbox" prop:checked=move || lesson.whole_run.get()
                                on:change=move |ev| lesson.whole_run.set(event_target_checked(&ev))/>
                            "whole run"
                        </label>
                        <label class="whole-run" title="Show each relay publish as its own step">
                            <input type="checkbox" prop:checked=move || lesson.show_relay.get()
                                on:change=move |ev| lesson.show_relay.set(event_target_checked(&ev))/>
                            "relay steps"
                        </label>
                    </div>
                    {move || if diagram.get() { view! { <Sequence/> }.into_any() } else { view! { <Log/> }.into_any() }}
                </aside>
            </main>
        </LessonRoot>
    }
}

/// The same business transaction both ways, side by side: choreography on
/// the left, orchestration on the right. The keys drive both. Where two
/// stages side by side would be too small to read (below 1800 px wide: a
/// projector, a slide), one shows at a time and two tabs switch.
#[component]
fn Compare() -> impl IntoView {
    // Each pane gets its own lesson through its own context scope.
    let pane = || view! { <Pane/> }.into_any();
    let shown = RwSignal::new(0_usize);
    let tab = move |n: usize, title: &'static str| {
        view! {
            <button role="tab" aria-selected=move || (shown.get() == n).to_string() on:click=move |_| shown.set(n)>{title}</button>
        }
    };
    view! {
        <div class="compare">
            <header>
                <h1>"SagaScope"</h1>
                <span class="summary">"One order, two ways: services reacting to each other's events (left) or a saga orchestrator sending commands (right). Space, ← and → drive both."</span>
                <a href="#/">"All lessons"</a>
            </header>
            <div class="pane-tabs">
                <div role="tablist" aria-label="Style shown">
                    {tab(0, "Choreography")}
                    {tab(1, "Orchestration")}
                </div>
                <span>"Space, ← and → drive both"</span>
            </div>
            <div class="panes" data-shown=move || shown.get().to_string()>
                {opening("#/choreography?variant=approved", pane)}
                {opening("#/orchestration?variant=approved", pane)}
            </div>
        </div>
    }
}

/// One side of the comparison.
#[component]
fn Pane() -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    keyboard(lesson);
    view! {
        <LessonRoot lesson class="pane">
            <div class="pane-head">
                <h2>{move || lesson.with(|i| i.scenario.title.clone())}</h2>
                <VariantPicker/>
            </div>
            <Canvas/>
            <SagaStrip/>
            <Narration/>
            <Violations/>
            <Playback/>
            <StyleFacts/>
            <Sequence/>
        </LessonRoot>
    }
}

/// The variant picker of the open lesson.
#[component]
fn VariantPicker() -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    let pick = move |ev: ev::Event| {
        let (scenario, seed) = lesson.with_untracked(|i| (Rc::clone(&i.scenario), i.seed));
        let index = event_target_value(&ev).parse::<usize>().unwrap_or(0).min(scenario.variants.len() - 1);
        lesson.open(scenario, index, seed);
    };
    view! {
        <label>"Variant "
            <select aria-label="Variant" on:change=pick inner_html=move || {
                lesson.with(|i| {
                    Markup::build(|m| {
                        for (n, v) in i.scenario.variants.iter().enumerate() {
                            option(m, n, &v.title, n == i.variant);
                        }
                    })
                })
            }></select>
        </label>
    }
}

/// Title, lesson and variant pickers, seed, and loading a scenario file.
#[component]
fn Header() -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    let pick_scenario = move |ev: ev::Event| {
        let id = event_target_value(&ev);
        if id == "compare" {
            let _ = window().location().set_hash(&format!("#/{}", hash::COMPARE));
        } else if lessons::is_built_in(&id) {
            let seed = lesson.with_untracked(|i| i.seed);
            lessons::load(&id, move |loaded| match loaded {
                Ok(scenario) => lesson.open(scenario, 0, seed),
                Err(error) => lesson.notice.set(Some(error)),
            });
        }
    };
    let pick_seed = move |ev: ev::Event| match event_target_value(&ev).parse::<u64>() {
        Ok(seed) => {
            let (scenario, variant) = lesson.with_untracked(|i| (Rc::clone(&i.scenario), i.variant));
            lesson.open(scenario, variant, seed);
        }
        Err(_) => lesson.notice.set(Some("The seed must be a whole number.".into())),
    };
    let summary = move || {
        lesson.with(|i| {
            let variant = &i.scenario.variants[i.variant];
            match i.free {
                true => format!("In the sandbox: \"{}\" with nothing scripted. Act with the buttons below the stage.", variant.title),
                false => format!("{} {}", i.scenario.summary, variant.summary),
            }
        })
    };
    view! {
        <header>
            <h1><a href="#/" title="All lessons">"SagaScope"</a></h1>
            <label>"Lesson "
                <select aria-label="Lesson" on:change=pick_scenario inner_html=move || {
                    lesson.opened.track();
                    lesson.with_untracked(|i| {
                        let open = &i.scenario.id;
                        Markup::build(|m| {
                            for (id, title) in scenarios::LESSONS {
                                option(m, id, title, open == id);
                            }
                            // A lesson from a file is listed while it is open.
                            if !lessons::is_built_in(open) {
                                option(m, open, &i.scenario.title, true);
                            }
                            option(m, "compare", "Side by side: choreography vs orchestration", false);
                        })
                    })
                }></select>
            </label>
            <VariantPicker/>
            <label>"Seed " <input class="seed" type="number" min="0" aria-label="Seed"
                prop:value=move || lesson.with(|i| i.seed).to_string() on:change=pick_seed/></label>
            <label class="file" title="Open a scenario JSON file (the format of engine/src/scenarios/catalogue/)">"Load scenario file…"
                <input type="file" accept=".json,application/json" aria-label="Load a scenario file" on:change=move |ev| load_file(lesson, ev)/>
            </label>
            <share::Share/>
            <p class="summary">{summary}</p>
        </header>
    }
}

/// Reads a scenario file the learner picked; a bad file gets a message.
/// The size is checked before reading, so a huge file never freezes the
/// page, and the bytes are decoded strictly, as natively: invalid UTF-8
/// is refused, not silently replaced.
fn load_file(lesson: Lesson, ev: ev::Event) {
    let Some(file) = event_target::<web_sys::HtmlInputElement>(&ev).files().and_then(|f| f.get(0)) else { return };
    let refuse = move |why: String| lesson.notice.set(Some(format!("That file cannot be loaded: {why}")));
    // Whole bytes, formatted as an integer: formatting the f64 itself would
    // pull Rust's float printing (about 5 KB gzip) into the download.
    let bytes = file.size() as u64;
    if bytes > scenarios::FILE_BYTES_MAX as u64 {
        refuse(format!("it has {bytes} bytes; a scenario file may have at most {}", scenarios::FILE_BYTES_MAX));
        return;
    }
    let Ok(reader) = web_sys::FileReader::new() else { return };
    let onload = Closure::once_into_js({
        let reader = reader.clone();
        move || {
            let bytes = reader.result().map(|buffer| web_sys::js_sys::Uint8Array::new(&buffer).to_vec()).unwrap_or_default();
            match scenarios::from_bytes(&bytes) {
                Ok(scenario) => {
                    let seed = lesson.with_untracked(|i| i.seed);
                    lesson.open(Rc::new(scenario), 0, seed);
                }
                Err(error) => refuse(error),
            }
        }
    });
    reader.set_onload(Some(onload.unchecked_ref()));
    if reader.read_as_array_buffer(&file).is_err() {
        lesson.notice.set(Some("That file cannot be read.".into()));
    }
}

/// Space, Right, Left, Home and End, unless the learner is typing (or,
/// for Space, pressing a focused button).
fn keyboard(lesson: Lesson) {
    let handle = window_event_listener(ev::keydown, move |ev: web_sys::KeyboardEvent| {
        let tag = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).map(|el| el.tag_name()).unwrap_or_default();
        let typing = matches!(tag.as_str(), "INPUT" | "SELECT" | "TEXTAREA");
        let on_button = tag == "BUTTON" && ev.key() == " ";
        if typing || on_button || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let handled = match ev.key().as_str() {
            " " => {
                controls::toggle(lesson);
                true
            }
            "ArrowRight" => {
                lesson.playing.set(false);
                lesson.forward();
                true
            }
            "ArrowLeft" => {
                lesson.playing.set(false);
                lesson.back();
                true
            }
            "Home" => {
                lesson.playing.set(false);
                lesson.seek(0);
                true
            }
            "End" => {
                lesson.playing.set(false);
                lesson.seek(usize::MAX);
                true
            }
            // In a slide, give the keys back to the deck.
            "Escape" => {
                give_focus_back();
                true
            }
            _ => false,
        };
        if handled {
            ev.prevent_default();
        }
    });
    on_cleanup(move || handle.remove());
}

/// After a pointer click on a lesson's button (Place order, Crash, Step
/// forward, ...), the focus goes to the lesson's root: left on the button,
/// the next Space would press it again instead of playing or pausing, as
/// the keys promise. A click from the keyboard (Enter or Space on a button
/// reached with Tab) has `detail` 0 and leaves the focus where the
/// learner put it. Heard while the click goes down the page, before the
/// button's own handler: that may redraw the button away (the stage is
/// rewritten on each step), or move the focus on purpose, which then wins.
fn focus_after_clicks() {
    let listener = Closure::<dyn Fn(web_sys::MouseEvent)>::new(|ev: web_sys::MouseEvent| {
        if ev.detail() == 0 {
            return;
        }
        let Some(button) =
            ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|el| el.closest("button").ok().flatten())
        else {
            return;
        };
        // Chromium focuses a clicked button, Safari does not (the body
        // keeps the focus).
        let focused = document().active_element();
        if !(focused.as_ref() == Some(&button) || focused == document().body().map(Into::into)) {
            return;
        }
        let root = button.closest("[data-testid=sagascope]").ok().flatten().and_then(|r| r.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(root) = root {
            // Focusable by script, not by Tab.
            let _ = root.set_attribute("tabindex", "-1");
            let options = web_sys::FocusOptions::new();
            options.set_prevent_scroll(true);
            let _ = root.focus_with_options(&options);
        }
    });
    let _ = window().add_event_listener_with_callback_and_bool("click", listener.as_ref().unchecked_ref(), true);
    // The app is mounted once and lives as long as the page.
    listener.forget();
}

/// Blurs whatever has focus and focuses the host page (an iframe's
/// parent), so a deck's arrow keys work again.
fn give_focus_back() {
    if let Some(focused) = document().active_element().and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = focused.blur();
    }
    if let Ok(Some(parent)) = window().parent() {
        let _ = parent.focus();
    }
}

/// Keeps the URL hash on the current step while paused (so a link opens
/// exactly here), and an embed's memory on it at every step, and follows
/// the hash when the learner edits it.
fn sync_hash(lesson: Lesson) {
    Effect::new(move |_| {
        let playing = lesson.playing.get();
        // An embed remembers where it stands at every step (see `recall`).
        if playing && !recall::remembering() {
            return;
        }
        let hash = lesson.hash();
        recall::save(lesson, &hash);
        if !playing && location_hash() != hash {
            if let Ok(history) = window().history() {
                let _ = history.replace_state_with_url(&recall::history_state(), "", Some(&hash));
            }
        }
    });
    let handle = window_event_listener(ev::hashchange, move |_| {
        let hash = location_hash();
        // New presentation options: the app reloads the page (see [`App`]).
        if hash::present(&hash).tail() != lesson.with_untracked(|i| i.tail().to_string()) {
            return;
        }
        if hash != lesson.hash_untracked() && !matches!(hash::page(&hash), "" | hash::COMPARE) {
            Lesson::open_hash(&hash, move |fresh| match fresh {
                Ok(fresh) => {
                    let (scenario, variant, seed, step, free, path, comparing) = fresh.with_untracked(|i| {
                        (Rc::clone(&i.scenario), i.variant, i.seed, i.timeline.cursor(), i.free, i.path.clone(), i.comparing)
                    });
                    lesson.open_as(scenario, variant, seed, free);
                    if !path.is_empty() {
                        lesson.follow(&path);
                        lesson.compare(comparing);
                    }
                    lesson.seek(step);
                    lesson.notice.set(fresh.notice.get_untracked());
                }
                Err(error) => lesson.notice.set(Some(error)),
            });
        }
    });
    on_cleanup(move || handle.remove());
}
