//! A run rendered for people and tools: plain text, JSON lines, or a Mermaid
//! sequence diagram a teacher can paste into slides.

use crate::sim::message::Category;
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

/// One JSON object a step, a line each: what tools read.
pub fn jsonl(steps: &[Step]) -> String {
    steps.iter().map(|s| serde_json::to_string(s).expect("steps serialize") + "\n").collect()
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
