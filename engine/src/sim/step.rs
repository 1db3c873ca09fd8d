//! One step of a run: one atomic, explainable event, with the sentence the
//! UI narrates and the rows it wrote.

use serde::Serialize;

use super::correlation::SagaRef;
use super::kind::Kind;
use super::message::Category;
use super::names::short;
use super::topology::Svc;
use super::value::Key;

/// What kind of event a step is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// A learner's request committed a local transaction.
    Commit,
    /// A learner's request was refused; nothing was written.
    Refused,
    /// A relay (or a dual write) put a message on the broker.
    Publish,
    /// A message was delivered and its handler's transaction committed.
    Handle,
    /// A duplicate was dropped by the idempotent consumer.
    Drop,
    /// A fault or a setting changed.
    Fault,
    /// A query ran, or one of an API composer's calls moved.
    Query,
}

impl StepKind {
    /// The name scenario narration uses (`commit`, `drop`, ...), as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            StepKind::Commit => "commit",
            StepKind::Refused => "refused",
            StepKind::Publish => "publish",
            StepKind::Handle => "handle",
            StepKind::Drop => "drop",
            StepKind::Fault => "fault",
            StepKind::Query => "query",
        }
    }
}

/// The message a step is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MessageRef {
    pub id: u64,
    pub kind: Kind,
    pub category: Category,
    pub from: Svc,
    pub channel: &'static str,
    /// The channel as Eventuate names it (its `DESTINATION` header).
    pub destination: &'static str,
    /// The receiving service, for a delivery.
    pub to: Option<Svc>,
    pub duplicate: bool,
    /// The saga a command or a reply belongs to, from its correlation
    /// headers (`command_saga_*`, `commandreply_saga_*`).
    pub saga: Option<SagaRef>,
}

/// A row a step wrote in its actor's database, and the columns whose
/// shown value changed (every column of a new row).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Written {
    pub table: &'static str,
    /// The row's primary key, written out as the tables show it (`1`, `m3`).
    #[serde(serialize_with = "as_text")]
    pub key: Key,
    pub columns: Vec<&'static str>,
}

fn as_text<S: serde::Serializer>(key: &Key, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(key)
}

/// One step of the trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Virtual time in ms.
    pub time_ms: u64,
    pub kind: StepKind,
    /// Who acted (a relay step names the service whose relay it is; none
    /// for the broker or a world-wide setting).
    pub actor: Option<Svc>,
    pub message: Option<MessageRef>,
    /// Messages this step wrote to an outbox (or sent directly), by id.
    pub sent: Vec<u64>,
    /// Rows this step wrote in `actor`'s database.
    pub writes: Vec<Written>,
    /// What happened, in one sentence; [`Step::sentence`] adds the rows.
    pub text: String,
    /// What a caption may depend on beyond the step's kind, actor and
    /// message (not part of a trace: it is read off the world).
    #[serde(skip)]
    pub facts: Facts,
}

/// What a step did that its kind and message do not say: the action that
/// made it, the outcome of the reply it handled or sent, the state it moved
/// a row to, where its saga stands, and the switches it ran under. A
/// caption rule can name each (`scenarios::Rule`), so a caption written
/// for one outcome never shows on another.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// The action that made the step, as [`super::Action::did`] names it
    /// (`crash`, `outbox_off`, `place_order`).
    pub did: Option<&'static str>,
    /// The kinds of the messages the step wrote (or sent directly).
    pub sends: Vec<Kind>,
    /// The reply handled or sent succeeded (`Some(true)`) or failed.
    pub success: Option<bool>,
    /// The state a written row moved to (`CANCELLED`), the first such row.
    pub to: Option<&'static str>,
    /// Where the step's saga stands after it, as
    /// `SagaInstance::progress` says (`running`, `compensating`, ...).
    pub phase: Option<&'static str>,
    /// For a step that wrote or published messages: the acting service
    /// writes them to its outbox (off: a dual write).
    pub outbox: Option<bool>,
    /// For a request the semantic lock judges (a cancel, a ticket
    /// accepted): whether the countermeasure is on.
    pub lock: Option<bool>,
    /// The message is a copy delivered again (a duplicate or a redelivery).
    pub copy: bool,
    /// The message's handler threw: nothing committed and its consumer
    /// stopped.
    pub threw: bool,
    /// For a query of the view: whether its answer agreed with the
    /// services' data (`false`: stale or wrong).
    pub fresh: Option<bool>,
}

impl Step {
    /// The sentence the UI narrates: what happened and which rows one
    /// local transaction wrote. Built on demand, so runs stay fast.
    pub fn sentence(&self) -> String {
        if self.writes.is_empty() || self.kind == StepKind::Publish {
            return self.text.clone();
        }
        // A key holding a class name reads by its last part here.
        let rows: Vec<String> = self.writes.iter().map(|w| format!("{} {}", w.table, short(&w.key.to_string()))).collect();
        format!("{}. One local transaction wrote {}", self.text, rows.join(", "))
    }

    /// How many cells the step changed (every column of a new row).
    pub fn changed_cells(&self) -> usize {
        self.writes.iter().map(|w| w.columns.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::StepKind;

    #[test]
    fn names_match_the_json_spelling() {
        for kind in
            [StepKind::Commit, StepKind::Refused, StepKind::Publish, StepKind::Handle, StepKind::Drop, StepKind::Fault, StepKind::Query]
        {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.name());
        }
    }
}
