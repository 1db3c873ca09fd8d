//! Runs a scenario natively and prints its trace.
//!
//! `sagascope-cli <scenario or file.json> [--variant V] [--seed N] [--format text|jsonl|mermaid]`

use std::io::Write;
use std::process::ExitCode;

use sagascope_engine::scenarios::{self, Scenario};
use sagascope_engine::sim::Timeline;
use sagascope_engine::trace::{render, Format};

const USAGE: &str =
    "usage: sagascope-cli <scenario or file.json> [--variant V] [--seed N] [--format text|jsonl|mermaid]\n       sagascope-cli --list";

/// Most steps a CLI run computes.
const STEP_LIMIT: usize = 100_000;

struct Args {
    scenario: String,
    variant: Option<String>,
    seed: u64,
    format: Format,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut scenario = None;
    let (mut variant, mut seed, mut format) = (None, 1, Format::Text);
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let mut value = |flag: &str| rest.next().cloned().ok_or_else(|| format!("{flag} needs a value"));
        match arg.as_str() {
            "--variant" => variant = Some(value("--variant")?),
            "--seed" => {
                let text = value("--seed")?;
                seed = text.parse().map_err(|_| format!("--seed takes a whole number, not {text:?}"))?;
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
    Ok(Args { scenario, variant, seed, format })
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
    match parse(&args).and_then(|a| run(&a)) {
        Ok(out) => emit(&out),
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "sagascope-cli: {error}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
