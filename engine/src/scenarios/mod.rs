//! The lesson catalogue, as data: each scenario is a JSON file with its
//! services, starting rows, scripted actions and faults per variant, the
//! outcome it expects, and narration for its key steps.

#[cfg(feature = "catalogue")]
use std::sync::OnceLock;

use crate::sim::sorted::SortedMap;
use crate::sim::world::Person;
use crate::sim::{Setup, Step, Style, World};
use json::At;

mod actions;
mod guide;
pub mod json;
pub mod review;
mod rule;
mod script;

pub use guide::{question_ms, reading_ms, Guided, Stop, HOP_MS};
pub use rule::Rule;
pub use script::Scripted;

/// What a variant should end with, for its tests and for the learner.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expect {
    /// Final state of each order, by order id.
    pub orders: SortedMap<i64, String>,
    /// Invariant violations the lesson shows on purpose, by id.
    pub violations: Vec<String>,
}

/// One way a scenario can play out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    pub id: String,
    /// What is about to be tried; never how it ends (questions come
    /// first).
    pub title: String,
    pub summary: String,
    /// How it ended and why, shown at the lesson's end.
    pub outcome: String,
    pub script: Vec<Scripted>,
    pub expect: Expect,
    /// Captions for this variant's own key steps, before the lesson's.
    pub narration: Vec<Narration>,
    /// "What happens next?": questions asked before the steps they name.
    pub questions: Vec<Question>,
    /// Where the lesson's point starts, in virtual ms: the app opens the
    /// variant on the last step before it (the steps before set the scene,
    /// as FTGO's Cancel Order needs an approved order first).
    pub start_ms: Option<u64>,
}

/// A step's caption: what happened and why, in plain words, shown when a
/// step matches `on`: a step kind (`commit`, `drop`, ...), a message kind
/// (`OrderCreatedEvent`), or both (`publish:OrderCreatedEvent`), each
/// optionally narrowed to the service that acts (`handle@customer-service`)
/// and to what the step did (`?outcome=failure`; see [`Rule`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Narration {
    pub on: Rule,
    pub text: String,
}

/// A lesson.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub setup: Setup,
    pub variants: Vec<Variant>,
    pub narration: Vec<Narration>,
    /// What the lesson showed, with the pattern's trade-offs: the summary
    /// at its end.
    pub takeaway: String,
    /// Tables the lesson is about: on the stage they show row by row and
    /// the others fold to one line (with none named, every table but
    /// `received_messages` shows).
    pub focus: Vec<String>,
}

impl Variant {
    fn decode(value: At<'_>) -> Result<Variant, String> {
        let mut f = value.fields()?;
        let variant = Variant {
            id: f.required("id", string)?,
            title: f.required("title", string)?,
            summary: f.required("summary", string)?,
            outcome: f.optional("outcome", string)?.unwrap_or_default(),
            script: f.optional("script", |v| v.list(Scripted::decode))?.unwrap_or_default(),
            expect: f.optional("expect", Expect::decode)?.unwrap_or_default(),
            narration: f.optional("narration", |v| v.list(Narration::decode))?.unwrap_or_default(),
            start_ms: f.optional("start_ms", count)?,
            questions: f.optional("questions", |v| v.list(Question::decode))?.unwrap_or_default(),
        };
        f.done()?;
        Ok(variant)
    }
}

impl Expect {
    /// `{"orders": {"1": "APPROVED"}, "violations": ["lost-update"]}`.
    fn decode(value: At<'_>) -> Result<Expect, String> {
        let mut f = value.fields()?;
        let orders = f.optional("orders", |orders| {
            orders.map(|id, state| {
                let id = id.parse::<i64>().map_err(|_| state.error("an order id must be a whole number"))?;
                Ok((id, string(state)?))
            })
        })?;
        let expect = Expect {
            orders: orders.unwrap_or_default().into_iter().collect(),
            violations: f.optional("violations", strings)?.unwrap_or_default(),
        };
        f.done()?;
        Ok(expect)
    }
}

impl Narration {
    fn decode(value: At<'_>) -> Result<Narration, String> {
        let mut f = value.fields()?;
        let narration = Narration { on: f.required("on", rule)?, text: f.required("text", string)? };
        f.done()?;
        Ok(narration)
    }
}

