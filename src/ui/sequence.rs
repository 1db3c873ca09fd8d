//! A sequence diagram of the run so far: a lifeline per service, an arrow per
//! delivered message, a dot per local transaction. It follows the cursor;
//! clicking a row jumps to that step.

use std::ops::Range;

use leptos::prelude::*;

use crate::sim::message::Category;
use crate::sim::{StepKind, Svc};

use super::layout::short;
use super::markup::Markup;
use super::panels::go_to_clicked;
use super::state::{Inner, Lesson};

/// Rows shown before and after the current step.
const ROWS_BEFORE: usize = 40;
const ROWS_AFTER: usize = 8;
const ROW_H: i32 = 22;
const TOP: i32 = 30;
const WIDTH: i32 = 310;

/// One drawn row: the step it jumps to and what to draw.
struct Row {
    step: usize,
    current: bool,
    future: bool,
    /// From and to lifeline x, for an arrow; equal for a dot.
    from_x: i32,
    to_x: i32,
    label: String,
    class: &'static str,
}

/// The diagram, around the current step.
#[component]
pub fn Sequence() -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    let html = move || {
        let shown = lesson.shown_steps();
        lesson.with(|i| {
            let window = i.timeline.window(ROWS_BEFORE, ROWS_AFTER);
            Markup::build(|m| diagram(m, i, window.start..window.end.min(shown), None))
        })
    };
    // A click on a row goes to its step.
    view! { <section class="sequence" inner_html=html on:click=move |ev| go_to_clicked(lesson, ev)></section> }
}

/// Steps `steps` as one SVG as text (see [`super::markup`]); with `css`
/// (the page's stylesheet), a file of its own that looks as it does on the
/// page: the SVG namespace and the styles inside.
pub fn diagram(m: &mut Markup, i: &Inner, steps: Range<usize>, css: Option<&str>) {
    let t = &i.timeline;
    let services: Vec<Svc> = t.world().services().keys().copied().collect();
    // Lifelines at the middle of equal columns.
    let columns = services.len().max(1) as i32;
    let x_of = |svc: Svc| services.iter().position(|s| *s == svc).map_or(WIDTH / 2, |n| WIDTH * (2 * n as i32 + 1) / (2 * columns));
    let cursor = t.cursor();
    let rows: Vec<Row> = steps
        .filter_map(|n| {
            let step = &t.steps()[n];
            let actor = step.actor?;
            let (from_x, to_x, label, class) = match (step.kind, &step.message) {
                (StepKind::Handle | StepKind::Drop, Some(m)) => {
                    let class = match (step.kind, m.category) {
                        (StepKind::Drop, _) => "arrow dropped",
                        (_, Category::Command) => "arrow command",
                        (_, Category::Reply) => "arrow reply",
                        _ => "arrow event",
                    };
                    let copy = if step.kind == StepKind::Drop { " (dropped)" } else { "" };
                    (x_of(m.from), x_of(actor), format!("{} m{}{copy}", m.kind, m.id), class)
                }
                (StepKind::Query, Some(m)) => (x_of(m.from), x_of(actor), format!("{} m{}", m.kind, m.id), "arrow http"),
                (StepKind::Publish, _) => return None,
                (StepKind::Commit, _) => (x_of(actor), x_of(actor), "local transaction".into(), "dot commit"),
                (StepKind::Refused, _) => (x_of(actor), x_of(actor), "refused".into(), "dot refused"),
                (StepKind::Fault, _) => {
                    let first: String = step.text.split(['.', ':', ';']).next().unwrap_or("").chars().take(44).collect();
                    (x_of(actor), x_of(actor), first, "dot fault")
                }
                (StepKind::Query, _) => (x_of(actor), x_of(actor), "query".into(), "dot query"),
                (_, None) => return None,
            };
            Some(Row { step: n + 1, current: n + 1 == cursor, future: n + 1 > cursor, from_x, to_x, label, class })
        })
        .collect();
    let heads: Vec<(i32, &'static str)> = services.iter().map(|s| (x_of(*s), short(*s))).collect();
    let height = TOP + ROW_H * rows.len() as i32 + 10;
    let svg =
        m.tag("svg").attr_some("xmlns", css.map(|_| "http://www.w3.org/2000/svg")).attr("viewBox", format_args!("0 0 {WIDTH} {height}"));
    svg.attr("width", "100%").attr("role", "img").attr("aria-label", "Sequence diagram of the run").with(|m| {
        if let Some(css) = css {
            m.tag("style").text(css);
        }
        for (x, name) in heads {
            m.tag("line").attr("class", "lifeline").attr("x1", x).attr("y1", 20).attr("x2", x).attr("y2", height).end();
            let head = m.tag("text").attr("class", "lifeline-name").attr("x", x).attr("y", 14);
            head.attr("text-anchor", "middle").text(name);
        }
        for (n, row) in rows.into_iter().enumerate() {
            let y = TOP + ROW_H * n as i32 + 14;
            // Labels start at the arrow's left end; a dot on the right
            // half labels itself leftwards, to stay inside.
            let (label_x, anchor) = if row.from_x == row.to_x && row.from_x > WIDTH / 2 {
                (row.from_x - 7, "end")
            } else {
                (row.from_x.min(row.to_x) + 4, "start")
            };
            let state =
                [(row.current, " current"), (row.future, " future")].iter().filter(|(on, _)| *on).map(|(_, c)| *c).collect::<String>();
            let g = m.tag("g").attr("class", format_args!("seq-row {}{state}", row.class));
            g.attr("data-seq-step", row.step).attr("data-goto", row.step).with(|m| {
                let hit = m.tag("rect").attr("class", "hit").attr("x", 0).attr("y", y - 15).attr("width", WIDTH);
                hit.attr("height", ROW_H).end();
                if row.from_x == row.to_x {
                    m.tag("circle").attr("cx", row.from_x).attr("cy", y).attr("r", 4).end();
                } else {
                    let tip = if row.to_x > row.from_x { row.to_x - 6 } else { row.to_x + 6 };
                    m.tag("line").attr("x1", row.from_x).attr("y1", y).attr("x2", tip).attr("y2", y).end();
                    let head = format_args!("M{} {y} L{tip} {} L{tip} {} Z", row.to_x, y - 4, y + 4);
                    m.tag("path").attr("d", head).end();
                }
                m.tag("text").attr("x", label_x).attr("y", y - 4).attr("text-anchor", anchor).text(&row.label);
            });
        }
    });
}
