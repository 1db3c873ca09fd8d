//! The learner's progress across visits: which questions they answered,
//! kept in `localStorage` as one line of `lesson/variant/question` entries.
//! Where storage is unavailable (private windows, sandboxed frames, some
//! `file://` pages) nothing is remembered and everything else works.

use leptos::prelude::window;

const KEY: &str = "sagascope-answered";

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn entries() -> String {
    storage().and_then(|s| s.get_item(KEY).ok().flatten()).unwrap_or_default()
}

/// Remembers that question `index` of `lesson`'s `variant` was answered.
pub fn record(lesson: &str, variant: &str, index: usize) {
    let entry = format!("{lesson}/{variant}/{index}");
    let mut all = entries();
    if all.split(' ').any(|e| e == entry) {
        return;
    }
    if !all.is_empty() {
        all.push(' ');
    }
    all.push_str(&entry);
    if let Some(storage) = storage() {
        let _ = storage.set_item(KEY, &all);
    }
}

/// How many of `lesson`'s questions were ever answered, per lesson id.
pub fn answered(lesson: &str) -> usize {
    entries().split(' ').filter(|e| e.split('/').next() == Some(lesson)).count()
}
