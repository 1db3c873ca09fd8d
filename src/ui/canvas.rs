//! The architecture canvas: a box per service with its tables, outbox and
//! relay; the broker with a lane per channel; messages moving between them.
//!
//! Sized once per run: each box gets the most lines it shows at any step of
//! the run, so nothing moves while stepping or playing. Boxes and lanes are
//! written as SVG and HTML text (see [`super::markup`]), and one handler on
//! the canvas reads what was clicked from its `data-*` attributes.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::sim::broker::PARTITIONS;
use crate::sim::kind::Kind;
use crate::sim::message::Category;
use crate::sim::names::qualified;
use crate::sim::query::QuerySource;
use crate::sim::service::{RelayMode, Service};
use crate::sim::{Svc, World};

use super::click::Click;
use super::layout::{layout, Layout, Point, Rect, Room, LANE_H, LANE_SLOTS};
use super::markup::{Markup, Tag};
use super::motion::{self, Path, Token, TokenKey, Transition};
use super::state::{reduced_motion, Inner, Lesson};
use super::tables::{compact_lines, table_open, tables, COMPACT_ROWS};
use crate::sim::Timeline;

/// Lines of a box besides its tables: the title (with the relay) and the
/// padding.
const FRAME_LINES: i32 = 2;
/// Characters a lane's second line shows after its messages (set closer
/// past its room): a character is 7-9 viewBox units wide.
const CHARS_PER_100: i32 = 11;

