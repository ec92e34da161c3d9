//! C2SP signed notes (c2sp.org/signed-note) with Ed25519, C2SP checkpoints
//! (c2sp.org/tlog-checkpoint), and verifier keys in the C2SP `vkey` form.
//!
//! **Frozen format.** Checkpoints and their signatures are handed to people outside
//! Boundary (receipts, evidence bundles, `--against`): the bytes written here must stay
//! exactly as they are.

use crate::Hash;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier as _, VerifyingKey};
use sha2::{Digest, Sha256};

/// The signature type byte for Ed25519 in signed notes.
const ED25519: u8 = 0x01;
/// Signature lines begin with an em dash and a space.
const SIG_PREFIX: &str = "\u{2014} ";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("the note is not in signed-note form")]
    Malformed,
    #[error("the note has no signature from {0}")]
    NotSignedBy(String),
    #[error("the signature from {0} does not match the note")]
    BadSignature(String),
    #[error("the verifier key is not in vkey form (name+keyid+base64)")]
    BadVerifierKey,
    #[error("the checkpoint text is not a tlog checkpoint")]
    BadCheckpoint,
    #[error("the checkpoint is for the log {found}, not {expected}")]
    WrongOrigin { expected: String, found: String },
}

fn key_id(name: &str, public: &[u8; 32]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', ED25519]);
    h.update(public);
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

fn valid_name(name: &str) -> bool {
    !name.is_empty() && !name.contains('+') && !name.chars().any(char::is_whitespace)
}

/// The log's signing key. Its name — the log's origin — is derived from the public key,
/// so it needs no configuring and cannot drift: `boundary/` and eight hex digits.
pub struct LogSigner {
    name: String,
    key: SigningKey,
}

impl LogSigner {
    #[must_use]
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        let key = SigningKey::from_bytes(seed);
        let fingerprint = Sha256::digest(key.verifying_key().as_bytes());
        Self {
            name: format!("boundary/{}", hex::encode(&fingerprint[..4])),
            key,
        }
    }

    /// The log's origin and the key's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    #[must_use]
    pub fn verifier(&self) -> LogVerifier {
        LogVerifier {
            name: self.name.clone(),
            key: self.key.verifying_key(),
        }
    }

    /// Signs `text` (which must end in a newline) as a signed note.
    #[must_use]
    pub fn sign(&self, text: &str) -> String {
        let sig = self.key.sign(text.as_bytes());
        let id = key_id(&self.name, self.key.verifying_key().as_bytes());
        let mut blob = Vec::with_capacity(68);
        blob.extend_from_slice(&id);
        blob.extend_from_slice(&sig.to_bytes());
        format!("{text}\n{SIG_PREFIX}{} {}\n", self.name, B64.encode(blob))
    }

    /// Signs a checkpoint for a tree of `size` leaves with `root`.
    #[must_use]
    pub fn sign_checkpoint(&self, size: u64, root: &Hash) -> String {
        self.sign(
            &Checkpoint {
                origin: self.name.clone(),
                size,
                root: *root,
            }
            .body(),
        )
    }
}

impl std::fmt::Debug for LogSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LogSigner({})", self.name)
    }
}

/// The public half: checks notes signed by the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogVerifier {
    name: String,
    key: VerifyingKey,
}

impl LogVerifier {
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The verifier key in C2SP vkey form: `name+keyid+base64(0x01 || public key)`.
    #[must_use]
    pub fn vkey(&self) -> String {
        let public = self.key.as_bytes();
        let mut blob = vec![ED25519];
        blob.extend_from_slice(public);
        format!(
            "{}+{}+{}",
            self.name,
            hex::encode(key_id(&self.name, public)),
            B64.encode(blob)
        )
    }

