//! The side panels: narration, broken invariants and log, the saga, the
//! last query, and the inspector.

use leptos::prelude::*;

use crate::sim::check::meaning;
use crate::sim::db::SAGA_TABLE;
use crate::sim::message::Category;
use crate::sim::saga::{Invoke, Role, SagaInstance, StepStatus};
use crate::sim::service::RelayMode;
use crate::sim::{Action, Svc, Timeline};

use super::click::Click;
use super::markup::Markup;
use super::motion::{self, Token, TokenKey};
use super::state::{folded, Lesson, Selection};
use super::tables::TableList;
use super::{hash, lessons};

/// Log lines shown before and after the current step.
const LOG_BEFORE: usize = 60;
const LOG_AFTER: usize = 12;

/// What just happened, in words, and the lesson's note for it. Written
/// as HTML text.
#[component]
pub fn Narration() -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    // (caption in plain words, the step's technical log line)
    let now = move || {
        let fold = !lesson.show_relay.get();
        lesson.with(|i| {
            let variant = &i.scenario.variants[i.variant];
            match i.timeline.current() {
                None => {
                    // Play has nothing to play until the learner acts.
                    let start = if i.timeline.is_empty() { "Act on the system below to begin." } else { "Press Space or Play to start." };
                    (format!("{} {start}", variant.summary), None)
                }
                Some(step) => {
                    // A relay step passed over is named before this one.
                    let cursor = i.timeline.cursor();
                    let line = match cursor.checked_sub(2).filter(|n| fold && folded(i, *n)) {
                        Some(n) => format!("{} · {}", i.timeline.steps()[n].sentence(), step.sentence()),
                        None => step.sentence(),
                    };
                    (i.scenario.caption(variant, step).unwrap_or_default().to_string(), Some(line))
                }
            }
        })
    };
    // As HTML text, in a live region that exists before it is filled.
    let html = move || {
        let (caption, line) = now();
        Markup::build(|m| {
            m.tag("p").attr("class", "caption").flag("data-caption", true).text(caption);
            if let Some(line) = line {
                m.tag("p").attr("class", "sentence").text(line);
            }
        })
    };
    view! { <section class="narration" aria-live="polite" inner_html=html></section> }
}

/// "What happens next?": asked before a key step in guided mode, its
/// choices in their shuffled order. An answer (or a skip) takes the step;
/// the arrow keys and Play still work. Once answered, the verdict shows in
/// its place until the step after the one it was about, so the stage
/// never moves for it.
#[component]
pub fn QuestionPanel() -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    move || {
        if let Some((index, question)) = lesson.question() {
            // How long a learner needs to read it (guided play's pacing).
            let read_ms = crate::scenarios::question_ms(&question);
            let choices = question.order().into_iter().map(|n| (n, question.choices[n].clone()));
            return view! {
                <section class="question" data-question=index data-read-ms=read_ms aria-label="What happens next?">
                    <p class="prompt">"What happens next? " {question.prompt}</p>
                    <div class="choices">
                        {choices.map(|(n, choice)| view! {
                            <button on:click=move |_| lesson.answer(index, Some(n))>{choice}</button>
                        }).collect_view()}
                        <button class="skip" on:click=move |_| lesson.answer(index, None)>"Skip"</button>
                    </div>
                </section>
            }
            .into_any();
        }
        match lesson.feedback_now() {
            Some(feedback) => view! {
                <section class="feedback" data-feedback=if feedback.right { "right" } else { "wrong" } role="status">
                    {feedback.text}
                </section>
            }
            .into_any(),
            None => ().into_any(),
        }
    }
}

