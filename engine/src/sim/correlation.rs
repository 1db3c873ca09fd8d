//! How a command or a reply names its saga: the saga types, a reference
//! to one instance, and the correlation headers that carry it.

use serde::Serialize;

use super::topology::Style;

/// The headers a participant copies from a command into its reply
/// (Eventuate's `commandreply_` correlation headers), which route the
/// reply to its saga instance.
pub const REPLY_SAGA_TYPE: &str = "commandreply_saga_type";
pub const REPLY_SAGA_ID: &str = "commandreply_saga_id";

/// The sagas Order Service orchestrates, named as in the example
/// applications. Eventuate keys `saga_instance` by type and id, and gives
/// each type its own reply channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
pub enum SagaType {
    CreateOrderSaga,
    /// FTGO only: cancelling an approved order takes a saga too.
    CancelOrderSaga,
    /// FTGO only: so does changing one (a new order total).
    ReviseOrderSaga,
}

impl SagaType {
    pub const ALL: [SagaType; 3] = [SagaType::CreateOrderSaga, SagaType::CancelOrderSaga, SagaType::ReviseOrderSaga];

    /// The class name.
    pub fn name(self) -> &'static str {
        match self {
            SagaType::CreateOrderSaga => "CreateOrderSaga",
            SagaType::CancelOrderSaga => "CancelOrderSaga",
            SagaType::ReviseOrderSaga => "ReviseOrderSaga",
        }
    }

    /// The channel its participants reply on (Eventuate: type + "-reply").
    pub fn reply_channel(self) -> &'static str {
        match self {
            SagaType::CreateOrderSaga => "CreateOrderSaga-reply",
            SagaType::CancelOrderSaga => "CancelOrderSaga-reply",
            SagaType::ReviseOrderSaga => "ReviseOrderSaga-reply",
        }
    }

    /// The class of its saga data, as `saga_data_type` names it: FTGO's
    /// Create Order saga keeps a `CreateOrderSagaState`, the others data.
    pub fn data_type(self, style: Style) -> &'static str {
        match (self, style) {
            (SagaType::CreateOrderSaga, Style::Ftgo) => "CreateOrderSagaState",
            (SagaType::CreateOrderSaga, _) => "CreateOrderSagaData",
            (SagaType::CancelOrderSaga, _) => "CancelOrderSagaData",
            (SagaType::ReviseOrderSaga, _) => "ReviseOrderSagaData",
        }
    }

    /// The subscriber id of its reply channel's consumer (Eventuate: type +
    /// "-consumer"), the `consumer_id` of its replies in `received_messages`.
    pub fn consumer_id(self) -> &'static str {
        match self {
            SagaType::CreateOrderSaga => "CreateOrderSaga-consumer",
            SagaType::CancelOrderSaga => "CancelOrderSaga-consumer",
            SagaType::ReviseOrderSaga => "ReviseOrderSaga-consumer",
        }
    }

    /// The saga types a style runs.
    pub fn of_style(style: Style) -> &'static [SagaType] {
        match style {
            Style::Choreography => &[],
            Style::Orchestration => &[SagaType::CreateOrderSaga],
            Style::Ftgo => &SagaType::ALL,
        }
    }
}

/// A saga instance as messages name it: its type and id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
pub struct SagaRef {
    pub saga_type: SagaType,
    pub saga_id: u64,
}
