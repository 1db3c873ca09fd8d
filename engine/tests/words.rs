//! The lessons' words, held to what a newcomer needs: a caption true at
//! the step it shows on, written for that step (not a step kind's
//! fallback), questions that do not give their answers away, right
//! answers in no one place. `sagascope-cli words` prints the figures.

use sagascope_engine::scenarios::{self, review, Narration, Scenario, Variant};
use sagascope_engine::sim::{Step, Timeline};

const SEEDS: [u64; 3] = [1, 2, 3];

/// Every variant of every built-in lesson, at each seed, with its run.
fn runs() -> impl Iterator<Item = (&'static Scenario, &'static Variant, u64, Timeline)> {
    scenarios::catalogue().iter().flat_map(|scenario| {
        scenario.variants.iter().flat_map(move |variant| {
            SEEDS.into_iter().map(move |seed| (scenario, variant, seed, Timeline::new(scenario.world(variant, seed), 2_000)))
        })
    })
}

/// Whether `narration` is one of the captions every lesson has for an
/// action (written action by action to hold in any lesson).
fn built_in(scenario: &Scenario, variant: &Variant, narration: &Narration) -> bool {
    !variant.narration.iter().chain(&scenario.narration).any(|n| std::ptr::eq(n, narration))
}

/// The facts a caption can be true or false about, by name, as the step
/// has them (`None`: the fact does not apply to this step).
fn facts(step: &Step) -> [(&'static str, Option<String>); 6] {
    let f = &step.facts;
    [
        ("outcome", f.success.map(|s| if s { "success" } else { "failure" }.to_string())),
        ("phase", f.phase.map(|p| if ["completed", "compensated", "failed"].contains(&p) { "ended" } else { p }.to_string())),
        ("did", f.did.map(str::to_string)),
        ("outbox", f.outbox.map(|o| o.to_string())),
        ("lock", f.lock.map(|l| l.to_string())),
        ("copy", step.message.as_ref().map(|_| f.copy.to_string())),
    ]
}

/// A caption written for one outcome, saga phase, action or switch never
/// shows on a step where it differs: each caption of a lesson, over all
/// its variants and the seeds tried, sees one value of each fact (or
/// none).
#[test]
fn a_caption_never_shows_on_steps_whose_facts_differ() {
    // (lesson, caption) -> fact -> (value, where first seen)
    let mut seen: Vec<((&str, &str), &str, String, String)> = Vec::new();
    let mut problems = Vec::new();
    for (scenario, variant, seed, timeline) in runs() {
        for (n, step) in timeline.steps().iter().enumerate() {
            let Some(caption) = scenario.narration_for(variant, step).filter(|c| !built_in(scenario, variant, c)) else { continue };
            let here = format!("{}/{} seed {seed} step {}", scenario.id, variant.id, n + 1);
            for (fact, value) in facts(step) {
                let Some(value) = value else { continue };
                let key = (scenario.id.as_str(), caption.text.as_str());
                match seen.iter().find(|(k, f, ..)| *k == key && *f == fact) {
                    Some((_, _, first, at)) if *first != value => problems.push(format!(
                        "{here}: the caption on {:?} shows with {fact} = {value}, and at {at} with {fact} = {first}: \"{}\"",
                        caption.on.text, caption.text
                    )),
                    Some(_) => {}
                    None => seen.push((key, fact, value, here.clone())),
                }
            }
        }
    }
    problems.dedup();
    assert!(
        problems.is_empty(),
        "{} captions shown on steps that differ:\n{}",
        problems.len(),
        problems[..problems.len().min(30)].join("\n")
    );
}

/// In guided play of every variant at most one stop in ten shows a
/// step-kind fallback caption, and none at a step a question is about or
/// one that breaks an invariant.
#[test]
fn a_caption_is_written_for_every_stop() {
    let mut problems = Vec::new();
    for scenario in scenarios::catalogue() {
        for variant in &scenario.variants {
            for seed in SEEDS {
                let guided = scenario.guided(variant, seed);
                let here = format!("{}/{} seed {seed}", scenario.id, variant.id);
                let fallbacks = review::fallback_stops(&guided);
                if fallbacks * 10 > guided.stops.len() {
                    problems.push(format!("{here}: {fallbacks} of {} stops show a fallback caption", guided.stops.len()));
                }
                for stop in &guided.stops {
                    let fallback = stop.is_fallback();
                    let key = stop.question.is_some() || guided.timeline.broke_at(stop.step + 1);
                    if fallback && key {
                        problems.push(format!(
                            "{here} step {}: a question or a broken invariant is about it, and its caption is a fallback",
                            stop.step + 1
                        ));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Words too common to give an answer away.
const COMMON: [&str; 24] = [
    "that", "this", "with", "from", "were", "will", "what", "when", "then", "than", "they", "them", "their", "there", "does", "have",
    "into", "only", "also", "just", "each", "once", "again", "because",
];

/// A choice's words, lowercased: letters, digits and underscores, four
/// characters or more.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.len() >= 4)
        .map(|w| w.to_ascii_lowercase())
        .filter(|w| !COMMON.contains(&w.as_str()))
        .collect()
}

/// What a learner has read when a question is asked (the lesson's and the
/// variant's titles and summaries, the captions and log lines of the stops before it) never
/// holds most of the right choice's own words (those no wrong choice
/// has); a question comes before a stop with its own caption, and where
/// the right choice shows is no clue.
#[test]
fn questions_do_not_give_their_answers_away() {
    let mut problems = Vec::new();
    let mut positions = [0usize; 4];
    let mut questions = 0;
    for scenario in scenarios::catalogue() {
        for variant in &scenario.variants {
            for question in &variant.questions {
                positions[question.shown_answer()] += 1;
                questions += 1;
            }
            let guided = scenario.guided(variant, 1);
            let steps = guided.timeline.steps();
            let mut read = format!("{} {} {} {}", scenario.title, scenario.summary, variant.title, variant.summary).to_ascii_lowercase();
            for stop in &guided.stops {
                if let Some((_, question)) = stop.question {
                    let wrong: Vec<String> =
                        question.choices.iter().enumerate().filter(|(i, _)| *i != question.answer).flat_map(|(_, c)| words(c)).collect();
                    let own: Vec<String> = words(&question.choices[question.answer]).into_iter().filter(|w| !wrong.contains(w)).collect();
                    let given: Vec<&String> = own.iter().filter(|w| read.contains(w.as_str())).collect();
                    if given.len() * 2 > own.len() {
                        problems.push(format!(
                            "{}/{}: before \"{}\" the page already says {given:?} of the answer's own words {own:?}",
                            scenario.id, variant.id, question.prompt
                        ));
                    }
                }
                for step in &steps[stop.first..=stop.step] {
                    read.push_str(&step.sentence().to_ascii_lowercase());
                }
                read.push_str(&stop.caption.map_or(String::new(), |c| c.text.to_ascii_lowercase()));
            }
        }
    }
    assert!(problems.is_empty(), "{} questions answered before they are asked:\n{}", problems.len(), problems.join("\n"));
    let most = positions.iter().max().copied().unwrap_or(0);
    assert!(most * 2 <= questions, "right answers shown 1st, 2nd, 3rd, 4th: {positions:?} of {questions}");
}