/// At the end of a lesson's run: what it showed and its trade-offs, and
/// links onward (the next variant, the next lesson, the same situation in
/// the sandbox, the course), written as HTML text (see [`super::markup`]).
#[component]
pub fn LessonEnd() -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    let html = move || {
        lesson.with(|i| {
            let t = &i.timeline;
            if t.is_empty() || t.cursor() < t.len() || i.free || i.scenario.takeaway.is_empty() {
                return String::new();
            }
            let (id, variant) = (&i.scenario.id, &i.scenario.variants[i.variant]);
            Markup::build(|m| {
                if !variant.outcome.is_empty() {
                    m.tag("p").with(|m| {
                        m.tag("b").text("How it ended: ").text(&variant.outcome);
                    });
                }
                m.tag("p").with(|m| {
                    m.tag("b").text("What this lesson shows: ").text(&i.scenario.takeaway);
                });
                m.tag("nav").with(|m| {
                    if let Some(next) = i.scenario.variants.get(i.variant + 1) {
                        let href = format_args!("#/{id}?variant={}&seed={}", next.id, i.seed);
                        m.tag("a").attr("href", href).text(format_args!("Next: {}", next.title));
                    }
                    if let Some((next, title)) = lessons::next(id) {
                        m.tag("a").attr("href", format_args!("#/{next}")).text(format_args!("Next lesson: {title}"));
                    }
                    let sandbox = hash::format(id, &variant.id, 0, i.seed, false, true, "");
                    m.tag("a").attr("href", sandbox).text("Break it in the sandbox");
                    m.tag("a").attr("href", "#/").text("All lessons");
                });
            })
        })
    };
    // Empty (and hidden) until the end; always there, so reaching the end
    // and leaving it builds no view.
    view! { <section class="lesson-end" data-testid="lesson-end" inner_html=html></section> }
}

/// The invariants broken so far, as the checker names them: what a lesson
/// that breaks something on purpose (or a learner's fault) leads to; each
/// links to the step that broke it. Written as HTML text.
#[component]
pub fn Violations() -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    let html = move || {
        lesson.with(|i| {
            let cursor = i.timeline.cursor();
            Markup::build(|m| {
                for (at, v) in i.timeline.violations() {
                    // The ones the current step broke stand out.
                    let now = (at == Some(cursor)).then_some("now");
                    let line = m.tag("p").attr("data-violation", v.id).attr_some("class", now).attr("title", &v.detail);
                    line.with(|m| {
                        m.tag("b").text(meaning(v.id)).text(": ").text(&v.detail).text(" ");
                        match at {
                            Some(at) => {
                                let link = m.tag("button").attr("class", "link").attr("data-goto", at);
                                link.attr("title", "Go to the step that broke it").text(format_args!("step {at}"));
                            }
                            None => {
                                m.tag("span").attr("class", "at-rest").text(" (at rest: nothing is left to happen)");
                            }
                        }
                    });
                }
            })
        })
    };
    // Always present (empty and hidden when nothing is broken), so a screen
    // reader announces a violation as it appears.
    view! {
        <section class="violations" aria-label="Broken invariants" aria-live="polite" inner_html=html
            on:click=move |ev| go_to_clicked(lesson, ev)></section>
    }
}

