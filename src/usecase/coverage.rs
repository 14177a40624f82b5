//! Who is protected: the public check (`/perlindungan`) and the staff look-up
//! (`POST /api/v1/coverage`, `lingkaran coverage check`). See docs/privacy.md, "The public
//! check".

use super::{Ctx, Error};
use crate::db::coverage::{self, Answer};
use crate::privacy::gate;
use chrono::NaiveDate;
use lingkaran_domain::{Nik, Problem};

/// Public checks per client address in one window.
pub const CHECKS_PER_WINDOW: i64 = 10;
/// The window, in seconds (10 minutes).
pub const WINDOW_SECS: i64 = 600;

/// What the public check answers.
#[derive(Debug)]
pub enum Public {
    /// The NIK or the four digits are not in the right form: says so, and nothing else.
    BadFormat(Problem),
    /// Too many checks from this client address in this window.
    Throttled { retry_after: i64 },
    /// Protected: the worker's answer.
    Protected(Answer),
    /// The one answer for an unknown NIK, a wrong second factor, no phone on record and a
    /// worker who is not protected.
    NotHere,
}

/// The last four digits of a phone number, if it has four.
fn last_four(phone: &str) -> Option<String> {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 4).then(|| digits[digits.len() - 4..].iter().collect())
}

/// The public check: a NIK and the last four digits of the phone on record (the second
/// factor: the birth date is written in the NIK, so it adds nothing). `client` is the
/// caller's address, from the trusted proxy header when one is set; checks are counted per
/// address in the store, so that every server shares the limit. Nobody is signed in, so it
/// takes the store and the clock rather than a [`Ctx`].
pub async fn public_check(
    db: &crate::db::Db,
    clock: &dyn crate::clock::Clock,
    limit: i64,
    client: &str,
    nik: &str,
    phone_digits: &str,
) -> Result<Public, Error> {
    let now = clock.now().timestamp();
    let window = now - now.rem_euclid(WINDOW_SECS);
    if coverage::count_check(db, client, window).await? > limit {
        return Ok(Public::Throttled {
            retry_after: (window + WINDOW_SECS - now).max(1),
        });
    }
    let today = clock.today();
    let Ok(nik) = Nik::parse(nik.trim(), today) else {
        // The format only: the words never repeat what was typed.
        return Ok(Public::BadFormat(Problem::new(
            "invalid_nik",
            "NIK harus 16 angka, sesuai KTP. Periksa lagi.",
            "A NIK is 16 digits, as on the ID card. Check it again.",
        )));
    };
    let digits = phone_digits.trim();
    if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Ok(Public::BadFormat(Problem::new(
            "invalid_phone_digits",
            "Tuliskan tepat 4 angka: angka terakhir nomor HP yang terdaftar.",
            "Type exactly 4 digits: the last digits of the phone number on record.",
        )));
    }
    let answer = coverage::check(db, &nik.to_string(), today).await?;
    let factor_holds = answer
        .worker
        .as_ref()
        .and_then(|w| w.phone.as_deref())
        .and_then(last_four)
        .is_some_and(|four| four == digits);
    Ok(if factor_holds && answer.coverage.protected {
        Public::Protected(answer)
    } else {
        Public::NotHere
    })
}

/// The staff look-up of one NIK on `day`. Only roles that see whole NIKs may look one up
/// (a viewer, who sees masks, could otherwise complete a mask by trying it here); a worker
/// outside the caller's regions answers exactly as a NIK nobody registered.
pub async fn check(ctx: Ctx<'_>, nik: &str, day: NaiveDate) -> Result<Answer, Error> {
    let p = ctx.require(&crate::auth::role::READERS)?;
    if !gate::may_search_by_nik(p) {
        return Err(Error::Forbidden);
    }
    let nik = Nik::parse(nik.trim(), ctx.clock.today())
        .map_err(|_| {
            Error::invalid(
                "invalid_nik",
                "NIK harus 16 angka, sesuai KTP.",
                "A NIK is 16 digits, as on the ID card.",
            )
        })?
        .to_string();
    let answer = coverage::check(ctx.db, &nik, day).await?;
    if answer
        .worker
        .as_ref()
        .is_some_and(|w| !p.covers(&w.village_code))
    {
        return Ok(Answer {
            worker: None,
            coverage: lingkaran_domain::coverage::on(&[], day),
        });
    }
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::last_four;

    #[test]
    fn the_second_factor_is_the_phones_last_four_digits() {
        assert_eq!(last_four("0812-3456-7890").as_deref(), Some("7890"));
        assert_eq!(last_four("+62 812 3456 7890").as_deref(), Some("7890"));
        assert_eq!(last_four("123"), None);
        assert_eq!(last_four(""), None);
    }
}
