//! The states the applications' enums give an order and a ticket
//! (`OrderState`, `TicketState`), stored in their tables by name. Handlers
//! and the checker match on these, so a misspelt state does not compile.

use std::fmt;

use super::value::Value;

/// An order's state: customers and orders use the first four, FTGO all but
/// `Pending` (its `*_PENDING` states are semantic locks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderState {
    Pending,
    Approved,
    Rejected,
    Cancelled,
    ApprovalPending,
    CancelPending,
    RevisionPending,
}

impl OrderState {
    const ALL: [OrderState; 7] = [
        OrderState::Pending,
        OrderState::Approved,
        OrderState::Rejected,
        OrderState::Cancelled,
        OrderState::ApprovalPending,
        OrderState::CancelPending,
        OrderState::RevisionPending,
    ];

    /// The name the applications' enum gives it, as the table holds it.
    pub fn name(self) -> &'static str {
        match self {
            OrderState::Pending => "PENDING",
            OrderState::Approved => "APPROVED",
            OrderState::Rejected => "REJECTED",
            OrderState::Cancelled => "CANCELLED",
            OrderState::ApprovalPending => "APPROVAL_PENDING",
            OrderState::CancelPending => "CANCEL_PENDING",
            OrderState::RevisionPending => "REVISION_PENDING",
        }
    }

    /// The state a table cell names, if it names one.
    pub fn parse(name: &str) -> Option<OrderState> {
        OrderState::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Whether a saga or a lock leaves an order in this state meanwhile.
    pub fn is_pending(self) -> bool {
        matches!(self, OrderState::Pending | OrderState::ApprovalPending | OrderState::CancelPending | OrderState::RevisionPending)
    }
}

/// FTGO's ticket states (those the lessons reach).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TicketState {
    CreatePending,
    AwaitingAcceptance,
    Accepted,
    Preparing,
    CancelPending,
    RevisionPending,
    Cancelled,
}

impl TicketState {
    const ALL: [TicketState; 7] = [
        TicketState::CreatePending,
        TicketState::AwaitingAcceptance,
        TicketState::Accepted,
        TicketState::Preparing,
        TicketState::CancelPending,
        TicketState::RevisionPending,
        TicketState::Cancelled,
    ];

    /// The name FTGO's enum gives it, as the table holds it.
    pub fn name(self) -> &'static str {
        match self {
            TicketState::CreatePending => "CREATE_PENDING",
            TicketState::AwaitingAcceptance => "AWAITING_ACCEPTANCE",
            TicketState::Accepted => "ACCEPTED",
            TicketState::Preparing => "PREPARING",
            TicketState::CancelPending => "CANCEL_PENDING",
            TicketState::RevisionPending => "REVISION_PENDING",
            TicketState::Cancelled => "CANCELLED",
        }
    }

    /// The state a table cell names, if it names one.
    pub fn parse(name: &str) -> Option<TicketState> {
        TicketState::ALL.into_iter().find(|s| s.name() == name)
    }
}

impl fmt::Display for OrderState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for TicketState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl From<OrderState> for Value {
    fn from(state: OrderState) -> Value {
        Value::Static(state.name())
    }
}

impl From<TicketState> for Value {
    fn from(state: TicketState) -> Value {
        Value::Static(state.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for state in OrderState::ALL {
            assert_eq!(OrderState::parse(state.name()), Some(state));
        }
        for state in TicketState::ALL {
            assert_eq!(TicketState::parse(state.name()), Some(state));
        }
        assert_eq!(OrderState::parse("approved"), None);
    }
}
