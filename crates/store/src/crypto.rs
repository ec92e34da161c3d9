//! Encryption at rest: the master key, per-case data keys wrapped by it, and sealing
//! with XChaCha20-Poly1305. Every sealed value binds what it belongs to (its case and
//! the event sequence number that wrote it) as associated data, so a sealed value
//! copied into another row fails to open.

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use secrecy::{ExposeSecret, SecretBox};
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

const NONCE_LEN: usize = 24;

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("a sealed value did not open: wrong key, or moved from another row")]
    Open,
    #[error("sealing failed")]
    Seal,
    #[error("the master key must be 64 hexadecimal digits (32 bytes)")]
    MasterKeyShape,
}

/// The key that wraps every data key. It lives outside the database.
pub struct MasterKey(SecretBox<[u8; 32]>);

impl MasterKey {
    #[must_use]
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(SecretBox::new(Box::new(bytes)))
    }

    /// A fresh random key.
    #[must_use]
    pub fn generate() -> Self {
        let mut b = [0u8; 32];
        rand::RngCore::fill_bytes(&mut OsRng, &mut b);
        let k = Self::from_bytes(b);
        b.zeroize();
        k
    }

    /// # Errors
    /// Text that is not 64 hex digits.
    pub fn from_hex(text: &str) -> Result<Self, CryptoError> {
        let mut b = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut b).map_err(|_| CryptoError::MasterKeyShape)?;
        let k = Self::from_bytes(b);
        b.zeroize();
        Ok(k)
    }

    /// A short tag for something a log line must tell apart but not reveal (an e-mail
    /// address): keyed, so that it cannot be looked up by hashing guesses.
    #[must_use]
    pub fn log_tag(&self, what: &str) -> String {
        keyed_hash(self.0.expose_secret(), b"boundary/log-tag-key/v1", what)
            .map_or_else(|_| "unknown".to_owned(), |h| h[..12].to_owned())
    }

    /// A full-length keyed tag for a token the server hands out and must later recognise
    /// without storing it (a known-device cookie).
    #[must_use]
    pub fn device_tag(&self, what: &str) -> Option<String> {
        keyed_hash(self.0.expose_secret(), b"boundary/device-key/v1", what).ok()
    }

    /// The text written to the key file.
    #[must_use]
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.expose_secret())
    }

    /// A short public name for this key, stored beside each wrapped data key so that
    /// rotation can tell which key wrapped what. It reveals nothing about the key.
    #[must_use]
    pub fn id(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"boundary master key id\0");
        h.update(self.0.expose_secret());
        hex::encode(&h.finalize()[..8])
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.0.expose_secret().into())
    }

    /// Wraps a data key; `ad` names the key so a wrapped key cannot be swapped for another.
    ///
    /// # Errors
    /// Only if the cipher fails.
    pub fn wrap(&self, key: &DataKey, ad: &[u8]) -> Result<Vec<u8>, CryptoError> {
        seal_with(&self.cipher(), key.0.expose_secret(), ad)
    }

    /// # Errors
    /// A wrapped key made under another master key or for another key id.
    pub fn unwrap_key(&self, wrapped: &[u8], ad: &[u8]) -> Result<DataKey, CryptoError> {
        let mut plain = open_with(&self.cipher(), wrapped, ad)?;
        let b: [u8; 32] = plain.as_slice().try_into().map_err(|_| CryptoError::Open)?;
        plain.zeroize();
        Ok(DataKey(SecretBox::new(Box::new(b))))
    }
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MasterKey(id {})", self.id())
    }
}

/// One case's data key.
pub struct DataKey(SecretBox<[u8; 32]>);

impl DataKey {
    #[must_use]
    pub fn generate() -> Self {
        let mut b = [0u8; 32];
        rand::RngCore::fill_bytes(&mut OsRng, &mut b);
        let k = Self(SecretBox::new(Box::new(b)));
        b.zeroize();
        k
    }

    /// A key made elsewhere and handed back: one a browser keeps for something it owns
    /// (a held draft), never a case's key.
    #[must_use]
    pub fn from_bytes(mut bytes: [u8; 32]) -> Self {
        let k = Self(SecretBox::new(Box::new(bytes)));
        bytes.zeroize();
        k
    }

    /// The key's bytes, for a holder that keeps it (see [`DataKey::from_bytes`]).
    #[must_use]
    pub fn to_bytes(&self) -> [u8; 32] {
        *self.0.expose_secret()
    }

    /// Seals `plain`, binding `ad`. Output: 24-byte random nonce, then ciphertext and tag.
    ///
    /// # Errors
    /// Only if the cipher fails.
    pub fn seal(&self, plain: &[u8], ad: &[u8]) -> Result<Vec<u8>, CryptoError> {
        seal_with(
            &XChaCha20Poly1305::new(self.0.expose_secret().into()),
            plain,
            ad,
        )
    }

