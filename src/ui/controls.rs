//! Playback (play, pause, step, scrub, speed) and what a learner can do to
//! the running system.

use leptos::prelude::*;

use crate::sim::service::RelayMode;
use crate::sim::states::TicketState;
use crate::sim::{Action, Svc};

use super::markup::{option, Markup};
use super::state::Lesson;

/// Speeds offered, in virtual ms per real ms.
/// The speeds offered, as a learner reads them: guided pace is what the
/// lessons are timed for (virtual ms per real ms 0.1); "step by step"
/// plays one step at that pace, then waits for Play again.
const SPEEDS: [(f64, &str); 6] = [(0.1, "step by step"), (0.05, "half pace"), (0.1, "guided pace"), (0.2, "2×"), (0.4, "4×"), (1.0, "10×")];
/// The index of "step by step" and of "guided pace" in [`SPEEDS`].
const STEP_BY_STEP: usize = 0;
const GUIDED_PACE: usize = 2;

fn performance_now() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

/// Least real ms between two moves of the stage.
const MOVE_MS: f64 = 30.0;

/// Starts playing (from the start, at the end).
pub fn play(lesson: Lesson) {
    if lesson.playing.get_untracked() {
        return;
    }
    if lesson.at_end() {
        lesson.seek(0);
    }
    lesson.playing.set(true);
    animate(lesson);
}

/// Runs the frame loop while the lesson plays or a transition is on
/// screen: one requestAnimationFrame chain, which stops by itself, so a
/// paused lesson at rest costs nothing.
pub fn animate(lesson: Lesson) {
    if lesson.looping.get_value() {
        return;
    }
    lesson.looping.set_value(true);
    // A frame can outlive its lesson (the page switched to another view
    // while playing): a disposed signal reads as `None` and ends the loop,
    // where reading it would panic.
    fn busy(lesson: Lesson) -> bool {
        lesson.playing.try_get_untracked().is_some() && lesson.busy()
    }
    fn frame(lesson: Lesson, last: f64) {
        if !busy(lesson) {
            let _ = lesson.looping.try_set_value(false);
            return;
        }
        // Every other frame on a 60 Hz screen: thirty moves a second read as
        // smooth motion and halve what playing costs the page (each move
        // repaints the messages' layer).
        let now = performance_now();
        let last = if now - last >= MOVE_MS {
            lesson.tick((now - last).min(200.0) as u32);
            now
        } else {
            last
        };
        request_animation_frame(move || frame(lesson, last));
    }
    let start = performance_now();
    request_animation_frame(move || frame(lesson, start));
}

/// Play or pause.
pub fn toggle(lesson: Lesson) {
    if lesson.playing.get_untracked() {
        lesson.playing.set(false);
    } else {
        play(lesson);
    }
}

/// A 16x16 icon from one SVG path (no icon font to download).
fn icon(path: &'static str) -> impl IntoView {
    view! { <svg class="icon" viewBox="0 0 16 16" aria-hidden="true"><path d=path></path></svg> }
}

