//! Sharing the lesson as it stands: a link to this step, an iframe snippet
//! for a slide, and the run exported as files (the sequence diagram as
//! SVG, the diagram as Mermaid text, the steps as JSON lines: the CLI's
//! formats, from the same engine code; the stage as SVG is saved by
//! `assets/share/stage.js`, from the page as drawn).

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::js_sys::{Array, Function, Reflect};

use crate::sim::Step;
use sagascope_engine::trace;

use super::markup::Markup;
use super::sequence::diagram;
use super::state::Lesson;

/// The link and the embed code, each with a Copy button, and the exports.
/// The fields show the text too, so it can be copied by hand where the
/// clipboard is not allowed.
#[component]
pub fn Share() -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    // Which Copy button worked last (1 the link, 2 the embed code).
    let copied = RwSignal::new(0_usize);
    let copy_button = move |what: usize, text: fn(Lesson) -> String| {
        view! {
            <button on:click=move |_| {
                if copy(&text(lesson)) {
                    copied.set(what);
                }
            }>{move || if copied.get() == what { "Copied" } else { "Copy" }}</button>
        }
    };
    let file_name = move |ext: &str| {
        lesson.with_untracked(|i| {
            format!("sagascope-{}-{}-step{}.{ext}", i.scenario.id, i.scenario.variants[i.variant].id, i.timeline.cursor())
        })
    };
    // The steps shown, in one of the CLI's formats.
    let steps_file = move |ext: &'static str, mime: &'static str, render: fn(&[Step]) -> String| {
        move |_| {
            let shown = lesson.shown_steps();
            let text = lesson.with_untracked(|i| render(&i.timeline.steps()[..shown]));
            download(&file_name(ext), mime, &text);
        }
    };
    let sequence = move |_| {
        let shown = lesson.shown_steps();
        let svg = lesson.with_untracked(|i| Markup::build(|m| diagram(m, i, 0..shown, Some(&page_css()))));
        download(&file_name("sequence.svg"), "image/svg+xml", &svg);
    };
    view! {
        <details class="share">
            <summary>"Share"</summary>
            <div class="share-body">
                <label>"Link to this step " <input readonly aria-label="Link to this step" prop:value=move || link(lesson)/></label>
                {copy_button(1, link)}
                <label>"Embed code " <input readonly aria-label="Embed code" prop:value=move || embed_code(lesson)/></label>
                {copy_button(2, embed_code)}
                <div class="downloads">"Download "
                    // index.html's click handler saves the stage (its code
                    // loads on the first click: share/stage.js).
                    <button data-save-stage="">"Stage (SVG)"</button>
                    <button on:click=sequence>"Sequence diagram (SVG)"</button>
                    <button on:click=steps_file("mmd", "text/plain", trace::mermaid)>"Sequence diagram (Mermaid)"</button>
                    <button on:click=steps_file("jsonl", "application/jsonl", trace::jsonl)>"Run (JSON lines)"</button>
                </div>
            </div>
        </details>
    }
}

/// The page's address without its hash: where the app is served from.
fn page_url() -> String {
    let href = window().location().href().unwrap_or_default();
    href.split('#').next().unwrap_or_default().to_string()
}

/// A link to the lesson at this step, with the page's options.
fn link(lesson: Lesson) -> String {
    page_url() + &lesson.hash()
}

/// An iframe that shows the lesson at this step in embed mode, at a
/// slide's size.
fn embed_code(lesson: Lesson) -> String {
    let hash = lesson.hash();
    let hash = if hash.contains("embed=1") { hash } else { hash + "&embed=1" };
    let title = lesson.with(|i| i.scenario.title.clone());
    Markup::build(|m| {
        let frame = m.tag("iframe").attr("src", format_args!("{}{hash}", page_url())).attr("title", format_args!("SagaScope: {title}"));
        frame.attr("width", 800).attr("height", 450).attr("style", "border:0").attr("loading", "lazy").end();
    })
}

/// `navigator.clipboard.writeText(text)` where the page may use the
/// clipboard; false where it may not (the field still shows the text).
fn copy(text: &str) -> bool {
    let clipboard = Reflect::get(&window(), &"navigator".into()).and_then(|n| Reflect::get(&n, &"clipboard".into()));
    let write = clipboard.as_ref().ok().and_then(|c| Reflect::get(c, &"writeText".into()).ok()).and_then(|f| f.dyn_into::<Function>().ok());
    match (clipboard, write) {
        (Ok(clipboard), Some(write)) => write.call1(&clipboard, &text.into()).is_ok(),
        _ => false,
    }
}

/// Saves `text` as a file named `name`.
fn download(name: &str, mime: &str, text: &str) {
    let href = format!("data:{mime};charset=utf-8,{}", String::from(web_sys::js_sys::encode_uri_component(text)));
    let Ok(link) = document().create_element("a") else { return };
    let _ = link.set_attribute("href", &href);
    let _ = link.set_attribute("download", name);
    if let Ok(link) = link.dyn_into::<web_sys::HtmlElement>() {
        link.click();
    }
}

/// Every rule of the page's stylesheets as text.
fn page_css() -> String {
    let sheets = Reflect::get(&document(), &"styleSheets".into()).map(|s| Array::from(&s)).unwrap_or_default();
    let mut css = String::new();
    for sheet in sheets.iter() {
        let rules = Reflect::get(&sheet, &"cssRules".into()).map(|r| Array::from(&r)).unwrap_or_default();
        for rule in rules.iter() {
            css += &Reflect::get(&rule, &"cssText".into()).ok().and_then(|t| t.as_string()).unwrap_or_default();
            css.push('\n');
        }
    }
    css
}