    /// # Errors
    /// Text not in vkey form, or whose key id does not match its key.
    pub fn from_vkey(vkey: &str) -> Result<Self, NoteError> {
        let mut parts = vkey.trim().splitn(3, '+');
        let (Some(name), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(NoteError::BadVerifierKey);
        };
        let blob = B64.decode(key).map_err(|_| NoteError::BadVerifierKey)?;
        if !valid_name(name) || blob.len() != 33 || blob[0] != ED25519 {
            return Err(NoteError::BadVerifierKey);
        }
        let public: [u8; 32] = blob[1..]
            .try_into()
            .map_err(|_| NoteError::BadVerifierKey)?;
        if hex::encode(key_id(name, &public)) != id.to_lowercase() {
            return Err(NoteError::BadVerifierKey);
        }
        let key = VerifyingKey::from_bytes(&public).map_err(|_| NoteError::BadVerifierKey)?;
        Ok(Self {
            name: name.to_owned(),
            key,
        })
    }

    /// Checks a signed note and returns its text (with its final newline).
    ///
    /// # Errors
    /// A malformed note, no signature from this key, or a signature that does not match.
    pub fn open<'a>(&self, note: &'a str) -> Result<&'a str, NoteError> {
        let split = note.rfind("\n\n").ok_or(NoteError::Malformed)?;
        let (text, sigs) = (&note[..=split], &note[split + 2..]);
        if !sigs.ends_with('\n') || text.bytes().any(|b| b < 0x20 && b != b'\n') {
            return Err(NoteError::Malformed);
        }
        let id = key_id(&self.name, self.key.as_bytes());
        for line in sigs.lines() {
            let rest = line.strip_prefix(SIG_PREFIX).ok_or(NoteError::Malformed)?;
            let (name, b64) = rest.split_once(' ').ok_or(NoteError::Malformed)?;
            let blob = B64.decode(b64).map_err(|_| NoteError::Malformed)?;
            if blob.len() < 5 {
                return Err(NoteError::Malformed);
            }
            if name != self.name || blob[..4] != id {
                continue;
            }
            let sig = Signature::from_slice(&blob[4..])
                .map_err(|_| NoteError::BadSignature(self.name.clone()))?;
            return self
                .key
                .verify(text.as_bytes(), &sig)
                .map(|()| text)
                .map_err(|_| NoteError::BadSignature(self.name.clone()));
        }
        Err(NoteError::NotSignedBy(self.name.clone()))
    }

    /// Opens a signed checkpoint from this log.
    ///
    /// # Errors
    /// As [`Self::open`], or text that is not this log's checkpoint.
    pub fn open_checkpoint(&self, note: &str) -> Result<Checkpoint, NoteError> {
        let c = Checkpoint::parse(self.open(note)?)?;
        if c.origin == self.name {
            Ok(c)
        } else {
            Err(NoteError::WrongOrigin {
                expected: self.name.clone(),
                found: c.origin,
            })
        }
    }
}

/// A checkpoint's body: the log's origin, the tree size, and the root hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
}

impl Checkpoint {
    /// `origin\nsize\nbase64(root)\n`.
    #[must_use]
    pub fn body(&self) -> String {
        format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            B64.encode(self.root.0)
        )
    }

    /// # Errors
    /// Text that is not a checkpoint body (extension lines are allowed and ignored).
    pub fn parse(text: &str) -> Result<Self, NoteError> {
        let mut lines = text.split('\n');
        let origin = lines
            .next()
            .filter(|o| !o.is_empty())
            .ok_or(NoteError::BadCheckpoint)?;
        let size = lines
            .next()
            .filter(|s| {
                !s.is_empty()
                    && s.bytes().all(|b| b.is_ascii_digit())
                    && (s.len() == 1 || !s.starts_with('0'))
            })
            .and_then(|s| s.parse().ok())
            .ok_or(NoteError::BadCheckpoint)?;
        let root = lines
            .next()
            .and_then(|r| B64.decode(r).ok())
            .and_then(|b| Hash::from_slice(&b).ok())
            .ok_or(NoteError::BadCheckpoint)?;
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root,
        })
    }
}
