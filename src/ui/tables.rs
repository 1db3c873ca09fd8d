//! A service's tables as HTML tables: rows written by the current step
//! highlighted, and within them the cells whose value changed. On the
//! stage a box shows the tables its lesson is about and folds the others
//! to one line.

use leptos::prelude::*;

use crate::sim::db::{Database, TableView, OUTBOX_TABLE, RECEIVED_TABLE};
use crate::sim::names::short;
use crate::sim::step::Written;
use crate::sim::timeline::Timeline;
use crate::sim::{Svc, World};

use super::markup::Markup;
use super::state::Lesson;

/// Rows shown per table inside a service box; the inspector shows more.
pub const COMPACT_ROWS: usize = 4;
const FULL_ROWS: usize = 200;

/// Every table of `svc`, whole: the inspector's view. Written as HTML
/// text (see [`super::markup`]): a table that did not change is not touched.
#[component]
pub fn TableList(svc: Svc) -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    let html = move || lesson.with(|i| Markup::build(|m| tables(m, svc, &i.timeline, false, &|_| true, i.compared().map(Timeline::world))));
    view! { <div class="tables" inner_html=html></div> }
}

/// The tables of `svc` now, written into `m`. `compact` (a service box on the
/// stage): the newest rows only, the columns that tell the story, and the
/// tables `open` declines folded to one line. `versus`: the world of the
/// run this one is compared with; what differs from it is marked.
pub fn tables(m: &mut Markup, svc: Svc, timeline: &Timeline, compact: bool, open: &dyn Fn(&str) -> bool, versus: Option<&World>) {
    let Some(service) = timeline.world().service(svc) else { return };
    let theirs = versus.and_then(|w| w.service(svc)).map(|s| &s.db);
    let written: &[Written] = match timeline.current() {
        Some(step) if step.actor == Some(svc) => &step.writes,
        _ => &[],
    };
    for (name, rows) in service.db.table_sizes() {
        if compact && (rows == 0 || !open(name)) {
            // Folded, a table shows its size alone: a different size differs
            // (counted, not rendered: a folded outbox may hold many rows).
            let their_rows = |db: &Database| db.table_sizes().find(|(n, _)| *n == name).map_or(0, |(_, n)| n);
            let differs = theirs.is_some_and(|db| their_rows(db) != rows);
            folded_line(m, svc, name, rows, written, differs);
        } else {
            one_table(m, svc, service.db.view(name), written, compact, theirs.map(|db| db.view(name)));
        }
    }
}

/// Whether a service box shows table `name` open: the lesson's `focus`
/// names the tables it is about (with none named, all but
/// `received_messages`), and the learner may open or fold any of them
/// (`toggled` lists those as `svc/table;`).
pub fn table_open(svc: Svc, name: &str, focus: &[String], toggled: &str) -> bool {
    let about = if focus.is_empty() { name != RECEIVED_TABLE } else { focus.iter().any(|f| f == name) };
    about != toggled.split(';').any(|t| t.split_once('/') == Some((svc.id(), name)))
}

/// Lines a table takes inside a service box: one folded or empty, else
/// caption, header and the newest rows.
pub fn compact_lines(rows: usize, open: bool) -> i32 {
    if open && rows > 0 {
        2 + rows.min(COMPACT_ROWS) as i32
    } else {
        1
    }
}

/// A table folded to one line: its name and size, a button that opens it
/// (`data-unfold`) when it has rows; `differs` from the run compared with.
fn folded_line(m: &mut Markup, svc: Svc, name: &str, rows: usize, written: &[Written], differs: bool) {
    let touched = written.iter().any(|w| w.table == name);
    let class = format_args!("table-count{}{}", if touched { " changed" } else { "" }, if differs { " differs" } else { "" });
    let table = format_args!("{svc}/{name}");
    let text = |m: &mut Markup| {
        m.tag("code").text(name);
        if name == OUTBOX_TABLE {
            m.text(" (outbox)");
        }
        match (name, rows) {
            (_, 0) => m.text(" (empty)"),
            (RECEIVED_TABLE, n) => m.text(format_args!(" · {n} id(s), each handled once")),
            (_, 1) => m.text(" · 1 row"),
            (_, n) => m.text(format_args!(" · {n} rows")),
        };
    };
    if rows > 0 {
        let button = m.tag("button").attr("class", class).attr("data-table", table).attr("data-unfold", table);
        button.attr("aria-expanded", "false").attr("title", "Show the rows").with(|m| {
            m.text("▸ ");
            text(m);
        });
    } else {
        m.tag("div").attr("class", class).attr("data-table", table).with(text);
    }
}

