//! The Merkle tree as stored: every leaf hash and every interior hash of a complete
//! subtree, written once, at an index given by the stored-hash-index scheme of Go's
//! checksum database (golang.org/x/mod/sumdb/tlog). An append writes O(1) hashes on
//! average and reads O(log n); a tree hash or a proof reads O(log n).
//!
//! Each operation comes in two steps, so that the caller may fetch from wherever the
//! hashes live (a database, a file, memory) without this crate doing IO: `*_needs`
//! names the stored-hash indexes wanted, in order, and the matching function builds
//! the answer from the hashes at those indexes, in the same order.

use crate::{node_hash, Hash, LedgerError};

/// Where the `n`th hash at `level` is stored. Level 0 holds the leaves.
#[must_use]
pub fn stored_hash_index(level: u32, n: u64) -> u64 {
    // Level L's nth hash is written right after level L+1's (2n+1)th hash; work down to
    // level 0, where the nth leaf is written at n + n/2 + n/4 + …
    let mut n = n;
    for _ in 0..level {
        n = 2 * n + 1;
    }
    let mut i = 0;
    while n > 0 {
        i += n;
        n >>= 1;
    }
    i + u64::from(level)
}

/// The level and position of the hash stored at `index`: the inverse of [`stored_hash_index`].
#[must_use]
pub fn split_stored_hash_index(index: u64) -> (u32, u64) {
    // The leaf written at or before `index` lies in [index/2, index/2 + log2(index)].
    let mut n = index / 2;
    let mut index_n = stored_hash_index(0, n);
    loop {
        // Each leaf n adds 1 + trailing_zeros(n+1) hashes.
        let x = index_n + 1 + u64::from((n + 1).trailing_zeros());
        if x > index {
            break;
        }
        n += 1;
        index_n = x;
    }
    let level = u32::try_from(index - index_n).unwrap_or(0);
    (level, n >> level)
}

/// How many hashes a tree of `size` leaves has stored.
#[must_use]
pub fn stored_hash_count(size: u64) -> u64 {
    if size == 0 {
        return 0;
    }
    let mut count = stored_hash_index(0, size - 1) + 1;
    let mut i = size - 1;
    while i & 1 != 0 {
        count += 1;
        i >>= 1;
    }
    count
}

/// The stored hashes an append of leaf `n` (0-based) combines with: the roots of the
/// complete subtrees to its left that it completes, nearest last.
#[must_use]
pub fn append_needs(n: u64) -> Vec<u64> {
    let m = (n + 1).trailing_zeros();
    (0..m)
        .rev()
        .map(|i| stored_hash_index(i, (n >> i) - 1))
        .collect()
}

