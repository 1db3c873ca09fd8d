//! Ordered maps and sets kept as sorted vectors.
//!
//! The engine needs its collections ordered (iteration order is part of the
//! trace, so it must not depend on hashing) and small in the wasm download.
//! `BTreeMap` is ordered but instantiates several kilobytes of node code for
//! every key and value type; the engine used fifteen such pairs, about 55 KB
//! of the app. A sorted `Vec` with binary search is a few hundred bytes per
//! pair, clones a checkpoint with one allocation, and is fast for the sizes a
//! lesson reaches (new keys mostly arrive in order, at the end).

use std::borrow::Borrow;
use std::ops::Index;

/// A map ordered by key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SortedMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap { entries: Vec::new() }
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Where `key` is (`Ok`) or would go (`Err`).
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Inserts or replaces; returns the value replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// The value at `key`, inserting `make()` first if there is none.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (key, make()));
                i
            }
        };
        &mut self.entries[i].1
    }

    /// The entries with keys in `from..to`, in order, found by binary search.
    pub fn range(&self, from: &K, to: &K) -> impl DoubleEndedIterator<Item = (&K, &V)> {
        let start = self.find(from).unwrap_or_else(|i| i);
        let end = self.find(to).unwrap_or_else(|i| i).max(start);
        self.entries[start..end].iter().map(|(k, v)| (k, v))
    }

    /// Removes and returns the entries with keys `>= key`.
    pub fn split_off(&mut self, key: &K) -> Self {
        let at = self.find(key).unwrap_or_else(|i| i);
        SortedMap { entries: self.entries.split_off(at) }
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&K, &mut V)> {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }
}

/// Later entries win over earlier ones with the same key, as in `BTreeMap`.
impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = SortedMap::new();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

impl<'a, K, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> Index<&Q> for SortedMap<K, V> {
    type Output = V;

    /// Panics if `key` is absent, like `BTreeMap`'s index.
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("key in map")
    }
}

/// Serialized as a JSON object, like `BTreeMap`, for `--format jsonl`.
impl<K: Ord + serde::Serialize, V: serde::Serialize> serde::Serialize for SortedMap<K, V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

/// A set ordered by value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SortedSet<T>(SortedMap<T, ()>);

impl<T> Default for SortedSet<T> {
    fn default() -> Self {
        SortedSet(SortedMap::default())
    }
}

impl<T: Ord> SortedSet<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `value`; false if it was there already.
    pub fn insert(&mut self, value: T) -> bool {
        self.0.insert(value, ()).is_none()
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.0.remove(value).is_some()
    }

    pub fn contains<Q: Ord + ?Sized>(&self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.0.contains_key(value)
    }

    pub fn first(&self) -> Option<&T> {
        self.0.keys().next()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> {
        self.0.keys()
    }
}

impl<T: Ord> FromIterator<T> for SortedSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        SortedSet(iter.into_iter().map(|v| (v, ())).collect())
    }
}

/// Values popped smallest key first: the world's agenda of events.
///
/// Kept sorted with the smallest key last, so a pop takes the end of the
/// vector. New events are usually due soon, so they too go near the end;
/// a scripted run's hundreds of future actions stay at the front untouched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MinQueue<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for MinQueue<K, V> {
    fn default() -> Self {
        MinQueue { entries: Vec::new() }
    }
}

impl<K: Ord, V> MinQueue<K, V> {
    pub fn push(&mut self, key: K, value: V) {
        let at = self.entries.partition_point(|(k, _)| *k > key);
        self.entries.insert(at, (key, value));
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Every entry, smallest key first.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.entries.iter().rev().map(|(k, v)| (k, v))
    }

    /// Every value, in no particular order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }

    /// Removes the entry that [`MinQueue::iter`] yields at `index`.
    pub fn remove_nth(&mut self, index: usize) -> Option<(K, V)> {
        let at = self.entries.len().checked_sub(index + 1)?;
        Some(self.entries.remove(at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_keys_in_order_and_replaces_equal_keys() {
        let mut map = SortedMap::new();
        for (k, v) in [(5, "e"), (1, "a"), (3, "c"), (1, "A")] {
            map.insert(k, v);
        }
        assert_eq!(map.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>(), [(1, "A"), (3, "c"), (5, "e")]);
        assert_eq!(map.remove(&3), Some("c"));
        assert_eq!(map.range(&0, &5).count(), 1);
        assert_eq!(map.remove(&1), Some("A"));
        *map.get_or_insert_with(7, || "g") = "G";
        assert_eq!(map.split_off(&6).iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>(), [(7, "G")]);
        assert_eq!(map.keys().copied().collect::<Vec<_>>(), [5]);
    }

    #[test]
    fn a_queue_pops_the_smallest_key_first() {
        let mut queue = MinQueue::default();
        for (k, v) in [(3, 'c'), (1, 'a'), (2, 'b'), (5, 'e')] {
            queue.push(k, v);
        }
        assert_eq!(queue.remove_nth(0), Some((1, 'a')));
        queue.push(0, 'z');
        let order: Vec<char> = std::iter::from_fn(|| queue.remove_nth(0)).map(|(_, v)| v).collect();
        assert_eq!(order, ['z', 'b', 'c', 'e']);
        assert!(queue.is_empty());
    }

    #[test]
    fn a_queue_lists_smallest_first_and_removes_any_entry() {
        let mut queue = MinQueue::default();
        for (k, v) in [(3, 'c'), (1, 'a'), (2, 'b')] {
            queue.push(k, v);
        }
        assert_eq!(queue.iter().map(|(_, v)| *v).collect::<Vec<_>>(), ['a', 'b', 'c']);
        assert_eq!(queue.remove_nth(1), Some((2, 'b')));
        assert_eq!(queue.remove_nth(5), None);
        assert_eq!(queue.len(), 2);
        assert_eq!(queue.remove_nth(0), Some((1, 'a')));
    }

    #[test]
    fn a_set_holds_each_value_once() {
        let mut set: SortedSet<u64> = [4, 2, 4].into_iter().collect();
        assert!(!set.insert(2));
        assert!(set.insert(1));
        assert_eq!(set.first(), Some(&1));
        assert!(set.remove(&4) && !set.contains(&4));
        assert_eq!(set.len(), 2);
    }
}