/// The whole canvas.
#[component]
pub fn Canvas() -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    // One number that changes when another run opens or the learner acts
    // (the only times the known run changes), not on every step.
    let run = Memo::new(move |_| (lesson.opened.get() << 32) ^ lesson.with(|i| i.timeline.revision()));
    // The room the stage has: measured once it is drawn and whenever the
    // window changes size (not when the text around it grows, so a notice
    // or a question never moves the stage; the stage scrolls instead).
    let wrap = NodeRef::<leptos::html::Div>::new();
    let room = RwSignal::new(Room::default());
    let measure = move || {
        if let Some(wrap) = wrap.get_untracked() {
            // Where the page scrolls, the stage is as tall as its layout.
            let height = if page_scrolls() { 0 } else { wrap.client_height() };
            // A slide may draw its text at 11 px (it is seen whole, in a frame).
            // (A tenth more: the canvas may be a little narrower than its box.)
            let text_px = if embedded() { 11.1 } else { 12.1 };
            room.set(Room::of(f64::from(wrap.client_width()), f64::from(height), text_px));
        }
    };
    request_animation_frame(measure);
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());
    let geometry = Memo::new(move |_| {
        run.track();
        let toggled = lesson.toggled.get();
        let room = room.get();
        lesson.with_untracked(|i| sized_for_run(&i.timeline, &i.scenario.focus, &toggled, room))
    });
    // The messages' animations run on their layer's timeline, held paused
    // and set to the real ms the step's transition has played (see
    // [`tokens_svg`]); set again after each step writes them anew.
    let jump = reduced_motion();
    let layer = NodeRef::<leptos::svg::Svg>::new();
    Effect::new(move |_| {
        let ms = lesson.motion.get();
        lesson.with(|_| ());
        if let Some(svg) = layer.get() {
            let svg: web_sys::SvgsvgElement = svg.unchecked_into();
            svg.pause_animations();
            svg.set_current_time(ms as f32 / 1000.0);
        }
    });
    // The cells a step changed fade in when its messages have arrived
    // (`--arrive`, read by the stylesheet; set through the element's own
    // style, which the page's policy allows where a style attribute is not).
    Effect::new(move |_| {
        let ms = lesson.with(|i| if jump { 0 } else { i.transition.duration_ms() });
        if let Some(wrap) = wrap.get() {
            let _ = web_sys::HtmlElement::style(&wrap).set_property("--arrive", &format!("{ms}ms"));
        }
    });
    let view_box = move || geometry.with(|g| format!("0 0 {} {}", g.width, g.height));
    // Services stacked in one column (a phone): the one a step is about is
    // scrolled into view.
    Effect::new(move |_| {
        lesson.with(|_| ());
        if geometry.with_untracked(Layout::stacked) {
            // (Drawn with the step: its box is marked `acting`.)
            if let Ok(Some(el)) = document().query_selector(".canvas .service.acting") {
                let options = web_sys::ScrollIntoViewOptions::new();
                options.set_block(web_sys::ScrollLogicalPosition::Nearest);
                el.scroll_into_view_with_scroll_into_view_options(&options);
            }
        }
    });
    // The messages are drawn on a layer of their own over the stage, so a
    // frame repaints them and not the boxes beneath.
    view! {
        <div class="canvas-wrap" node_ref=wrap on:click=move |ev| clicked(lesson, &ev) on:keydown=move |ev| {
            if ev.key() == "Enter" {
                clicked(lesson, &ev)
            }
        }>
            <div class="canvas-inner">
            <svg class="canvas" viewBox=view_box role="group" aria-label="Services, the broker and the messages between them">
                <g class="broker" inner_html=move || {
                    let g = geometry.get();
                    lesson.with(|i| Markup::build(|m| lanes_svg(m, i.timeline.world(), &g, i.transition.last())))
                }></g>
                <g class="actors" inner_html=move || geometry.with(|g| Markup::build(|m| actors_svg(m, g)))></g>
                {move || geometry.get().boxes.into_iter().map(|(svc, rect)| {
                    let relay_at = geometry.with_untracked(|g| (g.relay(svc), g.relay_on_title(svc)));
                    let html = move || {
                        let toggled = lesson.toggled.get();
                        lesson.with(|i| {
                            let versus = i.compared().map(Timeline::world);
                            Markup::build(|m| service_svg(m, &i.timeline, &i.scenario.focus, versus, svc, rect, relay_at, &toggled))
                        })
                    };
                    view! { <g inner_html=html></g> }
                }).collect_view()}
            </svg>
            <svg node_ref=layer class="tokens-layer" viewBox=view_box role="group" aria-label="Messages in flight">
                <g class="routes" inner_html=move || {
                    let g = geometry.get();
                    lesson.with(|i| if jump { String::new() } else { Markup::build(|m| routes_svg(m, &i.transition, &g)) })
                }></g>
                <g class="tokens" inner_html=move || {
                    let g = geometry.get();
                    lesson.with(|i| Markup::build(|m| tokens_svg(m, &i.transition, &g, jump)))
                }></g>
            </svg>
            </div>
        </div>
    }
}

/// The media query under which the page scrolls as one column (a phone,
/// a low window; not a slide): style.css lays the page out by the same.
const PAGE_SCROLLS: &str = "(max-width: 600px), (max-height: 500px)";

/// Whether the page is a slide (`embed=1`).
fn embedded() -> bool {
    document().body().is_some_and(|b| b.class_list().contains("embed"))
}

/// Whether the page scrolls as one column, the stage as tall as it needs.
fn page_scrolls() -> bool {
    !embedded() && window().match_media(PAGE_SCROLLS).ok().flatten().is_some_and(|m| m.matches())
}

/// The run compared with this one (see [`Inner::compared`]) as one SVG
/// text, at its cursor: boxes and lanes as [`Canvas`] draws them, sized
/// for that run, its messages where they are, and what differs from this
/// run marked. Empty while not comparing.
pub fn compared_svg(m: &mut Markup, i: &Inner, toggled: &str) {
    let Some(other) = i.compared() else { return };
    let focus = &i.scenario.focus;
    // Sized each time it is drawn: a replay of a lesson's run takes well
    // under a millisecond, and nothing is drawn while paused.
    let g = sized_for_run(other, focus, toggled, Room::default());
    let still = Transition::still(motion::tokens(other));
    let svg = m.tag("svg").attr("class", "canvas").attr("viewBox", format_args!("0 0 {} {}", g.width, g.height));
    svg.attr("role", "group").attr("aria-label", "The run compared with").with(|m| {
        m.tag("g").attr("class", "broker").with(|m| lanes_svg(m, other.world(), &g, still.last()));
        for (svc, rect) in &g.boxes {
            service_svg(m, other, focus, Some(i.timeline.world()), *svc, *rect, (g.relay(*svc), g.relay_on_title(*svc)), toggled);
        }
        m.tag("g").attr("class", "tokens").with(|m| tokens_svg(m, &still, &g, true));
    });
}

