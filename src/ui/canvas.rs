//! The architecture canvas: a box per service with its tables, outbox and
//! relay; the broker with a lane per channel; messages moving between them.

use leptos::prelude::*;

use crate::sim::broker::PARTITIONS;
use crate::sim::message::Category;
use crate::sim::names::qualified;
use crate::sim::query::QuerySource;
use crate::sim::service::{RelayMode, Service};
use crate::sim::{Action, Svc, World};

use super::html::{class_if, escape};
use super::layout::{layout, Layout, Rect, WIDTH};
use super::state::{Lesson, Selection};
use super::tables::{compact_lines, TableList, COMPACT_ROWS};

/// The whole canvas.
#[component]
pub fn Canvas() -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    let geometry = Memo::new(move |_| {
        lesson.with(|i| {
            let world = i.timeline.world();
            let focus = &i.scenario.focus;
            let services: Vec<(Svc, i32)> = world.services().iter().map(|(svc, s)| (*svc, box_lines(world, *svc, s, focus))).collect();
            // A channel nobody subscribes to carries nothing worth drawing.
            let channels: Vec<&'static str> =
                i.timeline.world().broker().channels.iter().filter(|(_, subs)| !subs.is_empty()).map(|(c, _)| *c).collect();
            layout(&services, &channels)
        })
    });
    view! {
        <svg class="canvas" viewBox=move || format!("0 0 {WIDTH} {}", geometry.get().height) role="group"
            aria-label="Services, the broker and the messages between them">
            <Broker geometry/>
            {move || geometry.get().boxes.into_iter().map(|(svc, rect)| view! { <ServiceBox svc rect geometry/> }).collect_view()}
            <Tokens geometry/>
        </svg>
    }
}

/// Lines of text a service's box shows now (its title, padding and relay
/// count as four), so the layout can give each box the height it needs.
fn box_lines(world: &World, svc: Svc, service: &Service, focus: &[String]) -> i32 {
    let tables: i32 = if svc == Svc::ApiComposer {
        // The composer stores nothing; its queries table always shows its
        // header, so it counts at least one row.
        let queries = world.queries().iter().filter(|q| q.source == QuerySource::Composer).count();
        compact_lines("queries", queries.max(1), focus)
    } else {
        service.db.table_sizes().map(|(name, rows)| compact_lines(name, rows, focus)).sum()
    };
    let lost = i32::from(!service.unsent.is_empty() || world.ledger().lost.iter().any(|(from, _, _)| *from == svc));
    4 + tables + lost
}

/// The broker and its channels.
#[component]
fn Broker(geometry: Memo<Layout>) -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    // The lanes as SVG text (see [`super::html`]).
    let lanes = move || {
        let g = geometry.get();
        lesson.with(|i| {
            let world = i.timeline.world();
            let broker = world.broker();
            let mut svg = String::new();
            for (channel, y) in &g.lanes {
                let held = broker.held.contains(channel);
                let subscribers: Vec<&str> = broker.channels[channel].iter().map(|s| s.title()).collect();
                let kind = broker.kinds.get(channel).map_or("channel", |k| k.label());
                let to = if subscribers.is_empty() { "no subscriber".into() } else { subscribers.join(", ") };
                let (x, w) = (g.broker.x, g.broker.w);
                svg += &format!(
                    "<g class=\"lane{}\" data-channel=\"{channel}\"><title>{} ({kind}, {PARTITIONS} partitions) → {to}</title><rect x=\"{}\" y=\"{y}\" width=\"{}\" height=\"44\" rx=\"8\"></rect><text x=\"{}\" y=\"{}\" class=\"lane-name{}\">{channel}</text><text x=\"{}\" y=\"{}\" class=\"lane-kind\">{}</text></g>",
                    if held { " held" } else { "" },
                    escape(qualified(world.style(), channel)),
                    x + 6,
                    w - 12,
                    x + 14,
                    y + 17,
                    if channel.len() > 18 { " long" } else { "" },
                    x + 14,
                    y + 33,
                    if held { "HELD" } else { kind },
                );
            }
            svg
        })
    };
    move || {
        let b = geometry.get().broker;
        let middle = b.x + b.w / 2;
        view! {
            <g class="broker">
                <rect x=b.x y="0" width=b.w height=b.h rx="10"></rect>
                <text x=middle y="24" class="box-title" text-anchor="middle">"Message broker"</text>
                <text x=middle y="40" class="box-note" text-anchor="middle">"at least once,"</text>
                <text x=middle y="52" class="box-note" text-anchor="middle">"in order per partition"</text>
                <g inner_html=lanes></g>
            </g>
        }
    }
}

