//! The audit trail's chain: each entry's hash covers the previous entry's hash and this
//! entry's canonical bytes, so editing, deleting or inserting an entry breaks every hash after
//! it. Storage appends entries in the transaction of the change they record; this module only
//! says what the bytes are and how to check a run of entries.
//!
//! Canonical bytes are length-prefixed fields, not JSON: JSON has several spellings of one
//! value (key order, escapes, number forms), and a verifier must never accept two byte strings
//! for one entry or one byte string for two entries. Each field is its length as 8 bytes
//! big-endian, then its UTF-8 bytes; the id and the time are written as decimal text.
//!
//! The whole chain can still be rewritten by someone who holds the database; the head hash
//! written to the log every day (an outside copy) is what catches that.

use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS: [u8; 32] = [0; 32];

/// What an entry records. `detail` never holds a whole NIK or phone number: callers record a
/// blind index or a masked form instead (the gate decides).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// 1, 2, 3, … without gaps: a gap is a deleted entry.
    pub id: i64,
    /// When, as RFC 3339 in UTC with microseconds, exactly as stored.
    pub at: String,
    /// Who: `user:12`, `cli`, `system:cycle`.
    pub actor: String,
    /// What: `worker.verify`, `nik.reveal`, `export.errors_csv`, `keys.rotate`, …
    pub action: String,
    /// Which record: `worker`, `donation`, `payment`, … and its id.
    pub record_kind: String,
    pub record_id: String,
    /// What changed, as the caller wrote it (JSON text by convention).
    pub detail: String,
}

impl Entry {
    /// The bytes the hash covers (see the module comment).
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let id = self.id.to_string();
        let fields: [&str; 7] = [
            &id,
            &self.at,
            &self.actor,
            &self.action,
            &self.record_kind,
            &self.record_id,
            &self.detail,
        ];
        let mut out = Vec::with_capacity(fields.iter().map(|f| f.len() + 8).sum());
        for f in fields {
            out.extend_from_slice(&(f.len() as u64).to_be_bytes());
            out.extend_from_slice(f.as_bytes());
        }
        out
    }

    /// SHA-256(prev_hash ‖ canonical bytes).
    pub fn hash(&self, prev_hash: &[u8; 32]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(prev_hash);
        h.update(self.canonical_bytes());
        h.finalize().into()
    }
}

/// An entry as stored: with the hash it was given and the previous hash it claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub entry: Entry,
    pub prev_hash: [u8; 32],
    pub hash: [u8; 32],
}

/// Why the chain broke at an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Break {
    /// The entry's id is not the one after the previous (an entry was deleted or inserted).
    Sequence,
    /// The entry does not point at the previous entry's hash (inserted, or the one before
    /// was edited and re-hashed).
    Link,
    /// The entry's bytes no longer give its hash (edited).
    Hash,
}

/// Walks a chain in id order, entry by entry, so that a long trail is read in pages rather
/// than all at once.
#[derive(Debug, Clone)]
pub struct Verifier {
    next_id: i64,
    head: [u8; 32],
    entries: u64,
    first_bad: Option<(i64, Break)>,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier {
            next_id: 1,
            head: GENESIS,
            entries: 0,
            first_bad: None,
        }
    }
}

impl Verifier {
    pub fn new() -> Verifier {
        Verifier::default()
    }

    /// Checks the next entry. After the first break, later entries are only counted.
    pub fn push(&mut self, s: &Stored) {
        self.entries += 1;
        if self.first_bad.is_some() {
            return;
        }
        let why = if s.entry.id != self.next_id {
            Some(Break::Sequence)
        } else if s.prev_hash != self.head {
            Some(Break::Link)
        } else if s.entry.hash(&s.prev_hash) != s.hash {
            Some(Break::Hash)
        } else {
            None
        };
        match why {
            Some(b) => self.first_bad = Some((s.entry.id, b)),
            None => {
                self.head = s.hash;
                self.next_id = s.entry.id.saturating_add(1);
            }
        }
    }

    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// The first entry that does not hold, and why; `None` when the whole chain holds.
    pub fn first_bad(&self) -> Option<(i64, Break)> {
        self.first_bad
    }

    /// The hash of the last good entry: the value to compare with an outside copy.
    pub fn head(&self) -> [u8; 32] {
        self.head
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: i64, detail: &str) -> Entry {
        Entry {
            id,
            at: "2026-12-04T10:00:00.000000Z".into(),
            actor: "user:1".into(),
            action: "worker.verify".into(),
            record_kind: "worker".into(),
            record_id: id.to_string(),
            detail: detail.into(),
        }
    }

    fn chain(n: i64) -> Vec<Stored> {
        let mut prev = GENESIS;
        (1..=n)
            .map(|id| {
                let e = entry(id, &format!("{{\"n\":{id}}}"));
                let hash = e.hash(&prev);
                let s = Stored {
                    entry: e,
                    prev_hash: prev,
                    hash,
                };
                prev = hash;
                s
            })
            .collect()
    }

    fn verify(c: &[Stored]) -> Option<(i64, Break)> {
        let mut v = Verifier::new();
        c.iter().for_each(|s| v.push(s));
        v.first_bad()
    }

    #[test]
    fn an_intact_chain_verifies_and_its_head_is_the_last_hash() {
        let c = chain(5);
        let mut v = Verifier::new();
        c.iter().for_each(|s| v.push(s));
        assert_eq!(v.first_bad(), None);
        assert_eq!(v.entries(), 5);
        assert_eq!(v.head(), c[4].hash);
    }

    #[test]
    fn an_edited_entry_is_named() {
        let mut c = chain(5);
        c[2].entry.detail = "{\"n\":99}".into();
        assert_eq!(verify(&c), Some((3, Break::Hash)));
    }

    #[test]
    fn an_edited_and_rehashed_entry_breaks_the_next_link() {
        let mut c = chain(5);
        c[2].entry.actor = "user:2".into();
        c[2].hash = c[2].entry.hash(&c[2].prev_hash);
        assert_eq!(verify(&c), Some((4, Break::Link)));
    }

    #[test]
    fn a_deleted_entry_is_a_gap() {
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(verify(&c), Some((3, Break::Sequence)));
        // The last entry deleted is only caught by the head against an outside copy.
        let mut c = chain(5);
        let head_before = c[4].hash;
        c.pop();
        let mut v = Verifier::new();
        c.iter().for_each(|s| v.push(s));
        assert_eq!(v.first_bad(), None);
        assert_ne!(v.head(), head_before);
    }

    #[test]
    fn an_inserted_entry_is_caught() {
        let mut c = chain(4);
        let fake = entry(3, "{}");
        let hash = fake.hash(&c[1].hash);
        c.insert(
            2,
            Stored {
                entry: fake,
                prev_hash: c[1].hash,
                hash,
            },
        );
        // The forged entry holds, the real one after it does not.
        assert_eq!(verify(&c), Some((3, Break::Sequence)));
    }

    #[test]
    fn fields_cannot_be_shifted_into_each_other() {
        let mut a = entry(1, "x");
        a.action = "ab".into();
        a.record_kind = "c".into();
        let mut b = entry(1, "x");
        b.action = "a".into();
        b.record_kind = "bc".into();
        assert_ne!(a.canonical_bytes(), b.canonical_bytes());
        assert_ne!(a.hash(&GENESIS), b.hash(&GENESIS));
    }
}