/// Every step so far, the current one highlighted; click to jump. Written
/// as HTML text (see [`super::markup`]); a click on a line is read from its
/// `data-goto`.
#[component]
pub fn Log() -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    let html = move || {
        let shown = lesson.shown_steps();
        lesson.with(|i| {
            let t = &i.timeline;
            let dropped = t.dropped_steps();
            let parts = i.compared().and_then(|other| t.parts_from(other));
            let cursor = t.cursor();
            let broke: Vec<usize> = t.violations().into_iter().filter_map(|(at, _)| at).collect();
            Markup::build(|m| {
                if !dropped.is_empty() {
                    // Dropped by the learner's last action in the past, or the
                    // lesson's own run an explored run replaced.
                    m.tag("details").attr("class", "dropped").with(|m| {
                        m.tag("summary").text(format_args!("{} step(s) dropped when the run last changed", dropped.len()));
                        m.tag("ol").with(|m| {
                            for step in dropped.iter().take(LOG_AFTER) {
                                m.tag("li").with(|m| {
                                    m.tag("s").text(&step.text);
                                });
                            }
                        });
                    });
                }
                // The run before the last change can be shown beside this one.
                if i.before.is_some() && !i.comparing {
                    m.tag("p").attr("class", "hint").with(|m| {
                        m.tag("button").attr("data-compare", 1).text(format_args!("Compare with {}", i.before_name));
                        m.text(" side by side, step by step");
                    });
                }
                if t.is_empty() {
                    let hint = "No steps yet: act on the system below (place an order, create a customer) and they appear here.";
                    m.tag("p").attr("class", "hint").text(hint);
                } else if shown == 0 {
                    m.tag("p").attr("class", "hint").text("Step forward (→) or press Play: each step is listed here once it has happened.");
                }
                m.tag("ol").with(|m| {
                    for n in t.window(LOG_BEFORE, LOG_AFTER).map(|n| n + 1).filter(|n| *n <= shown) {
                        // "chosen": the explorer took this event out of the clock's
                        // order, or injected this fault.
                        let chosen = t.is_choice(n - 1);
                        let class = [
                            (n == cursor, "current"),
                            (n > cursor, "future"),
                            (broke.contains(&n), "broke"),
                            (chosen, "chosen"),
                            (parts == Some(n), "parts"),
                        ]
                        .iter()
                        .filter(|(on, _)| *on)
                        .map(|(_, name)| *name)
                        .collect::<Vec<_>>()
                        .join(" ");
                        m.tag("li").attr("class", class).attr("value", n).with(|m| {
                            m.tag("button").attr("data-goto", n).attr("title", "Go to this step").text(&t.steps()[n - 1].text);
                        });
                    }
                });
            })
        })
    };
    let log = NodeRef::<leptos::html::Section>::new();
    // Keep the current line in view by scrolling the log alone (scrolling
    // it into view would scroll the side panel too, and the inspector above
    // would leave the screen): the one effect that touches the DOM.
    Effect::new(move |_| {
        use wasm_bindgen::JsCast;
        lesson.with(|i| i.timeline.cursor());
        let Some(log) = log.get() else { return };
        let line = log.query_selector("li.current").ok().flatten().and_then(|l| l.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(line) = line {
            let (top, bottom) = (line.offset_top(), line.offset_top() + line.offset_height());
            if top < log.scroll_top() {
                log.set_scroll_top(top);
            } else if bottom > log.scroll_top() + log.client_height() {
                log.set_scroll_top(bottom - log.client_height());
            }
        }
    });
    view! { <section class="log" node_ref=log inner_html=html on:click=move |ev| go_to_clicked(lesson, ev)></section> }
}

/// A click inside a panel written as HTML text: goes to the step a
/// `data-goto` names, or starts (`data-compare="1"`) or stops comparing
/// two runs (see [`Click`]).
pub fn go_to_clicked(lesson: Lesson, ev: web_sys::MouseEvent) {
    if let Some(click) = Click::of(&ev) {
        click.apply(lesson);
    }
}

/// A command's class name with a line-break opportunity before each inner
/// word (`Begin<wbr>Cancel<wbr>Command`), so a narrow column wraps it
/// between words.
fn breakable(m: &mut Markup, name: &str) {
    let mut word = 0;
    for (i, _) in name.char_indices().filter(|(i, c)| *i > 0 && c.is_ascii_uppercase()) {
        m.text(&name[word..i]).tag("wbr").void();
        word = i;
    }
    m.text(&name[word..]);
}

/// The saga to show now (several may run at once: a cancel during a
/// Create Order saga): the one the current step wrote, else the newest
/// still running, else the newest.
fn shown_saga(timeline: &Timeline) -> Option<&SagaInstance> {
    let sagas = &timeline.world().service(Svc::OrderService)?.db.sagas;
    let written = timeline.current().and_then(|step| step.writes.iter().find(|w| w.table == SAGA_TABLE));
    written
        .and_then(|w| sagas.get(&(w.key.first_int() as u64)))
        .or_else(|| sagas.values().rev().find(|s| !s.end_state))
        .or_else(|| sagas.values().next_back())
}

