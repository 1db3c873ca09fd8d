//! A decision a search of every interleaving makes, and its text form: the
//! `path=` of a deep link and the CLI's output. A path replays exactly
//! through a timeline ([`super::Timeline::follow`]), so a counterexample
//! is an ordinary run.

use super::action::Action;
use super::topology::Svc;

/// One decision: which pending event happens next, or a fault to inject.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Choice {
    /// The event [`super::World::due`] lists at this index (0: the one the
    /// clock would take next).
    Take(usize),
    /// A fault: `Duplicate` (of a message to one subscriber), `Crash`,
    /// `Restart`, `CrashRelay`, `RestartRelay` or `Rebalance`.
    Fault(Action),
}

impl Choice {
    /// `3`, `dup:5:customer-service`, `crash:order-service`, ...: one
    /// element of a path.
    pub fn text(&self) -> String {
        match self {
            Choice::Take(index) => index.to_string(),
            Choice::Fault(Action::Duplicate { message, to }) => {
                format!("dup:{message}{}", to.map_or(String::new(), |svc| format!(":{svc}")))
            }
            Choice::Fault(action) => {
                let service = action.service().map_or("", Svc::id);
                format!("{}:{service}", fault_name(action).unwrap_or("?"))
            }
        }
    }
}

/// The name a path gives a fault on one service.
fn fault_name(action: &Action) -> Option<&'static str> {
    Some(match action {
        Action::Crash { .. } => "crash",
        Action::Restart { .. } => "restart",
        Action::CrashRelay { .. } => "crash-relay",
        Action::RestartRelay { .. } => "restart-relay",
        Action::Rebalance { .. } => "rebalance",
        _ => return None,
    })
}

/// A path as text: its choices joined by commas.
pub fn path_text(path: &[Choice]) -> String {
    path.iter().map(Choice::text).collect::<Vec<_>>().join(",")
}

/// Reads a path written by [`path_text`]; `None` if an element is not a
/// choice.
pub fn parse_path(text: &str) -> Option<Vec<Choice>> {
    let mut path = Vec::new();
    for part in text.split(',').filter(|part| !part.is_empty()) {
        path.push(parse_one(part)?);
    }
    Some(path)
}

fn parse_one(part: &str) -> Option<Choice> {
    if let Ok(index) = part.parse::<usize>() {
        return Some(Choice::Take(index));
    }
    let mut fields = part.split(':');
    let (name, first, second) = (fields.next()?, fields.next()?, fields.next());
    if fields.next().is_some() {
        return None;
    }
    if name == "dup" {
        let to = match second {
            Some(svc) => Some(Svc::parse(svc)?),
            None => None,
        };
        return Some(Choice::Fault(Action::Duplicate { message: first.parse().ok()?, to }));
    }
    let service = Svc::parse(first)?;
    if second.is_some() {
        return None;
    }
    let action = match name {
        "crash" => Action::Crash { service },
        "restart" => Action::Restart { service },
        "crash-relay" => Action::CrashRelay { service },
        "restart-relay" => Action::RestartRelay { service },
        "rebalance" => Action::Rebalance { service },
        _ => return None,
    };
    Some(Choice::Fault(action))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_reads_back_as_written() {
        let path = vec![
            Choice::Take(0),
            Choice::Take(12),
            Choice::Fault(Action::Duplicate { message: 5, to: Some(Svc::CustomerService) }),
            Choice::Fault(Action::Duplicate { message: 7, to: None }),
            Choice::Fault(Action::Crash { service: Svc::OrderService }),
            Choice::Fault(Action::RestartRelay { service: Svc::KitchenService }),
        ];
        let text = path_text(&path);
        assert_eq!(text, "0,12,dup:5:customer-service,dup:7,crash:order-service,restart-relay:kitchen-service");
        assert_eq!(parse_path(&text), Some(path));
    }

    #[test]
    fn a_bad_path_reads_as_none() {
        for bad in ["x", "1,crash:nowhere", "dup:m5", "crash:order-service:1", "-1", "rebalance", "dup:5:nobody"] {
            assert_eq!(parse_path(bad), None, "{bad}");
        }
        assert_eq!(parse_path(""), Some(vec![]));
    }
}