    /// # Errors
    /// A value sealed under another key or with other associated data, or altered.
    pub fn open(&self, sealed: &[u8], ad: &[u8]) -> Result<Vec<u8>, CryptoError> {
        open_with(
            &XChaCha20Poly1305::new(self.0.expose_secret().into()),
            sealed,
            ad,
        )
    }
}

impl DataKey {
    /// A name for a kept file that only this key can make: an HMAC-SHA-256 of `what`,
    /// so that a folder or bucket listing does not show which files a case holds.
    ///
    /// # Errors
    /// None in practice: HMAC takes a key of any length.
    pub fn name_for(&self, what: &str) -> Result<String, CryptoError> {
        keyed_hash(self.0.expose_secret(), b"boundary/blob-name-key/v1", what)
    }
}

/// HMAC-SHA-256 of `what` under a key of its own derived from `key` for `purpose` (as
/// HKDF's expand step does), so a sealing key is never used for anything else directly.
fn keyed_hash(key: &[u8], purpose: &[u8], what: &str) -> Result<String, CryptoError> {
    use hmac::{Hmac, Mac};
    type HmacSha256 = Hmac<sha2::Sha256>;
    let mut derive = <HmacSha256 as Mac>::new_from_slice(key).map_err(|_| CryptoError::Seal)?;
    derive.update(purpose);
    derive.update(b"\x01");
    let derived = derive.finalize().into_bytes();
    let mut mac = <HmacSha256 as Mac>::new_from_slice(&derived).map_err(|_| CryptoError::Seal)?;
    mac.update(what.as_bytes());
    Ok(hex::encode(mac.finalize().into_bytes()))
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(…)")
    }
}

fn seal_with(c: &XChaCha20Poly1305, plain: &[u8], ad: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let ct = c
        .encrypt(
            &nonce,
            Payload {
                msg: plain,
                aad: ad,
            },
        )
        .map_err(|_| CryptoError::Seal)?;
    let mut out = Vec::with_capacity(NONCE_LEN + ct.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ct);
    Ok(out)
}

fn open_with(c: &XChaCha20Poly1305, sealed: &[u8], ad: &[u8]) -> Result<Vec<u8>, CryptoError> {
    if sealed.len() < NONCE_LEN {
        return Err(CryptoError::Open);
    }
    let (nonce, ct) = sealed.split_at(NONCE_LEN);
    c.decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad: ad })
        .map_err(|_| CryptoError::Open)
}

/// The associated data for a sealed value: what kind it is, its case, and the sequence
/// number of the event that wrote it.
#[must_use]
pub fn ad(kind: &str, case: &impl std::fmt::Display, seq: i64) -> Vec<u8> {
    format!("boundary/{kind}/v1|{case}|{seq}").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_place() {
        let k = DataKey::generate();
        let s = k.seal(b"marker", b"case-1|7").unwrap();
        assert_eq!(k.open(&s, b"case-1|7").unwrap(), b"marker");
        assert!(k.open(&s, b"case-1|8").is_err());
        assert!(DataKey::generate().open(&s, b"case-1|7").is_err());
        let mut flipped = s.clone();
        flipped[30] ^= 1;
        assert!(k.open(&flipped, b"case-1|7").is_err());
    }

    #[test]
    fn file_names_depend_on_the_key_and_reveal_no_hash() {
        let (k, other) = (DataKey::generate(), DataKey::generate());
        let sha = "ab".repeat(32);
        let name = k.name_for(&sha).unwrap();
        assert_eq!(name, k.name_for(&sha).unwrap());
        assert_ne!(name, other.name_for(&sha).unwrap());
        assert_ne!(name, sha);
        assert_eq!(name.len(), 64);
    }

    #[test]
    fn log_tags_are_keyed() {
        let (m, other) = (MasterKey::generate(), MasterKey::generate());
        let account = "account:ada@example.nhs.uk";
        assert_eq!(m.log_tag(account), m.log_tag(account));
        assert_ne!(m.log_tag(account), other.log_tag(account));
        assert_eq!(m.log_tag(account).len(), 12);
        // Not the unkeyed hash a guess could be checked against.
        use sha2::{Digest, Sha256};
        let plain = hex::encode(Sha256::digest(account.as_bytes()));
        assert_ne!(m.log_tag(account), plain[..12]);
    }

    #[test]
    fn data_keys_unwrap_only_under_their_master_key() {
        let m = MasterKey::generate();
        let k = DataKey::generate();
        let w = m.wrap(&k, b"key-1").unwrap();
        let k2 = m.unwrap_key(&w, b"key-1").unwrap();
        let s = k.seal(b"x", b"").unwrap();
        assert_eq!(k2.open(&s, b"").unwrap(), b"x");
        assert!(MasterKey::generate().unwrap_key(&w, b"key-1").is_err());
        assert!(m.unwrap_key(&w, b"key-2").is_err());
        assert_eq!(MasterKey::from_hex(&m.to_hex()).unwrap().id(), m.id());
    }
}
