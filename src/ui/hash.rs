//! The URL hash contract: `#/` (the course), `#/compare`, and
//! `#/<scenario-id>?step=N&seed=N&variant=V` (a lesson; `guided=0` without
//! questions or pacing, `free=1` its variant in the sandbox, `path=0,2,1`
//! the explorer's choices, which the run follows from its start,
//! `compare=1` shows it beside the lesson's own, and `answered=0.2` the
//! questions already answered, which an embed remembers).
//! Pure functions, so the parsing is tested natively.

/// Where the URL asks the app to be.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Location {
    pub scenario: Option<String>,
    pub variant: Option<String>,
    pub step: Option<usize>,
    pub seed: Option<u64>,
    /// `guided=0`: play without pacing or pauses (tests, teachers who
    /// narrate themselves). Guided is the default.
    pub unguided: bool,
    /// `free=1`: the variant's situation with nothing scripted ("break it
    /// in the sandbox").
    pub free: bool,
    /// `path=...`: choices of the explorer (`sim::choice`), as written.
    pub path: Option<String>,
    /// `compare=1`: the explored run beside the lesson's own.
    pub compare: bool,
    /// `answered=0.2`: the questions answered or skipped in this run, by
    /// index (what an embed remembers, `recall`); what does not parse is
    /// left out.
    pub answered: Vec<usize>,
}

/// The scenario id of the compare page, as the hash spells it.
pub const COMPARE: &str = "compare";

/// The page a hash names: `#/outbox?step=3` names `outbox`, `#/compare`
/// the comparison, `#/` (or nothing) the course, as the empty string.
/// Anything after `?` is options.
pub fn page(hash: &str) -> &str {
    let body = hash.trim_start_matches('#').trim_start_matches('/');
    body.split_once('?').map_or(body, |(path, _)| path)
}

