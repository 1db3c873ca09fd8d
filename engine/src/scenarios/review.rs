//! Lessons read as a newcomer reads them: a variant's guided script, stop
//! by stop (`sagascope-cli script`), and the figures a lesson's words are
//! held to (`sagascope-cli words`): stops with a step-kind fallback
//! caption, where the right answers stand, the course's minutes against a
//! guided play-through.

use super::guide::Guided;
use super::{Scenario, Variant};

/// A variant's guided script as text: the scene, each stop's question,
/// caption and log line, the outcome and the takeaway.
pub fn script(scenario: &Scenario, variant: &Variant, seed: u64) -> String {
    let guided = scenario.guided(variant, seed);
    let steps = guided.timeline.steps();
    let mut out = format!("# {} / {}: {} (seed {seed})\n{}\n", scenario.id, variant.id, variant.title, variant.summary);
    if guided.start > 0 {
        out.push_str(&format!("[steps 1-{} set the scene]\n", guided.start));
    }
    for (n, stop) in guided.stops.iter().enumerate() {
        if let Some((_, question)) = stop.question {
            out.push_str(&format!("\n  ? {}\n", question.prompt));
            for (shown, choice) in question.order().into_iter().enumerate() {
                let mark = if choice == question.answer { '*' } else { ' ' };
                out.push_str(&format!("    {mark}{}) {}\n", shown + 1, question.choices[choice]));
            }
            out.push_str(&format!("    why: {}\n", question.why));
        }
        let (rule, text) = stop.caption.map_or(("none", ""), |c| (c.on.text.as_str(), c.text.as_str()));
        let fallback = if stop.is_fallback() { " FALLBACK" } else { "" };
        out.push_str(&format!(
            "\n{:>2}. step {} [{rule}]{fallback} {:.1} s\n    {text}\n    log: {}\n",
            n + 1,
            stop.step + 1,
            stop.total_ms() as f64 / 1000.0,
            steps[stop.step].sentence()
        ));
    }
    out.push_str(&format!("\noutcome: {}\ntakeaway: {}\n", variant.outcome, scenario.takeaway));
    out.push_str(&format!("-- {} stops, {:.0} s of guided play\n", guided.stops.len(), guided.total_ms() as f64 / 1000.0));
    out
}

/// The stops of a guided play-through whose caption is a step-kind
/// fallback (or missing).
pub fn fallback_stops(guided: &Guided<'_>) -> usize {
    guided.stops.iter().filter(|s| s.is_fallback()).count()
}

/// The course's length of a lesson: every variant guided at seed 1, in
/// whole minutes (at least one; none for the sandbox, which has no guided
/// play: the course says "at your own pace").
pub fn course_minutes(scenario: &Scenario) -> u64 {
    let ms: u64 = scenario.variants.iter().map(|v| scenario.guided(v, 1).total_ms()).sum();
    match ms {
        0 => 0,
        ms => ((ms + 30_000) / 60_000).max(1),
    }
}

/// The figures for every built-in lesson, as a table.
#[cfg(feature = "catalogue")]
pub fn words() -> String {
    let mut out = String::from("lesson / variant                              stops  fallback  play (s)\n");
    let (mut stops, mut fallbacks) = (0, 0);
    let mut positions = [0usize; 4];
    for scenario in super::catalogue() {
        let mut lesson_ms = 0;
        for variant in &scenario.variants {
            let guided = scenario.guided(variant, 1);
            let fallback = fallback_stops(&guided);
            stops += guided.stops.len();
            fallbacks += fallback;
            lesson_ms += guided.total_ms();
            let name = format!("{} / {}", scenario.id, variant.id);
            out.push_str(&format!("{name:<45} {:>5} {:>9} {:>9.0}\n", guided.stops.len(), fallback, guided.total_ms() as f64 / 1000.0));
            for question in &variant.questions {
                positions[question.shown_answer()] += 1;
            }
        }
        out.push_str(&format!(
            "{:<45} course: {} min, guided play-through {:.1} min\n",
            scenario.id,
            course_minutes(scenario),
            lesson_ms as f64 / 60_000.0
        ));
    }
    out.push_str(&format!("-- {fallbacks} of {stops} stops show a step-kind fallback caption\n"));
    out.push_str(&format!(
        "-- right answers shown 1st, 2nd, 3rd, 4th: {}, {}, {}, {}\n",
        positions[0], positions[1], positions[2], positions[3]
    ));
    out
}
