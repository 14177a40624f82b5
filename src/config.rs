//! Every setting of Lingkaran, in one place: each is a command-line flag and an environment
//! variable (`--hold-hours` / `LINGKARAN_HOLD_HOURS`), with its bound and its default. Only
//! this module reads the environment (through clap), and only the edges (`cli`, `app`,
//! `scheduler`) hold a `Config`: storage and the use cases are handed the values they need.
//!
//! A value out of its bound is refused when the program starts, in clap's words naming the
//! flag and the variable, rather than silently replaced by the default.
//!
//! Secrets (the payment provider's secret, the SMTP URL that may carry a password, the SMS
//! gateway's token) are held in [`Secret`], which never prints.

use crate::privacy::Keyring;
use clap::Args;
pub use lingkaran_domain::secret::Secret;
use std::path::{Path, PathBuf};

/// The demo's provider secret, printed in docs/payments.md: `serve` refuses to run with it
/// unless `--demo` is given.
pub const DEMO_PROVIDER_SECRET: &str = "lingkaran-demo-provider-secret";
pub const DEMO_PROVIDER_CLIENT_ID: &str = "MCH-LINGKARAN-DEMO";

#[derive(Args, Debug, Clone)]
pub struct Config {
    /// The payment provider's client id.
    #[arg(long, env = "LINGKARAN_PROVIDER_CLIENT_ID", default_value = DEMO_PROVIDER_CLIENT_ID, global = true)]
    pub provider_client_id: String,
    /// The payment provider's shared secret for signed callbacks. `serve` refuses to start
    /// without it, except with `--demo`.
    #[arg(
        long,
        env = "LINGKARAN_PROVIDER_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub provider_secret: Option<Secret>,
    /// The key file that seals NIKs and phone numbers at rest (docs/privacy.md, "Keys"):
    /// `enc ID KEY` lines and one `index KEY` line. `serve` refuses to start without it, except
    /// with `--demo`, which makes demo keys next to the database.
    #[arg(long, env = "LINGKARAN_KEY_FILE", global = true)]
    pub key_file: Option<PathBuf>,
    /// Hours a donation's worker-months stay held, and its invoice open, unpaid (a virtual
    /// account's usual validity is a day).
    #[arg(long, env = "LINGKARAN_HOLD_HOURS", default_value_t = 24, value_parser = clap::value_parser!(u32).range(1..=720), global = true)]
    pub hold_hours: u32,
    /// Hours an `Idempotency-Key`'s answer is kept.
    #[arg(long, env = "LINGKARAN_IDEMPOTENCY_HOURS", default_value_t = 24, value_parser = clap::value_parser!(u32).range(1..=8760), global = true)]
    pub idempotency_hours: u32,
    /// Workers a donor who signed up alone may hold in unpaid donations (officers can set
    /// another limit per donor).
    #[arg(long, env = "LINGKARAN_SELF_DONOR_MAX_WORKERS", default_value_t = 50, value_parser = clap::value_parser!(u32).range(0..=10_000_000), global = true)]
    pub self_donor_max_workers: u32,
    /// Unpaid donations a donor who signed up alone may hold at a time.
    #[arg(long, env = "LINGKARAN_SELF_DONOR_MAX_HELD", default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=1_000), global = true)]
    pub self_donor_max_held: u32,
    /// The bank that issues the programme's virtual-account numbers (the payment provider's
    /// bank): BRI, BNI, MANDIRI, BCA, BSI or JATIM. The invoice names it and gives its steps.
    #[arg(long, env = "LINGKARAN_VA_BANK", default_value = "BRI", value_parser = parse_va_bank, global = true)]
    pub va_bank: String,
    /// How many months after the first payable month a donation may start.
    #[arg(long, env = "LINGKARAN_MAX_MONTHS_AHEAD", default_value_t = 12, value_parser = clap::value_parser!(u32).range(0..=120), global = true)]
    pub max_months_ahead: u32,
    /// The header a trusted reverse proxy writes the client's address in (`X-Forwarded-For`,
    /// `X-Real-IP`); unset, the socket's peer address counts. Set it only behind a proxy
    /// that overwrites or appends it: a client can send any header.
    #[arg(long, env = "LINGKARAN_TRUSTED_PROXY_HEADER", global = true)]
    pub trusted_proxy_header: Option<String>,
    /// Sign-ups per network address per hour.
    #[arg(long, env = "LINGKARAN_SIGNUPS_PER_HOUR", default_value_t = 5, value_parser = clap::value_parser!(u32).range(0..=100_000), global = true)]
    pub signups_per_hour: u32,
    /// Uploads (lists, statements, evidence, the insurer's files) one server handles at
    /// once; one more is answered 503 (docs/operations.md, "Limits").
    #[arg(long, env = "LINGKARAN_CONCURRENT_UPLOADS", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=1_000), global = true)]
    pub concurrent_uploads: u32,
    /// Days an API token works after it was issued.
    #[arg(long, env = "LINGKARAN_TOKEN_DAYS", default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=3650), global = true)]
    pub token_days: u32,
    /// Minutes a browser session may stay unused before it ends (the idle timeout).
    #[arg(long, env = "LINGKARAN_SESSION_IDLE_MINUTES", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=10_080), global = true)]
    pub session_idle_minutes: u32,
    /// Hours a browser session lasts at most, used or not (the absolute timeout).
    #[arg(long, env = "LINGKARAN_SESSION_HOURS", default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=720), global = true)]
    pub session_hours: u32,
    /// Day of the month from which `serve` runs the month's cycle (0 turns it off; at most the
    /// 28th, before the 15th due date is best).
    #[arg(long, env = "LINGKARAN_CYCLE_DAY", default_value_t = 10, value_parser = clap::value_parser!(u32).range(0..=28), global = true)]
    pub cycle_day: u32,
    /// Donations moved to the payables per transaction by the cycle.
    #[arg(long, env = "LINGKARAN_CYCLE_BATCH", default_value_t = crate::db::cycle::DONATIONS_PER_TRANSACTION, value_parser = clap::value_parser!(u32).range(1..=100_000), global = true)]
    pub cycle_batch: u32,
    /// Seconds a runner's claim on a job holds (renewed every third of it while the job runs):
    /// how long after a server dies its job waits before another runner takes it over.
    #[arg(long, env = "LINGKARAN_JOB_LEASE_SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u32).range(2..=3600), global = true)]
    pub job_lease_seconds: u32,
    /// Milliseconds a runner with nothing to do waits before it looks for a due job again.
    #[arg(long, env = "LINGKARAN_JOB_POLL_MS", default_value_t = 1000, value_parser = clap::value_parser!(u32).range(50..=60_000), global = true)]
    pub job_poll_ms: u32,
    /// Seconds a runner waits after it starts before it queues the day's jobs (the cycle,
    /// reminders, the audit head): a freshly started server answers requests first.
    #[arg(long, env = "LINGKARAN_JOB_DAILY_DELAY_SECONDS", default_value_t = 120, value_parser = clap::value_parser!(u32).range(0..=86_400), global = true)]
    pub job_daily_delay_seconds: u32,
    /// Where the cycle writes its remittance files.
    #[arg(
        long,
        env = "LINGKARAN_REMITTANCE_DIR",
        default_value = "remittances",
        global = true
    )]
    pub remittance_dir: PathBuf,
    /// The public address of the service, for links in messages.
    #[arg(
        long,
        env = "LINGKARAN_BASE_URL",
        default_value = "http://127.0.0.1:8080",
        global = true
    )]
    pub base_url: String,
    /// The sender of e-mails.
    #[arg(
        long,
        env = "LINGKARAN_MAIL_FROM",
        default_value = "GN Lingkaran <noreply@lingkaran.local>",
        global = true
    )]
    pub mail_from: String,
    /// The SMTP relay (`smtp://user:pass@host:25`); without it, e-mails are written as files.
    #[arg(
        long,
        env = "LINGKARAN_SMTP_URL",
        hide_env_values = true,
        global = true
    )]
    pub smtp_url: Option<Secret>,
    /// Where e-mails are written when there is no SMTP relay.
    #[arg(
        long,
        env = "LINGKARAN_MAIL_DIR",
        default_value = "outbox/email",
        global = true
    )]
    pub mail_dir: PathBuf,
    /// The SMS/WhatsApp gateway (docs/messages.md); without it, messages are appended to a file.
    #[arg(long, env = "LINGKARAN_SMS_URL", global = true)]
    pub sms_url: Option<String>,
    /// The gateway's bearer token.
    #[arg(
        long,
        env = "LINGKARAN_SMS_TOKEN",
        hide_env_values = true,
        global = true
    )]
    pub sms_token: Option<Secret>,
    /// Where SMS messages are appended when there is no gateway.
    #[arg(
        long,
        env = "LINGKARAN_SMS_FILE",
        default_value = "outbox/sms.jsonl",
        global = true
    )]
    pub sms_file: PathBuf,
}

