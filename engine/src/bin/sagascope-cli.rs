//! Runs a scenario natively and prints its trace.
//!
//! `sagascope-cli <scenario or file.json> [--variant V] [--seed N] [--format text|jsonl|mermaid]`
//! `sagascope-cli explore <scenario or file.json> [--variant V] [--seed N] [--from-step N] [--depth N] [--max-states N] [--faults F]`
//! `sagascope-cli script <scenario or file.json> [--variant V] [--seed N]`, `sagascope-cli words`

use std::io::Write;
use std::process::ExitCode;

use sagascope_engine::explore::{Bounds, Cut, Explorer, Faults, Verdict};
use sagascope_engine::scenarios::{self, Scenario, Variant};
use sagascope_engine::sim::choice::path_text;
use sagascope_engine::sim::Timeline;
use sagascope_engine::trace::{render, Format};

const USAGE: &str = "usage: sagascope-cli <scenario or file.json> [--variant V] [--seed N] [--format text|jsonl|mermaid]
       sagascope-cli explore <scenario or file.json> [--variant V] [--seed N] [--from-step N] [--depth N] [--max-states N] [--faults duplicate=1,crash=1,crash-relay=1,rebalance=1]
       sagascope-cli script <scenario or file.json> [--variant V] [--seed N]   (the guided script, stop by stop)
       sagascope-cli words   (fallback captions, answer positions, minutes)
       sagascope-cli --list";

/// Most steps a CLI run computes.
const STEP_LIMIT: usize = 100_000;

struct Args {
    scenario: String,
    variant: Option<String>,
    seed: u64,
    format: Format,
    /// `explore`: search every interleaving within these bounds, from this
    /// step of the lesson's run.
    explore: Option<(Bounds, usize)>,
    /// `script`: print the variant's guided script.
    script: bool,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut scenario = None;
    let (mut variant, mut seed, mut format) = (None, 1, Format::Text);
    let exploring = args.first().is_some_and(|a| a == "explore");
    let script = args.first().is_some_and(|a| a == "script");
    let (mut bounds, mut from_step) = (Bounds::default(), 0);
    let mut rest = args.iter().skip(usize::from(exploring || script));
    while let Some(arg) = rest.next() {
        let mut value = |flag: &str| rest.next().cloned().ok_or_else(|| format!("{flag} needs a value"));
        match arg.as_str() {
            "--variant" => variant = Some(value("--variant")?),
            "--seed" => {
                let text = value("--seed")?;
                seed = text.parse().map_err(|_| format!("--seed takes a whole number, not {text:?}"))?;
            }
            "--from-step" if exploring => {
                let text = value("--from-step")?;
                from_step = text.parse().map_err(|_| format!("--from-step takes a whole number, not {text:?}"))?;
            }
            "--depth" if exploring => {
                let text = value("--depth")?;
                bounds.depth = text.parse().map_err(|_| format!("--depth takes a whole number, not {text:?}"))?;
            }
            "--faults" if exploring => bounds.faults = Faults::parse(&value("--faults")?)?,
            "--max-states" if exploring => {
                let text = value("--max-states")?;
                bounds.max_states = text.parse().map_err(|_| format!("--max-states takes a whole number, not {text:?}"))?;
            }
            "--format" => {
                let text = value("--format")?;
                format = Format::parse(&text).ok_or_else(|| format!("unknown format {text:?}: use text, jsonl or mermaid"))?;
            }
            flag if flag.starts_with('-') => return Err(format!("unknown flag {flag}")),
            name if scenario.is_none() => scenario = Some(name.to_string()),
            extra => return Err(format!("unexpected argument {extra:?}")),
        }
    }
    let scenario = scenario.ok_or("no scenario given")?;
    Ok(Args { scenario, variant, seed, format, explore: exploring.then_some((bounds, from_step)), script })
}

fn list() -> String {
    let mut out = String::new();
    for scenario in scenarios::catalogue() {
        let variants: Vec<&str> = scenario.variants.iter().map(|v| v.id.as_str()).collect();
        out.push_str(&format!("{:<22} {} (variants: {})\n", scenario.id, scenario.title, variants.join(", ")));
    }
    out
}

/// A built-in scenario by id, or a scenario file by path (`*.json`).
fn load(name: &str) -> Result<Scenario, String> {
    if name.ends_with(".json") {
        let bytes = std::fs::read(name).map_err(|e| format!("cannot read {name}: {e}"))?;
        return scenarios::from_bytes(&bytes).map_err(|e| format!("{name}: {e}"));
    }
    scenarios::find(name).ok_or_else(|| {
        let known: Vec<&str> = scenarios::catalogue().iter().map(|s| s.id.as_str()).collect();
        format!("unknown scenario {name:?}; known: {} (or a path to a .json file)", known.join(", "))
    })
}

fn run(args: &Args) -> Result<String, String> {
    let scenario = load(&args.scenario)?;
    let variant = scenario.variant(args.variant.as_deref())?;
    if args.script {
        return Ok(scenarios::review::script(&scenario, variant, args.seed));
    }
    if let Some((bounds, from_step)) = args.explore {
        return Ok(explore(&scenario, variant, args.seed, bounds, from_step));
    }
    let mut timeline = Timeline::new(scenario.world(variant, args.seed), STEP_LIMIT);
    let mut out = render(timeline.steps(), args.format);
    if args.format == Format::Text {
        timeline.seek(timeline.len());
        let world = timeline.world();
        out.push_str(&format!("-- {} steps, seed {}, {} ms of virtual time\n", timeline.len(), args.seed, world.now()));
        for (_, v) in timeline.violations() {
            out.push_str(&format!("-- violation {}: {}\n", v.id, v.detail));
        }
    }
    Ok(out)
}

