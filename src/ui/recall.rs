//! An embed remembers where it was: reveal.js unloads a `data-src` iframe
//! when its slide is left and loads it again from its original `src` when
//! the slide comes back, and a host page may remove an iframe and add it
//! again. Both start the app afresh from the URL the iframe was given, so
//! an embed (`embed=1`) keeps its lesson, variant, seed, step and answered
//! questions in `sessionStorage` (this tab, this origin, until the tab
//! closes) under that first URL, and a later load of the same URL opens
//! what was remembered instead of the URL's own `step=`.
//!
//! The remembered place is kept as the hash the app would write for it,
//! so it is read back through the URL's own parser: what does not parse,
//! or names other presentation options than the URL's, is ignored and the
//! URL is followed. Without storage (blocked, full, a sandboxed frame)
//! nothing is remembered and the rest works.

use std::cell::{Cell, RefCell};

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use super::state::Lesson;
use super::{hash, lessons};

const KEY_PREFIX: &str = "sagascope-embed ";
/// The stored text's first word: a later format can tell this one apart.
const FORMAT: &str = "1";
/// More than any variant asks: a longer stored list is not ours.
const ANSWERED_MAX: usize = 64;
/// Longer than any hash the app writes (an explored path included).
const STORED_MAX: usize = 16_384;

thread_local! {
    /// The URL the page was first loaded with: the key, and what Player.js
    /// hosts know the frame by (its `src`).
    static FIRST_URL: RefCell<String> = const { RefCell::new(String::new()) };
    /// The storage key, in an embed.
    static KEY: RefCell<Option<String>> = const { RefCell::new(None) };
    /// Remembered answers, waiting for their lesson to open: its hash and
    /// the questions' indexes.
    static PENDING: RefCell<Option<(String, Vec<usize>)>> = const { RefCell::new(None) };
    /// Set by [`forget`]: the next save is skipped, so a reload follows
    /// the URL again.
    static SKIP_SAVE: Cell<bool> = const { Cell::new(false) };
}

/// The text kept for a place: `1 <answered, dot-separated or -> <hash>`.
fn entry(answered: &[usize], hash: &str) -> String {
    let answered = if answered.is_empty() { "-".to_string() } else { answered.iter().map(usize::to_string).collect::<Vec<_>>().join(".") };
    format!("{FORMAT} {answered} {hash}")
}

/// Reads a kept text back: the answered questions and the hash, if it is
/// one the app could have written for a page with the presentation
/// options of `first_hash`. Anything else is `None`; never a panic.
fn read(text: &str, first_hash: &str) -> Option<(Vec<usize>, String)> {
    if text.len() > STORED_MAX {
        return None;
    }
    let mut parts = text.splitn(3, ' ');
    let (format, answered, remembered) = (parts.next()?, parts.next()?, parts.next()?);
    if format != FORMAT {
        return None;
    }
    let answered: Vec<usize> = match answered {
        "-" => Vec::new(),
        list => list.split('.').map(|n| n.parse().ok()).collect::<Option<_>>()?,
    };
    // A built-in lesson: one from a file is gone with the page.
    let lesson_page = lessons::is_built_in(hash::page(remembered));
    let same_options = hash::present(remembered).tail() == hash::present(first_hash).tail();
    let fits = answered.len() <= ANSWERED_MAX && lesson_page && same_options && hash::parse(remembered).is_ok();
    fits.then(|| (answered, remembered.to_string()))
}

fn storage() -> Option<web_sys::Storage> {
    window().session_storage().ok().flatten()
}

/// The URL the page was first loaded with (after a reload of the frame,
/// still the one it was given; see [`history_state`]).
pub fn first_url() -> String {
    FIRST_URL.with_borrow(Clone::clone)
}

/// What the app keeps as its history entry's state when it rewrites the
/// URL: the first URL, so a reload of the frame still knows it.
pub fn history_state() -> JsValue {
    JsValue::from_str(&first_url())
}

/// The hash of `url`, percent-decoded as the app reads its own.
fn hash_of(url: &str) -> String {
    let hash = url.split_once('#').map_or(String::new(), |(_, h)| format!("#{h}"));
    web_sys::js_sys::decode_uri_component(&hash).map(String::from).unwrap_or(hash)
}

