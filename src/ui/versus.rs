//! Two runs of one lesson compared: this one and the run before the last
//! change (an action that dropped a future, an explored run, another
//! seed), aligned step by step. A bar says at which step they part (its
//! button goes there); the other run's stage, read-only, stands at the
//! same step, and both stages outline the cells that differ. Where two
//! stages side by side would be too small to read, two tabs switch.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::canvas::compared_svg;
use super::html::escape;
use super::panels::go_to_clicked;
use super::state::Lesson;

/// The bar and the other run's stage while comparing, else nothing: one
/// element whose two children take their places on the stage (the bar
/// above both stages). Where one stage shows at a time, the selected tab
/// says which (the stylesheet reads it).
#[component]
pub fn Versus() -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    // Which stage the tabs show (0: this run), kept across steps.
    let tab = RwSignal::new(0_usize);
    let html = move || {
        let shown = tab.get();
        let toggled = lesson.toggled.get();
        lesson.with(|i| {
            let Some(other) = i.compared() else { return String::new() };
            let parts = match i.timeline.parts_from(other) {
                Some(n) => format!("They part at step {n} <button data-goto=\"{n}\">Go to step {n}</button>"),
                None => "They are the same run.".into(),
            };
            let tab = |n: usize, title: &str| format!("<button role=\"tab\" data-tab=\"{n}\" aria-selected=\"{}\">{title}</button>", shown == n);
            let (cursor, len) = (other.cursor(), other.len());
            let at = match other.current() {
                Some(step) if cursor == len && cursor < i.timeline.cursor() => format!("ended at step {len}: {}", escape(&step.text)),
                Some(step) => format!("step {cursor}: {}", escape(&step.text)),
                None => "step 0".into(),
            };
            format!(
                "<div class=\"versus-bar\" data-testid=\"versus\"><span>This run<span class=\"side\"> (left)</span> beside {name}<span class=\"side\"> (right)</span>, step by step<span class=\"roomy\">; cells that differ are outlined</span>. {parts}</span><span role=\"tablist\" aria-label=\"Run shown\">{}{}</span><button data-compare=\"0\">Stop comparing</button></div><div class=\"canvas-wrap compared\" inert>{}<p class=\"versus-step\"><b>The other run</b> ({name}), {at}</p></div>",
                tab(0, "This run"),
                tab(1, "The other run"),
                compared_svg(i, &toggled),
                name = i.before_name,
            )
        })
    };
    let click = move |ev: web_sys::MouseEvent| {
        let target = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        match target.and_then(|t| t.closest("[data-tab]").ok().flatten()).and_then(|t| t.get_attribute("data-tab")) {
            Some(n) => tab.set(usize::from(n == "1")),
            None => go_to_clicked(lesson, ev),
        }
    };
    view! { <div class="versus" on:click=click inner_html=html></div> }
}
