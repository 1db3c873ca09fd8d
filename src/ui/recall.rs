//! An embed remembers where it was: reveal.js unloads a `data-src` iframe
//! when its slide is left and loads it again from its original `src` when
//! the slide comes back, and a host page may remove an iframe and add it
//! again. Both start the app afresh from the URL the iframe was given, so
//! an embed (`embed=1`) keeps its lesson, variant, seed, step and answered
//! questions in `sessionStorage` (this tab, this origin, until the tab
//! closes) under that first URL, and a later load of the same URL opens
//! what was remembered instead of the URL's own `step=`.
//!
//! What is kept is the hash the app writes for where it stands, with the
//! answered questions as `answered=0.2`, and it is put back in the URL's
//! place before the app reads its URL: the URL's own parser reads it, and
//! what does not parse as a place in a built-in lesson with the first
//! URL's presentation options is ignored (the URL is followed). Without
//! storage (blocked, full, a sandboxed frame) nothing is remembered and
//! the rest works.

use std::cell::{Cell, RefCell};

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use super::state::Lesson;
use super::{hash, lessons};

/// Longer than any hash the app writes (an explored path included).
const KEPT_MAX: usize = 16_384;

thread_local! {
    /// The URL the page was first loaded with: what Player.js hosts know
    /// the frame by (its `src`), and in an embed the storage key.
    static FIRST_URL: RefCell<String> = const { RefCell::new(String::new()) };
    static EMBED: Cell<bool> = const { Cell::new(false) };
    /// Set by [`forget`]: the next save is skipped, so a reload follows
    /// the URL again.
    static SKIP_SAVE: Cell<bool> = const { Cell::new(false) };
}

/// Whether `kept` is a hash to open for a page first loaded at a URL with
/// the hash `first`: a place in a built-in lesson (one from a file is gone
/// with the page) with the same presentation options. Never a panic.
fn fits(kept: &str, first: &str) -> bool {
    kept.len() <= KEPT_MAX
        && lessons::is_built_in(hash::page(kept))
        && hash::present(kept).tail() == hash::present(first).tail()
        && hash::parse(kept).is_ok()
}

/// The hash of `url`, percent-decoded as the app reads its own.
fn hash_of(url: &str) -> String {
    let hash = url.split_once('#').map_or("", |(_, h)| h);
    web_sys::js_sys::decode_uri_component(hash).map(String::from).unwrap_or_else(|_| hash.to_string())
}

fn storage() -> Option<web_sys::Storage> {
    window().session_storage().ok().flatten()
}

fn key() -> String {
    format!("sagascope-embed {}", first_url())
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

/// Called once, before the app reads its URL: notes the first URL and, in
/// an embed, puts what was remembered for it in the URL's place.
pub fn start() {
    let location = window().location();
    let href = location.href().unwrap_or_default();
    let origin = location.origin().unwrap_or_default();
    let options = hash::present(&hash_of(&href)).tail();
    // A reloaded frame: the app wrote its first URL in the history entry
    // (unless the options changed, which makes a new page of it).
    let first = window()
        .history()
        .ok()
        .and_then(|h| h.state().ok())
        .and_then(|s| s.as_string())
        .filter(|s| !origin.is_empty() && s.starts_with(&origin) && hash::present(&hash_of(s)).tail() == options)
        .unwrap_or(href);
    let embed = hash::present(&hash_of(&first)).embed;
    FIRST_URL.set(first);
    EMBED.set(embed);
    if !embed {
        return;
    }
    let first_hash = hash_of(&first_url());
    let kept = storage().and_then(|s| s.get_item(&key()).ok().flatten()).filter(|kept| fits(kept, &first_hash));
    if let (Some(kept), Ok(history)) = (kept, window().history()) {
        let _ = history.replace_state_with_url(&history_state(), "", Some(&kept));
    }
}

/// In an embed, keeps `hash`, where the lesson stands, and its answered
/// questions (on every change, so a frame removed while playing comes
/// back at the step it showed).
pub fn save(lesson: Lesson, hash: &str) {
    if !EMBED.get() || SKIP_SAVE.replace(false) {
        return;
    }
    let mut kept = hash.to_string();
    for (i, n) in lesson.answered_untracked().iter().enumerate() {
        kept += if i == 0 { "&answered=" } else { "." };
        kept += &n.to_string();
    }
    if let Some(storage) = storage() {
        let _ = storage.set_item(&key(), &kept);
    }
}

/// Whether the page is an embed that remembers where it stands.
pub fn remembering() -> bool {
    EMBED.get()
}

/// Forgets what the embed remembered (the host's `reset`): until the
/// learner moves again, a reload follows the URL.
pub fn forget() {
    if !EMBED.get() {
        return;
    }
    SKIP_SAVE.set(true);
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&key());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIRST: &str = "#/outbox?variant=dual-write&embed=1";

    #[test]
    fn a_kept_place_fits_its_embed() {
        assert!(fits("#/outbox?variant=dual-write&step=3&seed=1&embed=1", FIRST));
        assert!(fits("#/choreography?variant=rejected&step=3&seed=7&embed=1&answered=0.1", FIRST));
    }

    #[test]
    fn anything_else_is_ignored() {
        let bad = [
            String::new(),
            "x".into(),
            // Not a built-in lesson, a bad step, other presentation options.
            "#/".into(),
            "#/compare?embed=1".into(),
            "#/my-own-lesson?step=3&embed=1".into(),
            "#/outbox?step=x&embed=1".into(),
            "#/outbox?step=-3&embed=1".into(),
            "#/outbox?step=3".into(),
            "#/outbox?step=3&embed=1&theme=dark".into(),
            format!("#/outbox?embed=1&variant={}", "x".repeat(KEPT_MAX)),
            "\u{0}\u{ffff}".into(),
        ];
        for kept in bad {
            assert!(!fits(&kept, FIRST), "{kept:.60}");
        }
    }
}