/// One table: its rows written by the current step marked `changed`, and
/// within them the cells whose value changed; cells that differ from
/// `theirs` (the run compared with) `differs`.
fn one_table(m: &mut Markup, svc: Svc, table: TableView, written: &[Written], compact: bool, theirs: Option<TableView>) {
    let name = table.name;
    let total = table.rows.len();
    // In a service box, wide tables keep only the columns that tell the story.
    let keep: &[&str] = match (compact, name) {
        (true, OUTBOX_TABLE) => &["id", "destination", "payload", "published"],
        (true, "saga_instance") => &["saga_type", "end_state", "compensating", "failed"],
        (true, "orders") => &["id", "customer_id", "consumer_id", "order_total", "state"],
        _ => &[],
    };
    let shown: Vec<usize> = (0..table.columns.len()).filter(|i| keep.is_empty() || keep.contains(&table.columns[*i])).collect();
    let limit = if compact { COMPACT_ROWS } else { FULL_ROWS };
    let hidden = total.saturating_sub(limit);
    let state_column = table.columns.iter().position(|c| *c == "state").filter(|_| name == "orders");
    let caption = |m: &mut Markup| {
        m.tag("code").text(name);
        if name == OUTBOX_TABLE {
            m.text(" (the outbox)");
        }
        if hidden > 0 {
            m.text(format_args!(" (newest {limit} of {total})"));
        }
        if total == 0 {
            m.text(" (empty)");
        }
    };
    m.tag("table").attr("data-table", format_args!("{svc}/{name}")).with(|m| {
        m.tag("caption").with(|m| {
            if compact {
                // On the stage, the caption folds the table back to one line.
                let fold = m.tag("button").attr("class", "fold").attr("data-unfold", format_args!("{svc}/{name}"));
                fold.attr("aria-expanded", "true").attr("title", "Fold to one line").with(|m| {
                    m.text("▾ ");
                    caption(m);
                });
            } else {
                caption(m);
            }
        });
        m.tag("thead").with(|m| {
            m.tag("tr").with(|m| {
                for i in &shown {
                    m.tag("th").attr("title", table.columns[*i]).text(table.columns[*i]);
                }
            });
        });
        m.tag("tbody").with(|m| {
            for (key, cells) in table.rows.iter().skip(hidden) {
                let write = written.iter().find(|w| w.table == name && w.key.to_string() == *key);
                // Their row with this key: none, a row they lack (all of it differs).
                let their_row = theirs.as_ref().map(|t| t.rows.iter().find(|(k, _)| k == key).map(|(_, cells)| cells));
                let row = m.tag("tr").attr("data-row", key).attr_some("class", write.map(|_| "changed"));
                row.attr_some("data-order-state", state_column.map(|i| &cells[i])).with(|m| {
                    for i in &shown {
                        // On the stage a class name is its last part; the inspector
                        // and the tooltip show it whole, as Eventuate writes it.
                        let full = &cells[*i];
                        let text = if compact && !full.contains([' ', '{']) { short(full) } else { full };
                        let changed = write.is_some_and(|w| w.columns.contains(&table.columns[*i]));
                        let differs = their_row.is_some_and(|row| row.is_none_or(|cells| cells.get(*i) != Some(full)));
                        let class = match (differs, changed) {
                            (true, true) => Some("cell-changed differs"),
                            (true, false) => Some("differs"),
                            (false, true) => Some("cell-changed"),
                            (false, false) => None,
                        };
                        m.tag("td").attr("title", full).attr_some("class", class).text(text);
                    }
                });
            }
        });
    });
}
