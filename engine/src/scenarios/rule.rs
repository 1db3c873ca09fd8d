//! A rule naming steps, as a caption's `on` and a question's `before`
//! write it: `kind`, `kind:MessageKind` or `MessageKind`, optionally
//! `@service` (or `@broker`), optionally `?fact=value&fact=value` naming
//! what the step did beyond its kind (see [`Facts`]):
//!
//! - `did=crash`: the action that made it ([`Action::did`]);
//! - `sends=MessageKind`: a message it wrote to its outbox (or sent);
//! - `outcome=success|failure`: the reply it handled, or sent;
//! - `to=CANCELLED`: the state it moved a row to;
//! - `phase=running|compensating|ended|completed|compensated|failed`:
//!   where its saga stands after it;
//! - `outbox=on|off`: for a step that wrote or published messages,
//!   whether they went through the outbox;
//! - `lock=on|off`: for a request the semantic lock judges, whether it
//!   was on;
//! - `copy=yes|no`: whether its message came again (a duplicate or a
//!   redelivery);
//! - `threw=yes|no`: whether its message's handler threw (nothing
//!   committed, its consumer stopped);
//! - `fresh=yes|no`: for a query of the view, whether its answer agreed
//!   with the services' data.
//!
//! A rule without `?` means what it meant before facts existed. A rule
//! that names a fact never matches a step whose fact differs.

use crate::sim::states::{OrderState, TicketState};
use crate::sim::step::Facts;
use crate::sim::{Action, Step, Svc};

/// The step kinds a rule may name, as `StepKind::name` spells them.
const STEP_KINDS: [&str; 7] = ["commit", "refused", "publish", "handle", "drop", "fault", "query"];
const PHASES: [&str; 6] = ["running", "compensating", "ended", "completed", "compensated", "failed"];

/// A parsed rule; its text is kept as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub text: String,
    /// A step kind (`commit`), if named.
    kind: Option<String>,
    /// A message kind (`OrderCreatedEvent`), if named.
    message: Option<String>,
    /// `None`: any actor; `Some(None)`: the broker; `Some(Some(svc))`.
    actor: Option<Option<Svc>>,
    facts: Vec<(Fact, String)>,
}

/// A fact a rule can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fact {
    Did,
    Sends,
    Outcome,
    To,
    Phase,
    Outbox,
    Lock,
    Copy,
    Threw,
    Fresh,
}

