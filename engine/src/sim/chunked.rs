//! An ordered map for the tables that grow with a run (rows, outbox, saga
//! instances, view documents), stored as shared chunks.
//!
//! The timeline keeps a clone of the world every 64 steps. With a plain
//! sorted vector each clone copies every row, so a run's memory grew with
//! the square of its length (5,000 orders: 518 MB). Here a clone copies one
//! pointer per chunk and a write copies only the chunk it changes
//! (copy-on-write through `Rc::make_mut`), so checkpoints share everything
//! they have in common. The same sharing lets the checker find what a step
//! changed without reading the whole table ([`ChunkedMap::changed_since`]).

use std::borrow::Borrow;
use std::ops::Index;
use std::rc::Rc;

/// Most entries in one chunk: a write copies at most this many, a clone
/// copies `len / CHUNK` pointers.
const CHUNK: usize = 32;

type Chunk<K, V> = Rc<Vec<(K, V)>>;

/// A map ordered by key, in chunks shared between clones. Chunks are never
/// empty and every key of a chunk is smaller than every key of the next.
#[derive(Clone, Debug)]
pub struct ChunkedMap<K, V> {
    chunks: Vec<Chunk<K, V>>,
    len: usize,
}

impl<K, V> Default for ChunkedMap<K, V> {
    fn default() -> Self {
        ChunkedMap { chunks: Vec::new(), len: 0 }
    }
}

/// Equal when the entries are: how the chunks happen to be cut is not
/// part of a map's value.
impl<K: PartialEq, V: PartialEq> PartialEq for ChunkedMap<K, V> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<K: Eq, V: Eq> Eq for ChunkedMap<K, V> {}

/// A chunk's entries, as a function pointer (so [`Iter`] can be named).
type Entries<'a, K, V> = fn(&'a Chunk<K, V>) -> &'a [(K, V)];
/// An entry as a pair of references.
type Pair<'a, K, V> = fn(&'a (K, V)) -> (&'a K, &'a V);

/// The iterator over a map's entries, in key order.
pub type Iter<'a, K, V> =
    std::iter::Map<std::iter::FlatMap<std::slice::Iter<'a, Chunk<K, V>>, &'a [(K, V)], Entries<'a, K, V>>, Pair<'a, K, V>>;

fn entries<K, V>(chunk: &Chunk<K, V>) -> &[(K, V)] {
    chunk
}

fn pair<K, V>((k, v): &(K, V)) -> (&K, &V) {
    (k, v)
}

impl<K, V> ChunkedMap<K, V> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn iter<'a>(&'a self) -> Iter<'a, K, V> {
        let entries: Entries<'a, K, V> = entries;
        let pair: Pair<'a, K, V> = pair;
        self.chunks.iter().flat_map(entries).map(pair)
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> {
        self.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> {
        self.iter().map(|(_, v)| v)
    }

    /// The entries of every chunk `before` does not share: a superset of
    /// what was inserted or changed since `before` was cloned from this
    /// map's history (removed entries are not reported).
    pub fn changed_since<'a>(&'a self, before: &'a Self) -> impl Iterator<Item = (&'a K, &'a V)>
    where
        K: Ord,
    {
        // Both lists are in key order and a shared chunk covers the same
        // keys in both: walking them side by side finds it in one pass.
        let mut theirs = before.chunks.iter().peekable();
        self.chunks
            .iter()
            .filter(move |mine| {
                let first = &mine[0].0;
                while theirs.next_if(|c| c.last().is_some_and(|(k, _)| k < first)).is_some() {}
                !theirs.peek().is_some_and(|c| Rc::ptr_eq(c, mine))
            })
            .flat_map(|c| c.iter().map(pair))
    }
}