/// Only the settings, for reading them from the environment alone.
#[derive(clap::Parser, Debug)]
#[command(name = "lingkaran")]
struct EnvOnly {
    #[command(flatten)]
    config: Config,
}

impl Config {
    /// The settings from the environment and the defaults, with no flags: what a test or an
    /// embedding gets. A value out of its bound is an error naming it.
    pub fn from_env() -> Result<Config, String> {
        use clap::Parser;
        EnvOnly::try_parse_from(["lingkaran"])
            .map(|e| e.config)
            .map_err(|e| e.to_string())
    }

    /// The provider secret to verify callbacks with: the configured one, or the demo's when
    /// `demo` allows it. `None` means `serve` must not start.
    pub fn provider_secret_for(&self, demo: bool) -> Option<Secret> {
        match &self.provider_secret {
            Some(s) if !s.expose().trim().is_empty() => Some(s.clone()),
            _ if demo => Some(Secret::new(DEMO_PROVIDER_SECRET)),
            _ => None,
        }
    }

    /// The keys for the database at `db_url`: those of `--key-file`/`LINGKARAN_KEY_FILE`; or,
    /// when `demo` allows it and none is given, the demo's key file next to the database
    /// (made on first use, readable by this user only, with a warning). Without keys the
    /// answer is an error in words an operator can act on: nothing may start that would
    /// write personal data it cannot seal.
    pub fn keyring_for(&self, db_url: &str, demo: bool) -> Result<Keyring, String> {
        if let Some(path) = &self.key_file {
            return read_key_file(path);
        }
        let demo_path = demo_key_path(db_url);
        if !demo {
            let hint = if demo_path.exists() {
                format!(
                    " The demo's keys for this database are in {} (--key-file {0}).",
                    demo_path.display()
                )
            } else {
                String::new()
            };
            return Err(format!(
                "Tidak ada kunci untuk data pribadi: berikan LINGKARAN_KEY_FILE atau --key-file \
                 (buat dengan `lingkaran keys generate --out FILE`). / No keys for personal data: \
                 set LINGKARAN_KEY_FILE or --key-file (make one with `lingkaran keys generate \
                 --out FILE`); see docs/privacy.md.{hint}"
            ));
        }
        if !demo_path.exists() {
            write_private(&demo_path, Keyring::generate_text().as_bytes())
                .map_err(|e| format!("writing demo keys to {}: {e}", demo_path.display()))?;
        }
        tracing::warn!(
            file = %demo_path.display(),
            "demo: personal data is sealed with demo keys kept next to the database; \
             give real keys (LINGKARAN_KEY_FILE) outside a demo"
        );
        read_key_file(&demo_path)
    }