/// The playback bar.
#[component]
pub fn Playback() -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    let cursor = move || lesson.with(|i| i.timeline.cursor());
    let len = move || lesson.with(|i| i.timeline.len());
    let pause_then = move |f: &dyn Fn()| {
        lesson.playing.set(false);
        f();
    };
    view! {
        <div class="playback" role="toolbar" aria-label="Playback">
            <button on:click=move |_| pause_then(&|| lesson.seek(0)) aria-label="Restart" title="Restart (Home)">{icon("M3 2h2v12H3zM14 2v12L6 8z")}</button>
            <button on:click=move |_| pause_then(&|| lesson.back()) aria-label="Step back" title="Step back (←)">{icon("M12 2v12L4 8z")}</button>
            <button class="play" on:click=move |_| toggle(lesson)
                aria-label=move || if lesson.playing.get() { "Pause" } else { "Play" } title="Play or pause (Space)">
                {move || if lesson.playing.get() { icon("M3 2h4v12H3zM9 2h4v12H9z") } else { icon("M4 2v12l10-6z") }}
            </button>
            <button on:click=move |_| pause_then(&|| { lesson.forward(); }) aria-label="Step forward" title="Step forward (→)">{icon("M4 2v12l8-6z")}</button>
            <button on:click=move |_| pause_then(&|| lesson.seek(usize::MAX)) aria-label="Go to end" title="Go to the end (End)">{icon("M2 2v12l8-6zM11 2h2v12h-2z")}</button>
            <input type="range" class="scrub" min="0" max=move || lesson.shown_steps() prop:value=move || cursor().to_string()
                aria-label="Timeline"
                on:input=move |ev| { lesson.playing.set(false); lesson.seek(event_target_value(&ev).parse().unwrap_or(0)); }/>
            // The number of steps would tell how the run goes on: shown
            // with the whole run only.
            <span class="counter">{move || {
                let total = if lesson.whole_run.get() { format!(" / {}", len()) } else if cursor() == len() { " (the end)".into() } else { String::new() };
                let ms = lesson.with(|i| i.timeline.world().now());
                format!("step {}{total} · {ms} ms", cursor())
            }}</span>
            <label class="speed">"speed "
                // Options carry their index: parsing a float would pull
                // Rust's float parser into the download.
                <select aria-label="Speed" on:change=move |ev| {
                    let chosen = event_target_value(&ev).parse::<usize>().ok().filter(|i| *i < SPEEDS.len()).unwrap_or(GUIDED_PACE);
                    lesson.speed.set(SPEEDS[chosen].0);
                    lesson.step_by_step.set(chosen == STEP_BY_STEP);
                } inner_html=move || {
                    let speed = lesson.speed.get();
                    let chosen = match lesson.step_by_step.get() {
                        true => STEP_BY_STEP,
                        false => SPEEDS.iter().skip(1).position(|(value, _)| (speed - value).abs() < 1e-9).map_or(GUIDED_PACE, |i| i + 1),
                    };
                    Markup::build(|m| {
                        for (i, (_, label)) in SPEEDS.iter().enumerate() {
                            option(m, i, label, i == chosen);
                        }
                    })
                }></select>
            </label>
            // index.html's click handler opens the explorer (its code loads
            // on the first click).
            <button class="explore-open" data-explore="" title="Let the explorer try every order this lesson's events could happen in">"Can this go wrong?"</button>
        </div>
    }
}

/// A button that flips one of a service's switches; its label says what a
/// click will do.
#[component]
fn ServiceToggle(
    svc: Signal<Svc>,
    is_on: fn(&crate::sim::service::Service) -> bool,
    make: fn(Svc, bool) -> Action,
    labels: (&'static str, &'static str),
) -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    let on = move || lesson.with(|i| i.timeline.world().service(svc.get()).is_some_and(is_on));
    let click = move |_| {
        lesson.playing.set(false);
        lesson.act(make(svc.get_untracked(), !on()));
    };
    view! { <button on:click=click>{move || if on() { labels.0 } else { labels.1 }}</button> }
}

/// Ids in a table's first key column, for pickers.
fn ids(lesson: Lesson, svc: Svc, table: &'static str) -> Vec<i64> {
    lesson.with(|i| {
        i.timeline
            .world()
            .service(svc)
            .map_or_else(Vec::new, |s| s.db.tables.get(table).map_or_else(Vec::new, |t| t.rows.keys().map(|k| k.0[0].int()).collect()))
    })
}

/// The state of the chosen order's ticket in Kitchen Service ("" if none).
fn ticket_state(lesson: Lesson, order: &str) -> Option<TicketState> {
    let order = order.parse().ok()?;
    lesson.with(|i| i.timeline.world().ticket_state(order))
}

/// A labelled select over (value, label) options, bound to a text signal.
#[component]
fn Picker(label: &'static str, value: RwSignal<String>, options: Memo<Vec<(String, String)>>) -> impl IntoView {
    // When the options change and the chosen one is gone, the browser shows
    // the first option; the value follows, so an action uses what is shown.
    Effect::new(move || {
        let options = options.get();
        if !options.iter().any(|(v, _)| *v == value.get_untracked()) {
            if let Some((first, _)) = options.first() {
                value.set(first.clone());
            }
        }
    });
    let html = move || {
        let chosen = value.get();
        options.with(|options| {
            Markup::build(|m| {
                for (v, text) in options {
                    option(m, v, text, *v == chosen);
                }
            })
        })
    };
    view! {
        <label>{label}" "
            <select aria-label=label on:change=move |ev| value.set(event_target_value(&ev)) inner_html=html></select>
        </label>
    }
}

