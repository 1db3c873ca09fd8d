//! The lesson catalogue, as data: each scenario is a JSON file with its
//! services, starting rows, scripted actions and faults per variant, the
//! outcome it expects, and narration for its key steps.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::sim::{Setup, Step, World};

mod script;

pub use script::Scripted;

/// What a variant should end with, for its tests and for the learner.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Final state of each order, by order id.
    #[serde(default)]
    pub orders: BTreeMap<i64, String>,
    /// Invariant violations the lesson shows on purpose, by id.
    #[serde(default)]
    pub violations: Vec<String>,
}

/// One way a scenario can play out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    pub id: String,
    pub title: String,
    pub summary: String,
    #[serde(default)]
    pub script: Vec<Scripted>,
    #[serde(default)]
    pub expect: Expect,
}

/// A teaching note shown when a step matches `on`: a step kind (`commit`,
/// `drop`, ...), a message kind (`OrderCreatedEvent`), or both
/// (`publish:OrderCreatedEvent`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Narration {
    pub on: String,
    pub text: String,
}

/// A lesson.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub setup: Setup,
    pub variants: Vec<Variant>,
    #[serde(default)]
    pub narration: Vec<Narration>,
}

/// The built-in scenario files, in teaching order.
const BUILT_IN: [&str; 9] = [
    include_str!("catalogue/choreography.json"),
    include_str!("catalogue/orchestration.json"),
    include_str!("catalogue/ftgo-create-order.json"),
    include_str!("catalogue/outbox.json"),
    include_str!("catalogue/idempotent-consumer.json"),
    include_str!("catalogue/cqrs-view.json"),
    include_str!("catalogue/api-composition.json"),
    include_str!("catalogue/isolation.json"),
    include_str!("catalogue/sandbox.json"),
];

/// Every built-in scenario, parsed once. The files are checked by the
/// tests, so a parse failure here is a build defect, not user input.
pub fn catalogue() -> &'static [Scenario] {
    static CATALOGUE: OnceLock<Vec<Scenario>> = OnceLock::new();
    CATALOGUE.get_or_init(|| BUILT_IN.iter().map(|text| from_json(text).expect("built-in scenario is valid")).collect())
}

/// The built-in scenario with this id.
pub fn find(id: &str) -> Option<Scenario> {
    catalogue().iter().find(|s| s.id == id).cloned()
}

/// Parses and validates a scenario file; the error says what is wrong.
pub fn from_json(text: &str) -> Result<Scenario, String> {
    let scenario: Scenario = serde_json::from_str(text).map_err(|e| format!("not a valid scenario: {e}"))?;
    scenario.validate()?;
    Ok(scenario)
}

impl Scenario {
    /// Checks what serde cannot: ids, services named by actions.
    fn validate(&self) -> Result<(), String> {
        let id_ok = !self.id.is_empty() && self.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !id_ok {
            return Err(format!("scenario id {:?} must be lowercase letters, digits and dashes", self.id));
        }
        if self.setup.services.is_empty() {
            return Err(format!("scenario {} runs no service", self.id));
        }
        if self.variants.is_empty() {
            return Err(format!("scenario {} has no variant", self.id));
        }
        for (i, variant) in self.variants.iter().enumerate() {
            if self.variants[..i].iter().any(|v| v.id == variant.id) {
                return Err(format!("scenario {} has two variants called {}", self.id, variant.id));
            }
            for scripted in &variant.script {
                if let Some(svc) = scripted.action.service().filter(|s| !self.setup.services.contains(s)) {
                    return Err(format!("variant {} scripts {:?} but the scenario has no {svc}", variant.id, scripted.action));
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
        let mut world = World::new(seed, &self.setup);
        for scripted in &variant.script {
            world.schedule_action(scripted.at, scripted.action.clone());
        }
        world
    }

    /// The teaching note for a step, if the scenario has one for it.
    pub fn narration_for(&self, step: &Step) -> Option<&str> {
        let message = step.message.as_ref().map_or("", |m| m.kind);
        let matches = |on: &str| match on.split_once(':') {
            Some((step_kind, kind)) => step_kind == step.kind.name() && kind == message,
            None => on == step.kind.name() || on == message,
        };
        self.narration.iter().find(|n| matches(&n.on)).map(|n| n.text.as_str())
    }
}
