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

use clap::Args;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

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
    /// Day of the month from which `serve` runs the month's cycle (0 turns it off; at most the
    /// 28th, before the 15th due date is best).
    #[arg(long, env = "LINGKARAN_CYCLE_DAY", default_value_t = 10, value_parser = clap::value_parser!(u32).range(0..=28), global = true)]
    pub cycle_day: u32,
    /// Donations moved to the payables per transaction by the cycle.
    #[arg(long, env = "LINGKARAN_CYCLE_BATCH", default_value_t = crate::db::cycle::DONATIONS_PER_TRANSACTION, value_parser = clap::value_parser!(u32).range(1..=100_000), global = true)]
    pub cycle_batch: u32,
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

    /// The public address without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }
}

/// A secret that never prints: its `Debug` and `Display` say `[redacted]`. Read it with
/// [`Secret::expose`] only where it is used (an HMAC key, an SMTP login).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Secret, Self::Err> {
        Ok(Secret(s.to_string()))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
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