/// What the learner can do now: business requests, queries and faults.
#[component]
pub fn Actions() -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    // Which services run changes with the lesson, not with the step: the
    // buttons that depend on it are rebuilt (their old handlers left to the
    // JS garbage collector) only when another lesson opens.
    let has = move |svc: Svc| {
        lesson.opened.track();
        lesson.with_untracked(|i| i.timeline.world().services().contains_key(&svc))
    };
    let customer = RwSignal::new("1".to_string());
    let total = RwSignal::new(40_i64);
    let order = RwSignal::new("1".to_string());
    let name = RwSignal::new("Carol".to_string());
    let limit = RwSignal::new(120_i64);
    let service = RwSignal::new(Svc::OrderService.id().to_string());
    let channel = RwSignal::new("Order".to_string());
    let int = |text: RwSignal<String>| text.get_untracked().parse::<i64>().unwrap_or(0);
    // The pickers' options are memos: they change when an order or a
    // customer appears, not at every step (rebuilding a select's options
    // each step left each old option's effect behind: wasm memory grew by
    // about 0.8 KB per step).
    // The service the fault buttons act on (always one that exists).
    let chosen = Signal::derive(move || Svc::parse(&service.get()).unwrap_or(Svc::OrderService));
    let customers = Memo::new(move |_| {
        let (svc, table) =
            if has(Svc::CustomerService) { (Svc::CustomerService, "customers") } else { (Svc::ConsumerService, "consumers") };
        let mut options: Vec<(String, String)> = ids(lesson, svc, table).into_iter().map(|id| (id.to_string(), id.to_string())).collect();
        options.push(("9".into(), "9 (unknown)".into()));
        options
    });
    let orders = Memo::new(move |_| {
        let orders: Vec<(String, String)> =
            ids(lesson, Svc::OrderService, "orders").into_iter().map(|id| (id.to_string(), id.to_string())).collect();
        // An empty select reads as broken: say there is nothing yet.
        if orders.is_empty() {
            vec![(String::new(), "none yet".into())]
        } else {
            orders
        }
    });
    let services = Memo::new(move |_| {
        lesson.with(|i| {
            i.timeline.world().services().keys().filter(|s| s.publishes()).map(|s| (s.id().to_string(), s.title().to_string())).collect()
        })
    });
    let channels =
        Memo::new(move |_| lesson.with(|i| i.timeline.world().broker().channels.keys().map(|c| (c.to_string(), c.to_string())).collect()));
    let act = move |action: Action| {
        lesson.playing.set(false);
        lesson.act(action);
    };
    let number = |ev: leptos::ev::Event| event_target_value(&ev).parse::<i64>().unwrap_or(0);
    let held = move || {
        let c = channel.get();
        lesson.with(|i| i.timeline.world().broker().held.iter().any(|h| *h == c))
    };
    view! {
        // Open where nothing is scripted, on a wide screen; folded in a
        // guided lesson (the stage gets the room) and in a slide-sized frame.
        <details class="actions" prop:open=move || {
            lesson.opened.track();
            lesson.whole_run.get_untracked() && window().inner_width().ok().and_then(|w| w.as_f64()).is_some_and(|w| w > 900.0)
        }>
            <summary>"Act on the system"</summary>
            <div class="action-row">
                <Picker label="customer" value=customer options=customers/>
                <label>"total " <input type="number" min="1" prop:value=move || total.get().to_string() on:change=move |ev| total.set(number(ev))/></label>
                <button on:click=move |_| act(Action::PlaceOrder { customer: int(customer), total: total.get_untracked() })>"Place order"</button>
                {move || has(Svc::OrderHistoryService).then(|| {
                    let dedup = move || lesson.with(|i| i.timeline.world().service(Svc::OrderHistoryService).is_some_and(|s| s.view_dedup));
                    view! {
                        <button on:click=move |_| act(Action::QueryView { customer: int(customer) })>"Query the view"</button>
                        <button on:click=move |_| act(Action::SetViewDedup { enabled: !dedup() })>
                            {move || if dedup() { "View: upsert every event" } else { "View: skip events not newer" }}
                        </button>
                    }
                })}
                {move || has(Svc::ApiComposer).then(|| view! {
                    <button on:click=move |_| act(Action::ComposeQuery { customer: int(customer) })>"Query by composition"</button>
                })}
            </div>
            <div class="action-row">
                <Picker label="order" value=order options=orders/>
                <button on:click=move |_| match order.get_untracked().parse() {
                    Ok(order) => act(Action::CancelOrder { order }),
                    Err(_) => lesson.notice.set(Some("There is no order to cancel yet: place one first.".into())),
                }>"Cancel order"</button>
                {move || has(Svc::KitchenService).then(|| view! {
                    <button on:click=move |_| match order.get_untracked().parse() {
                        Ok(order) => act(Action::ReviseOrder { order, total: total.get_untracked() }),
                        Err(_) => lesson.notice.set(Some("There is no order to revise yet: place one first.".into())),
                    }>{move || format!("Revise its total to {}", total.get())}</button>
                    <button on:click=move |_| match order.get_untracked().parse() {
                        Ok(order) => act(Action::AdvanceTicket { order }),
                        Err(_) => lesson.notice.set(Some("There is no ticket yet: place an order first.".into())),
                    }>{move || if ticket_state(lesson, &order.get()) == Some(TicketState::Accepted) { "Kitchen starts preparing" } else { "Kitchen accepts ticket" }}</button>
                })}
                {move || has(Svc::CustomerService).then(|| view! {
                    <label>"name " <input size="6" prop:value=move || name.get() on:change=move |ev| name.set(event_target_value(&ev))/></label>
                    <label>"limit " <input type="number" min="0" prop:value=move || limit.get().to_string() on:change=move |ev| limit.set(number(ev))/></label>
                    <button on:click=move |_| act(Action::CreateCustomer { name: name.get_untracked(), credit_limit: limit.get_untracked() })>"Create customer"</button>
                })}
            </div>
            <div class="action-row faults">
                <Picker label="service" value=service options=services/>
                <button on:click=move |_| act(Action::CrashRelay { service: chosen.get_untracked() })>"Crash its relay"</button>
                <button on:click=move |_| act(Action::RestartRelay { service: chosen.get_untracked() })>"Restart its relay"</button>
                <button on:click=move |_| act(Action::Rebalance { service: chosen.get_untracked() })
                    title="Its consumer group rebalances: each partition restarts from its last committed offset">"Rebalance its consumers"</button>
                <ServiceToggle svc=chosen is_on=|s| s.relay.mode == RelayMode::LogTailing
                    make=|_, tailing| Action::SetRelayMode { mode: if tailing { RelayMode::LogTailing } else { RelayMode::Polling } }
                    labels=("Use a polling relay", "Use a log-tailing relay")/>
                <ServiceToggle svc=chosen is_on=|s| s.outbox_enabled
                    make=|service, enabled| Action::SetOutbox { service, enabled }
                    labels=("Turn its outbox off", "Turn its outbox on")/>
                <ServiceToggle svc=chosen is_on=|s| s.idempotent
                    make=|service, enabled| Action::SetIdempotence { service, enabled }
                    labels=("Stop checking received_messages", "Check received_messages")/>
                <ServiceToggle svc=chosen is_on=|s| !s.handler_bug
                    make=|service, healthy| Action::SetHandlerBug { service, enabled: !healthy }
                    labels=("Put a bug in its handlers", "Fix its handlers")/>
                <ServiceToggle svc=chosen is_on=|s| s.connected
                    make=|service, enabled| if enabled { Action::Reconnect { service } } else { Action::Disconnect { service } }
                    labels=("Cut it off the broker", "Reconnect it")/>
                <Picker label="channel" value=channel options=channels/>
                <button on:click=move |_| {
                    let channel = channel.get_untracked();
                    act(if held() { Action::ReleaseChannel { channel } } else { Action::HoldChannel { channel } });
                }>{move || if held() { "Release channel" } else { "Hold channel" }}</button>
            </div>
        </details>
    }
}
