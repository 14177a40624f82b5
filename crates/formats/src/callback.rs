//! The payment provider's virtual-account callback, after DOKU's HTTP Notification (non-SNAP)
//! for virtual accounts, which Indonesian payment gateways broadly share:
//!
//! ```text
//! POST /api/v1/payments/callback
//! Client-Id: MCH-0001-10791114622547
//! Request-Id: 479b663f-5c9d-400d-8e80-3e548a8f7639        (unique per notification)
//! Request-Timestamp: 2026-11-25T08:45:42Z                 (UTC, ISO 8601)
//! Signature: HMACSHA256=<base64>
//!
//! {"order":{"invoice_number":"INV-2026-000001","amount":100800},
//!  "virtual_account_info":{"virtual_account_number":"8890800000000001"},
//!  "transaction":{"status":"SUCCESS","date":"2026-11-25T08:45:40Z",
//!                 "original_request_id":"15022aab-444f-4b04-afa8-ddfce89432ec"},
//!  "channel":{"id":"VIRTUAL_ACCOUNT_BCA"}, "acquirer":{"id":"BCA"}, "service":{"id":"VIRTUAL_ACCOUNT"}}
//! ```
//!
//! The signature is HMAC-SHA256, keyed with the shared secret, over five lines:
//! `Client-Id:…`, `Request-Id:…`, `Request-Timestamp:…`, `Request-Target:<path>` and
//! `Digest:<base64 of SHA-256 of the raw body>`, joined by `\n`. Because the digest covers the
//! raw bytes, the body is verified before it is parsed. A timestamp outside the replay window
//! (five minutes either way) is refused, so a captured request cannot be replayed later; a
//! notification delivered again inside the window is harmless, because the payment is keyed
//! by the provider's transaction id (`transaction.original_request_id`) and booked once.

use base64::Engine;
use chrono::{DateTime, NaiveDate, Utc};
use hmac::{Hmac, Mac};
use lingkaran_domain::message::Problem;
use lingkaran_domain::Rupiah;
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The callback's path, which is also its `Request-Target`.
pub const PATH: &str = "/api/v1/payments/callback";

/// How far a callback's timestamp may be from our clock, either way.
pub const REPLAY_WINDOW_SECONDS: i64 = 300;

/// What the provider and we agreed on.
#[derive(Debug, Clone)]
pub struct Provider {
    pub client_id: String,
    pub secret: lingkaran_domain::secret::Secret,
}

/// The headers that carry the signature.
#[derive(Debug, Clone, Default)]
pub struct Headers {
    pub client_id: Option<String>,
    pub request_id: Option<String>,
    pub timestamp: Option<String>,
    pub signature: Option<String>,
}

/// A verified notification of a paid virtual account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paid {
    pub transaction_id: String,
    pub va_number: String,
    pub invoice_number: Option<String>,
    pub amount: i64,
    pub paid_on: NaiveDate,
    pub channel: Option<String>,
    /// `SUCCESS`, or a status to acknowledge and ignore (`FAILED`, `EXPIRED`).
    pub status: String,
}

#[derive(Deserialize)]
struct Body {
    order: Option<Order>,
    virtual_account_info: Option<VaInfo>,
    transaction: Option<Txn>,
    channel: Option<Id>,
}
#[derive(Deserialize)]
struct Order {
    invoice_number: Option<String>,
    amount: Option<serde_json::Value>,
}
#[derive(Deserialize)]
struct VaInfo {
    virtual_account_number: Option<String>,
}
#[derive(Deserialize)]
struct Txn {
    status: Option<String>,
    date: Option<String>,
    original_request_id: Option<String>,
}
#[derive(Deserialize)]
struct Id {
    id: Option<String>,
}

fn digest(body: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body))
}

fn components(client_id: &str, request_id: &str, timestamp: &str, body: &[u8]) -> String {
    format!(
        "Client-Id:{client_id}\nRequest-Id:{request_id}\nRequest-Timestamp:{timestamp}\nRequest-Target:{PATH}\nDigest:{}",
        digest(body)
    )
}

/// The `Signature` header value for a notification: what the provider sends, and what the
/// simulator and the tests send.
pub fn sign(
    secret: &str,
    client_id: &str,
    request_id: &str,
    timestamp: &str,
    body: &[u8],
) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(components(client_id, request_id, timestamp, body).as_bytes());
    format!(
        "HMACSHA256={}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    )
}