/// One service: its status, relay, outbox switch and tables.
#[component]
fn ServiceBox(svc: Svc, rect: Rect, geometry: Memo<Layout>) -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    let up = move || lesson.with(|i| i.timeline.world().service(svc).is_some_and(|s| s.up));
    let status = move || if up() { "up" } else { "down" };
    let relay = move || {
        lesson.with(|i| {
            let s = &i.timeline.world().services()[&svc];
            // (label, class, what it means)
            if !svc.publishes() {
                None
            } else if !s.outbox_enabled {
                Some(("dual write", "relay-off", "Outbox off: the service publishes straight after its commit"))
            } else if !s.relay.up {
                Some(("relay ✗", "relay-down", "The message relay is down: outbox rows wait unpublished"))
            } else if s.relay.crash_armed {
                Some(("relay !", "relay-armed", "The relay will crash after its next publish"))
            } else if s.relay.mode == RelayMode::Polling {
                Some(("relay", "relay-up", "The polling relay selects outbox rows with published = 0 every 500 ms and publishes them"))
            } else {
                Some(("relay", "relay-up", "The CDC tails the transaction log and publishes each new outbox row"))
            }
        })
    };
    // With the outbox off, a committed message lives only in the process's
    // memory until it is published, and a crash loses it.
    let lost = move || {
        lesson.with(|i| {
            let world = i.timeline.world();
            let unsent: Vec<String> = world.services()[&svc].unsent.iter().map(|m| format!("{} {}", m.kind, m.id_text())).collect();
            if !unsent.is_empty() {
                return Some(format!("In memory only, not yet published: {}", unsent.join(", ")));
            }
            let lost: Vec<String> =
                world.ledger().lost.iter().filter(|(from, _, _)| *from == svc).map(|(_, kind, id)| format!("{kind} m{id}")).collect();
            (!lost.is_empty()).then(|| format!("LOST, committed but never published: {}", lost.join(", ")))
        })
    };
    let behind = move || {
        (svc == Svc::OrderHistoryService).then(|| {
            let n = lesson.with(|i| i.timeline.world().events_behind());
            let text = match n {
                0 => "up to date".to_string(),
                1 => "1 event behind".to_string(),
                n => format!("{n} events behind"),
            };
            view! { <span class="behind" class:lagging={n > 0} data-events-behind=n>{text}</span> }
        })
    };
    let toggle = move |_| {
        let action = if up() { Action::Crash { service: svc } } else { Action::Restart { service: svc } };
        lesson.act(action);
    };
    let inspect = move |_| lesson.selected.set(Some(Selection::Service(svc)));
    // The service that acted in the current step is outlined.
    let acting = move || lesson.with(|i| i.timeline.current().is_some_and(|s| s.actor == Some(svc)));
    view! {
        <g class="service" data-service=svc.id() data-status=status class:down=move || !up() class:acting=acting>
            <rect class="service-box" x=rect.x y=rect.y width=rect.w height=rect.h rx="10"></rect>
            <foreignObject x=rect.x y=rect.y width=rect.w height=rect.h>
                <div class="service-body">
                    <div class="service-head">
                        <button class="service-name" on:click=inspect title="Show every table">{svc.title()}</button>
                        <span class="status" class:is-down=move || !up()>{status}</span>
                        {behind}
                        <button class="small" on:click=toggle aria-label=move || format!("{} {}", if up() { "Crash" } else { "Restart" }, svc.title())>
                            {move || if up() { "Crash" } else { "Restart" }}
                        </button>
                    </div>
                    {move || lost().map(|text| view! { <div class="lost">{text}</div> })}
                    {(svc == Svc::ApiComposer).then(|| view! { <ComposerQueries/> })}
                    <TableList svc compact=true/>
                </div>
            </foreignObject>
            // The relay sits where messages leave the service for the broker.
            {move || relay().map(|(label, class, meaning)| {
                // Inside the box's lower corner, so a message leaving it
                // starts just outside, at the edge.
                // Wide enough for its label ("dual write" is the longest).
                let half = (label.chars().count() as i32 * 7 / 2 + 8).max(28);
                let (edge, y) = geometry.get().relay(svc);
                let x = if rect.x < WIDTH / 2 { edge - half - 2 } else { edge + half + 2 };
                view! {
                    <g class=format!("relay-node {class}") transform=format!("translate({x},{y})")>
                        <title>{meaning}</title>
                        <rect x=-half y="-10" width=2 * half height="20" rx="6"></rect>
                        <text y="4" text-anchor="middle">{label}</text>
                    </g>
                }
            })}
        </g>
    }
}