impl<K: Ord + Clone, V: Clone> ChunkedMap<K, V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// The chunk that holds `key` or, if none does, the one it would go
    /// into (the last chunk for a key beyond every other).
    fn chunk_of<Q: Ord + ?Sized>(&self, key: &Q) -> usize
    where
        K: Borrow<Q>,
    {
        let at = self.chunks.partition_point(|c| c.last().is_some_and(|(k, _)| k.borrow() < key));
        at.min(self.chunks.len().saturating_sub(1))
    }

    /// The chunk and the position within it of `key`, if present.
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Option<(usize, usize)>
    where
        K: Borrow<Q>,
    {
        let c = self.chunk_of(key);
        let chunk = self.chunks.get(c)?;
        chunk.binary_search_by(|(k, _)| k.borrow().cmp(key)).ok().map(|i| (c, i))
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).map(|(c, i)| &self.chunks[c][i].1)
    }

    /// The value at `key`, to change: its chunk is copied first if a
    /// clone of this map still shares it.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        let (c, i) = self.find(key)?;
        Some(&mut Rc::make_mut(&mut self.chunks[c])[i].1)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_some()
    }

    /// Inserts or replaces; returns the value replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        if self.chunks.is_empty() {
            self.chunks.push(Rc::new(Vec::with_capacity(CHUNK)));
        }
        let c = self.chunk_of(&key);
        let last_chunk = c + 1 == self.chunks.len();
        let chunk = Rc::make_mut(&mut self.chunks[c]);
        let i = match chunk.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(i) => return Some(std::mem::replace(&mut chunk[i].1, value)),
            Err(i) => i,
        };
        let appended = last_chunk && i == chunk.len();
        chunk.insert(i, (key, value));
        self.len += 1;
        if chunk.len() > CHUNK {
            // Keys mostly arrive in order: a full last chunk stays full and
            // the new key starts the next one. Elsewhere, split in halves.
            let at = if appended { CHUNK } else { chunk.len() / 2 };
            let rest = chunk.split_off(at);
            self.chunks.insert(c + 1, Rc::new(rest));
        }
        None
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        let (c, i) = self.find(key)?;
        let chunk = Rc::make_mut(&mut self.chunks[c]);
        let (_, value) = chunk.remove(i);
        if chunk.is_empty() {
            self.chunks.remove(c);
        }
        self.len -= 1;
        Some(value)
    }

    /// The entries with keys in `from..to`, in order, found without
    /// reading the entries before them.
    pub fn range(&self, from: K, to: K) -> impl Iterator<Item = (&K, &V)> {
        let start = self.chunk_of(&from);
        self.chunks[start.min(self.chunks.len())..]
            .iter()
            .flat_map(|c| c.iter().map(pair))
            .skip_while(move |(k, _)| **k < from)
            .take_while(move |(k, _)| **k < to)
    }
}

impl<'a, K, V> IntoIterator for &'a ChunkedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Later entries win over earlier ones with the same key.
impl<K: Ord + Clone, V: Clone> FromIterator<(K, V)> for ChunkedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = ChunkedMap::new();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

impl<K: Ord + Clone + Borrow<Q>, Q: Ord + ?Sized, V: Clone> Index<&Q> for ChunkedMap<K, V> {
    type Output = V;

    /// Panics if `key` is absent, like `BTreeMap`'s index.
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("key in map")
    }
}

/// Serialized as a JSON object, like `BTreeMap`, for `--format jsonl`.
impl<K: Ord + serde::Serialize, V: serde::Serialize> serde::Serialize for ChunkedMap<K, V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::Rng;
    use crate::sim::sorted::SortedMap;

    /// Against a plain sorted map, over random inserts, replacements and
    /// removals, with clones taken along the way that must not change.
    #[test]
    fn behaves_like_a_sorted_map_and_clones_stay_put() {
        let mut rng = Rng::new(7);
        let (mut chunked, mut plain) = (ChunkedMap::new(), SortedMap::new());
        let mut snapshots = Vec::new();
        for round in 0..5_000u64 {
            let key = if rng.chance(70) { round } else { rng.range(0, round) };
            if rng.chance(20) {
                assert_eq!(chunked.remove(&key), plain.remove(&key));
            } else {
                assert_eq!(chunked.insert(key, round), plain.insert(key, round));
            }
            if round % 500 == 0 {
                snapshots.push((chunked.clone(), plain.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>()));
            }
        }
        assert_eq!(chunked.len(), plain.len());
        assert!(chunked.iter().eq(plain.iter()));
        assert!(chunked.keys().rev().eq(plain.keys().rev()));
        assert!(chunked.range(100, 900).eq(plain.iter().filter(|(k, _)| (100..900).contains(*k))));
        for (snapshot, entries) in snapshots {
            assert_eq!(snapshot.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>(), entries, "a clone changed");
        }
    }

    #[test]
    fn changed_since_names_what_a_write_touched() {
        let mut map: ChunkedMap<u64, u64> = (0..1000).map(|k| (k, k)).collect();
        let before = map.clone();
        assert_eq!(map.changed_since(&before).count(), 0);
        *map.get_mut(&500).unwrap() = 0;
        map.insert(2000, 1);
        let changed: Vec<u64> = map.changed_since(&before).map(|(k, _)| *k).collect();
        assert!(changed.contains(&500) && changed.contains(&2000));
        assert!(changed.len() <= 2 * CHUNK, "only the touched chunks: {}", changed.len());
        // Equal entries are equal maps, however they are chunked.
        let rebuilt: ChunkedMap<u64, u64> = map.iter().rev().map(|(k, v)| (*k, *v)).collect();
        assert_eq!(rebuilt, map);
    }
}