/// A question put to the learner before the step `before` names (a rule
/// like a caption's `on`): what happens next, two to four choices, the
/// right one, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub before: Rule,
    pub prompt: String,
    pub choices: Vec<String>,
    /// Index of the right choice.
    pub answer: usize,
    pub why: String,
}

impl Question {
    fn decode(value: At<'_>) -> Result<Question, String> {
        let mut f = value.fields()?;
        let question = Question {
            before: f.required("before", rule)?,
            prompt: f.required("prompt", string)?,
            choices: f.required("choices", strings)?,
            answer: f.required("answer", count)? as usize,
            why: f.required("why", string)?,
        };
        f.done()?;
        if !(2..=4).contains(&question.choices.len()) {
            return Err(value.error("a question has two to four choices"));
        }
        if question.answer >= question.choices.len() {
            return Err(value.error(&format!("\"answer\" is the index of a choice, 0 to {}", question.choices.len() - 1)));
        }
        Ok(question)
    }
}

/// A rule naming steps (see [`Rule`]); a part it does not know is refused
/// with the field's path.
fn rule(value: At<'_>) -> Result<Rule, String> {
    Rule::parse(value.text()?).map_err(|e| value.error(&e))
}

/// `{"style": "choreography", "services": [...], "people": [...]}`.
fn decode_setup(value: At<'_>) -> Result<Setup, String> {
    let mut f = value.fields()?;
    let setup = Setup {
        style: f.required("style", |v| {
            let name = v.text()?;
            Style::ALL.into_iter().find(|s| s.id() == name).ok_or_else(|| {
                let known: Vec<&str> = Style::ALL.iter().map(|s| s.id()).collect();
                v.error(&format!("unknown style \"{name}\"; use one of {}", known.join(", ")))
            })
        })?,
        services: f.required("services", |v| v.list(script::service))?,
        people: f.optional("people", |v| v.list(decode_person))?.unwrap_or_default(),
    };
    f.done()?;
    Ok(setup)
}

/// `{"id": 1, "name": "Alice", "credit_limit": 100}`, FTGO adds `card_status`.
fn decode_person(value: At<'_>) -> Result<Person, String> {
    let mut f = value.fields()?;
    let person = Person {
        id: f.required("id", int)?,
        name: f.required("name", string)?,
        credit_limit: f.optional("credit_limit", int)?.unwrap_or(0),
        card_status: f.optional("card_status", string)?,
    };
    f.done()?;
    Ok(person)
}

/// The built-in lessons, in teaching order: (id, title). The web app
/// fetches each file (`lessons/<id>.json`) when it is first opened, so the
/// lessons stay out of the first download; the course page (`#/`, in
/// `index.html`) lists them with what each shows and how long it takes. A
/// test checks both against the files.
pub const LESSONS: [(&str, &str); 11] = [
    ("outbox", "The transactional outbox"),
    ("idempotent-consumer", "The idempotent consumer"),
    ("choreography", "Choreography: customers and orders"),
    ("orchestration", "Orchestration: the same order as a saga"),
    ("ftgo-create-order", "FTGO: the Create Order saga"),
    ("ftgo-cancel-order", "FTGO: the Cancel Order saga"),
    ("ftgo-revise-order", "FTGO: the Revise Order saga"),
    ("cqrs-view", "CQRS: the order history view"),
    ("api-composition", "API composition"),
    ("isolation", "Lack of isolation: the semantic lock"),
    ("sandbox", "Sandbox"),
];

/// The built-in scenario files, in teaching order (native builds: the CLI,
/// the tests and the benchmark).
#[cfg(feature = "catalogue")]
const BUILT_IN: [&str; 11] = [
    include_str!("catalogue/outbox.json"),
    include_str!("catalogue/idempotent-consumer.json"),
    include_str!("catalogue/choreography.json"),
    include_str!("catalogue/orchestration.json"),
    include_str!("catalogue/ftgo-create-order.json"),
    include_str!("catalogue/ftgo-cancel-order.json"),
    include_str!("catalogue/ftgo-revise-order.json"),
    include_str!("catalogue/cqrs-view.json"),
    include_str!("catalogue/api-composition.json"),
    include_str!("catalogue/isolation.json"),
    include_str!("catalogue/sandbox.json"),
];