/// The layout for the whole run in `room`: each box as tall as the most
/// lines it shows at any step (`focus`: the tables its lesson is about).
pub fn sized_for_run(timeline: &Timeline, focus: &[String], toggled: &str, room: Room) -> Layout {
    let world = timeline.world();
    let mut lines: Vec<(Svc, i32)> = world.services().iter().map(|(svc, _)| (*svc, 0)).collect();
    timeline.replay(|world| {
        for (svc, most) in &mut lines {
            if let Some(service) = world.service(*svc) {
                *most = (*most).max(box_lines(world, *svc, service, focus, toggled));
            }
        }
    });
    // The channels this run's messages take (a lesson about one saga
    // leaves the others' lanes out), or, before anything is sent (the
    // sandbox), every channel someone reads.
    let used = |channel: &str| timeline.steps().iter().any(|s| s.message.as_ref().is_some_and(|m| m.channel == channel));
    let broker = world.broker();
    let mut channels: Vec<&'static str> = broker.channels.iter().map(|(c, _)| *c).filter(|c| used(c)).collect();
    if channels.is_empty() {
        channels = broker.channels.iter().filter(|(_, subs)| !subs.is_empty()).map(|(c, _)| *c).collect();
    }
    layout(&lines, &channels, room, &motion::actors(timeline))
}

/// Lines of text a service's box shows in `world`.
fn box_lines(world: &World, svc: Svc, service: &Service, focus: &[String], toggled: &str) -> i32 {
    let tables: i32 = if svc == Svc::ApiComposer {
        // The composer stores nothing; its queries table always shows its
        // header, so it counts at least one row.
        let queries = world.queries().iter().filter(|q| q.source == QuerySource::Composer).count();
        compact_lines(queries.max(1), true)
    } else {
        service.db.table_sizes().map(|(name, rows)| compact_lines(rows, table_open(svc, name, focus, toggled))).sum()
    };
    // The lost-message line may wrap; the view says how far behind it is.
    FRAME_LINES + tables + 2 * i32::from(lost(world, svc, service).is_some()) + i32::from(svc == Svc::OrderHistoryService)
}

/// A click (or Enter) on the canvas: the element clicked, or its nearest
/// ancestor, says what it is in its `data-*` attributes (see [`Click`]).
fn clicked(lesson: Lesson, ev: &web_sys::Event) {
    let Some(click) = Click::of(ev) else { return };
    // A button answers Enter with a click of its own; a message or a lane
    // (an SVG group with a role) does not.
    if ev.type_() == "keydown" && !matches!(click, Click::Message(_) | Click::Lane(_)) {
        return;
    }
    click.apply(lesson);
}

