//! Every kind of message the applications send, named by its class as a
//! learner will find it in their code (the API composer's calls by their
//! HTTP verb and status). Handlers match on these, so a misspelt kind does
//! not compile.

use std::fmt;

use serde::{Serialize, Serializer};

/// A message's kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    // Domain events
    OrderCreatedEvent,
    OrderApprovedEvent,
    OrderRejectedEvent,
    OrderCancelledEvent,
    CustomerCreatedEvent,
    CustomerCreditReservedEvent,
    CustomerCreditReservationFailedEvent,
    CustomerValidationFailedEvent,
    OrderAuthorized,
    OrderRejected,
    OrderCancelled,
    OrderRevisionProposed,
    OrderRevised,
    TicketCreatedEvent,
    TicketCancelled,
    TicketRevised,
    // Saga commands
    ReserveCreditCommand,
    ApproveOrderCommand,
    RejectOrderCommand,
    ValidateOrderByConsumer,
    CreateTicket,
    CancelCreateTicket,
    ConfirmCreateTicket,
    AuthorizeCommand,
    BeginCancelCommand,
    UndoBeginCancelCommand,
    BeginCancelTicketCommand,
    UndoBeginCancelTicketCommand,
    ReverseAuthorizationCommand,
    ConfirmCancelTicketCommand,
    ConfirmCancelOrderCommand,
    BeginReviseOrderCommand,
    UndoBeginReviseOrderCommand,
    BeginReviseTicketCommand,
    UndoBeginReviseTicketCommand,
    ReviseAuthorization,
    ConfirmReviseTicketCommand,
    ConfirmReviseOrderCommand,
    // Replies
    Success,
    Failure,
    CustomerCreditReserved,
    CustomerCreditLimitExceeded,
    CustomerNotFound,
    CreateTicketReply,
    BeginReviseOrderReply,
    AccountDisabledReply,
    // The API composer's HTTP request and its answers
    Get,
    Ok,
    NotFound,
    Unavailable,
}

impl Kind {
    /// The name the applications give it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::OrderCreatedEvent => "OrderCreatedEvent",
            Kind::OrderApprovedEvent => "OrderApprovedEvent",
            Kind::OrderRejectedEvent => "OrderRejectedEvent",
            Kind::OrderCancelledEvent => "OrderCancelledEvent",
            Kind::CustomerCreatedEvent => "CustomerCreatedEvent",
            Kind::CustomerCreditReservedEvent => "CustomerCreditReservedEvent",
            Kind::CustomerCreditReservationFailedEvent => "CustomerCreditReservationFailedEvent",
            Kind::CustomerValidationFailedEvent => "CustomerValidationFailedEvent",
            Kind::OrderAuthorized => "OrderAuthorized",
            Kind::OrderRejected => "OrderRejected",
            Kind::OrderCancelled => "OrderCancelled",
            Kind::OrderRevisionProposed => "OrderRevisionProposed",
            Kind::OrderRevised => "OrderRevised",
            Kind::TicketCreatedEvent => "TicketCreatedEvent",
            Kind::TicketCancelled => "TicketCancelled",
            Kind::TicketRevised => "TicketRevised",
            Kind::ReserveCreditCommand => "ReserveCreditCommand",
            Kind::ApproveOrderCommand => "ApproveOrderCommand",
            Kind::RejectOrderCommand => "RejectOrderCommand",
            Kind::ValidateOrderByConsumer => "ValidateOrderByConsumer",
            Kind::CreateTicket => "CreateTicket",
            Kind::CancelCreateTicket => "CancelCreateTicket",
            Kind::ConfirmCreateTicket => "ConfirmCreateTicket",
            Kind::AuthorizeCommand => "AuthorizeCommand",
            Kind::BeginCancelCommand => "BeginCancelCommand",
            Kind::UndoBeginCancelCommand => "UndoBeginCancelCommand",
            Kind::BeginCancelTicketCommand => "BeginCancelTicketCommand",
            Kind::UndoBeginCancelTicketCommand => "UndoBeginCancelTicketCommand",
            Kind::ReverseAuthorizationCommand => "ReverseAuthorizationCommand",
            Kind::ConfirmCancelTicketCommand => "ConfirmCancelTicketCommand",
            Kind::ConfirmCancelOrderCommand => "ConfirmCancelOrderCommand",
            Kind::BeginReviseOrderCommand => "BeginReviseOrderCommand",
            Kind::UndoBeginReviseOrderCommand => "UndoBeginReviseOrderCommand",
            Kind::BeginReviseTicketCommand => "BeginReviseTicketCommand",
            Kind::UndoBeginReviseTicketCommand => "UndoBeginReviseTicketCommand",
            Kind::ReviseAuthorization => "ReviseAuthorization",
            Kind::ConfirmReviseTicketCommand => "ConfirmReviseTicketCommand",
            Kind::ConfirmReviseOrderCommand => "ConfirmReviseOrderCommand",
            Kind::Success => "Success",
            Kind::Failure => "Failure",
            Kind::CustomerCreditReserved => "CustomerCreditReserved",
            Kind::CustomerCreditLimitExceeded => "CustomerCreditLimitExceeded",
            Kind::CustomerNotFound => "CustomerNotFound",
            Kind::CreateTicketReply => "CreateTicketReply",
            Kind::BeginReviseOrderReply => "BeginReviseOrderReply",
            Kind::AccountDisabledReply => "AccountDisabledReply",
            Kind::Get => "GET",
            Kind::Ok => "200 OK",
            Kind::NotFound => "404 Not Found",
            Kind::Unavailable => "503 Service Unavailable",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Written as its name, as the traces and exports show it.
impl Serialize for Kind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}