/// An orchestrated saga (see `shown_saga`): its steps in order and its
/// state. Written as HTML text.
#[component]
pub fn SagaPanel() -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    let html = move || {
        lesson.with(|i| {
            let Some(saga) = shown_saga(&i.timeline) else { return String::new() };
            let state = saga.progress();
            let describe = |m: &mut Markup, invoke: Option<Invoke>| match invoke {
                None => {
                    m.text("—");
                }
                Some(Invoke::Local(name)) => {
                    m.text(format_args!("local: {name}"));
                }
                Some(Invoke::Participant(svc, command)) => {
                    breakable(m, command.name());
                    m.text(format_args!(" → {}", super::layout::short(svc)));
                }
            };
            Markup::build(|m| {
                let section = m.tag("section").attr("class", "saga").attr("data-saga", saga.saga_id);
                section.attr("data-saga-state", state).with(|m| {
                    m.tag("h2").text(format_args!("{} {}: {state}", saga.saga_type.name(), saga.saga_id));
                    m.tag("table").with(|m| {
                        m.tag("colgroup").with(|m| {
                            m.tag("col").attr("class", "n").void().tag("col").void().tag("col").void();
                            m.tag("col").attr("class", "st").void();
                        });
                        m.tag("thead").with(|m| {
                            m.tag("tr").with(|m| {
                                for heading in ["#", "step", "compensation", "status"] {
                                    m.tag("th").text(heading);
                                }
                            });
                        });
                        m.tag("tbody").with(|m| {
                            for (n, def) in saga.definition().iter().enumerate() {
                                let status = saga.steps[n];
                                let row = m.tag("tr").attr("data-saga-step", n + 1).attr("data-step-status", status.name());
                                row.attr("class", status.name()).with(|m| {
                                    m.tag("td").text(n + 1);
                                    m.tag("td").with(|m| {
                                        m.tag("span").with(|m| describe(m, Some(def.forward)));
                                        match def.role {
                                            Role::Compensatable => {}
                                            Role::Pivot => {
                                                m.tag("span").attr("class", "role pivot").text("pivot");
                                            }
                                            Role::Retriable => {
                                                m.tag("span").attr("class", "role retriable").text("retriable");
                                            }
                                        }
                                    });
                                    m.tag("td").with(|m| describe(m, def.compensation));
                                    m.tag("td").attr("class", "step-status").text(status.label());
                                });
                            }
                        });
                    });
                });
            })
        })
    };
    view! { <div inner_html=html></div> }
}

/// The saga's steps as one line of chips, for a slide-sized frame where the
/// side panel is folded away. Written as HTML text.
#[component]
pub fn SagaStrip() -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    let html = move || {
        lesson.with(|i| {
            let Some(saga) = shown_saga(&i.timeline) else { return String::new() };
            Markup::build(|m| {
                m.tag("div").attr("class", "saga-strip").attr("aria-label", "Saga steps").with(|m| {
                    m.tag("b").text(format_args!("{} {}:", saga.saga_type.name(), saga.saga_id));
                    for (n, def) in saga.definition().iter().enumerate() {
                        let status = saga.steps[n];
                        let undoing = matches!(status, StepStatus::Compensating | StepStatus::Compensated);
                        let name = match def.compensation.filter(|_| undoing).unwrap_or(def.forward) {
                            Invoke::Participant(_, command) => command.name(),
                            Invoke::Local(name) => name,
                        };
                        let (n, status) = (n + 1, status.name());
                        let chip = m.tag("span").attr("class", format_args!("chip {status}"));
                        chip.attr("title", format_args!("step {n}: {name} ({status})")).text(format_args!("{n} {name}"));
                    }
                });
            })
        })
    };
    view! { <div inner_html=html></div> }
}

/// Queries shown in the panel, newest first.
const QUERIES_SHOWN: usize = 2;

