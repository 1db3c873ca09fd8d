//! The typed rows a database keeps besides plain tables: an orchestrator's
//! `saga_instance` rows and the CQRS view's `customer_view` documents. Only
//! their data and how they print live here, below [`super::db`], so the
//! database knows their shape but not the saga or view logic that writes
//! them (that is in [`super::saga`] and [`super::view`]).

use std::rc::Rc;

use serde::Serialize;

use super::correlation::SagaType;
use super::names::qualified;
use super::sorted::SortedMap;
use super::topology::Style;

/// A step's progress, as the saga panel shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Pending,
    Active,
    Done,
    Failed,
    Compensating,
    Compensated,
    /// Its compensation failed: the saga ended FAILED here.
    #[serde(rename = "compensation-failed")]
    CompensationFailed,
    Skipped,
}

impl StepStatus {
    /// What the saga panel prints: the name, but "undo failed" for the
    /// long `compensation-failed`, which would not fit its column.
    pub fn label(self) -> &'static str {
        match self {
            StepStatus::CompensationFailed => "undo failed",
            other => other.name(),
        }
    }

    /// The name used in `data-step-status`.
    pub fn name(self) -> &'static str {
        match self {
            StepStatus::Pending => "pending",
            StepStatus::Active => "active",
            StepStatus::Done => "done",
            StepStatus::Failed => "failed",
            StepStatus::Compensating => "compensating",
            StepStatus::Compensated => "compensated",
            StepStatus::CompensationFailed => "compensation-failed",
            StepStatus::Skipped => "skipped",
        }
    }
}

/// What a saga knows about its order (Eventuate serializes it into the
/// `saga_data_json` column, naming its class in `saga_data_type`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct SagaData {
    pub order_id: i64,
    pub customer_id: i64,
    pub order_total: i64,
    /// `ReviseOrderSaga`: the new total asked for.
    pub revised_total: Option<i64>,
    /// FTGO's `CreateOrderSaga`: from Kitchen Service's `CreateTicketReply`.
    pub ticket_id: Option<i64>,
    pub rejection_reason: Option<&'static str>,
}

impl SagaData {
    /// The data of a saga about order `order_id`.
    pub fn new(order_id: i64, customer_id: i64, order_total: i64) -> Self {
        SagaData { order_id, customer_id, order_total, revised_total: None, ticket_id: None, rejection_reason: None }
    }
}

/// A row of `saga_instance`, with the saga's data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct SagaInstance {
    pub saga_type: SagaType,
    pub saga_id: u64,
    pub style: Style,
    /// Index of the step being executed (Eventuate's `currentlyExecuting`);
    /// 0 once the saga has ended, as Eventuate's end state encodes it.
    pub current: usize,
    /// Id of the last command sent. Eventuate stores it and never compares
    /// it: a reply is applied to whatever step `current` names.
    pub last_request_id: u64,
    pub end_state: bool,
    pub compensating: bool,
    /// A compensation failed: the saga ended without undoing what it did.
    pub failed: bool,
    pub data: SagaData,
    pub steps: Vec<StepStatus>,
    /// Steps whose compensation ran, in the order they ran.
    pub compensated: Vec<usize>,
}

impl SagaInstance {
    /// Where the saga is, in one word: `running`, `compensating`,
    /// `completed`, `compensated` or `failed` (a compensation failed).
    pub fn progress(&self) -> &'static str {
        match (self.end_state, self.compensating, self.failed) {
            (true, _, true) => "failed",
            (true, true, false) => "compensated",
            (true, false, false) => "completed",
            (false, true, _) => "compensating",
            (false, false, _) => "running",
        }
    }

    /// Eventuate's `saga_instance` columns.
    pub const COLUMNS: [&'static str; 9] = [
        "saga_type",
        "saga_id",
        "state_name",
        "last_request_id",
        "end_state",
        "compensating",
        "failed",
        "saga_data_type",
        "saga_data_json",
    ];

    /// Whether the step at `current` is being compensated, as `state_name`
    /// says: an end state is encoded as step 0, not compensating.
    fn state_compensating(&self) -> bool {
        self.compensating && !self.end_state
    }

    /// The row as text.
    pub fn cells(&self) -> Vec<String> {
        let state = format!(
            "{{\"currentlyExecuting\":{},\"compensating\":{},\"endState\":{},\"failed\":{}}}",
            self.current,
            self.state_compensating(),
            self.end_state,
            self.failed
        );
        let d = &self.data;
        let mut data = format!("{{\"orderId\":{},\"customerId\":{},\"orderTotal\":{}", d.order_id, d.customer_id, d.order_total);
        if let Some(total) = d.revised_total {
            data.push_str(&format!(",\"revisedOrderTotal\":{total}"));
        }
        if let Some(ticket) = d.ticket_id {
            data.push_str(&format!(",\"ticketId\":{ticket}"));
        }
        if let Some(reason) = d.rejection_reason {
            data.push_str(&format!(",\"rejectionReason\":\"{reason}\""));
        }
        data.push('}');
        vec![
            qualified(self.style, self.saga_type.name()).to_string(),
            self.saga_id.to_string(),
            state,
            if self.last_request_id == 0 { "null".into() } else { format!("m{}", self.last_request_id) },
            u8::from(self.end_state).to_string(),
            u8::from(self.compensating).to_string(),
            u8::from(self.failed).to_string(),
            qualified(self.style, self.saga_type.data_type(self.style)).to_string(),
            data,
        ]
    }
}

/// One order inside a customer's document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct ViewOrder {
    pub state: &'static str,
    pub order_total: i64,
    /// Id of the last event applied to this order; older ones are ignored.
    pub last_event_id: u64,
}

/// `{id, name, credit_limit, orders: {order_id: {state, order_total}}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Hash)]
pub struct CustomerView {
    pub id: i64,
    pub name: Option<Rc<str>>,
    pub credit_limit: Option<i64>,
    pub orders: SortedMap<i64, ViewOrder>,
}

impl CustomerView {
    /// The columns the UI shows.
    pub const COLUMNS: [&'static str; 4] = ["id", "name", "credit_limit", "orders"];

    /// A document with nothing in it yet.
    pub fn empty(id: i64) -> Self {
        CustomerView { id, name: None, credit_limit: None, orders: SortedMap::new() }
    }

    /// Whether nothing has been written to it yet.
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.credit_limit.is_none() && self.orders.is_empty()
    }

    /// The document as a row of text.
    pub fn cells(&self) -> Vec<String> {
        let orders: Vec<String> = self.orders.iter().map(|(id, o)| format!("{id}:{{{},{}}}", o.state, o.order_total)).collect();
        vec![
            self.id.to_string(),
            self.name.as_deref().unwrap_or("null").to_string(),
            self.credit_limit.map_or("null".into(), |c| c.to_string()),
            format!("{{{}}}", orders.join(",")),
        ]
    }
}
