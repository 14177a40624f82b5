//! The payment provider's callback verifier. The input is split into the headers and the
//! body. The body is verified twice: as sent (with whatever signature came with it, which
//! must never pass unless it is the right one) and signed with the shared secret, so that the
//! fuzzer reaches the body's parsing. A notification that passes holds whole rupiah within
//! the bounds.
#![no_main]

use chrono::{DateTime, Utc};
use libfuzzer_sys::fuzz_target;
use lingkaran_domain::secret::Secret;
use lingkaran_formats::callback::{self, Headers, Provider};

const CLIENT: &str = "MCH-0001-10791114622547";
const SECRET: &str = "fuzz-secret";

fuzz_target!(|data: &[u8]| {
    // Headers are text lines; the body is what follows the first empty line.
    let (head, body) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (&[][..], data),
    };
    let head = String::from_utf8_lossy(head);
    let mut lines = head.lines();
    let mut next = || lines.next().map(str::to_string);
    let sent = Headers {
        client_id: next(),
        request_id: next(),
        timestamp: next(),
        signature: next(),
    };
    let Some(now) = DateTime::<Utc>::from_timestamp(1_795_000_000, 0) else {
        return;
    };
    let provider = Provider {
        client_id: CLIENT.into(),
        secret: Secret::new(SECRET),
    };
    if callback::verify(&provider, &sent, body, now).is_ok() {
        // Only the secret's holder can sign: a fuzzer that forged it would be a finding.
        let right = callback::sign(
            SECRET,
            sent.client_id.as_deref().unwrap_or(""),
            sent.request_id.as_deref().unwrap_or(""),
            sent.timestamp.as_deref().unwrap_or(""),
            body,
        );
        assert_eq!(
            sent.signature.as_deref(),
            Some(right.as_str()),
            "a forged signature passed"
        );
    }
    let timestamp = now.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let request_id = sent.request_id.clone().unwrap_or_else(|| "r-1".into());
    let signed = Headers {
        client_id: Some(CLIENT.into()),
        request_id: Some(request_id.clone()),
        timestamp: Some(timestamp.clone()),
        signature: Some(callback::sign(
            SECRET,
            CLIENT,
            &request_id,
            &timestamp,
            body,
        )),
    };
    if let Ok(paid) = callback::verify(&provider, &signed, body, now) {
        assert!(
            paid.amount > 0 && paid.amount <= 1_000_000_000_000_000,
            "amount {}",
            paid.amount
        );
        assert!(!paid.transaction_id.is_empty());
    }
});
