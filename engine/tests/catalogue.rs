//! The catalogue as data: the required lessons exist, files read correctly, and
//! bad files are refused with a message that says what is wrong.

use sagascope_engine::scenarios::json::{self, Json};
use sagascope_engine::scenarios::{self, from_json};

#[test]
fn required_scenarios_exist_with_variants() {
    let ids: Vec<&str> = scenarios::catalogue().iter().map(|s| s.id.as_str()).collect();
    for id in [
        "choreography",
        "orchestration",
        "ftgo-create-order",
        "ftgo-cancel-order",
        "ftgo-revise-order",
        "outbox",
        "idempotent-consumer",
        "cqrs-view",
        "api-composition",
        "isolation",
        "sandbox",
    ] {
        assert!(ids.contains(&id), "missing scenario {id}");
    }
    for scenario in scenarios::catalogue() {
        assert!(!scenario.title.is_empty() && scenario.summary.len() > 40, "{} needs a title and a summary", scenario.id);
        for variant in &scenario.variants {
            assert!(!variant.summary.is_empty(), "{}/{} needs a summary", scenario.id, variant.id);
        }
    }
}

/// The web app's list of lessons (it fetches each file when opened) is the
/// catalogue's, in the same order, with the same titles.
#[test]
fn the_lesson_index_matches_the_files() {
    let files: Vec<(&str, &str)> = scenarios::catalogue().iter().map(|s| (s.id.as_str(), s.title.as_str())).collect();
    assert_eq!(files, scenarios::LESSONS);
    for scenario in scenarios::catalogue() {
        assert!(scenario.takeaway.len() > 80, "{}: a takeaway that names the trade-offs", scenario.id);
    }
}

/// One entry of the course page: (lesson id, title, minutes, questions).
fn course_entries(html: &str) -> Vec<(String, String, u64, usize)> {
    let between = |text: &str, start: &str, end: &str| -> String {
        let from = text.find(start).map(|i| i + start.len()).unwrap_or_else(|| panic!("no {start} in {text}"));
        text[from..from + text[from..].find(end).unwrap()].to_string()
    };
    html.split("<li data-lesson=\"")
        .skip(1)
        .map(|entry| {
            let id = entry[..entry.find('"').unwrap()].to_string();
            let title = between(entry, "\">", "</a>").rsplit('>').next().unwrap().to_string();
            let length = between(entry, "<span class=\"length\">", "</span>");
            let minutes = length.split(' ').next().and_then(|m| m.parse().ok()).unwrap_or(0);
            let questions = between(entry, "data-questions=\"", "\"").parse().unwrap();
            (id, title, minutes, questions)
        })
        .collect()
}

/// The course page in `index.html` lists every lesson in the catalogue's
/// order (the side-by-side page before the sandbox), with its title, its
/// number of questions, and its length: the minutes a guided play-through
/// takes (`scenarios::Guided`, the pacing the app plays at).
#[test]
fn the_course_page_matches_the_lessons() {
    let html = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../index.html")).expect("the app's index.html");
    let mut entries = course_entries(&html);
    let compare = entries.iter().position(|e| e.0 == "compare").expect("the side-by-side page is in the course");
    assert_eq!(compare, entries.len() - 2, "the side-by-side page comes just before the sandbox");
    entries.remove(compare);
    assert_eq!(entries.len(), scenarios::catalogue().len());
    for (scenario, (id, title, minutes, questions)) in scenarios::catalogue().iter().zip(entries) {
        assert_eq!((id.as_str(), title.as_str()), (scenario.id.as_str(), scenario.title.as_str()));
        assert_eq!(questions, scenario.variants.iter().map(|v| v.questions.len()).sum::<usize>(), "{id}: questions");
        // Guided play's own pacing, motion and questions included.
        assert_eq!(minutes, scenarios::review::course_minutes(scenario), "{id}: minutes of guided play");
    }
}

/// "Break it in the sandbox": the same services, rows and settings, and
/// nothing the script would have done.
#[test]
fn a_lesson_in_the_sandbox_keeps_its_settings_and_drops_its_script() {
    use sagascope_engine::sim::{Action, StepKind, Timeline};
    let outbox = scenarios::find("outbox").unwrap();
    let dual_write = outbox.variants.iter().find(|v| v.id == "dual-write").unwrap();
    assert!(matches!(dual_write.script[0].action, Action::SetOutbox { enabled: false, .. }));
    let mut free = Timeline::new(outbox.free_world(dual_write, 1), 1_000);
    free.seek(usize::MAX);
    let kinds: Vec<StepKind> = free.steps().iter().map(|s| s.kind).collect();
    assert_eq!(kinds, [StepKind::Fault], "only the outbox switch happens: {:?}", free.steps());
    assert!(!free.world().service(sagascope_engine::sim::Svc::OrderService).unwrap().outbox_enabled);
    let scripted = Timeline::new(outbox.world(dual_write, 1), 1_000);
    assert!(scripted.len() > 3, "the scripted run places an order and crashes");
}

