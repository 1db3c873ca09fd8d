//! `Shared<T>`: a value copied only when it changes, with its fingerprint
//! kept until then. A search clones a world for every state it reaches and
//! fingerprints each; a step changes one or two services, so sharing the
//! others (and their fingerprints) makes both cost what changed, not the
//! whole world. The hasher fingerprints are made with lives here too, below
//! `world`, which fingerprints the rest.

use std::cell::Cell;
use std::hash::{Hash, Hasher};
use std::ops::{Deref, DerefMut};
use std::rc::Rc;

/// A shared value, copied on its first change after a clone (`Rc::make_mut`).
#[derive(Clone, Debug)]
pub struct Shared<T> {
    value: Rc<T>,
    /// The value's fingerprint once computed, forgotten on a change.
    fingerprint: FingerprintCache,
}

impl<T> Shared<T> {
    pub fn new(value: T) -> Self {
        Shared { value: Rc::new(value), fingerprint: FingerprintCache::default() }
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: Clone> DerefMut for Shared<T> {
    /// Any change: the fingerprint is computed again when next asked.
    fn deref_mut(&mut self) -> &mut T {
        self.fingerprint.forget();
        Rc::make_mut(&mut self.value)
    }
}

impl<T: PartialEq> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.value, &other.value) || *self.value == *other.value
    }
}

impl<T: Eq> Eq for Shared<T> {}

impl<T: Hash> Hash for Shared<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.fingerprint.of(|own| self.value.hash(own)));
    }
}

/// A fingerprint computed once and kept, which equality and copies ignore:
/// two values are equal whether or not either was hashed yet.
#[derive(Clone, Debug, Default)]
pub(crate) struct FingerprintCache(Cell<u64>);

impl FingerprintCache {
    /// The fingerprint `hash` writes, computed on the first call.
    pub(crate) fn of(&self, hash: impl FnOnce(&mut FingerprintHasher)) -> u64 {
        if self.0.get() == 0 {
            let mut own = FingerprintHasher::default();
            hash(&mut own);
            // 0 means "not yet": a fingerprint of 0 is taken as 1.
            self.0.set(own.finish().max(1));
        }
        self.0.get()
    }

    /// The value changed: computed again when next asked.
    pub(crate) fn forget(&self) {
        self.0.set(0);
    }
}

impl PartialEq for FingerprintCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for FingerprintCache {}

/// A fast 64-bit hasher for fingerprints: each word is mixed in with a
/// multiply and a rotation, and the result is finished as SplitMix64 does,
/// so structured inputs (small integers, short names) spread over all 64
/// bits. Deterministic: no per-process key.
#[derive(Default)]
pub struct FingerprintHasher(u64);

impl Hasher for FingerprintHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0 ^ word).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
    }

    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}