/// The broker and its channels in `world` as SVG, with `tokens` (the
/// messages resting on the stage). A lane's second line shows its first
/// messages (drawn by [`tokens_svg`]), then names the first one and counts
/// those that do not fit, so no label ever sits over a box.
fn lanes_svg(m: &mut Markup, world: &World, g: &Layout, tokens: &[Token]) {
    let broker = world.broker();
    let b = g.broker;
    m.tag("rect").attr("x", b.x).attr("y", b.y).attr("width", b.w).attr("height", b.h).attr("rx", 10).end();
    let title = m.tag("text").attr("x", b.x + b.w / 2).attr("y", b.y + 22).attr("class", "box-title");
    title.attr("text-anchor", "middle").with(|m| {
        m.text("Message broker").tag("title").text("At least once, in order per partition");
    });
    for (channel, y) in &g.lanes {
        let held = broker.held.contains(channel);
        let subscribers: Vec<&str> = broker.channels.get(channel).map_or(Vec::new(), |subs| subs.iter().map(|s| s.title()).collect());
        let kind = broker.kinds.get(channel).map_or("channel", |k| k.label());
        let to = if subscribers.is_empty() { "no subscriber".into() } else { subscribers.join(", ") };
        let on_lane: Vec<&Token> = tokens.iter().filter(|t| t.channel == *channel).collect();
        let shown = on_lane.len().min(LANE_SLOTS);
        let more = on_lane.len() - shown;
        let (class, second) = match (on_lane.first(), held) {
            (None, true) => ("lane-kind", "HELD".to_string()),
            (None, false) => ("lane-kind", kind.to_string()),
            (Some(first), _) => {
                let more = if more > 0 { format!(" +{more}") } else { String::new() };
                let room = ((b.x + b.w - 8 - g.lane_text_x(shown)) * CHARS_PER_100 / 100) as usize - more.len();
                let text = format!("{}{} m{}", if held { "HELD " } else { "" }, short_kind(first.kind), first.message_id);
                let text = if text.chars().count() > room { text.chars().take(room - 1).collect::<String>() + "…" } else { text };
                ("lane-message", text + &more)
            }
        };
        let name = if subscribers.is_empty() { format!("{channel} · no subscriber") } else { channel.to_string() };
        let (x, w) = (b.x, b.w);
        let text_x = g.lane_text_x(shown);
        let lane = m.tag("g").attr("class", if held { "lane held" } else { "lane" }).attr("data-channel", channel);
        // A click lists every message on it, those it has no room for too
        // (named by its title, which says where the channel goes).
        let lane = lane.attr("data-lane", channel).attr("role", "button").attr("tabindex", 0);
        lane.with(|m| {
            let title = format_args!("{} ({kind}, {PARTITIONS} partitions) → {to}", qualified(world.style(), channel));
            m.tag("title").text(title);
            m.tag("rect").attr("x", x + 5).attr("y", y).attr("width", w - 10).attr("height", LANE_H).attr("rx", 8).end();
            let first = m.tag("text").attr("x", x + 11).attr("y", y + 16).attr("class", "lane-name");
            squeezed(first, &name, w - 22).text(&name);
            let second_line = m.tag("text").attr("x", text_x).attr("y", y + 34).attr("class", class);
            squeezed(second_line, &second, x + w - 8 - text_x).text(&second);
        });
    }
}

/// A lane's line of `text` in `room` units: a reply channel's name
/// (CreateOrderSaga-reply) is wider than a lane at the canvas's smallest
/// font, so its letters are set closer instead of smaller.
fn squeezed<'a>(line: Tag<'a>, text: &str, room: i32) -> Tag<'a> {
    // (Past most of its estimated room: a bold or wide text may not fit.)
    if text.chars().count() as i32 * 100 > room * CHARS_PER_100 * 85 / 100 {
        line.attr("textLength", room).attr("lengthAdjust", "spacingAndGlyphs")
    } else {
        line
    }
}

/// Those outside the services, each above the box it asks: a figure and
/// a name (where its requests start).
fn actors_svg(m: &mut Markup, g: &Layout) {
    for (actor, svc, (x, y)) in &g.actors {
        let name = actor.name();
        let left = super::layout::actor_left(*x, *actor);
        let figure = m.tag("g").attr("class", "actor").attr("data-actor", actor.id()).attr("data-asks", svc);
        figure.attr("transform", format_args!("translate({left},{y})")).with(|m| {
            m.tag("circle").attr("cx", 7).attr("cy", -5).attr("r", 4).end();
            m.tag("path").attr("d", "M0 8 a7 7 0 0 1 14 0 Z").end();
            m.tag("text").attr("x", 20).attr("y", 5).text(name);
        });
    }
}

