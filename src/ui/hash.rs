//! The URL hash contract: `#/` (the course), `#/compare`, and
//! `#/<scenario-id>?step=N&seed=N&variant=V` (a lesson; `guided=0` without
//! questions or pacing, `free=1` its variant in the sandbox).
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
            _ => {}
        }
    }
    Ok(location)
}

/// The hash for a place in a lesson.
pub fn format(scenario: &str, variant: &str, step: usize, seed: u64, unguided: bool, free: bool) -> String {
    let guided = if unguided { "&guided=0" } else { "" };
    let free = if free { "&free=1" } else { "" };
    format!("#/{scenario}?variant={variant}&step={step}&seed={seed}{guided}{free}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(hash: &str, expected: Result<Location, &str>) {
        assert_eq!(parse(hash), expected.map_err(str::to_string), "{hash}");
    }

    fn at(scenario: &str, step: Option<usize>, seed: Option<u64>) -> Location {
        Location { scenario: Some(scenario.into()), variant: None, step, seed, unguided: false, free: false }
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
        assert_eq!(format("outbox", "dual-write", 3, 7, true, false), "#/outbox?variant=dual-write&step=3&seed=7&guided=0");
        assert!(parse(&format("outbox", "dual-write", 3, 7, false, true)).unwrap().free);
        assert!(!parse("#/outbox?free=0").unwrap().free);
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
    fn format_round_trips() {
        let hash = format("cqrs-view", "lag", 12, 5, false, false);
        let location = parse(&hash).unwrap();
        assert_eq!(
            (location.scenario.as_deref(), location.variant.as_deref(), location.step, location.seed),
            (Some("cqrs-view"), Some("lag"), Some(12), Some(5))
        );
    }
}
