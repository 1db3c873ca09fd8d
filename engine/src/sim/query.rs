//! Queries across services: against the CQRS view, or by API composition,
//! whose calls travel like messages so the UI can animate the fan-out.

use std::rc::Rc;

use serde::Serialize;

use super::kind::Kind;
use super::message::Message;
use super::topology::Svc;
use super::view::History;

/// Who answered a query.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum QuerySource {
    /// Order History Service's view: one local read, possibly stale.
    View,
    /// The API composer: one call per owning service, joined in memory.
    Composer,
}

/// A query and, once it has finished, its answer next to the truth.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QueryRecord {
    pub id: u64,
    pub source: QuerySource,
    pub customer: i64,
    pub started_ms: u64,
    pub finished_ms: Option<u64>,
    /// What the caller got (partial while a composition is running).
    /// Shared, so checkpoints of a long run stay cheap to copy.
    pub answer: Rc<History>,
    /// What the owning services held when the answer was returned.
    pub truth: Option<Rc<History>>,
    /// Why the query failed (a service was down).
    pub error: Option<String>,
    /// View queries: events the view had not applied yet.
    pub events_behind: usize,
    /// Composer calls still out.
    pub outstanding: usize,
    /// Customer Service answered 404: the composition answers 404.
    pub not_found: bool,
}

impl QueryRecord {
    /// Answered, and the answer differs from the truth.
    pub fn stale(&self) -> bool {
        self.truth.as_ref().is_some_and(|t| **t != *self.answer) && self.error.is_none()
    }

    /// Time from asking to answering.
    pub fn latency_ms(&self) -> Option<u64> {
        self.finished_ms.map(|f| f - self.started_ms)
    }
}

/// Whether a call is on its way out or back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Leg {
    Request,
    Response,
}

/// What an owning service answered a call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// Its part of the answer.
    Found(History),
    /// Customer Service knows no such customer.
    NotFound,
    /// The service is down.
    Unavailable,
}

impl Answer {
    /// The HTTP status line the response carries (its message kind).
    pub fn status(&self) -> Kind {
        match self {
            Answer::Found(_) => Kind::Ok,
            Answer::NotFound => Kind::NotFound,
            Answer::Unavailable => Kind::Unavailable,
        }
    }
}

/// One synchronous call of the API composer to an owning service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Call {
    pub id: u64,
    pub query: u64,
    pub target: Svc,
    pub leg: Leg,
    /// The request or, on the way back, the response.
    pub message: Message,
    pub sent_at: u64,
    pub deliver_at: u64,
    /// What the target answered, once it has.
    pub answer: Option<Answer>,
}