/// A message kind as a lane names it: without the `Command` or `Event`
/// its class name ends with (the inspector and the log say it whole).
fn short_kind(kind: Kind) -> &'static str {
    let name = kind.name();
    name.strip_suffix("Command").or_else(|| name.strip_suffix("Event")).unwrap_or(name)
}

/// With the outbox off, a committed message lives only in the process's
/// memory until it is published, and a crash loses it.
fn lost(world: &World, svc: Svc, service: &Service) -> Option<String> {
    let unsent: Vec<String> = service.unsent.iter().map(|m| format!("{} {}", m.kind, m.id_text())).collect();
    if !unsent.is_empty() {
        return Some(format!("In memory only, not yet published: {}", unsent.join(", ")));
    }
    let lost: Vec<String> =
        world.ledger().lost.iter().filter(|(from, _, _)| *from == svc).map(|(_, kind, id)| format!("{kind} m{id}")).collect();
    (!lost.is_empty()).then(|| format!("LOST, committed but never published: {}", lost.join(", ")))
}

/// The relay badge: (label, class, what it means).
fn relay(svc: Svc, s: &Service) -> Option<(&'static str, &'static str, &'static str)> {
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
}

/// One service as SVG: its box, status, crash button, tables and relay
/// (where messages leave it for the broker: on the title's line, in the
/// corner that faces the broker; the crash button sits by the title).
#[allow(clippy::too_many_arguments)]
fn service_svg(
    m: &mut Markup,
    timeline: &Timeline,
    focus: &[String],
    versus: Option<&World>,
    svc: Svc,
    rect: Rect,
    relay_at: (Point, Option<bool>),
    toggled: &str,
) {
    let world = timeline.world();
    let Some(s) = world.service(svc) else { return };
    let (status, verb) = if s.up { ("up", "Crash") } else { ("down", "Restart") };
    let acting = timeline.current().is_some_and(|step| step.actor == Some(svc));
    let title = svc.title();
    let Rect { x, y, w, h } = rect;
    let ((edge, relay_y), on_title) = relay_at;
    let badge = relay(svc, s);
    // The title's line leaves room for the relay on the broker's side,
    // more for a long label ("dual write").
    let wide = badge.is_some_and(|(label, ..)| label.chars().count() > 8);
    let room = match (badge, on_title, wide) {
        (None, ..) | (_, None, _) => "",
        (_, Some(true), true) => " relay-right wide",
        (_, Some(true), false) => " relay-right",
        (_, Some(false), true) => " relay-left wide",
        (_, Some(false), false) => " relay-left",
    };
    let class = format_args!("service{}{}", if s.up { "" } else { " down" }, if acting { " acting" } else { "" });
    m.tag("g").attr("class", class).attr("data-service", svc).attr("data-status", status).with(|m| {
        let frame = m.tag("rect").attr("class", "service-box").attr("x", x).attr("y", y).attr("width", w).attr("height", h);
        frame.attr("rx", 10).end();
        m.tag("foreignObject").attr("x", x).attr("y", y).attr("width", w).attr("height", h).with(|m| {
            m.tag("div").attr("class", format_args!("service-body{room}")).with(|m| {
                m.tag("div").attr("class", "service-head").with(|m| {
                    let name = m.tag("button").attr("class", "service-name").attr("data-inspect", svc);
                    name.attr("title", "Show every table").text(title);
                    m.tag("span").attr("class", if s.up { "status" } else { "status is-down" }).text(status);
                    let toggle = m.tag("button").attr("class", "small").attr("data-toggle", svc);
                    toggle.attr("aria-label", format_args!("{verb} {title}")).text(verb);
                });
                if svc == Svc::OrderHistoryService {
                    // A line of its own: the title has no room left beside it.
                    m.tag("div").with(|m| freshness(m, world.events_behind(), world.view_agrees()));
                }
                if let Some(text) = lost(world, svc, s) {
                    m.tag("div").attr("class", "lost").text(text);
                }
                m.tag("div").attr("class", "tables").with(|m| {
                    if svc == Svc::ApiComposer {
                        composer_queries(m, world);
                    } else {
                        tables(m, svc, timeline, true, &|name| table_open(svc, name, focus, toggled), versus);
                    }
                });
            });
        });
        if let Some((label, class, meaning)) = badge {
            // Wide enough for its label, just inside the box.
            let half = label.chars().count() as i32 * 4 + 10;
            // Inside the box, from the edge it sits on.
            let x = if edge > rect.x { edge - half - 3 } else { edge + half + 3 };
            let node = m.tag("g").attr("class", format_args!("relay-node {class}"));
            node.attr("transform", format_args!("translate({x},{relay_y})")).with(|m| {
                m.tag("title").text(meaning);
                m.tag("rect").attr("x", -half).attr("y", -11).attr("width", 2 * half).attr("height", 22).attr("rx", 6).end();
                m.tag("text").attr("y", 5).attr("text-anchor", "middle").text(label);
            });
        }
    });
}