/// The API composer keeps no database; its box lists its queries.
/// Written as HTML text (see [`super::html`]).
#[component]
fn ComposerQueries() -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    let html = move || {
        lesson.with(|i| {
            let mut html = String::from("<table data-table=\"api-composer/queries\"><caption><code>queries</code> (in memory, nothing stored)</caption><thead><tr><th>id</th><th>customer</th><th>result</th></tr></thead><tbody>");
            for q in i.timeline.world().queries().iter().filter(|q| q.source == QuerySource::Composer).rev().take(COMPACT_ROWS) {
                let status = escape(&match (&q.error, q.latency_ms()) {
                    (Some(error), Some(ms)) => format!("FAILED after {ms} ms: {error}"),
                    (None, Some(ms)) => format!("joined in {ms} ms"),
                    (_, None) => format!("waiting for {} call(s)", q.outstanding),
                });
                let failed = class_if(q.error.is_some(), "failed");
                html += &format!("<tr data-row=\"{0}\"{failed}><td>{0}</td><td>{1}</td><td title=\"{status}\">{status}</td></tr>", q.id, q.customer);
            }
            html + "</tbody></table>"
        })
    };
    view! { <div class="tables" inner_html=html></div> }
}

/// What the shapes and colours mean.
#[component]
pub fn Legend() -> impl IntoView {
    const LEGEND: &str = concat!(
        r#"<span><svg viewBox="-10 -10 20 20" class="token event"><rect x="-8" y="-8" width="16" height="16" rx="8"></rect></svg>event</span>"#,
        r#"<span><svg viewBox="-10 -10 20 20" class="token command"><rect x="-8" y="-8" width="16" height="16" rx="2"></rect></svg>command</span>"#,
        r#"<span><svg viewBox="-10 -10 20 20" class="token reply"><path d="M0 -9 L9 0 L0 9 L-9 0 Z"></path></svg>reply</span>"#,
        r#"<span><svg viewBox="-10 -10 20 20" class="token http"><rect x="-9" y="-6" width="18" height="12" rx="3" stroke-dasharray="3 2"></rect></svg>HTTP call</span>"#,
        r#"<span><svg viewBox="-10 -10 20 20" class="token event duplicate"><rect x="-8" y="-8" width="16" height="16" rx="8"></rect></svg>duplicate</span>"#,
        r#"<span class="legend-note">click a message to inspect or duplicate it</span>"#,
    );
    view! { <div class="legend" aria-label="Legend" inner_html=LEGEND></div> }
}

