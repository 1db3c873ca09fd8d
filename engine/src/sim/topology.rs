//! Which application a run models (its style) and the services it has,
//! named as in the Eventuate example applications and FTGO.

use std::fmt;

use serde::Serialize;

/// A service, named as in the Eventuate example applications.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Svc {
    OrderService,
    CustomerService,
    OrderHistoryService,
    ConsumerService,
    KitchenService,
    AccountingService,
    ApiComposer,
}

impl Svc {
    /// Every service, in drawing order.
    pub const ALL: [Svc; 7] = [
        Svc::OrderService,
        Svc::CustomerService,
        Svc::ConsumerService,
        Svc::KitchenService,
        Svc::AccountingService,
        Svc::OrderHistoryService,
        Svc::ApiComposer,
    ];

    /// The id used in scenario files, URLs and `data-service`.
    pub fn id(self) -> &'static str {
        match self {
            Svc::OrderService => "order-service",
            Svc::CustomerService => "customer-service",
            Svc::OrderHistoryService => "order-history-service",
            Svc::ConsumerService => "consumer-service",
            Svc::KitchenService => "kitchen-service",
            Svc::AccountingService => "accounting-service",
            Svc::ApiComposer => "api-composer",
        }
    }

    /// The service whose id is `id`.
    pub fn parse(id: &str) -> Option<Svc> {
        Svc::ALL.into_iter().find(|s| s.id() == id)
    }

    /// The name a learner reads.
    pub fn title(self) -> &'static str {
        match self {
            Svc::OrderService => "Order Service",
            Svc::CustomerService => "Customer Service",
            Svc::OrderHistoryService => "Order History Service",
            Svc::ConsumerService => "Consumer Service",
            Svc::KitchenService => "Kitchen Service",
            Svc::AccountingService => "Accounting Service",
            Svc::ApiComposer => "API Composer",
        }
    }

    /// The command channel a saga orchestrator sends this participant
    /// commands on (Eventuate's `CommandEndpoint` channel).
    pub fn command_channel(self) -> &'static str {
        match self {
            Svc::OrderService => "orderService",
            Svc::CustomerService => "customerService",
            Svc::ConsumerService => "consumerService",
            Svc::KitchenService => "kitchenService",
            Svc::AccountingService => "accountingService",
            Svc::OrderHistoryService | Svc::ApiComposer => "none",
        }
    }

    /// Whether this service writes messages (and so has an outbox and relay).
    pub fn publishes(self) -> bool {
        !matches!(self, Svc::OrderHistoryService | Svc::ApiComposer)
    }
}

impl fmt::Display for Svc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// How the order transaction is coordinated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Style {
    /// Customers and orders: services react to each other's events.
    Choreography,
    /// Customers and orders: a `CreateOrderSaga` in Order Service.
    Orchestration,
    /// FTGO's six-step `CreateOrderSaga`.
    Ftgo,
}

impl Style {
    pub const ALL: [Style; 3] = [Style::Choreography, Style::Orchestration, Style::Ftgo];

    /// The name scenario files use.
    pub fn id(self) -> &'static str {
        match self {
            Style::Choreography => "choreography",
            Style::Orchestration => "orchestration",
            Style::Ftgo => "ftgo",
        }
    }

    /// The services an application of this style has. Customers and orders
    /// has a customer service, a history view and an API composer; FTGO has
    /// consumers, a kitchen and accounting, and no view of customers.
    pub fn services(self) -> &'static [Svc] {
        match self {
            Style::Choreography | Style::Orchestration => {
                &[Svc::OrderService, Svc::CustomerService, Svc::OrderHistoryService, Svc::ApiComposer]
            }
            Style::Ftgo => &[Svc::OrderService, Svc::ConsumerService, Svc::KitchenService, Svc::AccountingService],
        }
    }
}
