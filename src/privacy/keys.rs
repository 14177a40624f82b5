//! Keys for personal data at rest: encryption keys (XChaCha20-Poly1305) and one blind-index
//! key (HMAC-SHA-256), read from the configuration, never from the database.
//!
//! Why XChaCha20-Poly1305: an authenticated cipher whose 24-byte nonce can be drawn at random
//! for every value without counting (AES-GCM's 12-byte nonce makes random nonces risky past
//! about 2^32 encryptions under one key, and a national registry re-encrypts tens of
//! millions of values at each rotation). Both are RustCrypto crates, audited and kept.
//!
//! Why a blind index: uniqueness (one worker per NIK) and exact look-up need equality on a
//! value the store cannot read. HMAC under a separate key gives the same 32 bytes for the same
//! NIK and nothing an attacker with the database alone can reverse; a bare hash of a NIK
//! could be reversed by trying every NIK (about 10^11 plausible ones).
//!
//! A sealed value carries the id of the key that sealed it, so `keys rotate` can re-encrypt
//! in batches while both keys are known. The index key is not rotated with them: changing it
//! would change every index at once (docs/privacy.md says how to replace it, with downtime).
//!
//! Key file (one key a line, `#` comments), for example:
//! ```text
//! enc 1 <64 hex digits>
//! enc 2 <64 hex digits>     # the highest id seals; the others only open
//! index <64 hex digits>
//! ```

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::fmt;

/// What a value is. Bound into the ciphertext as associated data, so that a sealed NIK
/// copied into a phone column does not open, and into the blind index, so that equal text in
/// two kinds never gives equal indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Nik,
    Phone,
    /// Free text that may carry a NIK or a phone: an import error's cell, a message and its
    /// recipient, a kept API answer, a donation's request.
    Text,
}

impl Kind {
    fn label(self) -> &'static [u8] {
        match self {
            Kind::Nik => b"lingkaran:nik",
            Kind::Phone => b"lingkaran:phone",
            Kind::Text => b"lingkaran:text",
        }
    }
}

/// The first byte of every sealed value; a later format gets another.
const FORMAT_V1: u8 = 1;
const NONCE_LEN: usize = 24;
const HEADER_LEN: usize = 1 + 2 + NONCE_LEN;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("line {line}: {why}")]
    Line { line: usize, why: String },
    #[error("the key file has no `enc` key")]
    NoEncryptionKey,
    #[error("the key file has no `index` key")]
    NoIndexKey,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OpenError {
    #[error("the value is not in a known sealed format")]
    Format,
    #[error("the value was sealed with key {0}, which is not in the key file")]
    UnknownKey(u16),
    #[error("the value does not open with its key (altered, or sealed as another kind)")]
    Forged,
}

/// The keys. Debug and Display never print them.
#[derive(Clone)]
pub struct Keyring {
    /// (id, cipher), ordered by id; the last one seals.
    enc: Vec<(u16, XChaCha20Poly1305)>,
    index: [u8; 32],
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Keyring {{ enc ids: {:?}, index: [redacted] }}",
            self.enc.iter().map(|(id, _)| id).collect::<Vec<_>>()
        )
    }
}

fn hex32(s: &str) -> Result<[u8; 32], String> {
    let bytes = hex::decode(s).map_err(|_| "a key is 64 hexadecimal digits".to_string())?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| "a key is 64 hexadecimal digits".into())
}

impl Keyring {
    /// Reads a key file's text (see the module comment).
    pub fn parse(text: &str) -> Result<Keyring, KeyError> {
        let mut enc: Vec<(u16, XChaCha20Poly1305)> = Vec::new();
        let mut index = None;
        for (n, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let bad = |why: &str| KeyError::Line {
                line: n + 1,
                why: why.into(),
            };
            let parts: Vec<&str> = line.split_whitespace().collect();
            match parts.as_slice() {
                ["enc", id, key] => {
                    let id: u16 = id
                        .parse()
                        .ok()
                        .filter(|id| *id > 0)
                        .ok_or_else(|| bad("a key id is a whole number from 1 to 65535"))?;
                    if enc.iter().any(|(k, _)| *k == id) {
                        return Err(bad("this key id is given twice"));
                    }
                    let key = hex32(key).map_err(|w| bad(&w))?;
                    enc.push((id, XChaCha20Poly1305::new(&key.into())));
                }
                ["index", key] => {
                    if index.is_some() {
                        return Err(bad("the index key is given twice"));
                    }
                    index = Some(hex32(key).map_err(|w| bad(&w))?);
                }
                _ => return Err(bad("expected `enc ID KEY` or `index KEY`")),
            }
        }
        enc.sort_by_key(|(id, _)| *id);
        if enc.is_empty() {
            return Err(KeyError::NoEncryptionKey);
        }
        Ok(Keyring {
            enc,
            index: index.ok_or(KeyError::NoIndexKey)?,
        })
    }

