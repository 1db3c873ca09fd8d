//! A run rendered for people and tools: plain text, JSON lines, or a Mermaid
//! sequence diagram a teacher can paste into slides.

use crate::sim::message::Category;
use crate::sim::step::MessageRef;
use crate::sim::{Step, StepKind, Svc};

/// Output formats of the command-line runner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Jsonl,
    Mermaid,
}

impl Format {
    /// Parses `text`, `jsonl` or `mermaid`.
    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "text" => Some(Format::Text),
            "jsonl" => Some(Format::Jsonl),
            "mermaid" => Some(Format::Mermaid),
            _ => None,
        }
    }
}

/// Renders `steps` in `format`.
pub fn render(steps: &[Step], format: Format) -> String {
    match format {
        Format::Text => text(steps),
        Format::Jsonl => jsonl(steps),
        Format::Mermaid => mermaid(steps),
    }
}

/// One JSON object a step, a line each: what tools read. Written by hand
/// because the web app exports it too and serde_json's writer cost its
/// download 3.4 KB gzip; `engine/tests/golden.rs` checks that every line
/// equals serde_json's serialization of the step (`Step`'s `Serialize`).
pub fn jsonl(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        out += &format!("{{\"time_ms\":{},\"kind\":{},\"actor\":", step.time_ms, quoted(step.kind.name()));
        out += &step.actor.map_or("null".into(), |svc| quoted(svc.id()));
        out += ",\"message\":";
        out += &step.message.as_ref().map_or("null".into(), message_json);
        out += ",\"sent\":[";
        for (n, id) in step.sent.iter().enumerate() {
            out += &format!("{}{id}", comma(n));
        }
        out += "],\"writes\":[";
        for (n, written) in step.writes.iter().enumerate() {
            out += &format!("{}{{\"table\":{},\"key\":{},\"columns\":[", comma(n), quoted(written.table), quoted(&written.key.to_string()));
            for (n, column) in written.columns.iter().enumerate() {
                out += comma(n);
                out += &quoted(column);
            }
            out += "]}";
        }
        out += &format!("],\"text\":{}}}\n", quoted(&step.text));
    }
    out
}

fn message_json(m: &MessageRef) -> String {
    let category = match m.category {
        Category::Event => "event",
        Category::Command => "command",
        Category::Reply => "reply",
        Category::Request => "request",
        Category::Response => "response",
    };
    let saga = m.saga.map_or("null".into(), |s| format!("{{\"saga_type\":{},\"saga_id\":{}}}", quoted(s.saga_type.name()), s.saga_id));
    format!(
        "{{\"id\":{},\"kind\":{},\"category\":\"{category}\",\"from\":{},\"channel\":{},\"destination\":{},\"to\":{},\"duplicate\":{},\"saga\":{saga}}}",
        m.id,
        quoted(m.kind.name()),
        quoted(m.from.id()),
        quoted(m.channel),
        quoted(m.destination),
        m.to.map_or("null".into(), |svc| quoted(svc.id())),
        m.duplicate
    )
}

/// The separator before the `n`th element of a list.
fn comma(n: usize) -> &'static str {
    if n > 0 {
        ","
    } else {
        ""
    }
}

/// A JSON string, escaped as serde_json escapes it.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out += "\\\"",
            '\\' => out += "\\\\",
            '\n' => out += "\\n",
            '\r' => out += "\\r",
            '\t' => out += "\\t",
            '\u{8}' => out += "\\b",
            '\u{c}' => out += "\\f",
            c if (c as u32) < 0x20 => out += &format!("\\u{:04x}", c as u32),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn text(steps: &[Step]) -> String {
    steps.iter().enumerate().map(|(i, s)| format!("{:>4} {:>6} ms  {}\n", i + 1, s.time_ms, s.sentence())).collect()
}

/// A Mermaid participant id (no dashes).
fn lifeline(svc: Svc) -> String {
    svc.id().replace('-', "_")
}

/// One arrow per delivered message (sender to receiver), a note for
/// commits, drops, faults and queries.
pub fn mermaid(steps: &[Step]) -> String {
    let mut out = String::from("sequenceDiagram\n");
    let mut seen: Vec<Svc> = Vec::new();
    for step in steps {
        let involved = step.actor.into_iter().chain(step.message.as_ref().map(|m| m.from));
        // Kept in order as they come (a sort would add its code to the
        // web app, which exports this too).
        for svc in involved {
            if let Err(at) = seen.binary_search(&svc) {
                seen.insert(at, svc);
            }
        }
    }
    for svc in &seen {
        out.push_str(&format!("    participant {} as {}\n", lifeline(*svc), svc.title()));
    }
    for step in steps {
        let line = match (&step.kind, &step.message, step.actor) {
            (StepKind::Handle | StepKind::Drop, Some(m), Some(to)) => {
                let arrow = match m.category {
                    Category::Command | Category::Request => "->>",
                    _ => "-)",
                };
                let copy = if step.kind == StepKind::Drop { " (duplicate dropped)" } else { "" };
                let label = short(&format!("{} m{} via {}{copy}", m.kind, m.id, m.channel));
                format!("{}{arrow}{}: {label}", lifeline(m.from), lifeline(to))
            }
            // An API composer's call or its answer: a synchronous arrow.
            (StepKind::Query, Some(m), Some(to)) if m.from != to => {
                let arrow = if m.category == Category::Request { "->>" } else { "-->>" };
                format!("{}{arrow}{}: {}", lifeline(m.from), lifeline(to), short(&format!("{} m{}", m.kind, m.id)))
            }
            (StepKind::Publish, _, _) => continue,
            (_, _, Some(actor)) => format!("Note over {}: {}", lifeline(actor), short(&step.text)),
            (_, _, None) => match seen.first() {
                Some(first) => format!("Note over {}: {}", lifeline(*first), short(&step.text)),
                None => continue,
            },
        };
        out.push_str("    ");
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The first clause of a sentence, made safe for one Mermaid statement:
/// a line break (or any control character) would end the statement and
/// let the rest of a name start new ones (`participant`, `click`), and
/// `;` `#` `{` `}` `%` have meanings of their own there. Every text that
/// comes from a scenario file (customer names, channels) passes here.
fn short(text: &str) -> String {
    let first = text.split(". ").next().unwrap_or(text);
    first.chars().map(|c| if c.is_control() { ' ' } else { c }).filter(|c| !matches!(c, ';' | '#' | '{' | '}' | '%')).take(90).collect()
}