/// Every built-in scenario, parsed once. The files are checked by the
/// tests, so a parse failure here is a build defect, not user input.
#[cfg(feature = "catalogue")]
pub fn catalogue() -> &'static [Scenario] {
    static CATALOGUE: OnceLock<Vec<Scenario>> = OnceLock::new();
    CATALOGUE.get_or_init(|| BUILT_IN.iter().map(|text| from_json(text).expect("built-in scenario is valid")).collect())
}

/// The built-in scenario with this id.
#[cfg(feature = "catalogue")]
pub fn find(id: &str) -> Option<Scenario> {
    catalogue().iter().find(|s| s.id == id).cloned()
}

/// The largest scenario file read, in bytes (the built-in ones are under
/// 5 KB). A bigger file is refused before it is parsed.
pub const FILE_BYTES_MAX: usize = 256 * 1024;
/// Most script lines in one variant: a run of this many orders takes well
/// under a second, so loading a file never freezes the page.
pub const SCRIPT_LINES_MAX: usize = 1_000;
/// Most variants in a scenario and people in its setup.
const VARIANTS_MAX: usize = 64;
const PEOPLE_MAX: usize = 1_000;

/// Reads a scenario file's bytes: refused if too large or not UTF-8,
/// then parsed and validated like [`from_json`].
pub fn from_bytes(bytes: &[u8]) -> Result<Scenario, String> {
    if bytes.len() > FILE_BYTES_MAX {
        return Err(format!("the file has {} bytes; a scenario file may have at most {FILE_BYTES_MAX}", bytes.len()));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| format!("the file is not UTF-8 text (byte {} is invalid)", e.valid_up_to()))?;
    from_json(text)
}

/// Parses and validates a scenario file; the error says what is wrong.
pub fn from_json(text: &str) -> Result<Scenario, String> {
    let read = |text| Scenario::decode(At::root(&json::parse(text)?));
    let scenario = read(text).map_err(|e| format!("not a valid scenario: {e}"))?;
    scenario.validate()?;
    Ok(scenario)
}

// Field readers as functions, not closures: each closure would be its own
// copy of the generic field-reading code in the download.

fn string(value: At<'_>) -> Result<String, String> {
    value.text().map(str::to_string)
}

fn strings(value: At<'_>) -> Result<Vec<String>, String> {
    value.list(string)
}

fn count(value: At<'_>) -> Result<u64, String> {
    value.count()
}

fn int(value: At<'_>) -> Result<i64, String> {
    value.int()
}

impl Scenario {
    /// Reads a scenario file's fields; [`Scenario::validate`] checks them.
    fn decode(file: At<'_>) -> Result<Scenario, String> {
        let mut f = file.fields()?;
        let scenario = Scenario {
            id: f.required("id", string)?,
            title: f.required("title", string)?,
            summary: f.required("summary", string)?,
            setup: f.required("setup", decode_setup)?,
            variants: f.required("variants", |v| v.list(Variant::decode))?,
            narration: f.optional("narration", |v| v.list(Narration::decode))?.unwrap_or_default(),
            takeaway: f.optional("takeaway", string)?.unwrap_or_default(),
            focus: f.optional("focus", strings)?.unwrap_or_default(),
        };
        f.done()?;
        Ok(scenario)
    }

