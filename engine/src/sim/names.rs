//! Names as the real applications write them. The stage shows short names
//! (`Order`, `CreateOrderSaga-reply`); Eventuate names a channel after the
//! aggregate's class and a saga type after the saga's class, fully
//! qualified, and that is what the `message` table, the headers,
//! `saga_instance` and `received_messages` hold here too.

use super::topology::Style;

/// The name Eventuate writes for the channel, saga type, saga-data class or
/// reply consumer `short` of an application of `style`. Command channels
/// are plain names in the applications too (`customerService`,
/// `kitchenService`), so they, and anything not listed, stay as they are.
pub fn qualified(style: Style, short: &'static str) -> &'static str {
    match (style, short) {
        // eventuate-tram-examples-customers-and-orders
        (Style::Choreography, "Order") => "io.eventuate.examples.tram.ordersandcustomers.orders.domain.Order",
        (Style::Choreography, "Customer") => "io.eventuate.examples.tram.ordersandcustomers.customers.domain.Customer",
        // eventuate-tram-sagas-examples-customers-and-orders
        (Style::Orchestration, "Order") => "io.eventuate.examples.tram.sagas.ordersandcustomers.orders.domain.Order",
        (Style::Orchestration, "Customer") => "io.eventuate.examples.tram.sagas.ordersandcustomers.customers.domain.Customer",
        (Style::Orchestration, "CreateOrderSaga") => "io.eventuate.examples.tram.sagas.ordersandcustomers.orders.sagas.CreateOrderSaga",
        (Style::Orchestration, "CreateOrderSaga-reply") => {
            "io.eventuate.examples.tram.sagas.ordersandcustomers.orders.sagas.CreateOrderSaga-reply"
        }
        (Style::Orchestration, "CreateOrderSaga-consumer") => {
            "io.eventuate.examples.tram.sagas.ordersandcustomers.orders.sagas.CreateOrderSaga-consumer"
        }
        (Style::Orchestration, "CreateOrderSagaData") => {
            "io.eventuate.examples.tram.sagas.ordersandcustomers.orders.sagas.CreateOrderSagaData"
        }
        // ftgo-application
        (Style::Ftgo, "Order") => "net.chrisrichardson.ftgo.orderservice.domain.Order",
        (Style::Ftgo, "Ticket") => "net.chrisrichardson.ftgo.kitchenservice.domain.Ticket",
        (Style::Ftgo, "CreateOrderSaga") => "net.chrisrichardson.ftgo.orderservice.sagas.createorder.CreateOrderSaga",
        (Style::Ftgo, "CreateOrderSaga-reply") => "net.chrisrichardson.ftgo.orderservice.sagas.createorder.CreateOrderSaga-reply",
        (Style::Ftgo, "CreateOrderSaga-consumer") => "net.chrisrichardson.ftgo.orderservice.sagas.createorder.CreateOrderSaga-consumer",
        (Style::Ftgo, "CreateOrderSagaState") => "net.chrisrichardson.ftgo.orderservice.sagas.createorder.CreateOrderSagaState",
        (Style::Ftgo, "CancelOrderSaga") => "net.chrisrichardson.ftgo.orderservice.sagas.cancelorder.CancelOrderSaga",
        (Style::Ftgo, "CancelOrderSaga-reply") => "net.chrisrichardson.ftgo.orderservice.sagas.cancelorder.CancelOrderSaga-reply",
        (Style::Ftgo, "CancelOrderSaga-consumer") => "net.chrisrichardson.ftgo.orderservice.sagas.cancelorder.CancelOrderSaga-consumer",
        (Style::Ftgo, "CancelOrderSagaData") => "net.chrisrichardson.ftgo.orderservice.sagas.cancelorder.CancelOrderSagaData",
        (Style::Ftgo, "ReviseOrderSaga") => "net.chrisrichardson.ftgo.orderservice.sagas.reviseorder.ReviseOrderSaga",
        (Style::Ftgo, "ReviseOrderSaga-reply") => "net.chrisrichardson.ftgo.orderservice.sagas.reviseorder.ReviseOrderSaga-reply",
        (Style::Ftgo, "ReviseOrderSaga-consumer") => "net.chrisrichardson.ftgo.orderservice.sagas.reviseorder.ReviseOrderSaga-consumer",
        (Style::Ftgo, "ReviseOrderSagaData") => "net.chrisrichardson.ftgo.orderservice.sagas.reviseorder.ReviseOrderSagaData",
        _ => short,
    }
}

/// The short name of a fully qualified one: what follows the last dot
/// (`...sagas.createorder.CreateOrderSaga-reply` is `CreateOrderSaga-reply`).
pub fn short(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::correlation::SagaType;

    #[test]
    fn every_channel_and_saga_name_has_its_qualified_form() {
        for style in Style::ALL {
            for short_name in ["Order", "Customer", "Ticket", "customerService", "kitchenService"] {
                assert_eq!(short(qualified(style, short_name)), short_name);
            }
            for saga in SagaType::of_style(style) {
                for name in [saga.name(), saga.reply_channel(), saga.consumer_id(), saga.data_type(style)] {
                    let full = qualified(style, name);
                    assert!(full.contains('.') && full.ends_with(name), "{style:?} {name} -> {full}");
                }
            }
        }
    }
}
