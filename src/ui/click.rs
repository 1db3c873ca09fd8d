//! What a click on markup written as text means. The stage and the panels
//! are HTML and SVG text (see [`super::markup`]) with no handler of their
//! own: an element that does something names it in a `data-*` attribute,
//! and this is the one place that reads those back, into a typed [`Click`].

use leptos::prelude::{Set, Update};
use wasm_bindgen::JsCast;

use crate::sim::world::FlightKey;
use crate::sim::{Action, Svc};

use super::state::{Lesson, Selection};

/// Something the learner clicked, as the markup named it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Click {
    /// `data-goto="N"`: go to step N (a log line, a diagram row, a broken
    /// invariant, where two runs part).
    Goto(usize),
    /// `data-compare="1"` / `"0"`: show the run before the last change
    /// beside this one, or stop.
    Compare(bool),
    /// `data-tab="N"`: which of two compared stages shows (0: this run).
    Tab(usize),
    /// `data-delivery="d12"`: a message on the stage, to inspect. `None`
    /// for one no flight carries (published to no subscriber, `u7`).
    Message(Option<FlightKey>),
    /// `data-toggle="svc"`: crash a service that is up, restart one that
    /// is down.
    Toggle(Svc),
    /// `data-inspect="svc"`: every table of a service.
    Inspect(Svc),
    /// `data-unfold="svc/table"`: open a table folded to one line, or fold
    /// it back.
    Unfold(Svc, String),
    /// A channel's lane, to list every message on it.
    Lane(String),
}

/// Every attribute a [`Click`] is read from: the clicked element or its
/// nearest ancestor with one of them says what the click means.
const SELECTOR: &str = "[data-goto],[data-compare],[data-tab],[data-delivery],[data-toggle],[data-inspect],[data-unfold],[data-lane]";

impl Click {
    /// What the event's target (or its nearest ancestor that names an
    /// action) means; none where nothing was named or it does not parse.
    pub fn of(ev: &web_sys::Event) -> Option<Click> {
        let target = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
        let named = target.closest(SELECTOR).ok()??;
        Click::parse(|name| named.get_attribute(name))
    }

    /// Reads the attributes `attr` gives (by name) into a click.
    fn parse(attr: impl Fn(&str) -> Option<String>) -> Option<Click> {
        if let Some(step) = attr("data-goto") {
            return step.parse().ok().map(Click::Goto);
        }
        if let Some(on) = attr("data-compare") {
            return Some(Click::Compare(on == "1"));
        }
        if let Some(tab) = attr("data-tab") {
            return tab.parse().ok().map(Click::Tab);
        }
        if let Some(key) = attr("data-delivery") {
            return Some(Click::Message(FlightKey::parse(&key)));
        }
        if let Some(svc) = attr("data-toggle") {
            return Svc::parse(&svc).map(Click::Toggle);
        }
        if let Some(svc) = attr("data-inspect") {
            return Svc::parse(&svc).map(Click::Inspect);
        }
        if let Some(channel) = attr("data-lane") {
            return Some(Click::Lane(channel));
        }
        let unfold = attr("data-unfold")?;
        let (svc, table) = unfold.split_once('/')?;
        Some(Click::Unfold(Svc::parse(svc)?, table.to_string()))
    }

    /// Does what the click names to `lesson`. A tab belongs to the
    /// comparison that shows it (see `super::versus`), which handles it.
    pub fn apply(self, lesson: Lesson) {
        match self {
            Click::Goto(step) => {
                lesson.playing.set(false);
                lesson.seek(step);
            }
            Click::Compare(on) => lesson.compare(on),
            Click::Tab(_) => {}
            Click::Message(key) => {
                // Only a message still in flight opens its inspector.
                let flight = lesson.with_untracked(|i| i.timeline.world().flights().into_iter().find(|f| Some(f.key) == key));
                if let Some(flight) = flight {
                    lesson.selected.set(Some(Selection::Message(flight.key)));
                }
            }
            Click::Toggle(svc) => {
                let up = lesson.with_untracked(|i| i.timeline.world().service(svc).is_some_and(|s| s.up));
                lesson.act(if up { Action::Crash { service: svc } } else { Action::Restart { service: svc } });
            }
            Click::Inspect(svc) => lesson.selected.set(Some(Selection::Service(svc))),
            Click::Lane(channel) => lesson.selected.set(Some(Selection::Lane(channel))),
            Click::Unfold(svc, table) => {
                // `toggled` lists the tables the learner opened or folded
                // as `svc/table;` (see `super::tables::table_open`).
                let entry = format!("{svc}/{table};");
                lesson.toggled.update(|t| *t = if t.contains(&entry) { t.replace(&entry, "") } else { format!("{t}{entry}") });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::query::Leg;

    #[track_caller]
    fn check(name: &str, value: &str, expected: Option<Click>) {
        assert_eq!(Click::parse(|n| (n == name).then(|| value.to_string())), expected, "{name}={value:?}");
    }

    #[test]
    fn each_attribute_reads_as_its_click_and_anything_else_as_none() {
        check("data-goto", "12", Some(Click::Goto(12)));
        check("data-goto", "-1", None);
        check("data-goto", "twelve", None);
        check("data-compare", "1", Some(Click::Compare(true)));
        check("data-compare", "0", Some(Click::Compare(false)));
        check("data-tab", "1", Some(Click::Tab(1)));
        check("data-delivery", "d12", Some(Click::Message(Some(FlightKey::Delivery(12)))));
        check("data-delivery", "c3q", Some(Click::Message(Some(FlightKey::Call(3, Leg::Request)))));
        check("data-delivery", "c3r", Some(Click::Message(Some(FlightKey::Call(3, Leg::Response)))));
        check("data-delivery", "u7", Some(Click::Message(None)));
        check("data-delivery", "d+1", Some(Click::Message(None)));
        check("data-toggle", "order-service", Some(Click::Toggle(Svc::OrderService)));
        check("data-toggle", "nobody", None);
        check("data-inspect", "order-service", Some(Click::Inspect(Svc::OrderService)));
        check("data-unfold", "order-service/outbox", Some(Click::Unfold(Svc::OrderService, "outbox".into())));
        check("data-unfold", "outbox", None);
        check("data-unfold", "nobody/outbox", None);
        check("data-lane", "Order", Some(Click::Lane("Order".into())));
        check("data-service", "order-service", None);
    }

    #[test]
    fn a_flight_key_reads_back_as_it_was_written() {
        for key in
            [FlightKey::Delivery(0), FlightKey::Delivery(u64::MAX), FlightKey::Call(9, Leg::Request), FlightKey::Call(9, Leg::Response)]
        {
            assert_eq!(FlightKey::parse(&key.to_string()), Some(key));
        }
        for text in ["", "d", "c", "c3", "c3x", "x3", "d3q", "c+3q", "d١"] {
            assert_eq!(FlightKey::parse(text), None, "{text:?}");
        }
    }
}