    /// The public address without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }
}

/// Where `--demo` keeps its keys: next to a SQLite file (`lingkaran.db.keys`), or in the
/// working directory for PostgreSQL (`lingkaran-demo.keys`).
pub fn demo_key_path(db_url: &str) -> PathBuf {
    let file = db_url
        .strip_prefix("sqlite://")
        .or_else(|| db_url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or(rest))
        .filter(|f| !f.is_empty() && !f.contains(":memory:"));
    match file {
        Some(f) => PathBuf::from(format!("{f}.keys")),
        None => PathBuf::from("lingkaran-demo.keys"),
    }
}

/// Reads and checks a key file; the error names the file and the line.
pub fn read_key_file(path: &Path) -> Result<Keyring, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "Berkas kunci {0} tidak terbaca / cannot read the key file {0}: {e}",
            path.display()
        )
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = std::fs::metadata(path) {
            if m.permissions().mode() & 0o077 != 0 {
                tracing::warn!(
                    file = %path.display(),
                    "the key file is readable by others than its owner: chmod 600 it"
                );
            }
        }
    }
    Keyring::parse(&text).map_err(|e| {
        format!(
            "Berkas kunci {0} tidak sah / the key file {0} is not valid: {e}",
            path.display()
        )
    })
}

/// Creates `path` readable and writable by this user only (mode 0600 on Unix) and writes
/// `bytes`, refusing to replace a file that exists: for keys and for files that carry whole
/// NIKs (remittance files, a proposer's errors.csv).
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = private_file(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Creates (or empties) `path` readable and writable by this user only (mode 0600 on Unix,
/// also when it existed with a looser mode).
pub fn private_create(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let f = o.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(f)
}

/// Opens `path` to append, created readable and writable by this user only (the SMS file
/// when there is no gateway: it carries phone numbers).
pub fn private_append(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// Opens a new file readable and writable by this user only (mode 0600 on Unix).
pub fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

fn parse_va_bank(s: &str) -> Result<String, String> {
    lingkaran_domain::va::bank(s)
        .map(|b| b.code.to_string())
        .ok_or_else(|| {
            format!(
                "unknown bank {s:?}: one of {}",
                lingkaran_domain::va::BANKS.map(|b| b.code).join(", ")
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_prints() {
        let s = Secret::new("sangat-rahasia");
        assert_eq!(format!("{s} {s:?}"), "[redacted] [redacted]");
        let mut c = Config::from_env().unwrap_or_else(|e| panic!("{e}"));
        c.provider_secret = Some(s);
        c.smtp_url = Some(Secret::new("smtp://u:sandi@relay"));
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("sangat-rahasia") && !shown.contains("sandi"),
            "{shown}"
        );
    }

    #[test]
    fn serve_fails_closed_without_keys_and_the_demo_makes_private_ones() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let url = format!("sqlite://{}", dir.path().join("x.db").display());
        let mut c = Config::from_env().unwrap_or_else(|e| panic!("{e}"));
        c.key_file = None;
        let refused = c.keyring_for(&url, false).err().unwrap_or_default();
        assert!(
            refused.contains("LINGKARAN_KEY_FILE") && refused.contains("Tidak ada kunci"),
            "{refused}"
        );
        let demo = c.keyring_for(&url, true).unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("x.db.keys");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).map(|m| m.permissions().mode() & 0o777);
            assert_eq!(mode.ok(), Some(0o600));
        }
        // The same keys the next time, and named in the refusal without --demo.
        let again = c.keyring_for(&url, true).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            demo.blind_index(crate::privacy::Kind::Nik, "1"),
            again.blind_index(crate::privacy::Kind::Nik, "1")
        );
        let refused = c.keyring_for(&url, false).err().unwrap_or_default();
        assert!(refused.contains("x.db.keys"), "{refused}");
        // A named file wins, and a bad one is refused naming it.
        let bad = dir.path().join("bad.keys");
        std::fs::write(&bad, "enc 1 abc\n").unwrap_or_else(|e| panic!("{e}"));
        c.key_file = Some(bad);
        let refused = c.keyring_for(&url, true).err().unwrap_or_default();
        assert!(
            refused.contains("bad.keys") && refused.contains("line 1"),
            "{refused}"
        );
        c.key_file = Some(path);
        assert!(c.keyring_for(&url, false).is_ok());
        assert_eq!(
            demo_key_path("postgres://u@h/db"),
            PathBuf::from("lingkaran-demo.keys")
        );
    }

    #[test]
    fn serve_fails_closed_without_a_secret() {
        let mut c = Config::from_env().unwrap_or_else(|e| panic!("{e}"));
        c.provider_secret = None;
        assert!(c.provider_secret_for(false).is_none());
        assert_eq!(
            c.provider_secret_for(true).map(|s| s.expose().to_string()),
            Some(DEMO_PROVIDER_SECRET.to_string())
        );
        c.provider_secret = Some(Secret::new("  "));
        assert!(c.provider_secret_for(false).is_none(), "blank is missing");
        c.provider_secret = Some(Secret::new("k"));
        assert!(c.provider_secret_for(false).is_some());
    }
}