/// Messages in flight, positioned by the clock.
#[component]
fn Tokens(geometry: Memo<Layout>) -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    let jump = window().match_media("(prefers-reduced-motion: reduce)").ok().flatten().is_some_and(|m| m.matches());
    // Messages waiting on the same lane stack up: the first shows its name
    // and how many wait behind it.
    let flights = move || {
        lesson.with(|i| {
            let flights = i.timeline.world().flights();
            // (channel, how many wait on it, how many of those are placed so far)
            let mut lanes: Vec<(&'static str, usize, usize)> = Vec::new();
            for flight in flights.iter().filter(|f| f.waiting) {
                match lanes.iter_mut().find(|(c, _, _)| *c == flight.channel) {
                    Some(lane) => lane.1 += 1,
                    None => lanes.push((flight.channel, 1, 0)),
                }
            }
            flights
                .into_iter()
                .map(|flight| {
                    let lane = lanes.iter_mut().find(|(c, _, _)| flight.waiting && *c == flight.channel);
                    let (behind, total) = match lane {
                        Some((_, total, placed)) => {
                            *placed += 1;
                            (Some(*placed - 1), *total)
                        }
                        None => (None, 0),
                    };
                    (flight, behind, total)
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <g class="tokens">
            <For each=flights key=|(f, behind, total)| (f.key, f.deliver_at, f.waiting, *behind, *total) let((flight, behind, total))>
                {
                    let key = flight.key;
                    let class = match flight.category {
                        Category::Event => "token event",
                        Category::Command => "token command",
                        Category::Reply => "token reply",
                        Category::Request | Category::Response => "token http",
                    };
                    let shape = match flight.category {
                        Category::Event => view! { <rect x="-8" y="-8" width="16" height="16" rx="8"></rect> }.into_any(),
                        Category::Command => view! { <rect x="-8" y="-8" width="16" height="16" rx="2"></rect> }.into_any(),
                        Category::Reply => view! { <path d="M0 -9 L9 0 L0 9 L-9 0 Z"></path> }.into_any(),
                        _ => view! { <rect x="-9" y="-6" width="18" height="12" rx="3" stroke-dasharray="3 2"></rect> }.into_any(),
                    };
                    let copy = if flight.duplicate { " (copy)" } else { "" };
                    let label = format!("{} m{}{copy}", flight.kind, flight.message_id);
                    let shown_label = match (behind, total) {
                        (Some(0), total) if total > 1 => Some(format!("{label} +{} waiting", total - 1)),
                        (Some(0), _) => Some(format!("{label} (waiting)")),
                        (Some(_), _) => None,
                        (None, _) => Some(label.clone()),
                    };
                    // Stacked copies sit a little behind the first.
                    // A duplicate travels just behind its original, visibly apart.
                    let offset = behind.map_or(0, |n| n.min(12) as i32 * 3) + if flight.duplicate { 12 } else { 0 };
                    let position = {
                        let flight = flight.clone();
                        move || {
                            let (x, y) = geometry.get().position(&flight, lesson.clock.get(), jump);
                            let (x, y) = (x - offset, y + offset);
                            format!("translate({x},{y})")
                        }
                    };
                    let aria = format!("Inspect {label}");
                    let select = move |_| lesson.selected.set(Some(Selection::Message(key)));
                    let select_by_key = move |ev: leptos::ev::KeyboardEvent| {
                        if ev.key() == "Enter" {
                            lesson.selected.set(Some(Selection::Message(key)));
                        }
                    };
                    view! {
                        <g class=class class:duplicate=flight.duplicate class:waiting=flight.waiting transform=position
                            data-message=format!("m{}", flight.message_id) data-delivery=flight.key.to_string()
                            data-kind=flight.kind.name() data-from=flight.from.id() data-to=flight.to.id()
                            on:click=select on:keydown=select_by_key role="button" tabindex="0" aria-label=aria>
                            {shape}
                            {flight.duplicate.then(|| view! { <text class="copy-mark" x="-4" y="4">"2"</text> })}
                            {shown_label.map(|text| view! { <text class="token-label" x="12" y="4">{text}</text> })}
                        </g>
                    }
                }
            </For>
        </g>
    }
}
