//! The learner's progress across visits: which questions they answered,
//! kept in `localStorage` as one line of `lesson/variant/question` entries.
//! Where storage is unavailable (private windows, sandboxed frames, some
//! `file://` pages) nothing is remembered and everything else works.

use leptos::prelude::window;

const KEY: &str = "sagascope-answered";

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn entries(storage: &web_sys::Storage) -> String {
    storage.get_item(KEY).ok().flatten().unwrap_or_default()
}

/// Remembers that question `index` of `lesson`'s `variant` was answered.
pub fn record(lesson: &str, variant: &str, index: usize) {
    let Some(storage) = storage() else { return };
    let entry = format!("{lesson}/{variant}/{index}");
    let mut all = entries(&storage);
    if all.split(' ').any(|e| e == entry) {
        return;
    }
    if !all.is_empty() {
        all.push(' ');
    }
    all.push_str(&entry);
    let _ = storage.set_item(KEY, &all);
}

/// How many of `lesson`'s questions were ever answered, per lesson id.
pub fn answered(lesson: &str) -> usize {
    storage().map_or(0, |storage| entries(&storage).split(' ').filter(|e| e.split('/').next() == Some(lesson)).count())
}
