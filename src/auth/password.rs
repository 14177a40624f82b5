//! Passwords (argon2id at OWASP's minimum: 19 MiB, t = 2, p = 1), the bounded pool every
//! argon2 computation waits in, the password policy, and random tokens.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// argon2id's memory in KiB (19 MiB), iterations and lanes: OWASP's minimum, written out so
/// that a change of the crate's default does not change them.
pub const ARGON2_M_KIB: u32 = 19 * 1024;
pub const ARGON2_T: u32 = 2;
pub const ARGON2_P: u32 = 1;

fn argon2() -> Argon2<'static> {
    let params =
        Params::new(ARGON2_M_KIB, ARGON2_T, ARGON2_P, None).unwrap_or_else(|_| Params::default());
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes on the calling thread. Requests go through [`hash_bounded`].
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

/// Checks on the calling thread, with the parameters the hash names. Requests go through
/// [`verify_bounded`]. The argon2 memory (19 MiB) is this thread's, kept from one check to
/// the next: a password thread allocates it once, so memory does not creep with each check.
pub fn verify_password(password: &str, phc: &str) -> bool {
    thread_local! {
        static BLOCKS: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let Ok(h) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (h.salt, h.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(h.algorithm) else {
        return false;
    };
    let version = match h.version.map(Version::try_from) {
        None => Version::V0x13,
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let Ok(params) = Params::try_from(&h) else {
        return false;
    };
    // Never more than OWASP's memory plus a margin: a hash from elsewhere naming a gigabyte
    // is refused rather than computed.
    if params.m_cost() > 4 * ARGON2_M_KIB {
        return false;
    }
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    let a = Argon2::new(algorithm, version, params.clone());
    let computed = BLOCKS.with(|b| {
        let mut blocks = b.borrow_mut();
        if blocks.len() < params.block_count() {
            blocks.resize(params.block_count(), argon2::Block::default());
        }
        a.hash_password_into_with_memory(
            password.as_bytes(),
            salt,
            &mut out,
            &mut blocks[..params.block_count()],
        )
    });
    computed.is_ok() && crate::auth::password::same_bytes(&out, expected.as_bytes())
}

/// Compares in time independent of where the bytes differ.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The pool is full: too many password checks are running and waiting. The caller answers
/// at once (429 with `Retry-After`) rather than queue more memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

/// At most this many argon2 computations at once (each holds 19 MiB): the cores, at least 1.
pub fn pool_size() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// At most this many waiting for a place; one more is refused with [`Busy`].
pub fn queue_bound() -> usize {
    pool_size() * 8
}

type Job = Box<dyn FnOnce() + Send>;

/// [`pool_size`] threads of our own, fed by a queue of [`queue_bound`] places. Our own
/// threads rather than tokio's blocking pool: each thread's allocator keeps the 19 MiB it
/// freed for its next check, so a fixed set of threads holds a fixed amount of memory,
/// where a pool that grows and shrinks threads leaves a block behind in each.
fn queue() -> &'static std::sync::mpsc::SyncSender<Job> {
    static QUEUE: OnceLock<std::sync::mpsc::SyncSender<Job>> = OnceLock::new();
    QUEUE.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Job>(queue_bound());
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        for i in 0..pool_size() {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || loop {
                    let job = match rx.lock() {
                        Ok(r) => r.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "starting a password thread");
            }
        }
        tx
    })
}

/// Runs `work` (an argon2 computation) in the bounded pool: at most [`pool_size`] at once,
/// at most [`queue_bound`] more waiting, and [`Busy`] at once beyond, so that a flood of
/// sign-ins holds a fixed amount of memory instead of one 19 MiB block each.
pub async fn bounded<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Busy> {
    let (done, answer) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = done.send(work());
    });
    queue().try_send(job).map_err(|_| Busy)?;
    answer.await.map_err(|_| Busy)
}

/// [`verify_password`] in the bounded pool.
pub async fn verify_bounded(password: &str, phc: &str) -> Result<bool, Busy> {
    let (password, phc) = (password.to_string(), phc.to_string());
    bounded(move || verify_password(&password, &phc)).await
}

