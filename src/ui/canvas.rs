//! The architecture canvas: a box per service with its tables, outbox and
//! relay; the broker with a lane per channel; messages moving between them.
//!
//! Sized once per run: each box gets the most lines it shows at any step of
//! the run, so nothing moves while stepping or playing. Boxes and lanes are
//! written as SVG and HTML text (see [`super::html`]), and one handler on
//! the canvas reads what was clicked from its `data-*` attributes.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::sim::broker::PARTITIONS;
use crate::sim::kind::Kind;
use crate::sim::message::Category;
use crate::sim::names::qualified;
use crate::sim::query::QuerySource;
use crate::sim::service::{RelayMode, Service};
use crate::sim::{Action, Svc, World};

use super::html::{class_if, escape};
use super::layout::{layout, Layout, Point, Rect, Room, LANE_H, LANE_SLOTS};
use super::motion::{self, Path, Token, TokenKey, Transition};
use super::state::{reduced_motion, Inner, Lesson, Selection};
use super::tables::{compact_lines, table_open, tables_html, COMPACT_ROWS};
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
                    lesson.with(|i| lanes_svg(i.timeline.world(), &g, i.transition.last()))
                }></g>
                <g class="actors" inner_html=move || geometry.with(actors_svg)></g>
                {move || geometry.get().boxes.into_iter().map(|(svc, rect)| {
                    let relay_at = geometry.with_untracked(|g| (g.relay(svc), g.relay_on_title(svc)));
                    let html = move || {
                        let toggled = lesson.toggled.get();
                        lesson.with(|i| {
                            let versus = i.compared().map(Timeline::world);
                            service_svg(&i.timeline, &i.scenario.focus, versus, svc, rect, relay_at, &toggled)
                        })
                    };
                    view! { <g inner_html=html></g> }
                }).collect_view()}
            </svg>
            <svg node_ref=layer class="tokens-layer" viewBox=view_box role="group" aria-label="Messages in flight">
                <g class="routes" inner_html=move || {
                    let g = geometry.get();
                    lesson.with(|i| if jump { String::new() } else { routes_svg(&i.transition, &g) })
                }></g>
                <g class="tokens" inner_html=move || {
                    let g = geometry.get();
                    lesson.with(|i| tokens_svg(&i.transition, &g, jump))
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
pub fn compared_svg(i: &Inner, toggled: &str) -> String {
    let Some(other) = i.compared() else { return String::new() };
    let focus = &i.scenario.focus;
    // Sized each time it is drawn: a replay of a lesson's run takes well
    // under a millisecond, and nothing is drawn while paused.
    let g = sized_for_run(other, focus, toggled, Room::default());
    let still = Transition::still(motion::tokens(other));
    let mut svg = format!(
        "<svg class=\"canvas\" viewBox=\"0 0 {} {}\" role=\"group\" aria-label=\"The run compared with\"><g class=\"broker\">{}</g>",
        g.width,
        g.height,
        lanes_svg(other.world(), &g, still.last())
    );
    for (svc, rect) in &g.boxes {
        svg += &service_svg(other, focus, Some(i.timeline.world()), *svc, *rect, (g.relay(*svc), g.relay_on_title(*svc)), toggled);
    }
    svg + &format!("<g class=\"tokens\">{}</g></svg>", tokens_svg(&still, &g, true))
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
/// ancestor, says what it is in its `data-*` attributes.
fn clicked(lesson: Lesson, ev: &web_sys::Event) {
    let Some(target) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
    let attr = |name: &str| target.closest(&format!("[{name}]")).ok().flatten().and_then(|e| e.get_attribute(name));
    if let Some(key) = attr("data-delivery") {
        let flight = lesson.with_untracked(|i| i.timeline.world().flights().into_iter().find(|f| f.key.to_string() == key));
        if let Some(flight) = flight {
            lesson.selected.set(Some(Selection::Message(flight.key)));
        }
        return;
    }
    // A button answers Enter with a click of its own.
    if ev.type_() == "keydown" {
        return;
    }
    if let Some(svc) = attr("data-toggle").and_then(|id| Svc::parse(&id)) {
        let up = lesson.with_untracked(|i| i.timeline.world().service(svc).is_some_and(|s| s.up));
        lesson.act(if up { Action::Crash { service: svc } } else { Action::Restart { service: svc } });
    } else if let Some(svc) = attr("data-inspect").and_then(|id| Svc::parse(&id)) {
        lesson.selected.set(Some(Selection::Service(svc)));
    } else if let Some(table) = attr("data-unfold") {
        let entry = format!("{table};");
        lesson.toggled.update(|t| *t = if t.contains(&entry) { t.replace(&entry, "") } else { format!("{t}{entry}") });
    }
}

/// The broker and its channels in `world` as SVG text, with `tokens` (the
/// messages resting on the stage). A lane's second line shows its first
/// messages (drawn by [`tokens_svg`]), then names the first one and counts
/// those that do not fit, so no label ever sits over a box.
fn lanes_svg(world: &World, g: &Layout, tokens: &[Token]) -> String {
    let broker = world.broker();
    let b = g.broker;
    let mut svg = format!(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"10\"></rect><text x=\"{}\" y=\"{}\" class=\"box-title\" text-anchor=\"middle\">Message broker<title>At least once, in order per partition</title></text>",
        b.x,
        b.y,
        b.w,
        b.h,
        b.x + b.w / 2,
        b.y + 22
    );
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
        // A reply channel's name (CreateOrderSaga-reply) is wider than a
        // lane at the canvas's smallest font: its letters are set closer
        // instead of smaller.
        let squeeze = |text: &str, room: i32| {
            // (Past most of its estimated room: a bold or wide text may not fit.)
            if text.chars().count() as i32 * 100 > room * CHARS_PER_100 * 85 / 100 {
                format!(" textLength=\"{room}\" lengthAdjust=\"spacingAndGlyphs\"")
            } else {
                String::new()
            }
        };
        let text_x = g.lane_text_x(shown);
        svg += &format!(
            "<g class=\"lane{}\" data-channel=\"{channel}\"><title>{} ({kind}, {PARTITIONS} partitions) → {to}</title><rect x=\"{}\" y=\"{y}\" width=\"{}\" height=\"{LANE_H}\" rx=\"8\"></rect><text x=\"{}\" y=\"{}\" class=\"lane-name\"{}>{}</text><text x=\"{text_x}\" y=\"{}\" class=\"{class}\"{}>{}</text></g>",
            if held { " held" } else { "" },
            escape(qualified(world.style(), channel)),
            x + 5,
            w - 10,
            x + 11,
            y + 16,
            squeeze(&name, w - 22),
            escape(&name),
            y + 34,
            squeeze(&second, x + w - 8 - text_x),
            escape(&second),
        );
    }
    svg
}

/// Those outside the services, each above the box it asks: a figure and
/// a name (where its requests start).
fn actors_svg(g: &Layout) -> String {
    let mut svg = String::new();
    for (actor, svc, (x, y)) in &g.actors {
        let name = actor.name();
        let left = super::layout::actor_left(*x, *actor);
        svg += &format!(
            "<g class=\"actor\" data-actor=\"{}\" data-asks=\"{svc}\" transform=\"translate({left},{y})\"><circle cx=\"7\" cy=\"-5\" r=\"4\"></circle><path d=\"M0 8 a7 7 0 0 1 14 0 Z\"></path><text x=\"20\" y=\"5\">{name}</text></g>",
            actor.id()
        );
    }
    svg
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

/// One service as SVG text: its box, status, crash button, tables and
/// relay (where messages leave it for the broker: on the title's line, in
/// the corner that faces the broker; the crash button sits by the title).
fn service_svg(
    timeline: &Timeline,
    focus: &[String],
    versus: Option<&World>,
    svc: Svc,
    rect: Rect,
    relay_at: (Point, Option<bool>),
    toggled: &str,
) -> String {
    let world = timeline.world();
    let Some(s) = world.service(svc) else { return String::new() };
    let (status, verb) = if s.up { ("up", "Crash") } else { ("down", "Restart") };
    let acting = timeline.current().is_some_and(|step| step.actor == Some(svc));
    let title = svc.title();
    let Rect { x, y, w, h } = rect;
    let behind = if svc == Svc::OrderHistoryService {
        let n = world.events_behind();
        let text = match n {
            0 => "up to date".to_string(),
            1 => "1 event behind".to_string(),
            n => format!("{n} events behind"),
        };
        // A line of its own: the title has no room left beside it.
        format!("<div><span class=\"behind{}\" data-events-behind=\"{n}\">{text}</span></div>", if n > 0 { " lagging" } else { "" })
    } else {
        String::new()
    };
    let lost = lost(world, svc, s).map_or(String::new(), |text| format!("<div class=\"lost\">{}</div>", escape(&text)));
    let tables = if svc == Svc::ApiComposer {
        composer_queries(world)
    } else {
        tables_html(svc, timeline, true, &|name| table_open(svc, name, focus, toggled), versus)
    };
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
    let relay = badge.map_or(String::new(), |(label, class, meaning)| {
        // Wide enough for its label, just inside the box.
        let half = label.chars().count() as i32 * 4 + 10;
        // Inside the box, from the edge it sits on.
        let (x, y) = (if edge > rect.x { edge - half - 3 } else { edge + half + 3 }, relay_y);
        format!("<g class=\"relay-node {class}\" transform=\"translate({x},{y})\"><title>{meaning}</title><rect x=\"{}\" y=\"-11\" width=\"{}\" height=\"22\" rx=\"6\"></rect><text y=\"5\" text-anchor=\"middle\">{label}</text></g>", -half, 2 * half)
    });
    format!(
        "<g class=\"service{}{}\" data-service=\"{svc}\" data-status=\"{status}\"><rect class=\"service-box\" x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"10\"></rect><foreignObject x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\"><div class=\"service-body{room}\"><div class=\"service-head\"><button class=\"service-name\" data-inspect=\"{svc}\" title=\"Show every table\">{title}</button><span class=\"status{}\">{status}</span><button class=\"small\" data-toggle=\"{svc}\" aria-label=\"{verb} {title}\">{verb}</button></div>{behind}{lost}<div class=\"tables\">{tables}</div></div></foreignObject>{relay}</g>",
        if s.up { "" } else { " down" },
        if acting { " acting" } else { "" },
        if s.up { "" } else { " is-down" },
    )
}

/// The API composer keeps no database; its box lists its queries.
fn composer_queries(world: &World) -> String {
    let mut html = String::from("<table data-table=\"api-composer/queries\"><caption><code>queries</code> (in memory, nothing stored)</caption><thead><tr><th>id</th><th>customer</th><th>result</th></tr></thead><tbody>");
    for q in world.queries().iter().filter(|q| q.source == QuerySource::Composer).rev().take(COMPACT_ROWS) {
        let status = escape(&match (&q.error, q.latency_ms()) {
            (Some(error), Some(ms)) => format!("FAILED after {ms} ms: {error}"),
            (None, Some(ms)) => format!("joined in {ms} ms"),
            (_, None) => format!("waiting for {} call(s)", q.outstanding),
        });
        let failed = class_if(q.error.is_some(), "failed");
        html +=
            &format!("<tr data-row=\"{0}\"{failed}><td>{0}</td><td>{1}</td><td title=\"{status}\">{status}</td></tr>", q.id, q.customer);
    }
    html + "</tbody></table>"
}

/// The shapes of the messages, as literals so the legend (a constant) and
/// the messages share them: shape tells the kinds apart as well as colour.
macro_rules! event_shape {
    () => {
        r#"<rect x="-8" y="-8" width="16" height="16" rx="8"></rect>"#
    };
}
macro_rules! command_shape {
    () => {
        r#"<rect x="-8" y="-8" width="16" height="16" rx="2"></rect>"#
    };
}
macro_rules! reply_shape {
    () => {
        r#"<path d="M0 -9 L9 0 L0 9 L-9 0 Z"></path>"#
    };
}
macro_rules! http_shape {
    () => {
        r#"<rect x="-9" y="-6" width="18" height="12" rx="3" stroke-dasharray="3 2"></rect>"#
    };
}

/// A message's class and shape by its category.
fn shape(category: Category) -> (&'static str, &'static str) {
    match category {
        Category::Event => ("event", event_shape!()),
        Category::Command => ("command", command_shape!()),
        Category::Reply => ("reply", reply_shape!()),
        Category::Request | Category::Response => ("http", http_shape!()),
    }
}

/// One entry of the legend: a message's shape (`event_shape` and its
/// siblings) with its classes and what it stands for.
macro_rules! legend_entry {
    ($classes:literal, $shape:ident, $label:literal) => {
        concat!(r#"<span><svg viewBox="-10 -10 20 20" class="token "#, $classes, r#"">"#, $shape!(), "</svg>", $label, "</span>")
    };
}

/// What the shapes and colours mean: the same shapes as the messages.
#[component]
pub fn Legend() -> impl IntoView {
    const LEGEND: &str = concat!(
        legend_entry!("event", event_shape, "event"),
        legend_entry!("command", command_shape, "command"),
        legend_entry!("reply", reply_shape, "reply"),
        legend_entry!("http", http_shape, "HTTP call"),
        legend_entry!("event duplicate", event_shape, "duplicate"),
        r#"<span class="legend-note">click a message to inspect or duplicate it</span>"#,
    );
    view! { <div class="legend" aria-label="Legend" inner_html=LEGEND></div> }
}

/// The messages on the stage, as `transition` moves them. Each step writes
/// them as SVG text, each move an `animateMotion` (begin and duration in
/// real ms from the step) on the layer's own animation timeline, which is
/// held paused and set to the time the transition has played: the browser
/// places every message, and no code runs per message per frame. Shape and
/// colour tell the kind; a moving message carries its name, a resting one
/// is named by its lane.
///
/// `jump` (reduced motion, or a still picture): each message where it
/// rests, those that moved marked.
pub fn tokens_svg(transition: &Transition, g: &Layout, jump: bool) -> String {
    let hop = transition.hop_ms;
    let mut svg = String::new();
    for path in transition.paths() {
        let Path { token, moves, shown_from_ms, hidden_from_ms, rests } = &path;
        let visible_at_rest = *rests && Layout::shows_at_rest(token);
        let mut timing = String::new();
        let (start, moved) = if jump || moves.is_empty() {
            if !visible_at_rest {
                continue;
            }
            (g.rest(token), !moves.is_empty())
        } else {
            let ways: Vec<(u32, Vec<Point>)> = moves.iter().map(|m| (m.begin_ms, g.way(token, m.from, m.to))).collect();
            let start = ways[0].1[0];
            if *shown_from_ms > 0 {
                timing += &set_visibility("visible", *shown_from_ms);
            }
            let last_end = moves.last().map_or(0, |m| m.begin_ms + hop);
            if let Some(hidden) = hidden_from_ms.or((!visible_at_rest).then_some(last_end)) {
                timing += &set_visibility("hidden", hidden);
            }
            for (begin, way) in &ways {
                timing += &leg(*begin, hop, start, way);
            }
            (start, false)
        };
        let (class, shape) = shape(token.category);
        let copy = if token.duplicate { " (copy)" } else { "" };
        let name = format!("{} m{}", token.kind, token.message_id);
        let label = if jump || moves.is_empty() {
            String::new()
        } else {
            // Not displayed at rest, so it neither shows nor widens the
            // message's clickable box.
            let shows: String = moves
                .iter()
                .map(|m| format!("<set attributeName=\"display\" to=\"inline\" begin=\"{}ms\" dur=\"{hop}ms\"></set>", m.begin_ms))
                .collect();
            format!("<text class=\"token-label\" x=\"-9\" y=\"-15\" display=\"none\">{shows}{}</text>", escape(&name))
        };
        let (key, role, what) = match token.key {
            TokenKey::Flight(key) => (key.to_string(), "role=\"button\" tabindex=\"0\"", format!("Inspect {name}{copy}")),
            TokenKey::Unconsumed(id) => {
                (format!("u{id}"), "role=\"img\"", format!("{name}, published; no service subscribes to its channel"))
            }
        };
        svg += &format!(
            "<g class=\"token {class}{}{}{}{}\" transform=\"translate({},{})\"{} data-message=\"m{}\" data-delivery=\"{key}\" data-kind=\"{}\" data-from=\"{}\" data-to=\"{}\" {role} aria-label=\"{}{}\">{timing}{shape}{}{label}</g>",
            if token.duplicate { " duplicate" } else { "" },
            if token.waiting { " waiting" } else { "" },
            if token.to.is_none() { " unconsumed" } else { "" },
            if moved { " moved" } else { "" },
            start.0,
            start.1,
            if *shown_from_ms > 0 && !jump { " visibility=\"hidden\"" } else { "" },
            token.message_id,
            token.kind.name(),
            token.from,
            token.to.map_or("", |to| to.id()),
            escape(&what),
            if token.waiting { ", waiting" } else { "" },
            if token.duplicate { "<text class=\"copy-mark\" x=\"-4\" y=\"5\">2</text>" } else { "" },
        );
    }
    if !jump {
        svg += &requests_svg(transition, g);
    }
    svg
}

/// The requests from outside a transition's steps answer: each goes from
/// its actor into the service it asks, in its step's turn.
fn requests_svg(transition: &Transition, g: &Layout) -> String {
    let hop = transition.hop_ms;
    let mut svg = String::new();
    for (begin, actor, svc) in transition.requests_moving() {
        let Some((from, to)) = g.actor(actor, svc) else { continue };
        svg += &format!(
            "<g class=\"token http request\" transform=\"translate({},{})\" visibility=\"hidden\" aria-hidden=\"true\">{}{}{}{}</g>",
            from.0,
            from.1,
            set_visibility("visible", begin),
            set_visibility("hidden", begin + hop),
            leg(begin, hop, from, &[from, to]),
            http_shape!(),
        );
    }
    svg
}

/// The ways messages take during `transition`, each drawn while a message
/// is on it: who talks to whom, through which lane.
fn routes_svg(transition: &Transition, g: &Layout) -> String {
    let hop = transition.hop_ms;
    let mut svg = String::new();
    for path in transition.paths() {
        for m in &path.moves {
            let points: Vec<String> = g.way(&path.token, m.from, m.to).iter().map(|(x, y)| format!("{x},{y}")).collect();
            svg += &format!(
                "<polyline class=\"route\" points=\"{}\" visibility=\"hidden\"><set attributeName=\"visibility\" to=\"visible\" begin=\"{}ms\" dur=\"{hop}ms\"></set></polyline>",
                points.join(" "),
                m.begin_ms
            );
        }
    }
    svg
}

/// Shows or hides a token from `at_ms` into the transition on.
fn set_visibility(to: &str, at_ms: u32) -> String {
    format!("<set attributeName=\"visibility\" to=\"{to}\" begin=\"{at_ms}ms\" fill=\"freeze\"></set>")
}

/// One move of a message along `way`, relative to where it was drawn
/// (`start`): it goes the whole way in `dur` real ms from `begin`, and
/// stays at its end after (a later move takes over).
fn leg(begin: u32, dur: u32, start: Point, way: &[Point]) -> String {
    let points: Vec<String> = way.iter().map(|(x, y)| format!("{},{}", x - start.0, y - start.1)).collect();
    format!(
        "<animateMotion begin=\"{begin}ms\" dur=\"{}ms\" fill=\"freeze\" calcMode=\"paced\" path=\"M{}\"></animateMotion>",
        dur.max(1),
        points.join(" L")
    )
}
