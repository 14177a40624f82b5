//! What a donation, or a donor, did (issue 14 §1), for whoever may see it: the donation's
//! readers (`donations::visible`), the donor's account readers (`account::sees_account`).

use super::account::sees_account;
use super::donations::visible;
use super::{Ctx, Error};
use crate::db::donors;
use crate::db::impact::{self, Impact, Scope};

pub async fn of_donation(ctx: Ctx<'_>, id: i64) -> Result<Impact, Error> {
    let d = visible(ctx, id).await?;
    Ok(impact::of(ctx.db, Scope::Donation(d.id)).await?)
}

pub async fn of_donor(ctx: Ctx<'_>, donor_id: i64) -> Result<Impact, Error> {
    let donor = donors::get(ctx.db, donor_id)
        .await?
        .ok_or(Error::NotFound("Donatur"))?;
    if ctx.actor.role == crate::auth::Role::Donor && donor.user_id != Some(ctx.actor.user_id) {
        return Err(Error::NotFound("Donatur"));
    }
    if !sees_account(ctx, &donor).await? {
        return Err(Error::Forbidden);
    }
    Ok(impact::of(ctx.db, Scope::Donor(donor.id)).await?)
}