/// The newest queries: each answer beside the owning services' truth.
/// Written as HTML text.
#[component]
pub fn QueryPanel() -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    let html = move || {
        lesson.with(|i| {
            Markup::build(|m| {
                for q in i.timeline.world().queries().iter().rev().take(QUERIES_SHOWN) {
                    let source = match q.source {
                        crate::sim::query::QuerySource::View => "Order History view",
                        crate::sim::query::QuerySource::Composer => "API composer",
                    };
                    let verdict = match (&q.error, q.finished_ms, q.stale()) {
                        (Some(error), _, _) => format!("failed: {error}"),
                        (None, None, _) => format!("waiting for {} call(s)", q.outstanding),
                        (None, Some(_), _) if q.not_found => "404 Not Found: no such customer".to_string(),
                        (None, Some(_), true) if q.events_behind == 0 => "WRONG: no event is on its way to fix it".to_string(),
                        (None, Some(_), true) => format!("STALE: {} event(s) behind", q.events_behind),
                        (None, Some(_), false) => "fresh".to_string(),
                    };
                    let latency = q.latency_ms().map(|ms| format!(" in {ms} ms")).unwrap_or_default();
                    let answer = if q.error.is_some() { "partial answer: " } else { "answer: " };
                    m.tag("section").attr("class", "query").attr("data-query", q.id).attr("data-stale", q.stale()).with(|m| {
                        m.tag("h2").text(format_args!("Query {} ({source}){latency}", q.id));
                        let class = if q.stale() || q.error.is_some() { "verdict stale" } else { "verdict" };
                        m.tag("p").attr("class", class).text(verdict);
                        m.tag("p").with(|m| {
                            m.tag("b").text(answer).text(q.answer.summary());
                        });
                        if let Some(truth) = &q.truth {
                            m.tag("p").with(|m| {
                                m.tag("b").text("services: ").text(truth.summary());
                            });
                        }
                    });
                }
            })
        })
    };
    view! { <div inner_html=html></div> }
}

/// Everything about the selected service or message.
#[component]
pub fn Inspector() -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    move || {
        let selection = lesson.selected.get()?;
        let close = move |_| lesson.selected.set(None);
        let body = match selection {
            Selection::Service(svc) => {
                let state = move || {
                    lesson.with(|i| {
                        let Some(s) = i.timeline.world().service(svc) else { return String::new() };
                        let mut parts = vec![if s.up { "process up" } else { "process DOWN" }];
                        parts.push(if s.connected { "reaches the broker" } else { "CUT OFF the broker" });
                        if svc.publishes() {
                            parts.push(if !s.outbox_enabled {
                                "outbox OFF (dual write)"
                            } else if !s.relay.up {
                                "relay DOWN"
                            } else if s.relay.mode == RelayMode::Polling {
                                "relay polls published = 0 rows"
                            } else {
                                "relay tails the transaction log"
                            });
                        }
                        parts.push(if s.idempotent { "checks received_messages" } else { "does NOT check received_messages" });
                        parts.join(" · ")
                    })
                };
                view! {
                    <h2>{svc.title()}</h2>
                    <p class="hint">{state}</p>
                    <TableList svc/>
                }
                .into_any()
            }
            Selection::Lane(channel) => {
                // Every message on the lane, in the order it delivers them,
                // each opening its own inspector.
                let on_lane: Vec<Token> =
                    lesson.with(|i| motion::tokens(&i.timeline).into_iter().filter(|t| t.channel == channel).collect());
                let count = on_lane.len();
                let rows = on_lane
                    .into_iter()
                    .map(|t| {
                        let name = format!("{} m{}", t.kind, t.message_id);
                        let note = match (t.to, t.waiting, t.duplicate) {
                            (None, ..) => " (no service reads it)".to_string(),
                            (Some(to), waiting, copy) => {
                                format!(" → {}{}{}", to.title(), if waiting { ", waiting" } else { "" }, if copy { ", a copy" } else { "" })
                            }
                        };
                        match t.key {
                            TokenKey::Flight(key) => view! {
                                <li><button on:click=move |_| lesson.selected.set(Some(Selection::Message(key)))>{name}</button>{note}</li>
                            }
                            .into_any(),
                            TokenKey::Unconsumed(_) => view! { <li>{name}{note}</li> }.into_any(),
                        }
                    })
                    .collect_view();
                view! {
                    <h2>{channel}</h2>
                    <p class="hint">{format!("{count} message(s) on this channel, first delivered first")}</p>
                    <ol class="lane-list">{rows}</ol>
                }
                .into_any()
            }
            Selection::Message(key) => {
                let flight = lesson.with(|i| i.timeline.world().flights().into_iter().find(|f| f.key == key));
                let message = lesson.with(|i| i.timeline.world().flight_message(key).cloned());
                match (flight, message) {
                    (Some(flight), Some(message)) => {
                        let id = message.id;
                        let to = flight.to;
                        let duplicate = move |_| lesson.act(Action::Duplicate { message: id, to: Some(to) });
                        let can_duplicate =
                            !matches!(message.category, crate::sim::message::Category::Request | crate::sim::message::Category::Response);
                        // The message as HTML text (headers and payload carry
                        // the learner's input, escaped).
                        let about = Markup::build(|m| {
                            m.tag("h2").text(format_args!("{} m{}", message.kind, message.id));
                            m.tag("dl").with(|m| {
                                m.tag("dt").text("from → to").tag("dd").text(format_args!("{} → {}", message.from.title(), to.title()));
                                m.tag("dt").text("channel").tag("dd").text(message.channel);
                                let waiting = if flight.waiting { " (waiting in the broker)" } else { "" };
                                m.tag("dt")
                                    .text("sent, due")
                                    .tag("dd")
                                    .text(format_args!("{} ms, {} ms{waiting}", flight.sent_at, flight.deliver_at));
                                m.tag("dt").text("headers").tag("dd").with(|m| {
                                    m.tag("code").text(message.headers_text());
                                });
                                m.tag("dt").text("payload").tag("dd").with(|m| {
                                    m.tag("code").text(message.payload_json());
                                });
                            });
                        });
                        view! {
                            <div inner_html=about></div>
                            {can_duplicate.then(|| view! {
                                <button on:click=duplicate>"Duplicate this delivery"</button>
                                <p class="hint">"At-least-once: the broker delivers it again. Watch the receiver's received_messages."</p>
                            })}
                        }
                        .into_any()
                    }
                    _ => view! { <p>"That message has been delivered."</p> }.into_any(),
                }
            }
        };
        Some(view! {
            <section class="inspector">
                <button class="close" on:click=close aria-label="Close the inspector">"×"</button>
                {body}
            </section>
        })
    }
}

