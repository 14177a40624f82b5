//! Sends what the outbox holds, through pluggable senders (docs/messages.md):
//!
//! - **e-mail** over SMTP with `lettre` (`LINGKARAN_SMTP_URL`, e.g. `smtp://127.0.0.1:25`, the
//!   site's relay), or, when none is set, as `.eml` files in `LINGKARAN_MAIL_DIR`;
//! - **SMS/WhatsApp** through an HTTP gateway (`LINGKARAN_SMS_URL`; contract in
//!   docs/messages.md), or, when none is set, as JSON lines appended to `LINGKARAN_SMS_FILE`.
//!
//! An e-mail with an attachment (a receipt's PDF, a donor's statement) goes as
//! `multipart/mixed`: the text, then the file.
//!
//! Each message is claimed before it is sent and marked after, so it is sent once: a failure
//! is retried later with back-off, and a send interrupted between the two is reported as
//! stuck rather than sent again.

use crate::db::outbox::{self, Attachment, Message};
use crate::db::Db;
use chrono::Utc;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

/// Where e-mail goes.
#[derive(Clone)]
pub enum Email {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    Files {
        dir: PathBuf,
        from: Mailbox,
    },
}

/// Where SMS/WhatsApp messages go.
#[derive(Clone)]
pub enum Sms {
    Http {
        client: reqwest::Client,
        url: String,
        token: Option<crate::config::Secret>,
    },
    File(PathBuf),
}

#[derive(Clone)]
pub struct Senders {
    pub email: Email,
    pub sms: Sms,
}

/// Why a send failed, and whether trying again later may help.
#[derive(Debug)]
pub struct SendError {
    pub message: String,
    pub retry: bool,
}

impl Senders {
    /// From the configuration (see the module's doc); files under `outbox/` by default.
    pub fn from_config(config: &crate::config::Config) -> anyhow::Result<Senders> {
        let from: Mailbox = config
            .mail_from
            .parse()
            .map_err(|e| anyhow::anyhow!("LINGKARAN_MAIL_FROM is not an address: {e}"))?;
        let email = match &config.smtp_url {
            Some(url) if !url.expose().is_empty() => Email::Smtp {
                transport: smtp_transport(url.expose())?,
                from,
            },
            _ => Email::Files {
                dir: config.mail_dir.clone(),
                from,
            },
        };
        let sms = match &config.sms_url {
            Some(url) if !url.is_empty() => Sms::Http {
                client: reqwest::Client::builder()
                    .timeout(Duration::from_secs(20))
                    .build()?,
                url: url.clone(),
                token: config.sms_token.clone(),
            },
            _ => Sms::File(config.sms_file.clone()),
        };
        Ok(Senders { email, sms })
    }

    /// Sends `m`, with its attachment (read by [`outbox::attachment`]) if it has one.
    pub async fn send(
        &self,
        m: &Message,
        attachment: Option<&Attachment>,
    ) -> Result<(), SendError> {
        match m.channel.as_str() {
            "email" => self.send_email(m, attachment).await,
            "sms" => self.send_sms(m).await,
            other => Err(SendError {
                message: format!("unknown channel {other}"),
                retry: false,
            }),
        }
    }

    async fn send_email(
        &self,
        m: &Message,
        attachment: Option<&Attachment>,
    ) -> Result<(), SendError> {
        let final_error = |message: String| SendError {
            message,
            retry: false,
        };
        let to: Mailbox = m
            .recipient
            .parse()
            .map_err(|e| final_error(format!("recipient {}: {e}", m.recipient)))?;
        let from = match &self.email {
            Email::Smtp { from, .. } | Email::Files { from, .. } => from.clone(),
        };
        let builder = lettre::Message::builder()
            .from(from)
            .to(to)
            // The outbox id in the Message-ID lets a receiver drop a duplicate, should an
            // interrupted send ever be repeated by hand.
            .message_id(Some(format!("<outbox-{}@lingkaran>", m.id)))
            .subject(m.subject.clone().unwrap_or_default());
        let email = match attachment {
            None => builder.header(ContentType::TEXT_PLAIN).body(m.body.clone()),
            Some(a) => {
                let kind = ContentType::parse(a.content_type())
                    .map_err(|e| final_error(format!("{}: {e}", a.content_type())))?;
                builder.multipart(
                    MultiPart::mixed()
                        .singlepart(SinglePart::plain(m.body.clone()))
                        .singlepart(
                            lettre::message::Attachment::new(a.file_name().to_string())
                                .body(a.bytes().to_vec(), kind),
                        ),
                )
            }
        }
        .map_err(|e| final_error(e.to_string()))?;
        match &self.email {
            Email::Smtp { transport, .. } => {
                transport
                    .send(email)
                    .await
                    .map(|_| ())
                    .map_err(|e| SendError {
                        // A permanent SMTP answer (5xx) will not change; anything else may.
                        retry: !e.is_permanent(),
                        message: e.to_string(),
                    })
            }
            Email::Files { dir, .. } => {
                std::fs::create_dir_all(dir).map_err(|e| SendError {
                    message: format!("{}: {e}", dir.display()),
                    retry: true,
                })?;
                AsyncFileTransport::<Tokio1Executor>::new(dir)
                    .send(email)
                    .await
                    .map(|_| ())
                    .map_err(|e| SendError {
                        message: e.to_string(),
                        retry: true,
                    })
            }
        }
    }