/// Searches every interleaving of a lesson variant from step `from` of its
/// run and prints the verdict, the search's size and, for a violation, the
/// run that shows it (steps a choice made marked `*`) and its deep link.
fn explore(scenario: &Scenario, variant: &Variant, seed: u64, bounds: Bounds, from: usize) -> String {
    let world = scenario.world(variant, seed);
    let variant = &variant.id;
    let mut here = Timeline::new(world.clone(), STEP_LIMIT);
    here.seek(from);
    // The lesson's own run: the clock's steps, which a path can hold.
    let to_here = here.path_to(here.cursor()).expect("a lesson's run holds no learner's action");
    let started = std::time::Instant::now();
    let mut explorer = Explorer::from_timeline(&here, bounds);
    let verdict = explorer.run(u64::MAX).cloned().expect("an unbounded run ends with a verdict");
    let elapsed = started.elapsed();
    let progress = explorer.progress();
    let mut out = format!(
        "explored {} / {variant} from step {} of its run: depth {}, faults {}, seed {seed}\n",
        scenario.id,
        here.cursor(),
        bounds.depth,
        bounds.faults.text()
    );
    out.push_str(&format!(
        "-- {} steps taken, {} distinct states, {} levels deep, {:.1} ms\n",
        progress.transitions,
        progress.distinct,
        progress.depth,
        elapsed.as_secs_f64() * 1000.0
    ));
    let per_second = progress.distinct as f64 / elapsed.as_secs_f64().max(1e-6);
    out.push_str(&format!("-- {per_second:.0} distinct states a second"));
    if let Some(peak) = peak_memory_kb() {
        out.push_str(&format!(", peak memory {} MB", peak / 1024));
        // Below this many states the process's own footprint dominates.
        if progress.distinct >= 10_000 {
            out.push_str(&format!(", {} B a state", peak * 1024 / progress.distinct as u64));
        }
    }
    out.push('\n');
    let (path, violation, at_rest) = match verdict {
        Verdict::Clean { cut: Cut::Nothing } => return out + "-- no violation: every state was searched, every run to its end\n",
        Verdict::Clean { cut: Cut::Depth } => {
            return out
                + &format!(
                    "-- no violation within {} choices; some runs were longer and were cut there: raise --depth to search further\n",
                    bounds.depth
                )
        }
        Verdict::Clean { cut: Cut::States } => {
            let unreached = explorer.unreached();
            let missed = match (unreached.is_empty(), explorer.ended()) {
                (false, _) => format!("no run searched reached the script's {}", unreached.join(", then ")),
                (true, 0) => "no run searched reached its end, so nothing was checked at rest".to_string(),
                (true, 1) => "1 run was searched to its end, the others were not".to_string(),
                (true, n) => format!("{n} runs were searched to their end, the others were not"),
            };
            return out
                + &format!(
                "-- INCONCLUSIVE: the search stopped at its cap of {} states, {} choices deep, with no violation among them; {missed}\n",
                bounds.max_states, progress.depth
            );
        }
        Verdict::Found { path, violation, at_rest } => (to_here.into_iter().chain(path).collect::<Vec<_>>(), violation, at_rest),
    };
    let when = if at_rest { "once the run was at rest" } else { "after a step" };
    out.push_str(&format!("-- found {} {when}: {}\n", violation.id, violation.detail));
    let lesson = Timeline::new(world, STEP_LIMIT);
    let mut timeline = lesson.clone();
    if let Err(n) = timeline.follow(&path) {
        return out + &format!("-- the path does not replay: choice {n} does not fit\n");
    }
    match timeline.parts_from(&lesson) {
        Some(n) => out.push_str(&format!("-- this run parts from the lesson's own at step {n}\n")),
        None => out.push_str("-- this run is the lesson's own\n"),
    }
    let step = timeline.shown_at(violation.id);
    let text = path_text(&path);
    out.push_str(&format!("-- path ({} choices): {text}\n", path.len()));
    out.push_str(&format!("-- open: #/{}?variant={variant}&seed={seed}&path={text}&step={step}\n", scenario.id));
    for (index, s) in timeline.steps().iter().enumerate() {
        let mark = if timeline.is_choice(index) { '*' } else { ' ' };
        out.push_str(&format!("{mark}{:>3} {:>6} ms  {}\n", index + 1, s.time_ms, s.sentence()));
    }
    out
}

/// The process's peak resident memory in KB, where Linux says it
/// (`VmHWM` in /proc/self/status): a benchmark figure, not a measure.
fn peak_memory_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Writes `text` to stdout. A reader that went away (`| head`) ends the
/// run quietly and successfully, as for any Unix filter; another write
/// error (a full disk) is reported, never a panic.
fn emit(text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            // stderr may be gone too; nothing is left to do then.
            let _ = writeln!(std::io::stderr(), "sagascope-cli: cannot write the output: {error}");
            ExitCode::from(1)
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        return emit(&format!("{USAGE}\n"));
    }
    if args.iter().any(|a| a == "--list") {
        return emit(&list());
    }
    if args.first().is_some_and(|a| a == "words") {
        return emit(&scenarios::review::words());
    }
    match parse(&args).and_then(|a| run(&a)) {
        Ok(out) => emit(&out),
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "sagascope-cli: {error}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