/// Each lesson names the tables it is about (the stage folds the others
/// to a line), and each name is a table one of its services has.
#[test]
fn every_lesson_names_tables_it_has() {
    for scenario in scenarios::catalogue() {
        assert!(!scenario.focus.is_empty(), "{} names no table to focus on", scenario.id);
        let world = scenario.world(&scenario.variants[0], 1);
        let tables: Vec<&str> = world.services().iter().flat_map(|(_, s)| s.db.table_sizes().map(|(name, _)| name)).collect();
        for name in &scenario.focus {
            assert!(tables.contains(&name.as_str()), "{}: focus names {name}, which none of its services has ({tables:?})", scenario.id);
        }
    }
}

/// The app's own JSON reader against serde_json, on every built-in file
/// and on strings with every kind of escape.
#[test]
fn the_json_reader_agrees_with_serde_json() {
    fn same(ours: &Json, reference: &serde_json::Value) -> bool {
        match (ours, reference) {
            (Json::Null, serde_json::Value::Null) => true,
            (Json::Bool(a), serde_json::Value::Bool(b)) => a == b,
            (Json::Int(a), serde_json::Value::Number(b)) => b.as_i64() == Some(*a),
            (Json::Text(a), serde_json::Value::String(b)) => a == b,
            (Json::Array(a), serde_json::Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y)),
            (Json::Object(a), serde_json::Value::Object(b)) => {
                a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| same(v, w)))
            }
            _ => false,
        }
    }
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/scenarios/catalogue");
    let mut texts: Vec<String> = std::fs::read_dir(dir).unwrap().map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap()).collect();
    assert_eq!(texts.len(), scenarios::catalogue().len());
    texts.push(
        r#"{"escapes": "tab\t quote\" slash\/ back\\ \u00e9 \ud83d\ude00 \b\f\r\n", "deep": [[[{"a": [0, -12, 9007199254740993]}]]]}"#
            .into(),
    );
    for text in &texts {
        let reference: serde_json::Value = serde_json::from_str(text).unwrap();
        assert!(same(&json::parse(text).unwrap(), &reference), "the readers differ on {}", &text[..60.min(text.len())]);
    }
}

fn refused(text: &str, expected: &str) {
    let error = from_json(text).expect_err("should be refused");
    assert!(error.contains(expected), "error {error:?} should mention {expected:?}");
}