/// [`hash_password`] in the bounded pool.
pub async fn hash_bounded(password: &str) -> Result<anyhow::Result<String>, Busy> {
    let password = password.to_string();
    bounded(move || hash_password(&password)).await
}

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// The longest: argon2 takes any length, but a megabyte password is only a way to make the
/// server work.
pub const MAX_PASSWORD_CHARS: usize = 128;

/// The common passwords refused (data/common-passwords.txt, one a line, lower case).
static COMMON: &str = include_str!("../../data/common-passwords.txt");

fn common() -> &'static std::collections::HashSet<&'static str> {
    static SET: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        COMMON
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// Why a new password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weak {
    TooShort,
    TooLong,
    Common,
    SameAsUsername,
}

/// The password policy, in one place (sign-up, user creation by the API and the CLI, a
/// password change): 10 to 128 characters, not the username, and not in the list of common
/// passwords shipped in data/common-passwords.txt (compared in lower case).
pub fn check_policy(password: &str, username: &str) -> Result<(), Weak> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(Weak::TooShort);
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(Weak::TooLong);
    }
    let lower = password.to_lowercase();
    if !username.is_empty() && lower == username.trim().to_lowercase() {
        return Err(Weak::SameAsUsername);
    }
    if common().contains(lower.as_str()) {
        return Err(Weak::Common);
    }
    Ok(())
}

impl Weak {
    /// The refusal in Bahasa Indonesia and English.
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            Weak::TooShort => (
                "Kata sandi paling sedikit 10 karakter. Pakailah beberapa kata yang mudah Anda ingat.",
                "The password needs at least 10 characters. A few words you remember are a good choice.",
            ),
            Weak::TooLong => (
                "Kata sandi paling banyak 128 karakter.",
                "The password may have at most 128 characters.",
            ),
            Weak::Common => (
                "Kata sandi ini terlalu umum (ada di daftar kata sandi yang sering ditebak). Pilih yang lain.",
                "This password is too common (it is on the list of often-guessed passwords). Choose another.",
            ),
            Weak::SameAsUsername => (
                "Kata sandi tidak boleh sama dengan nama pengguna.",
                "The password must not be the same as the username.",
            ),
        }
    }
}

/// 32 random bytes, hex: session cookies, CSRF tokens, API tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What the database stores of a token: never the token itself.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A typed value fit for a log line: at most 64 characters, escaped (no line breaks or
/// control characters), with `…` when cut.
pub fn loggable(input: &str) -> String {
    const MAX: usize = 64;
    let mut out: String = input
        .chars()
        .take(MAX)
        .flat_map(char::escape_debug)
        .collect();
    if input.chars().nth(MAX).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_refuses_short_common_and_username_passwords() {
        for p in [
            "aaaaaaaa",
            "password123",
            "1234567890",
            "qwertyuiop",
            "indonesia1",
            "bismillah",
        ] {
            assert!(check_policy(p, "x").is_err(), "{p} accepted");
        }
        assert_eq!(check_policy("PassWord123", "x"), Err(Weak::Common));
        assert_eq!(
            check_policy("petugas.gresik", "Petugas.Gresik"),
            Err(Weak::SameAsUsername)
        );
        assert_eq!(check_policy("kata-sandi-uji", "x"), Ok(()));
    }

    #[test]
    fn hashes_name_owasp_minimum() {
        let h = hash_password("kata-sandi-uji").expect("hashes");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password("kata-sandi-uji", &h));
        assert!(!verify_password("kata-sandi-ujI", &h));
        // The crate's own verifier agrees.
        use argon2::password_hash::PasswordVerifier;
        let parsed = PasswordHash::new(&h).expect("parses");
        assert!(argon2().verify_password(b"kata-sandi-uji", &parsed).is_ok());
    }

    #[test]
    fn loggable_cuts_and_escapes() {
        assert_eq!(loggable("a\nb"), "a\\nb");
        let long = "x".repeat(10_000);
        assert_eq!(loggable(&long).chars().count(), 65);
    }
}