/// Called once, before the app reads its URL: notes the first URL and, in
/// an embed, puts what was remembered for it in the URL's place.
pub fn start() {
    let location = window().location();
    let href = location.href().unwrap_or_default();
    let origin = location.origin().unwrap_or_default();
    let options = hash::present(&hash_of(&href));
    // A reloaded frame: the app wrote its first URL in the history entry
    // (unless the options changed, which makes a new page of it).
    let first = window()
        .history()
        .ok()
        .and_then(|h| h.state().ok())
        .and_then(|s| s.as_string())
        .filter(|s| !origin.is_empty() && s.starts_with(&origin) && hash::present(&hash_of(s)).tail() == options.tail())
        .unwrap_or(href);
    FIRST_URL.set(first.clone());
    if !options.embed {
        return;
    }
    let key = format!("{KEY_PREFIX}{first}");
    let kept = storage().and_then(|s| s.get_item(&key).ok().flatten()).and_then(|text| read(&text, &hash_of(&first)));
    KEY.set(Some(key));
    if let Some((answered, remembered)) = kept {
        if let Ok(history) = window().history() {
            if history.replace_state_with_url(&history_state(), "", Some(&remembered)).is_ok() {
                PENDING.set(Some((remembered, answered)));
            }
        }
    }
}

/// In an embed: gives the lesson the questions it had answered, then
/// keeps where it stands (on every change, so a frame removed while
/// playing comes back at the step it showed).
pub fn keep(lesson: Lesson) {
    let Some(key) = KEY.with_borrow(Clone::clone) else { return };
    if let Some((remembered, answered)) = PENDING.take() {
        // Only if the lesson remembered is the one that opened (a lesson
        // no longer built in opens the first one instead).
        let named = hash::parse(&remembered).ok().map(|l| (l.scenario, l.variant));
        let opened = lesson.with_untracked(|i| (Some(i.scenario.id.clone()), Some(i.scenario.variants[i.variant].id.clone())));
        if named == Some(opened) {
            lesson.mark_answered(&answered);
        }
    }
    Effect::new(move |_| {
        let hash = lesson.hash();
        if SKIP_SAVE.replace(false) {
            return;
        }
        if let Some(storage) = storage() {
            let _ = storage.set_item(&key, &entry(&lesson.answered_untracked(), &hash));
        }
    });
}

/// Forgets what the embed remembered (the host's `reset`): until the
/// learner moves again, a reload follows the URL.
pub fn forget() {
    let Some(key) = KEY.with_borrow(Clone::clone) else { return };
    SKIP_SAVE.set(true);
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIRST: &str = "#/outbox?variant=dual-write&embed=1";

    #[test]
    fn a_kept_place_reads_back() {
        let hash = "#/outbox?variant=dual-write&step=3&seed=1&embed=1";
        assert_eq!(read(&entry(&[0, 2], hash), FIRST), Some((vec![0, 2], hash.to_string())));
        assert_eq!(read(&entry(&[], hash), FIRST), Some((Vec::new(), hash.to_string())));
    }

    #[test]
    fn anything_else_is_ignored() {
        let bad = [
            String::new(),
            "1".into(),
            "1 -".into(),
            "2 - #/outbox?step=3&embed=1".into(),
            "1 x #/outbox?step=3&embed=1".into(),
            "1 0..1 #/outbox?step=3&embed=1".into(),
            "1 -1 #/outbox?step=3&embed=1".into(),
            "1 99999999999999999999999 #/outbox?step=3&embed=1".into(),
            // Not a lesson, a bad step, other presentation options.
            "1 - #/".into(),
            "1 - #/compare?embed=1".into(),
            "1 - #/my-own-lesson?step=3&embed=1".into(),
            "1 - #/outbox?step=x&embed=1".into(),
            "1 - #/outbox?step=3".into(),
            "1 - #/outbox?step=3&embed=1&theme=dark".into(),
            format!("1 {} #/outbox?embed=1", vec!["1"; ANSWERED_MAX + 1].join(".")),
            format!("1 - #/outbox?embed=1&variant={}", "x".repeat(STORED_MAX)),
            "1 - \u{0}\u{ffff}".into(),
        ];
        for text in bad {
            assert_eq!(read(&text, FIRST), None, "{text:.60}");
        }
    }
}
