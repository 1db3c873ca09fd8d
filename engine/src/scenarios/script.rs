//! A scenario's script line as the file spells it:
//! `{"at": 0, "do": "place_order", "customer": 1, "total": 60}`.
//!
//! One flat object whose fields depend on the verb, checked by hand: the
//! error messages say exactly what is missing or misplaced.

use super::json::{At, Fields};
use super::{count, int, string};
use crate::sim::service::RelayMode;
use crate::sim::{Action, Svc};

/// An action at a virtual time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scripted {
    pub at: u64,
    /// The verb as the file spells it (`place_order`), for messages.
    pub verb: &'static str,
    pub action: Action,
}

/// Every verb and the fields it takes (all required but `to`).
const VERBS: [(&str, &[&str]); 24] = [
    ("place_order", &["customer", "total"]),
    ("cancel_order", &["order"]),
    ("revise_order", &["order", "total"]),
    ("advance_ticket", &["order"]),
    ("create_customer", &["name", "credit_limit"]),
    ("crash", &["service"]),
    ("restart", &["service"]),
    ("crash_relay", &["service"]),
    ("restart_relay", &["service"]),
    ("duplicate", &["message", "to"]),
    ("rebalance", &["service"]),
    ("hold_channel", &["channel"]),
    ("release_channel", &["channel"]),
    ("delay_channel", &["channel", "ms"]),
    ("disconnect", &["service"]),
    ("reconnect", &["service"]),
    ("set_relay", &["mode"]),
    ("set_outbox", &["service", "enabled"]),
    ("set_idempotence", &["service", "enabled"]),
    ("set_handler_bug", &["service", "enabled"]),
    ("set_semantic_lock", &["enabled"]),
    ("set_view_dedup", &["enabled"]),
    ("query_view", &["customer"]),
    ("compose_query", &["customer"]),
];

/// A service named by its id (`order-service`).
pub fn service(value: At<'_>) -> Result<Svc, String> {
    let id = value.text()?;
    Svc::parse(id).ok_or_else(|| {
        let known: Vec<&str> = Svc::ALL.iter().map(|s| s.id()).collect();
        value.error(&format!("unknown service \"{id}\"; use one of {}", known.join(", ")))
    })
}

/// A relay mode named by its id (`log-tailing`, `polling`).
fn relay_mode(value: At<'_>) -> Result<RelayMode, String> {
    let id = value.text()?;
    RelayMode::parse(id).ok_or_else(|| value.error(&format!("unknown relay mode \"{id}\"; use log-tailing or polling")))
}

impl Scripted {
    /// Reads one script line.
    pub fn decode(line: At<'_>) -> Result<Scripted, String> {
        let mut fields = line.fields()?;
        let at = fields.required("at", count)?;
        let verb = fields.required("do", |v| v.text())?;
        let Some((verb, takes)) = VERBS.iter().find(|(v, _)| *v == verb) else {
            let known: Vec<&str> = VERBS.iter().map(|(v, _)| *v).collect();
            return Err(line.error(&format!("unknown action \"{verb}\"; use one of {}", known.join(", "))));
        };
        let is_field = |name: &str| VERBS.iter().any(|(_, takes)| takes.contains(&name));
        if let Some(extra) = fields.names().find(|f| !takes.contains(f) && !["at", "do"].contains(f)) {
            return Err(if is_field(extra) {
                line.error(&format!("{verb} does not take \"{extra}\""))
            } else {
                line.error(&format!("unknown field \"{extra}\"; {verb} takes {}", takes.join(", ")))
            });
        }
        if let Some(missing) = takes.iter().find(|f| **f != "to" && !fields.names().any(|name| name == **f)) {
            return Err(line.error(&format!("{verb} needs \"{missing}\"")));
        }
        Ok(Scripted { at, verb, action: decode_action(verb, &mut fields)? })
    }
}

/// The action `verb` with its fields (`fields` holds no others).
fn decode_action(verb: &str, f: &mut Fields<'_>) -> Result<Action, String> {
    let need_int = |f: &mut Fields<'_>, name| f.required(name, int);
    let need_service = |f: &mut Fields<'_>| f.required("service", service);
    let need_channel = |f: &mut Fields<'_>| f.required("channel", string);
    let need_enabled = |f: &mut Fields<'_>| f.required("enabled", |v| v.bool());
    Ok(match verb {
        "place_order" => Action::PlaceOrder { customer: need_int(f, "customer")?, total: need_int(f, "total")? },
        "cancel_order" => Action::CancelOrder { order: need_int(f, "order")? },
        "revise_order" => Action::ReviseOrder { order: need_int(f, "order")?, total: need_int(f, "total")? },
        "advance_ticket" => Action::AdvanceTicket { order: need_int(f, "order")? },
        "create_customer" => Action::CreateCustomer { name: f.required("name", string)?, credit_limit: need_int(f, "credit_limit")? },
        "crash" => Action::Crash { service: need_service(f)? },
        "restart" => Action::Restart { service: need_service(f)? },
        "crash_relay" => Action::CrashRelay { service: need_service(f)? },
        "restart_relay" => Action::RestartRelay { service: need_service(f)? },
        "duplicate" => Action::Duplicate { message: f.required("message", count)?, to: f.optional("to", service)? },
        "rebalance" => Action::Rebalance { service: need_service(f)? },
        "hold_channel" => Action::HoldChannel { channel: need_channel(f)? },
        "release_channel" => Action::ReleaseChannel { channel: need_channel(f)? },
        "delay_channel" => Action::DelayChannel { channel: need_channel(f)?, ms: f.required("ms", count)? },
        "disconnect" => Action::Disconnect { service: need_service(f)? },
        "reconnect" => Action::Reconnect { service: need_service(f)? },
        "set_relay" => Action::SetRelayMode { mode: f.required("mode", relay_mode)? },
        "set_outbox" => Action::SetOutbox { service: need_service(f)?, enabled: need_enabled(f)? },
        "set_idempotence" => Action::SetIdempotence { service: need_service(f)?, enabled: need_enabled(f)? },
        "set_handler_bug" => Action::SetHandlerBug { service: need_service(f)?, enabled: need_enabled(f)? },
        "set_semantic_lock" => Action::SetSemanticLock { enabled: need_enabled(f)? },
        "set_view_dedup" => Action::SetViewDedup { enabled: need_enabled(f)? },
        "query_view" => Action::QueryView { customer: need_int(f, "customer")? },
        _ => Action::ComposeQuery { customer: need_int(f, "customer")? },
    })
}
