//! Engine benchmark: prints its figures, asserts nothing about speed.
//!
//! `cargo bench --bench engine`

use std::time::Instant;

use sagascope_engine::explore::{Bounds, Explorer, Faults, Verdict};
use sagascope_engine::scenarios;
use sagascope_engine::sim::{faults, rng::Rng, Timeline, World};

/// The sandbox scenario with `orders` random orders scheduled.
fn sandbox_with_orders(seed: u64, orders: u64) -> World {
    let scenario = scenarios::find("sandbox").expect("sandbox exists");
    let mut world = scenario.world(&scenario.variants[0], seed);
    for (at, action) in faults::random_load(seed, 2, orders, orders * 20, false) {
        world.schedule_action(at, action);
    }
    world
}

fn steps_per_second() {
    let mut steps = 0u64;
    let start = Instant::now();
    let mut runs = 0;
    while start.elapsed().as_secs_f64() < 2.0 {
        let mut world = sandbox_with_orders(runs + 1, 1000);
        while world.step().is_some() {
            steps += 1;
        }
        runs += 1;
    }
    let seconds = start.elapsed().as_secs_f64();
    println!("engine: {:.0} steps/s (sandbox, 1,000 orders, {runs} runs, {steps} steps in {seconds:.2} s)", steps as f64 / seconds);
}

fn seek_times() {
    // Enough orders for a run of at least 10,000 steps.
    let mut timeline = Timeline::new(sandbox_with_orders(7, 1400), 10_000);
    let len = timeline.len();
    let mut rng = Rng::new(42);
    let mut times_us: Vec<f64> = Vec::new();
    for _ in 0..2000 {
        let target = rng.range(0, len as u64) as usize;
        let start = Instant::now();
        timeline.seek(target);
        times_us.push(start.elapsed().as_secs_f64() * 1e6);
    }
    times_us.sort_by(f64::total_cmp);
    let mean = times_us.iter().sum::<f64>() / times_us.len() as f64;
    let p99 = times_us[times_us.len() * 99 / 100];
    let max = times_us[times_us.len() - 1];
    println!("seek: run of {len} steps, 2,000 random jumps: mean {mean:.0} us, p99 {p99:.0} us, max {max:.0} us");
}

/// The peak resident memory of this process so far, in MB (Linux).
fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// A whole run as the app and the CLI compute it (a timeline, with the
/// checker after every step) for a script of `orders` orders: time and
/// peak memory. Run once per process, so the peak is this run's.
fn scaling(orders: u64) {
    let start = Instant::now();
    let timeline = Timeline::new(sandbox_with_orders(3, orders), 10_000_000);
    let seconds = start.elapsed().as_secs_f64();
    let memory = peak_memory_mb().map_or("?".to_string(), |mb| format!("{mb:.0} MB"));
    println!("scale: {orders} orders, {} steps in {seconds:.2} s, peak memory {memory}", timeline.len());
}

/// The explorer's targets: each lesson without its countermeasure (a
/// violation found) and with it (the same bounds searched to the end), with
/// the time and the states each took.
fn explore_targets() {
    let targets = [
        ("isolation", "no-countermeasure", ""),
        ("isolation", "semantic-lock", ""),
        ("isolation", "semantic-lock", "duplicate=1,crash=1"),
        ("outbox", "dual-write", ""),
        ("outbox", "outbox", ""),
        ("outbox", "outbox", "crash=1,crash-relay=1"),
        ("idempotent-consumer", "no-idempotence", ""),
        ("idempotent-consumer", "duplicate-dropped", "duplicate=1,rebalance=1"),
    ];
    for (lesson, variant, faults) in targets {
        let scenario = scenarios::find(lesson).expect("lesson");
        let world = scenario.world(scenario.variant(Some(variant)).expect("variant"), 1);
        let bounds = Bounds { faults: Faults::parse(faults).expect("faults"), ..Bounds::default() };
        let start = Instant::now();
        let mut explorer = Explorer::new(world, bounds);
        let verdict = explorer.run(u64::MAX).cloned().expect("a verdict");
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        let progress = explorer.progress();
        let outcome = match verdict {
            Verdict::Found { violation, path, .. } => format!("found {} ({} choices)", violation.id, path.len()),
            Verdict::Clean { cut } => format!("none (cut: {cut:?})"),
        };
        println!(
            "explore: {lesson}/{variant} faults {}: {outcome} in {ms:.1} ms, {} steps, {} distinct states",
            bounds.faults.text(),
            progress.transitions,
            progress.distinct
        );
    }
}

fn main() {
    // `cargo bench --bench engine -- steps` (or `seek`, `explore`, or `scale <orders>`)
    // runs one part alone, for profiling.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    match args.first().map(String::as_str) {
        Some("scale") => scaling(args.get(1).and_then(|n| n.parse().ok()).unwrap_or(500)),
        Some("steps") => steps_per_second(),
        Some("seek") => seek_times(),
        Some("explore") => explore_targets(),
        _ => {
            steps_per_second();
            seek_times();
            explore_targets();
        }
    }
}
