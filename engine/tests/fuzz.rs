//! Generated scenario files through the whole engine: reading, every
//! variant's run, the learner's actions at random points of the timeline,
//! seeking, and every export. A panic anywhere fails the test with the
//! case number to reproduce it (`FUZZ_CASE=N cargo test --test fuzz`);
//! `FUZZ_CASES=N` runs more cases than the default.
//!
//! Half the cases mutate the built-in files (byte flips, cuts, spliced
//! tokens), so they probe the reader; the other half are well-formed files
//! built from random parts (any style, any services, any script line with
//! extreme values), so most of them run.

use std::panic::{catch_unwind, AssertUnwindSafe};

use sagascope_engine::scenarios;
use sagascope_engine::sim::rng::Rng;
use sagascope_engine::sim::{Action, Svc, Timeline};
use sagascope_engine::trace::{render, Format};

const CASES_DEFAULT: u64 = 20_000;
/// Steps computed per run: enough for every scripted line to happen.
const STEPS_MAX: usize = 3_000;

const SERVICES: [&str; 8] = [
    "order-service",
    "customer-service",
    "order-history-service",
    "consumer-service",
    "kitchen-service",
    "accounting-service",
    "api-composer",
    "nowhere",
];
const CHANNELS: [&str; 6] = ["Order", "Customer", "customerService", "kitchenService", "CreateOrderSaga-reply", "nope"];
const NUMBERS: [i64; 9] = [0, 1, 2, 3, -1, 60, 1_000_000_000_000, -1_000_000_000_000, 1_000_000_000_001];

fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> &'a T {
    &items[rng.range(0, items.len() as u64 - 1) as usize]
}

fn number(rng: &mut Rng) -> i64 {
    if rng.chance(85) {
        rng.range(0, 6) as i64
    } else {
        *pick(rng, &NUMBERS)
    }
}

