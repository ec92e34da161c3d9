//! Checking proofs, following the algorithms of RFC 9162 §2.1.3.2 (inclusion) and
//! §2.1.4.2 (consistency) step by step — written from the RFC, not from the code that
//! makes the proofs, so that each checks the other.

use crate::{node_hash, Hash};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("the leaf index is not inside the tree")]
    IndexOutOfRange,
    #[error("the proof has the wrong number of hashes for this tree")]
    WrongLength,
    #[error("the proof does not lead to the tree's root")]
    RootMismatch,
    #[error("the sizes are not in order (the earlier tree must not be larger)")]
    SizesOutOfOrder,
}

/// Checks that `leaf` is leaf number `index` of the tree of `size` leaves whose root is `root`.
///
/// # Errors
/// What is wrong with the proof.
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf: &Hash,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange);
    }
    let (mut f_n, mut s_n) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if s_n == 0 {
            return Err(ProofError::WrongLength);
        }
        if f_n & 1 == 1 || f_n == s_n {
            r = node_hash(p, &r);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    if s_n != 0 {
        return Err(ProofError::WrongLength);
    }
    if r == *root {
        Ok(())
    } else {
        Err(ProofError::RootMismatch)
    }
}

/// Checks that the tree of `from` leaves with root `from_root` is a prefix of the tree
/// of `size` leaves with root `root`.
///
/// # Errors
/// What is wrong with the proof.
pub fn verify_consistency(
    from: u64,
    size: u64,
    from_root: &Hash,
    root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if from > size || from == 0 {
        return Err(ProofError::SizesOutOfOrder);
    }
    if from == size {
        return if proof.is_empty() && from_root == root {
            Ok(())
        } else if !proof.is_empty() {
            Err(ProofError::WrongLength)
        } else {
            Err(ProofError::RootMismatch)
        };
    }
    if proof.is_empty() {
        return Err(ProofError::WrongLength);
    }
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if from.is_power_of_two() {
        path.push(*from_root);
    }
    path.extend_from_slice(proof);
    let (mut f_n, mut s_n) = (from - 1, size - 1);
    while f_n & 1 == 1 {
        f_n >>= 1;
        s_n >>= 1;
    }
    let (mut fr, mut sr) = (path[0], path[0]);
    for c in &path[1..] {
        if s_n == 0 {
            return Err(ProofError::WrongLength);
        }
        if f_n & 1 == 1 || f_n == s_n {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    if s_n != 0 {
        return Err(ProofError::WrongLength);
    }
    if fr == *from_root && sr == *root {
        Ok(())
    } else {
        Err(ProofError::RootMismatch)
    }
}