/// How fresh the view is: up to date, so many events behind (stale), or
/// wrong (it disagrees with the services with nothing left to apply).
fn freshness(m: &mut Markup, behind: usize, agrees: bool) {
    let (class, state) = match (behind, agrees) {
        (0, true) => ("behind", "fresh"),
        (0, false) => ("behind wrong", "wrong"),
        _ => ("behind lagging", "stale"),
    };
    let span = m.tag("span").attr("class", class).attr("data-events-behind", behind).attr("data-view", state);
    match (behind, agrees) {
        (0, true) => span.text("up to date"),
        (0, false) => span.text("wrong: differs from the services' data"),
        (1, _) => span.text("1 event behind"),
        (n, _) => span.text(format_args!("{n} events behind")),
    };
}

/// The API composer keeps no database; its box lists its queries.
fn composer_queries(m: &mut Markup, world: &World) {
    m.tag("table").attr("data-table", "api-composer/queries").with(|m| {
        m.tag("caption").with(|m| {
            m.tag("code").text("queries").text(" (in memory, nothing stored)");
        });
        m.tag("thead").with(|m| {
            m.tag("tr").with(|m| {
                m.tag("th").text("id").tag("th").text("customer").tag("th").text("result");
            });
        });
        m.tag("tbody").with(|m| {
            for q in world.queries().iter().filter(|q| q.source == QuerySource::Composer).rev().take(COMPACT_ROWS) {
                let status = match (&q.error, q.latency_ms()) {
                    (Some(error), Some(ms)) => format!("FAILED after {ms} ms: {error}"),
                    (None, Some(ms)) => format!("joined in {ms} ms"),
                    (_, None) => format!("waiting for {} call(s)", q.outstanding),
                };
                m.tag("tr").attr("data-row", q.id).attr_some("class", q.error.as_ref().map(|_| "failed")).with(|m| {
                    m.tag("td").text(q.id).tag("td").text(q.customer);
                    m.tag("td").attr("title", &status).text(&status);
                });
            }
        });
    });
}

/// A message's class by its category.
fn category_class(category: Category) -> &'static str {
    match category {
        Category::Event => "event",
        Category::Command => "command",
        Category::Reply => "reply",
        Category::Request | Category::Response => "http",
    }
}

/// A message's shape by its category (the legend draws the same): shape
/// tells the kinds apart as well as colour.
fn shape(m: &mut Markup, category: Category) {
    let square = |m: &mut Markup, rx: i32| {
        m.tag("rect").attr("x", -8).attr("y", -8).attr("width", 16).attr("height", 16).attr("rx", rx).end();
    };
    match category {
        Category::Event => square(m, 8),
        Category::Command => square(m, 2),
        Category::Reply => {
            m.tag("path").attr("d", "M0 -9 L9 0 L0 9 L-9 0 Z").end();
        }
        Category::Request | Category::Response => {
            let call = m.tag("rect").attr("x", -9).attr("y", -6).attr("width", 18).attr("height", 12).attr("rx", 3);
            call.attr("stroke-dasharray", "3 2").end();
        }
    }
}