/// Parses a hash such as `#/outbox?step=3&seed=7`, already percent-decoded
/// (the app decodes it with the browser's `decodeURIComponent`). Unknown
/// keys are ignored; a malformed number is an error the app shows. A step
/// beyond any run is clamped to the run's end later, never wrapped.
pub fn parse(hash: &str) -> Result<Location, String> {
    let body = hash.trim_start_matches('#').trim_start_matches('/');
    if body.is_empty() {
        return Ok(Location::default());
    }
    let (path, query) = body.split_once('?').unwrap_or((body, ""));
    let mut location = Location { scenario: (!path.is_empty()).then(|| path.to_string()), ..Location::default() };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let number = |what: &str| value.parse::<u64>().map_err(|_| format!("{what} in the URL must be a whole number, not {value:?}"));
        match key {
            "step" => location.step = Some(usize::try_from(number("step")?).unwrap_or(usize::MAX)),
            "seed" => location.seed = Some(number("seed")?),
            "variant" => location.variant = Some(value.to_string()),
            "guided" => location.unguided = number("guided")? == 0,
            "free" => location.free = number("free")? == 1,
            "path" => location.path = Some(value.to_string()),
            "compare" => location.compare = number("compare")? == 1,
            "answered" => {
                for n in value.split('.') {
                    if let Ok(n) = n.parse() {
                        location.answered.push(n);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(location)
}

/// How the page presents its lesson: embed mode and the options a slide
/// deck sets in the URL. Never an error: a bad value keeps the default
/// and leaves a note to show quietly.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Present {
    /// `embed=1`: the stage, the caption and the controls alone.
    pub embed: bool,
    /// `controls=none|mini|full`; empty: the default (mini in an embed).
    pub controls: &'static str,
    pub autoplay: bool,
    /// `theme=light|dark`; empty: the system's.
    pub theme: &'static str,
    /// `zoom=1.5`, in percent (50 to 300); 0: none.
    pub zoom: u32,
    /// `from=N&to=M`: the steps the embed may show.
    pub from: Option<usize>,
    pub to: Option<usize>,
    /// `caption=0`.
    pub no_caption: bool,
    /// Values refused, each with the default kept.
    pub notes: Vec<String>,
}

/// The presentation options in `hash` (see [`Present`]).
pub fn present(hash: &str) -> Present {
    let mut p = Present::default();
    let query = hash.split_once('?').map_or("", |(_, query)| query);
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let ok = match key {
            "embed" | "autoplay" | "caption" => match value {
                "0" | "1" => {
                    let on = value == "1";
                    match key {
                        "embed" => p.embed = on,
                        "autoplay" => p.autoplay = on,
                        _ => p.no_caption = !on,
                    }
                    true
                }
                _ => false,
            },
            "controls" => ["none", "mini", "full"].iter().find(|c| **c == value).map(|c| p.controls = c).is_some(),
            "theme" => ["light", "dark"].iter().find(|t| **t == value).map(|t| p.theme = t).is_some(),
            "zoom" => percent(value).filter(|z| (50..=300).contains(z)).map(|z| p.zoom = z).is_some(),
            "from" | "to" => value.parse::<usize>().ok().map(|n| if key == "from" { p.from = Some(n) } else { p.to = Some(n) }).is_some(),
            _ => true,
        };
        if !ok {
            let shown: String = value.chars().take(24).collect();
            p.notes.push(format!("{key}={shown} is not a value SagaScope knows; it keeps the default."));
        }
    }
    // Bounds that hold no step at all are no bounds (and would make
    // clamping a step between them panic).
    if let (Some(from), Some(to)) = (p.from, p.to) {
        if from > to {
            p.notes.push(format!("from={from} comes after to={to}; every step is shown."));
            (p.from, p.to) = (None, None);
        }
    }
    p
}

/// `1.5` as 150: a decimal number with at most two places, in percent.
/// (Parsing it as a float would add Rust's float code to the download.)
fn percent(text: &str) -> Option<u32> {
    let (whole, part) = text.split_once('.').unwrap_or((text, ""));
    if part.len() > 2 || !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hundredths = format!("{part:0<2}").parse::<u32>().ok()?;
    whole.parse::<u32>().ok()?.checked_mul(100)?.checked_add(hundredths)
}

impl Present {
    /// The options again, for the end of a hash: a link to this place keeps them.
    pub fn tail(&self) -> String {
        let mut tail = String::new();
        let flags = [(self.embed, "&embed=1"), (self.autoplay, "&autoplay=1"), (self.no_caption, "&caption=0")];
        for (on, text) in flags {
            if on {
                tail += text;
            }
        }
        for (key, value) in [("controls", self.controls), ("theme", self.theme)] {
            if !value.is_empty() {
                tail += &format!("&{key}={value}");
            }
        }
        if self.zoom > 0 {
            tail += &format!("&zoom={}.{:02}", self.zoom / 100, self.zoom % 100);
        }
        for (key, value) in [("from", self.from), ("to", self.to)] {
            if let Some(n) = value {
                tail += &format!("&{key}={n}");
            }
        }
        tail
    }
}

/// The hash for a place in a lesson; `path`: the explorer's choices the
/// run follows (empty: none).
pub fn format(scenario: &str, variant: &str, step: usize, seed: u64, unguided: bool, free: bool, path: &str) -> String {
    let guided = if unguided { "&guided=0" } else { "" };
    let free = if free { "&free=1" } else { "" };
    let path = if path.is_empty() { String::new() } else { format!("&path={path}") };
    format!("#/{scenario}?variant={variant}&step={step}&seed={seed}{guided}{free}{path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(hash: &str, expected: Result<Location, &str>) {
        assert_eq!(parse(hash), expected.map_err(str::to_string), "{hash}");
    }

    fn at(scenario: &str, step: Option<usize>, seed: Option<u64>) -> Location {
        Location { scenario: Some(scenario.into()), step, seed, ..Location::default() }
    }

    #[test]
    fn hashes() {
        check("", Ok(Location::default()));
        check("#/", Ok(Location::default()));
        check("#/outbox", Ok(at("outbox", None, None)));
        check("#/outbox?step=3&seed=7", Ok(at("outbox", Some(3), Some(7))));
        check("#/outbox?seed=7&unknown=1", Ok(at("outbox", None, Some(7))));
        assert!(parse("#/outbox?guided=0").unwrap().unguided);
        assert!(!parse("#/outbox?guided=1").unwrap().unguided);
        assert_eq!(format("outbox", "dual-write", 3, 7, true, false, ""), "#/outbox?variant=dual-write&step=3&seed=7&guided=0");
        assert!(parse(&format("outbox", "dual-write", 3, 7, false, true, "")).unwrap().free);
        let explored = format("isolation", "no-countermeasure", 7, 1, false, false, "0,1,dup:3:customer-service");
        assert_eq!(parse(&explored).unwrap().path.as_deref(), Some("0,1,dup:3:customer-service"));
        assert!(parse(&format!("{explored}&compare=1")).unwrap().compare);
        assert!(!parse(&explored).unwrap().compare);
        assert!(!parse("#/outbox?free=0").unwrap().free);
        assert_eq!(parse("#/outbox?answered=0.2").unwrap().answered, [0, 2]);
        assert_eq!(parse("#/outbox?answered=x.1..-1.99999999999999999999999").unwrap().answered, [1]);
        check("#/outbox?step=x", Err("step in the URL must be a whole number, not \"x\""));
        check("#/outbox?seed=-1", Err("seed in the URL must be a whole number, not \"-1\""));
        let with_variant = parse("#/outbox?variant=dual-write").unwrap();
        assert_eq!(with_variant.variant.as_deref(), Some("dual-write"));
        // A step too large for this machine opens the end, never wraps.
        let huge = parse("#/outbox?step=18446744073709551615").unwrap();
        assert!(huge.step.is_some_and(|s| s >= u32::MAX as usize));
    }

    #[test]
    fn only_the_compare_page_is_the_compare_page() {
        assert_eq!(page("#/compare"), COMPARE);
        assert_eq!(page("#/compare?step=3"), COMPARE);
        assert_ne!(page("#/compareXYZ"), COMPARE);
        assert_ne!(page("#/outbox"), COMPARE);
        for course in ["", "#", "#/", "#/?step=3"] {
            assert_eq!(page(course), "", "{course}");
        }
    }

    #[test]
    fn presentation_options_fall_back_to_their_defaults_with_a_note() {
        let p = present("#/outbox?variant=outbox&embed=1&controls=none&autoplay=1&theme=dark&zoom=1.5&from=2&to=9&caption=0");
        let expected = Present {
            embed: true,
            controls: "none",
            autoplay: true,
            theme: "dark",
            zoom: 150,
            from: Some(2),
            to: Some(9),
            no_caption: true,
            notes: Vec::new(),
        };
        assert_eq!(p, expected);
        assert_eq!(present(&format!("#/outbox?{}", p.tail())), expected, "the tail carries every option");
        assert_eq!(present("#/outbox?zoom=2").zoom, 200);
        let bad = present("#/outbox?embed=yes&controls=<b>&theme=blue&zoom=9&zoom=1.234&zoom=-1&from=-3&to=x&caption=2");
        assert_eq!(Present { notes: Vec::new(), ..bad.clone() }, Present::default());
        assert_eq!(bad.notes.len(), 9, "{:?}", bad.notes);
        assert!(bad.notes[1].starts_with("controls=<b> is not a value"));
        let long = present(&format!("#/outbox?theme={}", "x".repeat(10_000)));
        assert!(long.notes[0].len() < 100, "a long value is cut short in the note");
        assert_eq!(present("#/outbox").tail(), "");
        let backwards = present("#/outbox?from=9&to=2");
        assert_eq!((backwards.from, backwards.to, backwards.notes.len()), (None, None, 1), "from after to keeps no bounds");
    }

    #[test]
    fn format_round_trips() {
        let hash = format("cqrs-view", "lag", 12, 5, false, false, "");
        let location = parse(&hash).unwrap();
        assert_eq!(
            (location.scenario.as_deref(), location.variant.as_deref(), location.step, location.seed),
            (Some("cqrs-view"), Some("lag"), Some(12), Some(5))
        );
    }
}