#[test]
fn bad_scenarios_are_refused_clearly() {
    refused("{", "not a valid scenario");
    refused("[]", "not a valid scenario");
    let base = r#"{"id":"x","title":"t","summary":"s","setup":{"style":"choreography","services":["order-service"]},"variants":[{"id":"v","title":"t","summary":"s","script":SCRIPT}]}"#;
    refused(&base.replace("SCRIPT", r#"[{"at":0,"do":"fly"}]"#), "unknown action \"fly\"; use one of place_order");
    refused(&base.replace("SCRIPT", r#"[{"at":0,"do":"place_order","customer":1}]"#), "place_order needs \"total\"");
    refused(
        &base.replace("SCRIPT", r#"[{"at":0,"do":"crash","service":"customer-service"}]"#),
        "variants[0].script[0]: crash needs customer-service, which this scenario does not run",
    );
    refused(
        &base.replace("SCRIPT", r#"[{"at":0,"do":"crash","service":"nowhere"}]"#),
        "script[0].service: unknown service \"nowhere\"; use one of order-service",
    );
    refused(&base.replace("SCRIPT", r#"[{"at":0,"do":"crash","service":"order-service","total":5}]"#), "crash does not take \"total\"");
    refused(
        &base.replace("SCRIPT", r#"[{"at":0,"do":"crash","servise":"order-service"}]"#),
        "unknown field \"servise\"; crash takes service",
    );
    refused(&base.replace("\"id\":\"x\"", "\"id\":\"Bad Id\"").replace("SCRIPT", "[]"), "must be lowercase");
    refused(&base.replace("\"services\":[\"order-service\"]", "\"services\":[]").replace("SCRIPT", "[]"), "runs no service");
    assert!(from_json(&base.replace("SCRIPT", r#"[{"at":0,"do":"place_order","customer":1,"total":5}]"#)).is_ok());
    // Services the style's application does not have: FTGO's orders have
    // no customer_id for a customer view to read (this combination used
    // to abort the engine).
    let ftgo = base
        .replace("\"choreography\"", "\"ftgo\"")
        .replace("[\"order-service\"]", "[\"order-service\",\"customer-service\",\"order-history-service\"]");
    refused(&ftgo.replace("SCRIPT", "[]"), "a ftgo scenario cannot run customer-service; its services are order-service, consumer-service");
    refused(&base.replace("[\"order-service\"]", "[\"order-service\",\"order-service\"]").replace("SCRIPT", "[]"), "listed twice");
    // Numbers are bounded, so no time or sum can overflow.
    refused(&base.replace("SCRIPT", r#"[{"at":9223372036854775000,"do":"crash","service":"order-service"}]"#), "numbers must lie between");
    // A field named twice is refused where the second one starts.
    refused(&base.replace("SCRIPT", r#"[{"at":0,"do":"crash","do":"restart","service":"order-service"}]"#), "field \"do\" appears twice");
    let many = vec![r#"{"at":0,"do":"crash","service":"order-service"}"#; scenarios::SCRIPT_LINES_MAX + 1].join(",");
    refused(&base.replace("SCRIPT", &format!("[{many}]")), "script lines; at most");
}

/// Bytes are checked before they are parsed: size first, then UTF-8, as
/// strictly in the browser as natively.
#[test]
fn files_too_large_or_not_utf8_are_refused() {
    let error = scenarios::from_bytes(&vec![b' '; scenarios::FILE_BYTES_MAX + 1]).expect_err("too large");
    assert!(error.contains("may have at most"), "{error}");
    let error = scenarios::from_bytes(b"{\"id\": \"\xff\"}").expect_err("not UTF-8");
    assert_eq!(error, "the file is not UTF-8 text (byte 8 is invalid)");
    let built_in = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/src/scenarios/catalogue/outbox.json")).unwrap();
    assert!(scenarios::from_bytes(&built_in).is_ok());
}

#[test]
fn narration_matches_message_kinds_and_step_kinds() {
    let scenario = scenarios::find("ftgo-create-order").unwrap();
    let timeline = sagascope_engine::sim::Timeline::new(scenario.world(scenario.variant(Some("authorization-fails")).unwrap(), 1), 1000);
    let variant = scenario.variant(Some("authorization-fails")).unwrap();
    let notes: Vec<&str> = timeline.steps().iter().filter_map(|s| scenario.caption(variant, s)).collect();
    assert!(notes.iter().any(|n| n.contains("Compensation runs backwards")), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("APPROVAL_PENDING in the transaction that starts the saga")), "{notes:?}");
}

/// Every caption rule of every scenario is shown by at least one of its
/// variants (a variant's own rules by that variant): a rule whose `on`
/// matches nothing is a typo. A rule for a whole step kind (`handle`,
/// `commit@kitchen-service`, ...) is exempt: it is there for what a
/// learner does with the action buttons, which no script may do.
#[test]
fn every_caption_rule_is_reachable() {
    for scenario in scenarios::catalogue() {
        let shown = |variant: &scenarios::Variant, text: &str| {
            let timeline = sagascope_engine::sim::Timeline::new(scenario.world(variant, 1), 1000);
            timeline.steps().iter().any(|step| scenario.caption(variant, step) == Some(text))
        };
        // A rule after another with the same `on`, or after the bare step
        // kind it narrows (`commit` before `commit@kitchen-service`), is
        // never reached either.
        let rules: Vec<&scenarios::Rule> = scenario.narration.iter().map(|n| &n.on).collect();
        for (i, on) in rules.iter().enumerate() {
            let hidden = rules[..i]
                .iter()
                .any(|earlier| earlier.text == on.text || earlier.kind().is_some_and(|k| earlier.text == k && on.kind() == Some(k)));
            assert!(!hidden, "{}: the caption on {:?} is hidden by an earlier rule", scenario.id, on.text);
        }
        for note in scenario.narration.iter().filter(|n| !n.on.is_fallback()) {
            let any = scenario.variants.iter().any(|variant| shown(variant, &note.text));
            assert!(any, "{}: the caption on {:?} is never shown", scenario.id, note.on.text);
        }
        for variant in &scenario.variants {
            for note in &variant.narration {
                assert!(shown(variant, &note.text), "{}/{}: the caption on {:?} is never shown", scenario.id, variant.id, note.on.text);
            }
        }
    }
}

/// Every step of every lesson variant, at a few seeds, has a caption: the
/// learner always reads what happened and why, not only the log line.
#[test]
fn every_step_of_every_lesson_has_a_caption() {
    let mut missing = Vec::new();
    for scenario in scenarios::catalogue() {
        for variant in &scenario.variants {
            for seed in 1..=3 {
                let timeline = sagascope_engine::sim::Timeline::new(scenario.world(variant, seed), 1000);
                for (n, step) in timeline.steps().iter().enumerate() {
                    if scenario.caption(variant, step).is_none() {
                        missing.push(format!("{}/{} seed {seed} step {}: {}", scenario.id, variant.id, n + 1, step.text));
                    }
                }
            }
        }
    }
    missing.dedup();
    assert!(missing.is_empty(), "{} steps without a caption, e.g.\n{}", missing.len(), missing[..missing.len().min(40)].join("\n"));
}

/// A caption can be narrowed to the service that acts; an unknown service
/// is refused when the file is read.
#[test]
fn a_caption_names_the_acting_service() {
    let file = |on: &str| {
        format!(
            r#"{{"id": "t", "title": "t", "summary": "a lesson to check captions by the service that acts",
            "setup": {{"style": "choreography", "services": ["order-service", "customer-service"], "people": [{{"id": 1, "name": "A", "credit_limit": 100}}]}},
            "variants": [{{"id": "v", "title": "v", "summary": "s", "script": [{{"at": 0, "do": "place_order", "customer": 1, "total": 10}}],
              "narration": [{{"on": "{on}", "text": "only there"}}]}}]}}"#
        )
    };
    let s = from_json(&file("handle@customer-service")).expect("valid");
    let variant = &s.variants[0];
    let timeline = sagascope_engine::sim::Timeline::new(s.world(variant, 1), 100);
    let captioned: Vec<String> = timeline
        .steps()
        .iter()
        .filter(|step| s.caption(variant, step) == Some("only there"))
        .map(|step| format!("{:?} {:?}", step.kind, step.actor))
        .collect();
    assert_eq!(captioned, ["Handle Some(CustomerService)"]);
    let error = from_json(&file("handle@kitchen")).unwrap_err();
    assert!(error.contains("names no service \"kitchen\""), "{error}");
}

/// A variant that starts later (`start_ms`) has steps before its start, to
/// set the scene, and steps after it, to teach: at every seed tried.
#[test]
fn a_variant_start_falls_inside_its_run() {
    let mut starts = 0;
    for scenario in scenarios::catalogue() {
        for variant in scenario.variants.iter().filter(|v| v.start_ms.is_some()) {
            starts += 1;
            let start = variant.start_ms.unwrap();
            for seed in 1..=3 {
                let timeline = sagascope_engine::sim::Timeline::new(scenario.world(variant, seed), 1000);
                let before = timeline.steps().iter().filter(|s| s.time_ms < start).count();
                assert!(
                    before > 0 && before < timeline.len(),
                    "{}/{} seed {seed}: {before} of {} steps before {start} ms",
                    scenario.id,
                    variant.id,
                    timeline.len()
                );
            }
        }
    }
    assert!(starts >= 4, "FTGO cancel and revise start after Create Order");
}

/// Every question is asked: the step it comes before happens in its
/// variant at every seed tried.
#[test]
fn every_question_comes_before_a_step_of_its_variant() {
    let mut questions = 0;
    for scenario in scenarios::catalogue() {
        for variant in &scenario.variants {
            for (index, question) in variant.questions.iter().enumerate() {
                questions += 1;
                for seed in 1..=3 {
                    let timeline = sagascope_engine::sim::Timeline::new(scenario.world(variant, seed), 1000);
                    let asked = timeline.steps().iter().any(|step| scenario.question(variant, step).map(|(i, _)| i) == Some(index));
                    assert!(asked, "{}/{} seed {seed}: {:?} is never asked", scenario.id, variant.id, question.before.text);
                }
            }
        }
    }
    // Every scripted variant asks at least one (the sandbox scripts nothing).
    for scenario in scenarios::catalogue() {
        for variant in scenario.variants.iter().filter(|v| !v.script.is_empty()) {
            assert!(!variant.questions.is_empty(), "{}/{} asks no question", scenario.id, variant.id);
        }
    }
    assert!(questions >= 35, "{questions} questions");
    let bad = r#"{"id": "t", "title": "t", "summary": "a lesson with a question whose answer is not a choice",
        "setup": {"style": "choreography", "services": ["order-service", "customer-service"], "people": []},
        "variants": [{"id": "v", "title": "v", "summary": "s", "questions": [{"before": "commit", "prompt": "p", "choices": ["a", "b"], "answer": 2, "why": "w"}]}]}"#;
    let error = from_json(bad).unwrap_err();
    assert!(error.contains("\"answer\" is the index of a choice, 0 to 1"), "{error}");
}