/// The hashes to store for leaf `n`, at consecutive indexes from `stored_hash_index(0, n)`:
/// the leaf hash, then each interior hash the leaf completes.
///
/// # Errors
/// `needed` is not the hashes named by [`append_needs`].
pub fn append_hashes(n: u64, leaf: Hash, needed: &[Hash]) -> Result<Vec<Hash>, LedgerError> {
    let m = (n + 1).trailing_zeros() as usize;
    if needed.len() != m {
        return Err(LedgerError::WrongHashCount);
    }
    let mut out = Vec::with_capacity(m + 1);
    let mut h = leaf;
    out.push(h);
    for i in 0..m {
        h = node_hash(&needed[m - 1 - i], &h);
        out.push(h);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frontier_is_what_the_root_needs() {
        let mut tree = MemoryTree::new();
        let mut frontier = Vec::new();
        for n in 0..1500u64 {
            assert_eq!(frontier, tree.read(&tree_hash_needs(n)), "frontier of {n}");
            let leaf = crate::leaf_hash(&n.to_le_bytes());
            let from_frontier = append_to_frontier(n, leaf, &mut frontier).unwrap();
            assert_eq!(from_frontier, tree.push(leaf));
            assert_eq!(
                tree_hash(n + 1, &frontier).unwrap(),
                tree.root(n + 1).unwrap()
            );
        }
    }

    #[test]
    fn split_inverts_stored_hash_index() {
        for level in 0..8 {
            for n in 0..300 {
                assert_eq!(
                    split_stored_hash_index(stored_hash_index(level, n)),
                    (level, n)
                );
            }
        }
    }
}

/// Appends leaf `n` to the frontier of the tree of `n` leaves — the hashes named by
/// [`tree_hash_needs`]`(n)`, left to right — turning it into the frontier of `n + 1`
/// leaves. Returns the hashes to store for the leaf, as [`append_hashes`] does. A writer
/// that keeps the frontier needs to read nothing to append or to compute the new root.
///
/// # Errors
/// A frontier of the wrong length for `n`.
pub fn append_to_frontier(
    n: u64,
    leaf: Hash,
    frontier: &mut Vec<Hash>,
) -> Result<Vec<Hash>, LedgerError> {
    if frontier.len() != n.count_ones() as usize {
        return Err(LedgerError::WrongHashCount);
    }
    // The left siblings leaf n completes are the rightmost roots of the frontier.
    let m = (n + 1).trailing_zeros() as usize;
    let keep = frontier.len() - m;
    let new = append_hashes(n, leaf, &frontier[keep..])?;
    frontier.truncate(keep);
    frontier.push(new[new.len() - 1]);
    Ok(new)
}

/// The largest power of two below `n`, and its logarithm.
fn maxpow2(n: u64) -> (u64, u32) {
    let mut l = 0;
    while (1u64 << (l + 1)) < n {
        l += 1;
    }
    (1 << l, l)
}

fn sub_tree_needs(mut lo: u64, hi: u64, need: &mut Vec<u64>) {
    while lo < hi {
        let (k, level) = maxpow2(hi - lo + 1);
        need.push(stored_hash_index(level, lo >> level));
        lo += k;
    }
}

fn sub_tree_hash(mut lo: u64, hi: u64, hashes: &[Hash]) -> Result<(Hash, &[Hash]), LedgerError> {
    let mut count = 0;
    while lo < hi {
        let (k, _) = maxpow2(hi - lo + 1);
        count += 1;
        lo += k;
    }
    if count == 0 || hashes.len() < count {
        return Err(LedgerError::WrongHashCount);
    }
    let mut h = hashes[count - 1];
    for i in (0..count - 1).rev() {
        h = node_hash(&hashes[i], &h);
    }
    Ok((h, &hashes[count..]))
}

/// The stored hashes the root of a tree of `size` leaves is made from.
#[must_use]
pub fn tree_hash_needs(size: u64) -> Vec<u64> {
    let mut need = Vec::new();
    sub_tree_needs(0, size, &mut need);
    need
}

/// The root of a tree of `size` leaves (RFC 9162's MTH; the empty tree hashes no bytes).
///
/// # Errors
/// `hashes` is not what [`tree_hash_needs`] named.
pub fn tree_hash(size: u64, hashes: &[Hash]) -> Result<Hash, LedgerError> {
    if size == 0 {
        return Ok(crate::root(&[]));
    }
    let (h, rest) = sub_tree_hash(0, size, hashes)?;
    if rest.is_empty() {
        Ok(h)
    } else {
        Err(LedgerError::WrongHashCount)
    }
}

fn inclusion_needs_in(lo: u64, hi: u64, n: u64, need: &mut Vec<u64>) {
    if lo + 1 == hi {
        return;
    }
    let (k, _) = maxpow2(hi - lo);
    if n < lo + k {
        inclusion_needs_in(lo, lo + k, n, need);
        sub_tree_needs(lo + k, hi, need);
    } else {
        sub_tree_needs(lo, lo + k, need);
        inclusion_needs_in(lo + k, hi, n, need);
    }
}

fn inclusion_in(
    lo: u64,
    hi: u64,
    n: u64,
    hashes: &[Hash],
) -> Result<(Vec<Hash>, &[Hash]), LedgerError> {
    if lo + 1 == hi {
        return Ok((Vec::new(), hashes));
    }
    let (k, _) = maxpow2(hi - lo);
    let (mut proof, sibling, rest) = if n < lo + k {
        let (p, rest) = inclusion_in(lo, lo + k, n, hashes)?;
        let (th, rest) = sub_tree_hash(lo + k, hi, rest)?;
        (p, th, rest)
    } else {
        let (th, rest) = sub_tree_hash(lo, lo + k, hashes)?;
        let (p, rest) = inclusion_in(lo + k, hi, n, rest)?;
        (p, th, rest)
    };
    proof.push(sibling);
    Ok((proof, rest))
}

/// The stored hashes an inclusion proof for leaf `index` in a tree of `size` needs.
///
/// # Errors
/// `index` is not below `size`.
pub fn inclusion_needs(size: u64, index: u64) -> Result<Vec<u64>, LedgerError> {
    if index >= size {
        return Err(LedgerError::OutOfRange);
    }
    let mut need = Vec::new();
    inclusion_needs_in(0, size, index, &mut need);
    Ok(need)
}

/// An RFC 9162 inclusion proof (audit path, leaf upwards) for leaf `index`.
///
/// # Errors
/// `index` is not below `size`, or `hashes` is not what [`inclusion_needs`] named.
pub fn inclusion_proof(size: u64, index: u64, hashes: &[Hash]) -> Result<Vec<Hash>, LedgerError> {
    if index >= size {
        return Err(LedgerError::OutOfRange);
    }
    let (p, rest) = inclusion_in(0, size, index, hashes)?;
    if rest.is_empty() {
        Ok(p)
    } else {
        Err(LedgerError::WrongHashCount)
    }
}

fn consistency_needs_in(lo: u64, hi: u64, n: u64, need: &mut Vec<u64>) {
    if n == hi {
        if lo != 0 {
            sub_tree_needs(lo, hi, need);
        }
        return;
    }
    let (k, _) = maxpow2(hi - lo);
    if n <= lo + k {
        consistency_needs_in(lo, lo + k, n, need);
        sub_tree_needs(lo + k, hi, need);
    } else {
        sub_tree_needs(lo, lo + k, need);
        consistency_needs_in(lo + k, hi, n, need);
    }
}

fn consistency_in(
    lo: u64,
    hi: u64,
    n: u64,
    hashes: &[Hash],
) -> Result<(Vec<Hash>, &[Hash]), LedgerError> {
    if n == hi {
        if lo == 0 {
            // The verifier knows the old tree's hash; it is not sent.
            return Ok((Vec::new(), hashes));
        }
        let (th, rest) = sub_tree_hash(lo, hi, hashes)?;
        return Ok((vec![th], rest));
    }
    let (k, _) = maxpow2(hi - lo);
    let (mut proof, other, rest) = if n <= lo + k {
        let (p, rest) = consistency_in(lo, lo + k, n, hashes)?;
        let (th, rest) = sub_tree_hash(lo + k, hi, rest)?;
        (p, th, rest)
    } else {
        let (th, rest) = sub_tree_hash(lo, lo + k, hashes)?;
        let (p, rest) = consistency_in(lo + k, hi, n, rest)?;
        (p, th, rest)
    };
    proof.push(other);
    Ok((proof, rest))
}

/// The stored hashes a consistency proof from a tree of `from` leaves to one of `size` needs.
///
/// # Errors
/// Unless `1 <= from <= size`.
pub fn consistency_needs(size: u64, from: u64) -> Result<Vec<u64>, LedgerError> {
    if from == 0 || from > size {
        return Err(LedgerError::OutOfRange);
    }
    let mut need = Vec::new();
    consistency_needs_in(0, size, from, &mut need);
    Ok(need)
}

/// An RFC 9162 consistency proof that the tree of `from` leaves is a prefix of the tree of `size`.
///
/// # Errors
/// Unless `1 <= from <= size`; `hashes` not what [`consistency_needs`] named.
pub fn consistency_proof(size: u64, from: u64, hashes: &[Hash]) -> Result<Vec<Hash>, LedgerError> {
    if from == 0 || from > size {
        return Err(LedgerError::OutOfRange);
    }
    let (p, rest) = consistency_in(0, size, from, hashes)?;
    if rest.is_empty() {
        Ok(p)
    } else {
        Err(LedgerError::WrongHashCount)
    }
}

/// A whole tree held in memory in the stored-hash layout: for verifying a log from its
/// leaves, and for tests.
#[derive(Debug, Default, Clone)]
pub struct MemoryTree {
    hashes: Vec<Hash>,
    size: u64,
}

impl MemoryTree {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    #[must_use]
    pub fn size(&self) -> u64 {
        self.size
    }

    fn read(&self, indexes: &[u64]) -> Vec<Hash> {
        indexes
            .iter()
            .filter_map(|&i| {
                usize::try_from(i)
                    .ok()
                    .and_then(|i| self.hashes.get(i))
                    .copied()
            })
            .collect()
    }

    /// Appends a leaf hash; returns the hashes stored for it.
    pub fn push(&mut self, leaf: Hash) -> &[Hash] {
        let n = self.size;
        let needed = self.read(&append_needs(n));
        let start = self.hashes.len();
        // The needed hashes were all written by earlier pushes, so this cannot fail.
        if let Ok(new) = append_hashes(n, leaf, &needed) {
            self.hashes.extend(new);
        }
        self.size += 1;
        &self.hashes[start..]
    }

    /// Every stored hash, in index order.
    #[must_use]
    pub fn stored_hashes(&self) -> &[Hash] {
        &self.hashes
    }

    /// The stored hash at `index`, as a database would hold it.
    #[must_use]
    pub fn stored(&self, index: u64) -> Option<Hash> {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.hashes.get(i))
            .copied()
    }

    /// The root of the first `size` leaves.
    ///
    /// # Errors
    /// `size` is larger than the tree.
    pub fn root(&self, size: u64) -> Result<Hash, LedgerError> {
        if size > self.size {
            return Err(LedgerError::OutOfRange);
        }
        tree_hash(size, &self.read(&tree_hash_needs(size)))
    }

    /// # Errors
    /// `index` not below `size`, or `size` larger than the tree.
    pub fn inclusion(&self, size: u64, index: u64) -> Result<Vec<Hash>, LedgerError> {
        if size > self.size {
            return Err(LedgerError::OutOfRange);
        }
        inclusion_proof(size, index, &self.read(&inclusion_needs(size, index)?))
    }

    /// # Errors
    /// Unless `1 <= from <= size <= self.size()`.
    pub fn consistency(&self, size: u64, from: u64) -> Result<Vec<Hash>, LedgerError> {
        if size > self.size {
            return Err(LedgerError::OutOfRange);
        }
        consistency_proof(size, from, &self.read(&consistency_needs(size, from)?))
    }
}
