//! Two runs of one lesson compared: this one and the run before the last
//! change (an action that dropped a future, an explored run, another
//! seed), aligned step by step. A bar says at which step they part (its
//! button goes there); the other run's stage, read-only, stands at the
//! same step, and both stages outline the cells that differ. Where two
//! stages side by side would be too small to read, two tabs switch.

use leptos::prelude::*;

use super::canvas::compared_svg;
use super::click::Click;
use super::markup::Markup;
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
            let name = &i.before_name;
            Markup::build(|m| {
                m.tag("div").attr("class", "versus-bar").attr("data-testid", "versus").with(|m| {
                    m.tag("span").with(|m| {
                        m.text("This run").tag("span").attr("class", "side").text(" (left)");
                        m.text(format_args!(" beside {name}")).tag("span").attr("class", "side").text(" (right)");
                        m.text(", step by step").tag("span").attr("class", "roomy").text("; cells that differ are outlined");
                        match i.timeline.parts_from(other) {
                            Some(n) => {
                                m.text(format_args!(". They part at step {n} "));
                                m.tag("button").attr("data-goto", n).text(format_args!("Go to step {n}"));
                            }
                            None => {
                                m.text(". They are the same run.");
                            }
                        }
                    });
                    m.tag("span").attr("role", "tablist").attr("aria-label", "Run shown").with(|m| {
                        for (n, title) in ["This run", "The other run"].into_iter().enumerate() {
                            m.tag("button").attr("role", "tab").attr("data-tab", n).attr("aria-selected", shown == n).text(title);
                        }
                    });
                    m.tag("button").attr("data-compare", 0).text("Stop comparing");
                });
                m.tag("div").attr("class", "canvas-wrap compared").flag("inert", true).with(|m| {
                    compared_svg(m, i, &toggled);
                    m.tag("p").attr("class", "versus-step").with(|m| {
                        m.tag("b").text("The other run").text(format_args!(" ({name}), "));
                        let (cursor, len) = (other.cursor(), other.len());
                        match other.current() {
                            Some(step) if cursor == len && cursor < i.timeline.cursor() => {
                                m.text(format_args!("ended at step {len}: {}", step.text))
                            }
                            Some(step) => m.text(format_args!("step {cursor}: {}", step.text)),
                            None => m.text("step 0"),
                        };
                    });
                });
            })
        })
    };
    let click = move |ev: web_sys::MouseEvent| match Click::of(&ev) {
        Some(Click::Tab(n)) => tab.set(usize::from(n == 1)),
        Some(click) => click.apply(lesson),
        None => {}
    };
    view! { <div class="versus" on:click=click inner_html=html></div> }
}
