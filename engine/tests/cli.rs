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
    assert!(out.contains("accounting_service-)order_service: AccountDisabledReply"), "{out}");
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

#[test]
fn a_scenario_file_runs_and_a_bad_one_is_refused_with_its_name() {
    let dir = std::env::temp_dir().join(format!("sagascope-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("mine.json");
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/scenarios/catalogue/outbox.json")).unwrap();
    std::fs::write(&good, text.replacen("\"id\": \"outbox\"", "\"id\": \"my-outbox\"", 1)).unwrap();
    let (code, out, err) = cli(&[good.to_str().unwrap(), "--variant", "dual-write"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("violation order-stuck-pending"), "{out}");
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\"id\": \"x\",\n \"title\": 3}").unwrap();
    let (code, _, err) = cli(&[bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("bad.json: not a valid scenario: title: expected a string, found a number"), "{err}");
    let (code, _, err) = cli(&["/no/such/file.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read /no/such/file.json"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A file whose run prints far more than a pipe holds (1,000 orders).
fn big_scenario(dir: &std::path::Path) -> std::path::PathBuf {
    let orders: Vec<String> = (0..1000).map(|i| format!(r#"{{"at":{i},"do":"place_order","customer":1,"total":1}}"#)).collect();
    let text = format!(
        r#"{{"id":"big","title":"t","summary":"s","setup":{{"style":"choreography","services":["order-service","customer-service"],
        "people":[{{"id":1,"name":"A","credit_limit":5000}}]}},"variants":[{{"id":"v","title":"t","summary":"s","script":[{}]}}]}}"#,
        orders.join(",")
    );
    let path = dir.join("big.json");
    std::fs::write(&path, text).unwrap();
    path
}

/// `sagascope-cli ... | head` ends quietly when `head` stops reading: no
/// "failed printing to stdout" panic, exit status 0.
#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let dir = std::env::temp_dir().join(format!("sagascope-pipe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = big_scenario(&dir);
    let mut child = Command::new(env!("CARGO_BIN_EXE_sagascope-cli"))
        .args([file.to_str().unwrap(), "--format", "jsonl"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut first = [0u8; 100];
    child.stdout.take().expect("stdout").read_exact(&mut first).expect("some output");
    // The reader goes away here, with most of the output unread.
    let out = child.wait_with_output().expect("ends");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Names from a scenario file cannot break out of a Mermaid statement: a
/// customer called "A\nparticipant x" stays one note line.
#[test]
fn mermaid_escapes_names_from_the_file() {
    let dir = std::env::temp_dir().join(format!("sagascope-mermaid-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("names.json");
    std::fs::write(
        &path,
        r#"{"id":"names","title":"t","summary":"s","setup":{"style":"choreography","services":["order-service","customer-service"]},
        "variants":[{"id":"v","title":"t","summary":"s","script":[
          {"at":0,"do":"create_customer","name":"Eve\nparticipant evil\nclick evil call x()","credit_limit":5},
          {"at":5,"do":"create_customer","name":"Mallory; Note over x: #{}","credit_limit":5}]}]}"#,
    )
    .unwrap();
    let (code, out, err) = cli(&[path.to_str().unwrap(), "--format", "mermaid"]);
    assert_eq!(code, 0, "{err}");
    let participants = out.lines().filter(|l| l.trim_start().starts_with("participant")).count();
    assert_eq!(participants, 1, "only Customer Service acts: {out}");
    assert!(!out.lines().any(|l| l.trim_start().starts_with("click")), "{out}");
    assert!(out.contains("Eve participant evil click evil call x()"), "{out}");
    assert!(!out.contains("Mallory;"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn explore_finds_the_lost_update_prints_its_run_and_a_link_and_says_so_when_none() {
    let (code, out, _) = cli(&["explore", "isolation", "--variant", "no-countermeasure"]);
    assert_eq!(code, 0);
    assert!(out.contains("-- found lost-update after a step: order 1 went from CANCELLED to APPROVED"), "{out}");
    let link = out.lines().find_map(|l| l.strip_prefix("-- open: ")).expect("a link");
    assert!(link.starts_with("#/isolation?variant=no-countermeasure&seed=1&path="), "{link}");
    assert!(out.lines().any(|l| l.starts_with('*')), "the explorer's choices are marked: {out}");
    assert!(out.contains("-- this run parts from the lesson's own at step 5"), "{out}");
    // From step 3 the path leads through the lesson's first three steps.
    let (code, out, _) = cli(&["explore", "isolation", "--variant", "no-countermeasure", "--from-step", "3"]);
    assert_eq!(code, 0);
    assert!(out.contains("from step 3 of its run") && out.contains("&path=0,0,0,"), "{out}");
    let (code, out, _) = cli(&["explore", "isolation", "--variant", "semantic-lock", "--faults", "duplicate=1"]);
    assert_eq!(code, 0);
    assert!(out.contains("-- no violation: every state was searched, every run to its end"), "{out}");
    // Cut short, a search says what it did not cover; it never reads as a pass.
    let (_, out, _) = cli(&["explore", "ftgo-cancel-order", "--max-states", "200"]);
    assert!(out.contains("-- INCONCLUSIVE: the search stopped at its cap of 200 states"), "{out}");
    assert!(out.contains("no run searched reached its end, so nothing was checked at rest"), "{out}");
    let (_, out, _) = cli(&["explore", "ftgo-cancel-order", "--depth", "3"]);
    assert!(out.contains("-- no violation within 3 choices; some runs were longer and were cut there"), "{out}");
    let (code, _, err) = cli(&["explore", "isolation", "--faults", "meteor"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown fault \"meteor\""), "{err}");
}