/// One random script line, any verb, with plausible or extreme values,
/// naming one of `services` (the scenario's) most of the time.
fn script_line(rng: &mut Rng, services: &[&str]) -> String {
    let at = if rng.chance(90) { rng.range(0, 3000) as i64 } else { number(rng) };
    let service = if rng.chance(90) && !services.is_empty() { pick(rng, services) } else { pick(rng, &SERVICES) };
    let channel = pick(rng, &CHANNELS);
    let (a, b) = (number(rng), number(rng));
    // Verbs that need a service the scenario lacks are mostly redrawn.
    let needs = |verb: u64| match verb {
        0..=2 => Some("order-service"),
        3 => Some("kitchen-service"),
        4 => Some("customer-service"),
        18 => Some("order-history-service"),
        19 => Some("api-composer"),
        21 => Some("order-history-service"),
        _ => None,
    };
    let mut verb = rng.range(0, 21);
    while needs(verb).is_some_and(|s| !services.contains(&s)) && rng.chance(95) {
        verb = rng.range(0, 21);
    }
    let body = match verb {
        0 => format!(r#""do":"place_order","customer":{a},"total":{}"#, rng.range(1, 90)),
        1 => format!(r#""do":"cancel_order","order":{a}"#),
        2 => format!(r#""do":"revise_order","order":{a},"total":{b}"#),
        3 => format!(r#""do":"advance_ticket","order":{a}"#),
        4 => format!(r#""do":"create_customer","name":"N\n;#{{x}}%","credit_limit":{b}"#),
        5 => format!(r#""do":"crash","service":"{service}""#),
        6 => format!(r#""do":"restart","service":"{service}""#),
        7 => format!(r#""do":"crash_relay","service":"{service}""#),
        8 => format!(r#""do":"restart_relay","service":"{service}""#),
        9 => format!(r#""do":"duplicate","message":{},"to":"{service}""#, a.abs()),
        10 => format!(r#""do":"hold_channel","channel":"{channel}""#),
        11 => format!(r#""do":"release_channel","channel":"{channel}""#),
        12 => format!(r#""do":"delay_channel","channel":"{channel}","ms":{}"#, b.abs()),
        13 => format!(r#""do":"disconnect","service":"{service}""#),
        14 => format!(r#""do":"reconnect","service":"{service}""#),
        15 => format!(r#""do":"set_outbox","service":"{service}","enabled":{}"#, rng.chance(50)),
        16 => format!(r#""do":"set_idempotence","service":"{service}","enabled":{}"#, rng.chance(50)),
        17 => format!(r#""do":"set_semantic_lock","enabled":{}"#, rng.chance(50)),
        20 => format!(r#""do":"set_handler_bug","service":"{service}","enabled":{}"#, rng.chance(50)),
        21 => format!(r#""do":"set_view_dedup","enabled":{}"#, rng.chance(50)),
        18 => format!(r#""do":"query_view","customer":{a}"#),
        _ => format!(r#""do":"compose_query","customer":{a}"#),
    };
    format!(r#"{{"at":{at},{body}}}"#)
}

/// A well-formed scenario file from random parts.
fn generated(rng: &mut Rng) -> String {
    let style = *pick(rng, &["choreography", "orchestration", "ftgo"]);
    // Mostly the style's own services, each once; sometimes any mix.
    let own: &[&str] = if style == "ftgo" {
        &[SERVICES[0], SERVICES[3], SERVICES[4], SERVICES[5]]
    } else {
        &[SERVICES[0], SERVICES[1], SERVICES[2], SERVICES[6]]
    };
    let chosen: Vec<&str> = if rng.chance(85) {
        own.iter().copied().filter(|s| *s == "order-service" || rng.chance(70)).collect()
    } else {
        (0..rng.range(1, 5)).map(|_| *pick(rng, &SERVICES[..7])).collect()
    };
    let services: Vec<String> = chosen.iter().map(|s| format!("\"{s}\"")).collect();
    let people: Vec<String> = (0..rng.range(0, 3))
        .map(|_| {
            let card = pick(rng, &["VALID", "EXPIRED", "x"]);
            format!(r#"{{"id":{},"name":"P\r\nparticipant x","credit_limit":{},"card_status":"{card}"}}"#, number(rng), number(rng))
        })
        .collect();
    let variants: Vec<String> = (0..rng.range(1, 2))
        .map(|v| {
            let lines: Vec<String> = (0..rng.range(0, 12)).map(|_| script_line(rng, &chosen)).collect();
            format!(r#"{{"id":"v{v}","title":"t","summary":"s","script":[{}]}}"#, lines.join(","))
        })
        .collect();
    format!(
        r#"{{"id":"fuzz","title":"t","summary":"s","setup":{{"style":"{style}","services":[{}],"people":[{}]}},"variants":[{}]}}"#,
        services.join(","),
        people.join(","),
        variants.join(",")
    )
}

/// A built-in file with random damage.
fn mutated(rng: &mut Rng) -> Vec<u8> {
    let catalogue_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/scenarios/catalogue");
    let mut files: Vec<_> = std::fs::read_dir(catalogue_dir).expect("catalogue").map(|f| f.expect("entry").path()).collect();
    files.sort();
    let mut bytes = std::fs::read(pick(rng, &files)).expect("readable");
    for _ in 0..rng.range(1, 4) {
        let at = rng.range(0, bytes.len() as u64 - 1) as usize;
        match rng.range(0, 4) {
            0 => bytes[at] ^= 1 << rng.range(0, 7),
            1 => bytes.truncate(at),
            2 => {
                let token = pick(rng, &["{", "}", "[", "]", ",", ":", "\"", "-", "1e9", "null", "\"at\":5,", "\\u0000", "\u{ff}"]);
                bytes.splice(at..at, token.bytes());
            }
            3 => {
                let line = format!("{},", script_line(rng, &SERVICES));
                bytes.splice(at..at, line.bytes());
            }
            _ => {
                let end = (at + rng.range(1, 40) as usize).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                bytes.splice(at..at, copy);
            }
        }
        if bytes.is_empty() {
            break;
        }
    }
    bytes
}

/// A learner's action, any kind, as the app's buttons would send it.
fn learner_action(rng: &mut Rng) -> Action {
    let service = Svc::ALL[rng.range(0, Svc::ALL.len() as u64 - 1) as usize];
    let n = rng.range(0, 4) as i64;
    match rng.range(0, 11) {
        10 => Action::SetHandlerBug { service, enabled: rng.chance(50) },
        11 => Action::SetViewDedup { enabled: rng.chance(50) },
        0 => Action::PlaceOrder { customer: n, total: rng.range(1, 120) as i64 },
        1 => Action::CancelOrder { order: n },
        2 => Action::ReviseOrder { order: n, total: rng.range(1, 120) as i64 },
        3 => Action::AdvanceTicket { order: n },
        4 => Action::Crash { service },
        5 => Action::Restart { service },
        6 => Action::Duplicate { message: rng.range(0, 20), to: None },
        7 => Action::QueryView { customer: n },
        8 => Action::ComposeQuery { customer: n },
        _ => Action::SetSemanticLock { enabled: rng.chance(50) },
    }
}

/// Everything a user can make the engine do with one file.
fn exercise(bytes: &[u8], rng: &mut Rng) -> bool {
    let scenario = match scenarios::from_bytes(bytes) {
        Ok(scenario) => scenario,
        Err(e) => {
            if std::env::var_os("FUZZ_WHY").is_some() {
                eprintln!("refused: {e}");
            }
            return false;
        }
    };
    for variant in &scenario.variants {
        let mut timeline = Timeline::new(scenario.world(variant, rng.range(1, 5)), STEPS_MAX);
        for format in [Format::Text, Format::Jsonl, Format::Mermaid] {
            render(timeline.steps(), format);
        }
        for _ in 0..3 {
            timeline.seek(rng.range(0, timeline.len() as u64) as usize);
            timeline.act(learner_action(rng));
        }
        timeline.seek(timeline.len());
        timeline.violations();
        timeline.world().flights();
    }
    true
}

#[test]
fn no_scenario_file_reaches_a_panic() {
    let cases: u64 = std::env::var("FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(CASES_DEFAULT);
    let only: Option<u64> = std::env::var("FUZZ_CASE").ok().and_then(|n| n.parse().ok());
    let (mut accepted, mut failures) = (0, Vec::new());
    for case in (0..cases).filter(|c| only.is_none_or(|o| o == *c)) {
        let mut rng = Rng::fork(case, "fuzz");
        let bytes = if case % 2 == 0 { mutated(&mut rng) } else { generated(&mut rng).into_bytes() };
        match catch_unwind(AssertUnwindSafe(|| exercise(&bytes, &mut rng))) {
            Ok(ran) => accepted += u64::from(ran),
            Err(_) => failures.push(format!("case {case}: {}", String::from_utf8_lossy(&bytes[..bytes.len().min(400)]))),
        }
    }
    assert!(failures.is_empty(), "panics (reproduce with FUZZ_CASE=N cargo test --test fuzz):\n{}", failures.join("\n"));
    // The generator must reach the engine, not only the reader.
    if only.is_none() {
        assert!(accepted * 5 > cases, "only {accepted} of {cases} files were accepted and run");
    }
    println!("{cases} scenario files, {accepted} accepted and run, no panic");
}
