//! Messages as Eventuate Tram sends them: a kind, a destination channel,
//! headers and a JSON payload.

use serde::Serialize;

use super::correlation::{SagaRef, SagaType, REPLY_SAGA_ID, REPLY_SAGA_TYPE};
use super::kind::Kind;
use super::names::short;
use super::shared::FingerprintCache;
use super::topology::Svc;
use super::value::Value;

/// What a message is for; the UI draws each differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// A domain event on an aggregate's topic.
    Event,
    /// A saga command on a participant's command channel.
    Command,
    /// A participant's reply on the orchestrator's reply channel.
    Reply,
    /// An API composer's synchronous request (not through the broker).
    Request,
    /// The answer to a request.
    Response,
}

/// A message. Its id is assigned when the local transaction that wrote it
/// commits, and a duplicate delivery carries the same id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Message {
    pub id: u64,
    /// The class name a learner will find in the Eventuate code.
    pub kind: Kind,
    pub category: Category,
    pub from: Svc,
    /// The broker channel (topic, command channel or reply channel).
    pub channel: &'static str,
    pub headers: Vec<(&'static str, Value)>,
    pub payload: Vec<(&'static str, Value)>,
    pub created_at: u64,
    /// Its fingerprint, computed the first time a search hashes it (a
    /// committed message never changes): a search hashes every message in
    /// every state it reaches.
    #[serde(skip)]
    pub(crate) fingerprint: FingerprintCache,
}

impl Message {
    /// A message not yet committed (id 0 until the commit numbers it).
    pub fn new(kind: Kind, category: Category, from: Svc, channel: &'static str) -> Self {
        let fingerprint = FingerprintCache::default();
        Message { id: 0, kind, category, from, channel, headers: Vec::new(), payload: Vec::new(), created_at: 0, fingerprint }
    }

    /// Adds a header.
    pub fn header(mut self, name: &'static str, value: impl Into<Value>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// Adds a header whose text is fixed in the program (no allocation).
    pub fn static_header(self, name: &'static str, value: &'static str) -> Self {
        self.header(name, Value::Static(value))
    }

    /// Adds a payload field.
    pub fn field(mut self, name: &'static str, value: impl Into<Value>) -> Self {
        self.payload.push((name, value.into()));
        self
    }

    /// The payload field `name` as an integer (0 if absent).
    pub fn int(&self, name: &str) -> i64 {
        self.payload.iter().find(|(n, _)| *n == name).map_or(0, |(_, v)| v.int())
    }

    /// The payload field `name` as text ("" if absent).
    pub fn text(&self, name: &str) -> &str {
        self.payload.iter().find(|(n, _)| *n == name).map_or("", |(_, v)| v.text())
    }

    /// The header `name`, if present.
    pub fn header_value(&self, name: &str) -> Option<&Value> {
        self.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// The header `name` as text ("" if absent or not text).
    pub fn header_text(&self, name: &str) -> &str {
        self.header_value(name).map_or("", Value::text)
    }

    /// The header `name` as an integer (0 if absent or not an integer).
    pub fn header_int(&self, name: &str) -> i64 {
        self.header_value(name).map_or(0, Value::int)
    }

    /// A reply's outcome (`reply_outcome-type`): `Some(true)` for
    /// `SUCCESS`; `None` for a message that is not a reply.
    pub fn succeeded(&self) -> Option<bool> {
        (self.category == Category::Reply).then(|| self.header_text("reply_outcome-type") == "SUCCESS")
    }

    /// The saga a command or a reply belongs to, read from the
    /// correlation headers Eventuate writes on each.
    pub fn saga(&self) -> Option<SagaRef> {
        let (type_header, id_header) = match self.category {
            Category::Command => ("command_saga_type", "command_saga_id"),
            Category::Reply => (REPLY_SAGA_TYPE, REPLY_SAGA_ID),
            _ => return None,
        };
        let name = short(self.header_text(type_header));
        let saga_type = SagaType::ALL.into_iter().find(|t| t.name() == name)?;
        Some(SagaRef { saga_type, saga_id: self.header_int(id_header) as u64 })
    }

    /// The id as shown to learners.
    pub fn id_text(&self) -> String {
        format!("m{}", self.id)
    }

    /// The payload as compact JSON, as Eventuate stores it.
    pub fn payload_json(&self) -> String {
        let mut out = String::from("{");
        for (i, (name, value)) in self.payload.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            match value {
                Value::Text(_) | Value::Static(_) | Value::Message(_) => out.push_str(&format!("\"{name}\":\"{value}\"")),
                other => out.push_str(&format!("\"{name}\":{other}")),
            }
        }
        out.push('}');
        out
    }

    /// The headers as `name=value` pairs.
    pub fn headers_text(&self) -> String {
        self.headers.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join(" ")
    }

    /// This message as a row of Eventuate's `message` (outbox) table.
    pub fn outbox_cells(&self, published: bool) -> Vec<String> {
        vec![
            self.id_text(),
            self.header_text("DESTINATION").to_string(),
            self.headers_text(),
            self.payload_json(),
            u8::from(published).to_string(),
            // Eventuate leaves it null unless the outbox is partitioned.
            "null".to_string(),
            self.created_at.to_string(),
        ]
    }
}
