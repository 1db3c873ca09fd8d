//! A service's tables as HTML tables: rows written by the current step
//! highlighted, and within them the cells whose value changed.

use leptos::prelude::*;

use crate::sim::db::{TableView, OUTBOX_TABLE, RECEIVED_TABLE};
use crate::sim::names::short;
use crate::sim::step::Written;
use crate::sim::Svc;

use super::html::{class_if, escape};
use super::state::Lesson;

/// Rows shown per table inside a service box; the inspector shows more.
pub const COMPACT_ROWS: usize = 4;
const FULL_ROWS: usize = 200;

/// Every table of `svc`. Compact: the newest rows only, and
/// `received_messages` as a count. Written as HTML text (see
/// [`super::html`]): a table that did not change is not touched.
#[component]
pub fn TableList(svc: Svc, compact: bool) -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    let html = move || {
        lesson.with(|i| {
            let timeline = &i.timeline;
            let Some(service) = timeline.world().service(svc) else { return String::new() };
            let written: &[Written] = match timeline.current() {
                Some(step) if step.actor == Some(svc) => &step.writes,
                _ => &[],
            };
            let focus = &i.scenario.focus;
            service.db.render().into_iter().map(|table| one_table(svc, table, written, compact, focus)).collect::<String>()
        })
    };
    view! { <div class="tables" inner_html=html></div> }
}

/// In a service box, space is short: `received_messages` shows as a count
/// (unless the lesson is about it: `focus`) and an empty table as its name
/// (the inspector shows the columns).
fn one_line(name: &str, rows: usize, focus: &[String]) -> bool {
    (name == RECEIVED_TABLE && !focus.iter().any(|f| f == name)) || rows == 0
}

/// Lines a table takes inside a service box: one, or caption, header and
/// the newest rows.
pub fn compact_lines(name: &str, rows: usize, focus: &[String]) -> i32 {
    if one_line(name, rows, focus) {
        1
    } else {
        2 + rows.min(COMPACT_ROWS) as i32
    }
}

/// One table as HTML: its rows written by the current step marked
/// `changed`, and within them the cells whose value changed.
fn one_table(svc: Svc, table: TableView, written: &[Written], compact: bool, focus: &[String]) -> String {
    let name = table.name;
    let total = table.rows.len();
    if compact && one_line(name, total, focus) {
        let touched = written.iter().any(|w| w.table == name);
        let text = match name {
            RECEIVED_TABLE => format!(": {total} message id(s), each handled once"),
            OUTBOX_TABLE => " (the outbox, empty)".into(),
            _ => " (empty)".into(),
        };
        let class = if touched { "table-count changed" } else { "table-count" };
        return format!("<div class=\"{class}\" data-table=\"{svc}/{name}\"><code>{name}</code>{text}</div>");
    }
    // In a service box, wide tables keep only the columns that tell the story.
    let keep: &[&str] = match (compact, name) {
        (true, OUTBOX_TABLE) => &["id", "destination", "payload", "published"],
        (true, "saga_instance") => &["saga_type", "saga_id", "end_state", "compensating", "failed"],
        _ => &[],
    };
    let shown: Vec<usize> = (0..table.columns.len()).filter(|i| keep.is_empty() || keep.contains(&table.columns[*i])).collect();
    let limit = if compact { COMPACT_ROWS } else { FULL_ROWS };
    let hidden = total.saturating_sub(limit);
    let state_column = table.columns.iter().position(|c| *c == "state").filter(|_| name == "orders");
    let mut html = format!("<table data-table=\"{svc}/{name}\"><caption><code>{name}</code>");
    if name == OUTBOX_TABLE {
        html += " (the outbox)";
    }
    if hidden > 0 {
        html += &format!(" (newest {limit} of {total})");
    }
    if total == 0 {
        html += " (empty)";
    }
    html += "</caption><thead><tr>";
    for i in &shown {
        html += &format!("<th title=\"{0}\">{0}</th>", table.columns[*i]);
    }
    html += "</tr></thead><tbody>";
    for (key, cells) in table.rows.into_iter().skip(hidden) {
        let write = written.iter().find(|w| w.table == name && w.key.to_string() == key);
        let state = state_column.map_or(String::new(), |i| format!(" data-order-state=\"{}\"", escape(&cells[i])));
        html += &format!("<tr data-row=\"{}\"{}{state}>", escape(&key), class_if(write.is_some(), "changed"));
        for i in &shown {
            // On the stage a class name is its last part; the inspector
            // and the tooltip show it whole, as Eventuate writes it.
            let full = &cells[*i];
            let text = if compact && !full.contains([' ', '{']) { short(full) } else { full };
            let changed = write.is_some_and(|w| w.columns.contains(&table.columns[*i]));
            html += &format!("<td title=\"{}\"{}>{}</td>", escape(full), class_if(changed, "cell-changed"), escape(text));
        }
        html += "</tr>";
    }
    html + "</tbody></table>"
}