    /// A new key file's text with fresh random keys (`enc 1` and `index`), for `--demo` and
    /// for an operator's first set-up.
    pub fn generate_text() -> String {
        let mut rng = rand::rngs::OsRng;
        let mut a = [0u8; 32];
        let mut b = [0u8; 32];
        rng.fill_bytes(&mut a);
        rng.fill_bytes(&mut b);
        format!(
            "# Lingkaran's keys for personal data. Keep this file readable by the service only,\n\
             # and a copy offline: without it the NIKs in the database cannot be read.\n\
             enc 1 {}\nindex {}\n",
            hex::encode(a),
            hex::encode(b)
        )
    }

    /// The id of the key that seals new values.
    pub fn current_id(&self) -> u16 {
        self.enc.last().map(|(id, _)| *id).unwrap_or(0)
    }

    /// Seals `plain` under the current key with a fresh random nonce.
    pub fn seal(&self, kind: Kind, plain: &str) -> Vec<u8> {
        self.seal_bytes(kind, plain.as_bytes())
    }

    /// Seals bytes that need not be text (a part of an uploaded file), as [`Keyring::seal`].
    pub fn seal_bytes(&self, kind: Kind, plain: &[u8]) -> Vec<u8> {
        let Some((id, cipher)) = self.enc.last() else {
            unreachable!("Keyring::parse refuses a key file without an enc key")
        };
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: kind.label(),
                },
            )
            // Encryption fails only for messages beyond 256 GiB.
            .unwrap_or_default();
        let mut out = Vec::with_capacity(HEADER_LEN + sealed.len());
        out.push(FORMAT_V1);
        out.extend_from_slice(&id.to_be_bytes());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// Opens a sealed value.
    pub fn open(&self, kind: Kind, sealed: &[u8]) -> Result<String, OpenError> {
        String::from_utf8(self.open_bytes(kind, sealed)?).map_err(|_| OpenError::Forged)
    }

    /// Opens a value sealed by [`Keyring::seal_bytes`].
    pub fn open_bytes(&self, kind: Kind, sealed: &[u8]) -> Result<Vec<u8>, OpenError> {
        if sealed.len() < HEADER_LEN + 16 || sealed[0] != FORMAT_V1 {
            return Err(OpenError::Format);
        }
        let id = u16::from_be_bytes([sealed[1], sealed[2]]);
        let cipher = self
            .enc
            .iter()
            .find(|(k, _)| *k == id)
            .map(|(_, c)| c)
            .ok_or(OpenError::UnknownKey(id))?;
        let plain = cipher
            .decrypt(
                XNonce::from_slice(&sealed[3..HEADER_LEN]),
                Payload {
                    msg: &sealed[HEADER_LEN..],
                    aad: kind.label(),
                },
            )
            .map_err(|_| OpenError::Forged)?;
        Ok(plain)
    }

    /// The first bytes of every value sealed under key `id` (the format and the id): what
    /// storage compares to find values sealed under another key, or not sealed at all.
    pub fn prefix_of(id: u16) -> [u8; 3] {
        let [hi, lo] = id.to_be_bytes();
        [FORMAT_V1, hi, lo]
    }

    /// The id of the key a sealed value was sealed with, for rotation.
    pub fn sealed_with(sealed: &[u8]) -> Option<u16> {
        (sealed.len() >= HEADER_LEN && sealed[0] == FORMAT_V1)
            .then(|| u16::from_be_bytes([sealed[1], sealed[2]]))
    }

    /// The blind index of a value: equal for equal text of one kind, and reversible only
    /// with the index key.
    pub fn blind_index(&self, kind: Kind, plain: &str) -> [u8; 32] {
        self.blind_index_bytes(kind, plain.as_bytes())
    }

    /// [`Keyring::blind_index`] of bytes that need not be text: a kept request's method,
    /// path and body (`idempotency_keys.request_hash`), which may carry a NIK, so a plain
    /// SHA-256 of it could be completed by trying the NIKs of a region.
    pub fn blind_index_bytes(&self, kind: Kind, plain: &[u8]) -> [u8; 32] {
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&self.index) else {
            unreachable!("HMAC takes a key of any length")
        };
        mac.update(kind.label());
        mac.update(&[0]);
        mac.update(plain);
        mac.finalize().into_bytes().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const K1: &str = "1111111111111111111111111111111111111111111111111111111111111111";
    const K2: &str = "2222222222222222222222222222222222222222222222222222222222222222";
    const IX: &str = "3333333333333333333333333333333333333333333333333333333333333333";
    const NIK: &str = "3525010101900001";

    fn ring(text: &str) -> Keyring {
        match Keyring::parse(text) {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn a_sealed_nik_opens_and_does_not_contain_the_digits() {
        let r = ring(&format!("enc 1 {K1}\nindex {IX}\n"));
        let s = r.seal(Kind::Nik, NIK);
        assert!(!s.windows(NIK.len()).any(|w| w == NIK.as_bytes()));
        assert_eq!(r.open(Kind::Nik, &s).as_deref(), Ok(NIK));
        // A fresh nonce each time: two seals of one NIK differ.
        assert_ne!(r.seal(Kind::Nik, NIK), s);
    }

    #[test]
    fn a_value_sealed_as_one_kind_does_not_open_as_another() {
        let r = ring(&format!("enc 1 {K1}\nindex {IX}\n"));
        let s = r.seal(Kind::Nik, NIK);
        assert_eq!(r.open(Kind::Phone, &s), Err(OpenError::Forged));
    }

    #[test]
    fn an_altered_value_is_refused() {
        let r = ring(&format!("enc 1 {K1}\nindex {IX}\n"));
        let mut s = r.seal(Kind::Nik, NIK);
        let last = s.len() - 1;
        s[last] ^= 1;
        assert_eq!(r.open(Kind::Nik, &s), Err(OpenError::Forged));
        assert_eq!(
            r.open(Kind::Nik, b"3525010101900001"),
            Err(OpenError::Format)
        );
    }

    #[test]
    fn after_rotation_old_values_open_and_new_ones_use_the_new_key() {
        let old = ring(&format!("enc 1 {K1}\nindex {IX}\n"));
        let sealed_old = old.seal(Kind::Nik, NIK);
        let both = ring(&format!("enc 2 {K2}\nenc 1 {K1}\nindex {IX}\n"));
        assert_eq!(both.current_id(), 2);
        assert_eq!(Keyring::sealed_with(&sealed_old), Some(1));
        assert_eq!(both.open(Kind::Nik, &sealed_old).as_deref(), Ok(NIK));
        let sealed_new = both.seal(Kind::Nik, NIK);
        assert_eq!(Keyring::sealed_with(&sealed_new), Some(2));
        // Once key 1 is retired, what it sealed must have been re-sealed first.
        let only_new = ring(&format!("enc 2 {K2}\nindex {IX}\n"));
        assert_eq!(
            only_new.open(Kind::Nik, &sealed_old),
            Err(OpenError::UnknownKey(1))
        );
        // The blind index does not depend on the encryption keys.
        assert_eq!(
            old.blind_index(Kind::Nik, NIK),
            only_new.blind_index(Kind::Nik, NIK)
        );
    }

    #[test]
    fn the_blind_index_is_stable_keyed_and_kind_bound() {
        let r = ring(&format!("enc 1 {K1}\nindex {IX}\n"));
        let other = ring(&format!("enc 1 {K1}\nindex {K2}\n"));
        assert_eq!(r.blind_index(Kind::Nik, NIK), r.blind_index(Kind::Nik, NIK));
        assert_ne!(
            r.blind_index(Kind::Nik, NIK),
            other.blind_index(Kind::Nik, NIK)
        );
        assert_ne!(
            r.blind_index(Kind::Nik, NIK),
            r.blind_index(Kind::Phone, NIK)
        );
    }

    #[test]
    fn key_files_are_checked_line_by_line() {
        assert_eq!(
            Keyring::parse(&format!("index {IX}")).err(),
            Some(KeyError::NoEncryptionKey)
        );
        assert_eq!(
            Keyring::parse(&format!("enc 1 {K1}")).err(),
            Some(KeyError::NoIndexKey)
        );
        assert!(matches!(
            Keyring::parse(&format!("enc 1 {K1}\nenc 1 {K2}\nindex {IX}")),
            Err(KeyError::Line { line: 2, .. })
        ));
        assert!(matches!(
            Keyring::parse(&format!("enc 0 {K1}\nindex {IX}")),
            Err(KeyError::Line { line: 1, .. })
        ));
        assert!(matches!(
            Keyring::parse(&format!("# keys\nenc 1 abc\nindex {IX}")),
            Err(KeyError::Line { line: 2, .. })
        ));
        let generated = ring(&Keyring::generate_text());
        assert_eq!(generated.current_id(), 1);
        assert!(!format!("{generated:?}").contains(K1));
    }
}