    /// Checks what the reader cannot: ids, services named by actions.
    fn validate(&self) -> Result<(), String> {
        let id_ok = !self.id.is_empty() && self.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !id_ok {
            return Err(format!("scenario id {:?} must be lowercase letters, digits and dashes", self.id));
        }
        let setup = &self.setup;
        if setup.services.is_empty() {
            return Err(format!("scenario {} runs no service", self.id));
        }
        let style = setup.style;
        if let Some(svc) = setup.services.iter().find(|s| !style.services().contains(s)) {
            let allowed: Vec<&str> = style.services().iter().map(|s| s.id()).collect();
            return Err(format!("a {} scenario cannot run {svc}; its services are {}", style.id(), allowed.join(", ")));
        }
        if let Some((i, svc)) = setup.services.iter().enumerate().find(|(i, s)| setup.services[..*i].contains(s)) {
            return Err(format!("setup.services[{i}]: {svc} is listed twice"));
        }
        if setup.people.len() > PEOPLE_MAX {
            return Err(format!("setup has {} people; at most {PEOPLE_MAX}", setup.people.len()));
        }
        if let Some((i, person)) = setup.people.iter().enumerate().find(|(i, p)| setup.people[..*i].iter().any(|q| q.id == p.id)) {
            return Err(format!("setup.people[{i}]: id {} is used twice", person.id));
        }
        if self.variants.is_empty() {
            return Err(format!("scenario {} has no variant", self.id));
        }
        if self.variants.len() > VARIANTS_MAX {
            return Err(format!("scenario {} has {} variants; at most {VARIANTS_MAX}", self.id, self.variants.len()));
        }
        for (i, variant) in self.variants.iter().enumerate() {
            if self.variants[..i].iter().any(|v| v.id == variant.id) {
                return Err(format!("scenario {} has two variants called {}", self.id, variant.id));
            }
            if variant.script.len() > SCRIPT_LINES_MAX {
                return Err(format!("variant {} has {} script lines; at most {SCRIPT_LINES_MAX}", variant.id, variant.script.len()));
            }
            for (line, scripted) in variant.script.iter().enumerate() {
                if let Some(svc) = scripted.action.service().filter(|s| !setup.services.contains(s)) {
                    return Err(format!("variants[{i}].script[{line}]: {} needs {svc}, which this scenario does not run", scripted.verb));
                }
            }
        }
        Ok(())
    }

    /// The variant called `id`, or the first one when `id` is `None`.
    pub fn variant(&self, id: Option<&str>) -> Result<&Variant, String> {
        match id {
            None => Ok(&self.variants[0]),
            Some(id) => self.variants.iter().find(|v| v.id == id).ok_or_else(|| {
                let known: Vec<&str> = self.variants.iter().map(|v| v.id.as_str()).collect();
                format!("scenario {} has no variant {id}; it has {}", self.id, known.join(", "))
            }),
        }
    }

    /// A world with this scenario's services and rows and the variant's
    /// script scheduled.
    pub fn world(&self, variant: &Variant, seed: u64) -> World {
        self.world_with(variant, seed, |_| true)
    }

    /// The same situation with nothing scripted ("break it in the
    /// sandbox"): only the variant's settings at time 0 (the outbox off,
    /// the semantic lock off, ...) are scheduled, none of its actions.
    pub fn free_world(&self, variant: &Variant, seed: u64) -> World {
        self.world_with(variant, seed, |s| s.at == 0 && s.action.is_setting())
    }

    fn world_with(&self, variant: &Variant, seed: u64, keep: fn(&Scripted) -> bool) -> World {
        let mut world = World::new(seed, &self.setup);
        for scripted in variant.script.iter().filter(|s| keep(s)) {
            world.schedule_action(scripted.at, scripted.action.clone());
        }
        world
    }

    /// The question to ask before `step`, with its index in the variant.
    pub fn question<'a>(&self, variant: &'a Variant, step: &Step) -> Option<(usize, &'a Question)> {
        variant.questions.iter().enumerate().find(|(_, q)| q.before.matches(step))
    }

    /// Whether the variant's own captions or questions name `step`: a
    /// step its author singled out, which the app never folds away.
    pub fn singles_out(&self, variant: &Variant, step: &Step) -> bool {
        variant.narration.iter().any(|n| n.on.matches(step)) || self.question(variant, step).is_some()
    }

    /// The rule and text that caption `step`: the variant's own rule for
    /// it, else the lesson's, else the caption every lesson has for the
    /// action that made it; the first rule that matches wins.
    pub fn narration_for<'a>(&'a self, variant: &'a Variant, step: &Step) -> Option<&'a Narration> {
        variant.narration.iter().chain(&self.narration).chain(actions::narration()).find(|n| n.on.matches(step))
    }

    /// A step's caption (see [`Scenario::narration_for`]).
    pub fn caption<'a>(&'a self, variant: &'a Variant, step: &Step) -> Option<&'a str> {
        self.narration_for(variant, step).map(|n| n.text.as_str())
    }
}