/// What the shapes and colours mean: the same shapes as the messages.
#[component]
pub fn Legend() -> impl IntoView {
    let entries = [
        (Category::Event, "token event", "event"),
        (Category::Command, "token command", "command"),
        (Category::Reply, "token reply", "reply"),
        (Category::Request, "token http", "HTTP call"),
        (Category::Event, "token event duplicate", "duplicate"),
    ];
    let legend = Markup::build(|m| {
        for (category, class, label) in entries {
            m.tag("span").with(|m| {
                m.tag("svg").attr("viewBox", "-10 -10 20 20").attr("class", class).with(|m| shape(m, category));
                m.text(label);
            });
        }
        m.tag("span").attr("class", "legend-note").text("click a message to inspect or duplicate it");
    });
    view! { <div class="legend" aria-label="Legend" inner_html=legend></div> }
}

/// The messages on the stage, as `transition` moves them. Each step writes
/// them as SVG, each move an `animateMotion` (begin and duration in real
/// ms from the step) on the layer's own animation timeline, which is held
/// paused and set to the time the transition has played: the browser
/// places every message, and no code runs per message per frame. Shape and
/// colour tell the kind; a moving message carries its name, a resting one
/// is named by its lane.
///
/// `jump` (reduced motion, or a still picture): each message where it
/// rests, those that moved marked.
pub fn tokens_svg(m: &mut Markup, transition: &Transition, g: &Layout, jump: bool) {
    let hop = transition.hop_ms;
    for path in transition.paths() {
        let Path { token, moves, shown_from_ms, hidden_from_ms, rests } = &path;
        let visible_at_rest = *rests && Layout::shows_at_rest(token);
        let still = jump || moves.is_empty();
        if still && !visible_at_rest {
            continue;
        }
        let ways: Vec<(u32, Vec<Point>)> =
            if still { Vec::new() } else { moves.iter().map(|m| (m.begin_ms, g.way(token, m.from, m.to))).collect() };
        let (start, moved) = match ways.first().and_then(|(_, way)| way.first()) {
            Some(start) => (*start, false),
            None => (g.rest(token), !moves.is_empty()),
        };
        let copy = if token.duplicate { " (copy)" } else { "" };
        let name = format_args!("{} m{}", token.kind, token.message_id);
        let class = format_args!(
            "token {}{}{}{}{}",
            category_class(token.category),
            if token.duplicate { " duplicate" } else { "" },
            if token.waiting { " waiting" } else { "" },
            if token.to.is_none() { " unconsumed" } else { "" },
            if moved { " moved" } else { "" },
        );
        let waiting = if token.waiting { ", waiting" } else { "" };
        let g_token = m.tag("g").attr("class", class).attr("transform", format_args!("translate({},{})", start.0, start.1));
        let g_token = g_token.attr_some("visibility", (*shown_from_ms > 0 && !jump).then_some("hidden"));
        let g_token = g_token.attr("data-message", format_args!("m{}", token.message_id));
        let g_token = match token.key {
            TokenKey::Flight(key) => g_token.attr("data-delivery", key),
            TokenKey::Unconsumed(id) => g_token.attr("data-delivery", format_args!("u{id}")),
        };
        let g_token =
            g_token.attr("data-kind", token.kind.name()).attr("data-from", token.from).attr("data-to", token.to.map_or("", |to| to.id()));
        let g_token = match token.key {
            TokenKey::Flight(_) => {
                g_token.attr("role", "button").attr("tabindex", 0).attr("aria-label", format_args!("Inspect {name}{copy}{waiting}"))
            }
            TokenKey::Unconsumed(_) => g_token
                .attr("role", "img")
                .attr("aria-label", format_args!("{name}, published; no service subscribes to its channel{waiting}")),
        };
        g_token.with(|m| {
            if !still {
                if *shown_from_ms > 0 {
                    set_visibility(m, "visible", *shown_from_ms);
                }
                let last_end = moves.last().map_or(0, |m| m.begin_ms + hop);
                if let Some(hidden) = hidden_from_ms.or((!visible_at_rest).then_some(last_end)) {
                    set_visibility(m, "hidden", hidden);
                }
                for (begin, way) in &ways {
                    leg(m, *begin, hop, start, way);
                }
            }
            shape(m, token.category);
            if token.duplicate {
                m.tag("text").attr("class", "copy-mark").attr("x", -4).attr("y", 5).text("2");
            }
            if !still {
                // Not displayed at rest, so it neither shows nor widens the
                // message's clickable box.
                m.tag("text").attr("class", "token-label").attr("x", -9).attr("y", -15).attr("display", "none").with(|m| {
                    for step in moves.iter() {
                        let show = m.tag("set").attr("attributeName", "display").attr("to", "inline");
                        show.attr("begin", format_args!("{}ms", step.begin_ms)).attr("dur", format_args!("{hop}ms")).end();
                    }
                    m.text(name);
                });
            }
        });
    }
    if !jump {
        requests_svg(m, transition, g);
    }
}

