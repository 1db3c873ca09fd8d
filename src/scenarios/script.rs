//! A scenario's script line as the file spells it:
//! `{"at": 0, "do": "place_order", "customer": 1, "total": 60}`.
//!
//! One flat struct with optional fields, checked by hand, rather than a
//! serde-tagged enum: the error messages say exactly what is missing, and
//! the wasm stays small (serde's tagged-and-flattened enums cost tens of KB).

use serde::{Deserialize, Serialize};

use crate::sim::{Action, Svc};

/// An action at a virtual time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Line", into = "Line")]
pub struct Scripted {
    pub at: u64,
    pub action: Action,
}

/// The file's shape of a script line.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    at: u64,
    #[serde(rename = "do")]
    verb: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    customer: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    total: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    order: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    credit_limit: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    service: Option<Svc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    to: Option<Svc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    enabled: Option<bool>,
}

/// Every verb and the fields it takes (all required but `to`).
const VERBS: [(&str, &[&str]); 18] = [
    ("place_order", &["customer", "total"]),
    ("cancel_order", &["order"]),
    ("create_customer", &["name", "credit_limit"]),
    ("crash", &["service"]),
    ("restart", &["service"]),
    ("crash_relay", &["service"]),
    ("restart_relay", &["service"]),
    ("duplicate", &["message", "to"]),
    ("hold_channel", &["channel"]),
    ("release_channel", &["channel"]),
    ("delay_channel", &["channel", "ms"]),
    ("disconnect", &["service"]),
    ("reconnect", &["service"]),
    ("set_outbox", &["service", "enabled"]),
    ("set_idempotence", &["service", "enabled"]),
    ("set_semantic_lock", &["enabled"]),
    ("query_view", &["customer"]),
    ("compose_query", &["customer"]),
];

impl Line {
    /// The names of the fields this line sets.
    fn present(&self) -> Vec<&'static str> {
        let fields = [
            ("customer", self.customer.is_some()),
            ("total", self.total.is_some()),
            ("order", self.order.is_some()),
            ("name", self.name.is_some()),
            ("credit_limit", self.credit_limit.is_some()),
            ("service", self.service.is_some()),
            ("message", self.message.is_some()),
            ("to", self.to.is_some()),
            ("channel", self.channel.is_some()),
            ("ms", self.ms.is_some()),
            ("enabled", self.enabled.is_some()),
        ];
        fields.iter().filter(|(_, set)| *set).map(|(name, _)| *name).collect()
    }
}

fn need<T>(verb: &str, field: &str, value: Option<T>) -> Result<T, String> {
    value.ok_or_else(|| format!("{verb} needs \"{field}\""))
}

impl TryFrom<Line> for Scripted {
    type Error = String;

    fn try_from(line: Line) -> Result<Self, String> {
        let verb = line.verb.as_str();
        let Some((_, takes)) = VERBS.iter().find(|(v, _)| *v == verb) else {
            let known: Vec<&str> = VERBS.iter().map(|(v, _)| *v).collect();
            return Err(format!("unknown action \"{verb}\"; use one of {}", known.join(", ")));
        };
        if let Some(extra) = line.present().into_iter().find(|f| !takes.contains(f)) {
            return Err(format!("{verb} does not take \"{extra}\""));
        }
        let v = verb;
        let action = match verb {
            "place_order" => Action::PlaceOrder { customer: need(v, "customer", line.customer)?, total: need(v, "total", line.total)? },
            "cancel_order" => Action::CancelOrder { order: need(v, "order", line.order)? },
            "create_customer" => {
                Action::CreateCustomer { name: need(v, "name", line.name)?, credit_limit: need(v, "credit_limit", line.credit_limit)? }
            }
            "crash" => Action::Crash { service: need(v, "service", line.service)? },
            "restart" => Action::Restart { service: need(v, "service", line.service)? },
            "crash_relay" => Action::CrashRelay { service: need(v, "service", line.service)? },
            "restart_relay" => Action::RestartRelay { service: need(v, "service", line.service)? },
            "duplicate" => Action::Duplicate { message: need(v, "message", line.message)?, to: line.to },
            "hold_channel" => Action::HoldChannel { channel: need(v, "channel", line.channel)? },
            "release_channel" => Action::ReleaseChannel { channel: need(v, "channel", line.channel)? },
            "delay_channel" => Action::DelayChannel { channel: need(v, "channel", line.channel)?, ms: need(v, "ms", line.ms)? },
            "disconnect" => Action::Disconnect { service: need(v, "service", line.service)? },
            "reconnect" => Action::Reconnect { service: need(v, "service", line.service)? },
            "set_outbox" => Action::SetOutbox { service: need(v, "service", line.service)?, enabled: need(v, "enabled", line.enabled)? },
            "set_idempotence" => {
                Action::SetIdempotence { service: need(v, "service", line.service)?, enabled: need(v, "enabled", line.enabled)? }
            }
            "set_semantic_lock" => Action::SetSemanticLock { enabled: need(v, "enabled", line.enabled)? },
            "query_view" => Action::QueryView { customer: need(v, "customer", line.customer)? },
            _ => Action::ComposeQuery { customer: need(v, "customer", line.customer)? },
        };
        Ok(Scripted { at: line.at, action })
    }
}

impl From<Scripted> for Line {
    fn from(scripted: Scripted) -> Line {
        let mut line = Line { at: scripted.at, ..Line::default() };
        let verb = match scripted.action {
            Action::PlaceOrder { customer, total } => {
                (line.customer, line.total) = (Some(customer), Some(total));
                "place_order"
            }
            Action::CancelOrder { order } => {
                line.order = Some(order);
                "cancel_order"
            }
            Action::CreateCustomer { name, credit_limit } => {
                (line.name, line.credit_limit) = (Some(name), Some(credit_limit));
                "create_customer"
            }
            Action::Crash { service } => {
                line.service = Some(service);
                "crash"
            }
            Action::Restart { service } => {
                line.service = Some(service);
                "restart"
            }
            Action::CrashRelay { service } => {
                line.service = Some(service);
                "crash_relay"
            }
            Action::RestartRelay { service } => {
                line.service = Some(service);
                "restart_relay"
            }
            Action::Duplicate { message, to } => {
                (line.message, line.to) = (Some(message), to);
                "duplicate"
            }
            Action::HoldChannel { channel } => {
                line.channel = Some(channel);
                "hold_channel"
            }
            Action::ReleaseChannel { channel } => {
                line.channel = Some(channel);
                "release_channel"
            }
            Action::DelayChannel { channel, ms } => {
                (line.channel, line.ms) = (Some(channel), Some(ms));
                "delay_channel"
            }
            Action::Disconnect { service } => {
                line.service = Some(service);
                "disconnect"
            }
            Action::Reconnect { service } => {
                line.service = Some(service);
                "reconnect"
            }
            Action::SetOutbox { service, enabled } => {
                (line.service, line.enabled) = (Some(service), Some(enabled));
                "set_outbox"
            }
            Action::SetIdempotence { service, enabled } => {
                (line.service, line.enabled) = (Some(service), Some(enabled));
                "set_idempotence"
            }
            Action::SetSemanticLock { enabled } => {
                line.enabled = Some(enabled);
                "set_semantic_lock"
            }
            Action::QueryView { customer } => {
                line.customer = Some(customer);
                "query_view"
            }
            Action::ComposeQuery { customer } => {
                line.customer = Some(customer);
                "compose_query"
            }
        };
        line.verb = verb.to_string();
        line
    }
}
