//! The command-line runner, run as a user would.

use std::process::Command;

fn cli(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sagascope-cli")).args(args).output().expect("runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

#[test]
fn text_trace_names_every_step_and_the_expected_violation() {
    let (code, out, _) = cli(&["outbox", "--variant", "dual-write", "--seed", "4"]);
    assert_eq!(code, 0);
    assert!(out.contains("LOST: OrderCreatedEvent m1"), "{out}");
    assert!(out.contains("violation order-stuck-pending"), "{out}");
}

#[test]
fn jsonl_is_one_json_object_per_step() {
    let (code, out, _) = cli(&["orchestration", "--format", "jsonl"]);
    assert_eq!(code, 0);
    let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).expect("json line")).collect();
    assert_eq!(lines.len(), 5, "{out}");
    assert_eq!(lines[2]["message"]["kind"], "ReserveCreditCommand");
}

#[test]
fn mermaid_draws_arrows_between_lifelines() {
    let (code, out, _) = cli(&["ftgo-create-order", "--variant", "authorization-fails", "--format", "mermaid"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("sequenceDiagram\n"));
    assert!(out.contains("participant kitchen_service as Kitchen Service"));
    assert!(out.contains("order_service->>kitchen_service: CancelCreateTicket"), "{out}");
    assert!(out.contains("accounting_service-)order_service: Failure"), "{out}");
}

#[test]
fn mermaid_draws_the_composers_calls() {
    let (code, out, _) = cli(&["api-composition", "--variant", "service-down", "--format", "mermaid"]);
    assert_eq!(code, 0);
    assert!(out.contains("api_composer->>order_service: GET"), "{out}");
    assert!(out.contains("order_service-->>api_composer: 503 Service Unavailable"), "{out}");
}

#[test]
fn bad_input_gets_a_clear_message_and_a_nonzero_exit() {
    for (args, expected) in [
        (vec!["nope"], "unknown scenario \"nope\""),
        (vec!["outbox", "--variant", "zzz"], "has no variant zzz"),
        (vec!["outbox", "--seed", "x"], "--seed takes a whole number"),
        (vec!["outbox", "--format", "pdf"], "unknown format"),
        (vec!["outbox", "--bogus"], "unknown flag --bogus"),
        (vec![], "no scenario given"),
    ] {
        let (code, _, err) = cli(&args);
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains(expected), "{args:?}: {err}");
    }
}