/// What one style costs, side by side with the other pane's: the messages
/// sent so far (it follows the steps, which the keys move together), who
/// knows whom, where the saga's state lives, what a new participant needs.
/// Written as HTML text.
#[component]
pub fn StyleFacts() -> impl IntoView {
    let lesson = expect_context::<Lesson>();
    let html = move || {
        lesson.with(|i| {
            let t = &i.timeline;
            let mut sent = [0; 3];
            for step in t.steps()[..t.cursor()].iter().filter(|s| s.kind == crate::sim::StepKind::Publish) {
                match step.message.as_ref().map(|m| m.category) {
                    Some(Category::Event) => sent[0] += 1,
                    Some(Category::Command) => sent[1] += 1,
                    Some(Category::Reply) => sent[2] += 1,
                    _ => {}
                }
            }
            let sent: Vec<String> = [("event", "events"), ("command", "commands"), ("reply", "replies")]
                .iter()
                .zip(sent)
                .filter(|(_, n)| *n > 0)
                .map(|((one, many), n)| format!("{n} {}", if n == 1 { one } else { many }))
                .collect();
            let sent = if sent.is_empty() { "none yet".to_string() } else { sent.join(", ") };
            let [knows, state, new] = match t.world().style() {
                crate::sim::Style::Choreography => [
                    "Each service subscribes to the other's events: Order Service to Customer's, Customer Service to Order's.",
                    "Nowhere in one place: in orders.state and credit_reservations, each service's own rows.",
                    "New events to publish and new subscriptions in every service that must react; read them all to follow the flow.",
                ],
                _ => [
                    "The saga in Order Service knows Customer Service's commands; Customer Service knows no one, it replies to whoever asked.",
                    "One saga_instance row in Order Service, written in the same transaction as each command it sends.",
                    "One more step in the saga's definition, and a command handler in the new service.",
                ],
            };
            Markup::build(|m| {
                for (term, text) in [("Messages sent so far", sent.as_str()), ("Who knows whom", knows), ("The saga's state", state), ("A new participant", new)] {
                    m.tag("dt").text(term).tag("dd").text(text);
                }
            })
        })
    };
    view! { <dl class="style-facts" inner_html=html></dl> }
}