/// What kind of notification was refused: the receiver answers by the kind, never by the
/// problem's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not from the provider as far as we can tell: unsigned, an unknown client, a wrong
    /// signature, or a timestamp missing, unreadable or outside the replay window.
    Unauthentic,
    /// Signed, but not a notification we can read: not the expected JSON, or a field missing.
    Malformed,
    /// Signed and readable, but the amount is not whole rupiah within Rp 0 < a ≤ Rp 10^15.
    AmountOutOfBounds,
}

/// A refused notification: its kind and the words.
#[derive(Debug, Clone)]
pub struct Refused {
    pub kind: Refusal,
    pub problem: Problem,
}

fn refused(code: &'static str, id: &str, en: &str) -> Refused {
    Refused {
        kind: Refusal::Unauthentic,
        problem: Problem::new(code, id, en),
    }
}

fn malformed(problem: Problem) -> Refused {
    Refused {
        kind: Refusal::Malformed,
        problem,
    }
}

/// Checks the signature and the timestamp over the raw body, then reads the notification.
pub fn verify(
    provider: &Provider,
    h: &Headers,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Paid, Refused> {
    let (Some(client_id), Some(request_id), Some(timestamp), Some(signature)) = (
        h.client_id.as_deref(),
        h.request_id.as_deref(),
        h.timestamp.as_deref(),
        h.signature.as_deref(),
    ) else {
        return Err(refused(
            "unsigned",
            "Notifikasi tanpa Client-Id, Request-Id, Request-Timestamp atau Signature ditolak.",
            "A notification without Client-Id, Request-Id, Request-Timestamp or Signature is refused.",
        ));
    };
    if client_id != provider.client_id {
        return Err(refused(
            "unknown_client",
            "Client-Id tidak dikenal.",
            "Unknown Client-Id.",
        ));
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(provider.secret.expose().as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(components(client_id, request_id, timestamp, body).as_bytes());
    let given = signature
        .strip_prefix("HMACSHA256=")
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .unwrap_or_default();
    // `verify_slice` compares in constant time.
    if mac.verify_slice(&given).is_err() {
        return Err(refused(
            "bad_signature",
            "Tanda tangan (Signature) notifikasi tidak cocok.",
            "The notification's signature does not match.",
        ));
    }
    let at = DateTime::parse_from_rfc3339(timestamp)
        .map_err(|_| {
            refused(
                "bad_timestamp",
                "Request-Timestamp bukan waktu ISO 8601.",
                "Request-Timestamp is not an ISO 8601 time.",
            )
        })?
        .with_timezone(&Utc);
    if (now - at).num_seconds().abs() > REPLAY_WINDOW_SECONDS {
        return Err(refused(
            "stale_timestamp",
            "Notifikasi di luar jendela waktu 5 menit; dianggap pengulangan dan ditolak.",
            "The notification is outside the 5-minute window; treated as a replay and refused.",
        ));
    }
    let body: Body = serde_json::from_slice(body).map_err(|e| {
        malformed(Problem::new(
            "bad_body",
            format!("Isi notifikasi bukan JSON yang dikenal: {e}"),
            format!("The notification body is not the expected JSON: {e}"),
        ))
    })?;
    let missing = |field: &str| {
        malformed(Problem::new(
            "missing_field",
            format!("Notifikasi tanpa {field}."),
            format!("The notification has no {field}."),
        ))
    };
    let txn = body.transaction.ok_or_else(|| missing("transaction"))?;
    let transaction_id = txn
        .original_request_id
        .filter(|s| !s.is_empty())
        .ok_or_else(|| missing("transaction.original_request_id"))?;
    let va_number = body
        .virtual_account_info
        .and_then(|v| v.virtual_account_number)
        .ok_or_else(|| missing("virtual_account_info.virtual_account_number"))?;
    let order = body.order.ok_or_else(|| missing("order"))?;
    // DOKU sends the amount as a number; some gateways send "100800.00". A float is taken
    // only while it is exact (below 2^53): `1e30 as i64` would saturate to 2^63 − 1.
    let amount = match order.amount {
        Some(serde_json::Value::Number(n)) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0)
                .map(|f| f as i64)
        }),
        Some(serde_json::Value::String(s)) => {
            let s = s.trim();
            let s = s.strip_suffix(".00").unwrap_or(s);
            s.parse().ok()
        }
        Some(_) => None,
        None => return Err(missing("order.amount (whole rupiah, more than zero)")),
    };
    // Outside the bound the gateway gets a final 4xx in words, so it stops redelivering.
    let amount = amount
        .and_then(Rupiah::positive)
        .ok_or_else(|| Refused {
            kind: Refusal::AmountOutOfBounds,
            problem: lingkaran_domain::money::out_of_bounds("order.amount"),
        })?
        .get();
    let paid_on = txn
        .date
        .as_deref()
        .and_then(|d| DateTime::parse_from_rfc3339(d).ok())
        .map(|d| lingkaran_domain::wib::wib_date(d.with_timezone(&Utc)))
        .unwrap_or_else(|| lingkaran_domain::wib::wib_date(now));
    Ok(Paid {
        transaction_id,
        va_number,
        invoice_number: order.invoice_number,
        amount,
        paid_on,
        channel: body.channel.and_then(|c| c.id),
        status: txn.status.unwrap_or_else(|| "SUCCESS".into()),
    })
}