    async fn send_sms(&self, m: &Message) -> Result<(), SendError> {
        let reference = format!("outbox-{}", m.id);
        let payload = serde_json::json!({
            "to": m.recipient,
            "message": m.body,
            "reference": reference,
        });
        match &self.sms {
            Sms::Http { client, url, token } => {
                let mut req = client
                    .post(url)
                    .header("Idempotency-Key", &reference)
                    .json(&payload);
                if let Some(t) = token {
                    req = req.bearer_auth(t.expose());
                }
                let resp = req.send().await.map_err(|e| SendError {
                    message: format!("gateway unreachable: {e}"),
                    retry: true,
                })?;
                let status = resp.status();
                if status.is_success() {
                    return Ok(());
                }
                let text = resp.text().await.unwrap_or_default();
                Err(SendError {
                    message: format!("gateway answered {status}: {}", text.trim()),
                    // 4xx (a bad number, a refused message) will not change, except a
                    // timeout or rate limit.
                    retry: status.is_server_error()
                        || status.as_u16() == 408
                        || status.as_u16() == 429,
                })
            }
            Sms::File(path) => {
                let write = || -> std::io::Result<()> {
                    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                        std::fs::create_dir_all(dir)?;
                    }
                    let mut f = crate::config::private_append(path)?;
                    writeln!(f, "{payload}")?;
                    f.sync_data()
                };
                write().map_err(|e| SendError {
                    message: format!("{}: {e}", path.display()),
                    retry: true,
                })
            }
        }
    }
}

/// `smtp://[user:password@]host[:port]` (port 25 by default). Plain SMTP to the site's relay;
/// the relay does TLS onwards (docs/messages.md).
pub fn smtp_transport(url: &str) -> anyhow::Result<AsyncSmtpTransport<Tokio1Executor>> {
    let rest = url
        .strip_prefix("smtp://")
        .ok_or_else(|| anyhow::anyhow!("LINGKARAN_SMTP_URL must start with smtp://, not {url}"))?;
    let (auth, host_port) = match rest.rsplit_once('@') {
        Some((auth, hp)) => (Some(auth), hp),
        None => (None, rest),
    };
    let host_port = host_port.trim_end_matches('/');
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) => (
            h,
            p.parse::<u16>()
                .map_err(|_| anyhow::anyhow!("LINGKARAN_SMTP_URL: port \"{p}\" is not a number"))?,
        ),
        None => (host_port, 25),
    };
    let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(port)
        .timeout(Some(Duration::from_secs(20)));
    if let Some((user, password)) = auth.and_then(|a| a.split_once(':')) {
        b = b.credentials(lettre::transport::smtp::authentication::Credentials::new(
            user.to_string(),
            password.to_string(),
        ));
    }
    Ok(b.build())
}

#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Delivery {
    pub sent: usize,
    /// Failed this time, to be tried again later.
    pub retrying: usize,
    /// Given up (final error or too many attempts).
    pub failed: usize,
}

/// Sends every due message once (at most `limit`).
pub async fn deliver_due(db: &Db, senders: &Senders, limit: i64) -> anyhow::Result<Delivery> {
    let mut d = Delivery::default();
    for m in outbox::claim_due(db, Utc::now(), limit).await? {
        // One attachment in memory at a time (at most 5 MB), read only to be sent.
        let attachment = match &m.attachment {
            Some(_) => outbox::attachment(db, m.id).await?,
            None => None,
        };
        match senders.send(&m, attachment.as_ref()).await {
            Ok(()) => {
                outbox::mark_sent(db, m.id, Utc::now()).await?;
                d.sent += 1;
            }
            Err(e) => {
                tracing::warn!(id = m.id, channel = %m.channel, error = %e.message, "message not sent");
                if outbox::mark_failed(db, &m, &e.message, e.retry, Utc::now()).await? {
                    d.retrying += 1;
                } else {
                    d.failed += 1;
                }
            }
        }
    }
    Ok(d)
}