impl Fact {
    const ALL: [(&'static str, Fact); 10] = [
        ("did", Fact::Did),
        ("sends", Fact::Sends),
        ("outcome", Fact::Outcome),
        ("to", Fact::To),
        ("phase", Fact::Phase),
        ("outbox", Fact::Outbox),
        ("lock", Fact::Lock),
        ("copy", Fact::Copy),
        ("threw", Fact::Threw),
        ("fresh", Fact::Fresh),
    ];

    /// Whether `value` is one this fact can take; the error lists them.
    fn check(self, value: &str) -> Result<(), String> {
        let ok = match self {
            Fact::Did => Action::DID.contains(&value),
            Fact::Sends => !value.is_empty(),
            Fact::Outcome => ["success", "failure"].contains(&value),
            Fact::To => OrderState::parse(value).is_some() || TicketState::parse(value).is_some() || value == "AUTHORIZED",
            Fact::Phase => PHASES.contains(&value),
            Fact::Outbox | Fact::Lock => ["on", "off"].contains(&value),
            Fact::Copy | Fact::Threw | Fact::Fresh => ["yes", "no"].contains(&value),
        };
        let known = match self {
            Fact::Did => Action::DID.join(", "),
            Fact::Sends => "a message kind".into(),
            Fact::Outcome => "success, failure".into(),
            Fact::To => "a state such as APPROVED or CANCELLED".into(),
            Fact::Phase => PHASES.join(", "),
            Fact::Outbox | Fact::Lock => "on, off".into(),
            Fact::Copy | Fact::Threw | Fact::Fresh => "yes, no".into(),
        };
        if ok {
            Ok(())
        } else {
            Err(format!("\"{value}\" is not a value of this fact; use {known}"))
        }
    }

    /// Whether the step's facts have `value`.
    fn holds(self, facts: &Facts, value: &str) -> bool {
        let on = |b: bool| if b { "on" } else { "off" };
        let yes = |b: bool| if b { "yes" } else { "no" };
        match self {
            Fact::Did => facts.did == Some(value),
            Fact::Sends => facts.sends.iter().any(|k| k.name() == value),
            Fact::Outcome => facts.success.map(|s| if s { "success" } else { "failure" }) == Some(value),
            Fact::To => facts.to == Some(value),
            Fact::Phase => match (facts.phase, value) {
                (Some(phase), "ended") => ["completed", "compensated", "failed"].contains(&phase),
                (phase, value) => phase == Some(value),
            },
            Fact::Outbox => facts.outbox.map(on) == Some(value),
            Fact::Lock => facts.lock.map(on) == Some(value),
            Fact::Copy => yes(facts.copy) == value,
            Fact::Threw => yes(facts.threw) == value,
            Fact::Fresh => facts.fresh.map(yes) == Some(value),
        }
    }
}

impl Rule {
    /// Reads a rule; the error says which part is wrong.
    pub fn parse(text: &str) -> Result<Rule, String> {
        let (head, facts_text) = match text.split_once('?') {
            Some((head, facts)) => (head, Some(facts)),
            None => (text, None),
        };
        let (what, actor) = match head.split_once('@') {
            Some((what, "broker")) => (what, Some(None)),
            Some((what, service)) => match Svc::parse(service) {
                Some(svc) => (what, Some(Some(svc))),
                None => return Err(format!("names no service \"{service}\"")),
            },
            None => (head, None),
        };
        let (kind, message) = match what.split_once(':') {
            Some((kind, message)) => (Some(kind), Some(message)),
            None if STEP_KINDS.contains(&what) => (Some(what), None),
            None if what.is_empty() => (None, None),
            None => (None, Some(what)),
        };
        if let Some(kind) = kind.filter(|k| !STEP_KINDS.contains(k)) {
            return Err(format!("names no step kind \"{kind}\"; use one of {}", STEP_KINDS.join(", ")));
        }
        let mut facts = Vec::new();
        for pair in facts_text.into_iter().flat_map(|f| f.split('&')) {
            let Some((name, value)) = pair.split_once('=') else {
                return Err(format!("\"{pair}\" is not fact=value"));
            };
            let Some((_, fact)) = Fact::ALL.iter().find(|(n, _)| *n == name) else {
                let known: Vec<&str> = Fact::ALL.iter().map(|(n, _)| *n).collect();
                return Err(format!("names no fact \"{name}\"; use one of {}", known.join(", ")));
            };
            fact.check(value)?;
            facts.push((*fact, value.to_string()));
        }
        Ok(Rule { text: text.to_string(), kind: kind.map(str::to_string), message: message.map(str::to_string), actor, facts })
    }

    /// Whether `step` is one this rule names.
    pub fn matches(&self, step: &Step) -> bool {
        let kind_ok = self.kind.as_deref().is_none_or(|k| k == step.kind.name());
        let message = step.message.as_ref().map(|m| m.kind.name());
        let message_ok = self.message.as_deref().is_none_or(|m| Some(m) == message);
        let actor_ok = self.actor.is_none_or(|actor| actor == step.actor);
        kind_ok && message_ok && actor_ok && self.facts.iter().all(|(fact, value)| fact.holds(&step.facts, value))
    }

    /// The step kind the rule names, if it names one.
    pub fn kind(&self) -> Option<&str> {
        self.kind.as_deref()
    }

    /// A rule that names only a step kind (and perhaps who acts): the
    /// caption it gives is the same for every such step, whatever it did.
    pub fn is_fallback(&self) -> bool {
        self.message.is_none() && self.facts.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::Rule;

    #[test]
    fn reads_every_part_and_refuses_what_it_does_not_know() {
        let rule = Rule::parse("handle:AuthorizeCommand@accounting-service?outcome=failure&phase=running").unwrap();
        assert!(!rule.is_fallback());
        assert!(Rule::parse("commit").unwrap().is_fallback());
        assert!(Rule::parse("fault@order-service").unwrap().is_fallback());
        assert!(!Rule::parse("fault?did=crash").unwrap().is_fallback());
        for bad in ["commit@nowhere", "jump:OrderCreatedEvent", "fault?did=explode", "handle?mood=good", "handle?outcome", "commit?to=LOST"]
        {
            assert!(Rule::parse(bad).is_err(), "{bad} should be refused");
        }
    }
}
