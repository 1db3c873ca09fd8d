//! A service's tables as HTML tables: rows written by the current step
//! highlighted, and within them the cells whose value changed.

use leptos::prelude::*;

use crate::sim::db::{TableView, OUTBOX_TABLE, RECEIVED_TABLE};
use crate::sim::names::short;
use crate::sim::step::Written;
use crate::sim::Svc;

use super::state::Lesson;

/// Rows shown per table inside a service box; the inspector shows more.
pub const COMPACT_ROWS: usize = 4;
const FULL_ROWS: usize = 200;

/// Every table of `svc`. Compact: the newest rows only, and
/// `received_messages` as a count.
#[component]
pub fn TableList(svc: Svc, compact: bool) -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    let tables = move || {
        lesson.with(|i| {
            let timeline = &i.timeline;
            let Some(service) = timeline.world().service(svc) else { return Vec::new() };
            let written: Vec<Written> = timeline.current().filter(|s| s.actor == Some(svc)).map(|s| s.writes.clone()).unwrap_or_default();
            service.db.render().into_iter().map(|t| (t, written.clone())).collect::<Vec<_>>()
        })
    };
    view! {
        <div class="tables">
            {move || tables().into_iter().map(|(table, written)| view! { <OneTable svc table written compact/> }).collect_view()}
        </div>
    }
}

/// In a service box, space is short: `received_messages` shows as a count
/// and an empty table as its name (the inspector shows the columns).
fn one_line(name: &str, rows: usize) -> bool {
    name == RECEIVED_TABLE || rows == 0
}

/// Lines a table takes inside a service box: one, or caption, header and
/// the newest rows.
pub fn compact_lines(name: &str, rows: usize) -> i32 {
    if one_line(name, rows) {
        1
    } else {
        2 + rows.min(COMPACT_ROWS) as i32
    }
}

#[component]
fn OneTable(svc: Svc, table: TableView, written: Vec<Written>, compact: bool) -> impl IntoView {
    let name = table.name;
    let total = table.rows.len();
    if compact && one_line(name, total) {
        let touched = written.iter().any(|w| w.table == name);
        let text = match name {
            RECEIVED_TABLE => format!(": {total} message id(s), each handled once"),
            OUTBOX_TABLE => " (the outbox, empty)".into(),
            _ => " (empty)".into(),
        };
        return view! {
            <div class="table-count" class:changed=touched data-table=format!("{svc}/{name}")>
                <code>{name}</code>{text}
            </div>
        }
        .into_any();
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
    let rows = table.rows.into_iter().skip(hidden).map(|(key, cells)| {
        let write = written.iter().find(|w| w.table == name && w.key.to_string() == key);
        let order_state = state_column.map(|i| cells[i].clone());
        // On the stage a class name is its last part; the inspector and
        // the tooltip show it whole, as Eventuate writes it.
        let cells: Vec<(String, String, bool)> = shown
            .iter()
            .map(|i| {
                let full = cells[*i].clone();
                let text = if compact && !full.contains([' ', '{']) { short(&full).to_string() } else { full.clone() };
                (text, full, write.is_some_and(|w| w.columns.contains(&table.columns[*i])))
            })
            .collect();
        view! {
            <tr data-row=key class:changed=write.is_some() data-order-state=order_state>
                {cells.into_iter().map(|(c, title, changed)| view! { <td title=title class:cell-changed=changed>{c}</td> }).collect_view()}
            </tr>
        }
    });
    view! {
        <table data-table=format!("{svc}/{name}")>
            <caption>
                <code>{name}</code>
                {(name == OUTBOX_TABLE).then_some(" (the outbox)")}
                {(hidden > 0).then(|| format!(" (newest {limit} of {total})"))}
                {(total == 0).then_some(" (empty)")}
            </caption>
            <thead><tr>{shown.iter().map(|i| { let c = table.columns[*i]; view! { <th title=c>{c}</th> } }).collect_view()}</tr></thead>
            <tbody>{rows.collect_view()}</tbody>
        </table>
    }
    .into_any()
}
