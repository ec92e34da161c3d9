//! The Merkle math and signatures of Boundary's log: RFC 9162 §2.1 hashing (leaf
//! `SHA-256(0x00 || bytes)`, node `SHA-256(0x01 || left || right)`), the tree stored in
//! the layout of Go's checksum database so that appends and proofs touch O(log n)
//! hashes ([`tree`]), inclusion and consistency proofs checked as RFC 9162 §2.1.3.2 and
//! §2.1.4.2 describe ([`verify`]), and C2SP checkpoints signed as C2SP signed notes with
//! Ed25519, with verifier keys in C2SP vkey form ([`note`]), and RFC 3161 trusted
//! timestamps over checkpoints ([`timestamp`]).
//!
//! It deliberately does no IO and knows nothing of events, databases or files: it hashes
//! and signs what it is given. Storage of the tree belongs to `store`; what the bytes
//! mean belongs to `domain`.

#![warn(clippy::pedantic)]

mod hash;
pub mod note;
pub mod timestamp;
pub mod tree;
pub mod verify;

pub use hash::{leaf_hash, node_hash, root, Hash, LedgerError};
pub use note::{Checkpoint, LogSigner, LogVerifier, NoteError};
pub use tree::MemoryTree;
pub use verify::{verify_consistency, verify_inclusion, ProofError};