/// The requests from outside a transition's steps answer: each goes from
/// its actor into the service it asks, in its step's turn.
fn requests_svg(m: &mut Markup, transition: &Transition, g: &Layout) {
    let hop = transition.hop_ms;
    for (begin, actor, svc) in transition.requests_moving() {
        let Some((from, to)) = g.actor(actor, svc) else { continue };
        let request = m.tag("g").attr("class", "token http request").attr("transform", format_args!("translate({},{})", from.0, from.1));
        request.attr("visibility", "hidden").attr("aria-hidden", "true").with(|m| {
            set_visibility(m, "visible", begin);
            set_visibility(m, "hidden", begin + hop);
            leg(m, begin, hop, from, &[from, to]);
            shape(m, Category::Request);
        });
    }
}

/// The ways messages take during `transition`, each drawn while a message
/// is on it: who talks to whom, through which lane.
fn routes_svg(m: &mut Markup, transition: &Transition, g: &Layout) {
    let hop = transition.hop_ms;
    for path in transition.paths() {
        for step in &path.moves {
            let way = g.way(&path.token, step.from, step.to);
            let route = m.tag("polyline").attr("class", "route").attr("points", Points { way: &way, origin: (0, 0), between: " " });
            route.attr("visibility", "hidden").with(|m| {
                let show = m.tag("set").attr("attributeName", "visibility").attr("to", "visible");
                show.attr("begin", format_args!("{}ms", step.begin_ms)).attr("dur", format_args!("{hop}ms")).end();
            });
        }
    }
}

/// Points as SVG lists them (`x,y`, `between` each two), relative to
/// `origin`.
struct Points<'a> {
    way: &'a [Point],
    origin: Point,
    between: &'static str,
}

impl std::fmt::Display for Points<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, (x, y)) in self.way.iter().enumerate() {
            if i > 0 {
                f.write_str(self.between)?;
            }
            write!(f, "{},{}", x - self.origin.0, y - self.origin.1)?;
        }
        Ok(())
    }
}

/// Shows or hides a token from `at_ms` into the transition on.
fn set_visibility(m: &mut Markup, to: &str, at_ms: u32) {
    let set = m.tag("set").attr("attributeName", "visibility").attr("to", to).attr("begin", format_args!("{at_ms}ms"));
    set.attr("fill", "freeze").end();
}

/// One move of a message along `way`, relative to where it was drawn
/// (`start`): it goes the whole way in `dur` real ms from `begin`, and
/// stays at its end after (a later move takes over).
fn leg(m: &mut Markup, begin: u32, dur: u32, start: Point, way: &[Point]) {
    let motion = m.tag("animateMotion").attr("begin", format_args!("{begin}ms")).attr("dur", format_args!("{}ms", dur.max(1)));
    let path = Points { way, origin: start, between: " L" };
    motion.attr("fill", "freeze").attr("calcMode", "paced").attr("path", format_args!("M{path}")).end();
}