/// A notification body in the provider's shape, for the simulator and the tests.
pub fn body(
    va: &str,
    invoice_number: &str,
    amount: i64,
    transaction_id: &str,
    at: DateTime<Utc>,
) -> String {
    serde_json::json!({
        "service": {"id": "VIRTUAL_ACCOUNT"},
        "acquirer": {"id": "BCA"},
        "channel": {"id": "VIRTUAL_ACCOUNT_BCA"},
        "transaction": {
            "status": "SUCCESS",
            "date": at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            "original_request_id": transaction_id,
        },
        "order": {"invoice_number": invoice_number, "amount": amount},
        "virtual_account_info": {"virtual_account_number": va},
        "virtual_account_payment": {"reference_number": transaction_id},
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider() -> Provider {
        Provider {
            client_id: "MCH-1".into(),
            secret: lingkaran_domain::secret::Secret::new("s3cret"),
        }
    }

    fn signed(body: &str, at: &str) -> Headers {
        Headers {
            client_id: Some("MCH-1".into()),
            request_id: Some("req-1".into()),
            timestamp: Some(at.into()),
            signature: Some(sign("s3cret", "MCH-1", "req-1", at, body.as_bytes())),
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-25T08:45:42Z")
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_default()
    }

    #[test]
    fn a_signed_fresh_notification_is_read() {
        let b = body(
            "8890800000000001",
            "INV-2026-000001",
            100_800,
            "tx-1",
            now(),
        );
        let paid = verify(
            &provider(),
            &signed(&b, "2026-11-25T08:45:42Z"),
            b.as_bytes(),
            now(),
        );
        let paid = paid.unwrap_or_else(|e| panic!("{}", e.problem));
        assert_eq!(paid.amount, 100_800);
        assert_eq!(paid.transaction_id, "tx-1");
        assert_eq!(paid.va_number, "8890800000000001");
        assert_eq!(paid.paid_on.to_string(), "2026-11-25");
    }

    #[test]
    fn a_changed_byte_a_wrong_key_or_an_old_timestamp_is_refused() {
        let b = body(
            "8890800000000001",
            "INV-2026-000001",
            100_800,
            "tx-1",
            now(),
        );
        let h = signed(&b, "2026-11-25T08:45:42Z");
        let tampered = b.replace("100800", "900800");
        assert_eq!(
            verify(&provider(), &h, tampered.as_bytes(), now())
                .map_err(|e| (e.kind, e.problem.code)),
            Err((Refusal::Unauthentic, "bad_signature"))
        );
        let other = Provider {
            secret: lingkaran_domain::secret::Secret::new("other"),
            ..provider()
        };
        assert_eq!(
            verify(&other, &h, b.as_bytes(), now()).map_err(|e| (e.kind, e.problem.code)),
            Err((Refusal::Unauthentic, "bad_signature"))
        );
        let old = signed(&b, "2026-11-25T08:35:00Z");
        assert_eq!(
            verify(&provider(), &old, b.as_bytes(), now()).map_err(|e| (e.kind, e.problem.code)),
            Err((Refusal::Unauthentic, "stale_timestamp"))
        );
        assert_eq!(
            verify(&provider(), &Headers::default(), b.as_bytes(), now())
                .map_err(|e| (e.kind, e.problem.code)),
            Err((Refusal::Unauthentic, "unsigned"))
        );
    }

    #[test]
    fn a_signed_body_that_cannot_be_read_is_malformed_and_a_bad_amount_is_said_so() {
        let at = "2026-11-25T08:45:42Z";
        let kind =
            |b: &str| verify(&provider(), &signed(b, at), b.as_bytes(), now()).map_err(|e| e.kind);
        assert_eq!(kind("not json"), Err(Refusal::Malformed));
        assert_eq!(kind("{}"), Err(Refusal::Malformed));
        let zero = body("8890800000000001", "INV-2026-000001", 0, "tx-1", now());
        assert_eq!(kind(&zero), Err(Refusal::AmountOutOfBounds));
    }
}
