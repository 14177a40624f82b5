//! Tokens, the caller's own account, users and organisations.

use super::error::{ApiError, ErrorEnvelope, Result};
use super::extract::Caller;
use super::extract::Json;
use super::shapes;
use crate::app::AppState;
use crate::auth::Role;
use crate::db::users::{self, NewUser};
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct Login {
    username: String,
    password: String,
    label: Option<String>,
}

/// Exchanges a username and password for a bearer token, for scripts. Failed attempts are
/// throttled per account and per client address (then 429 with `Retry-After`). The token
/// expires after `LINGKARAN_TOKEN_DAYS` days.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "accounts",
    summary = "Exchange username and password for a bearer token",
    description = "Roles: anyone. Tokens expire after LINGKARAN_TOKEN_DAYS days (90 by default).",
    security(),
    responses(
        (status = 201, description = "A new token", body = shapes::Token),
        (status = 401, description = "Wrong username or password (`bad_credentials`)", body = ErrorEnvelope),
        (status = 429, description = "Too many failed sign-ins for the account or address (`too_many_attempts`), or too many password checks at once (`busy`), with `Retry-After`", body = ErrorEnvelope),
    ))]
pub async fn issue_token(
    State(state): State<AppState>,
    parts: axum::http::request::Parts,
    Json(l): Json<Login>,
) -> std::result::Result<(StatusCode, Json<Value>), axum::response::Response> {
    use axum::response::IntoResponse;
    let address = state.client_address(&parts);
    let signed_in = crate::usecase::signin::sign_in(
        &state.db,
        state.clock.as_ref(),
        crate::usecase::signin::Attempt {
            username: &l.username,
            password: &l.password,
            address: &address,
        },
    )
    .await
    .map_err(super::error::refusal)?;
    let Some(user_id) = signed_in else {
        tracing::info!(
            username = %crate::auth::password::loggable(&l.username),
            "API sign-in refused"
        );
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "Nama pengguna atau kata sandi salah.",
            "Wrong username or password.",
        )
        .into_response());
    };
    let label: String = l
        .label
        .as_deref()
        .unwrap_or("api")
        .chars()
        .take(100)
        .collect();
    let token = users::create_api_token(
        &state.db,
        user_id,
        &label,
        crate::db::audit::Actor::User(user_id),
        state.clock.now(),
    )
    .await
    .map_err(|e| ApiError::from(e).into_response())?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "token": token, "token_type": "Bearer",
                     "expires_in_days": state.settings.lifetimes.token.num_days() })),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// The caller changes their own password. Needs the current one; every browser session of
/// theirs ends (but the one asking, for a page's session). API tokens stay.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "accounts",
    summary = "Change your own password",
    description = "Roles: any signed-in user. Needs the current password; ends your other sessions.",
    responses(
        (status = 200, description = "Changed", body = shapes::PasswordChanged),
        (status = 422, description = "The current password is wrong (`wrong_password`) or the new one is too weak (`weak_password`, `same_password`)", body = ErrorEnvelope),
        (status = 429, description = "Too many failed attempts (`too_many_attempts`), with `Retry-After`", body = ErrorEnvelope),
    ))]
pub async fn change_password(
    caller: Caller,
    State(state): State<AppState>,
    parts: axum::http::request::Parts,
    Json(c): Json<PasswordChange>,
) -> std::result::Result<Json<Value>, axum::response::Response> {
    let address = state.client_address(&parts);
    let session = crate::http::request::cookie(&parts, crate::http::request::SESSION_COOKIE)
        // A bearer request keeps no session.
        .filter(|_| {
            !parts
                .headers
                .contains_key(axum::http::header::AUTHORIZATION)
        });
    let ended = crate::usecase::signin::change_password(
        state.ctx(&caller.0),
        crate::usecase::signin::Change {
            current: &c.current_password,
            new: &c.new_password,
            repeat: &c.new_password,
            session,
            address: &address,
        },
    )
    .await
    .map_err(super::error::refusal)?;
    Ok(Json(json!({ "changed": true, "sessions_ended": ended })))
}

#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    summary = "The caller's account, role and region scopes",
    description = "Roles: any signed-in user.",
    responses((status = 200, description = "Your account", body = shapes::Me)))]
pub async fn me(Caller(p): Caller) -> Json<Value> {
    Json(json!({
        "id": p.user_id, "username": p.username, "full_name": p.full_name, "role": p.role.code(),
        "organisation_id": p.organisation_id, "scopes": p.scopes,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct UserInput {
    username: String,
    full_name: String,
    password: String,
    role: String,
    organisation_id: Option<i64>,
    #[serde(default)]
    regions: Vec<String>,
}

#[utoipa::path(post, path = "/api/v1/users", tag = "accounts",
    summary = "Create a user",
    description = "Roles: admin.",
    responses(
        (status = 201, description = "The user", body = shapes::UserCreated),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorEnvelope),
        (status = 409, description = "The username is taken (`username_taken`)", body = ErrorEnvelope),
        (status = 422, description = "Role, password, organisation or regions do not hold", body = ErrorEnvelope),
    ))]
pub async fn create_user(
    caller: Caller,
    State(state): State<AppState>,
    Json(u): Json<UserInput>,
) -> Result<(StatusCode, Json<Value>)> {
    caller.require(&[Role::Admin])?;
    let role = Role::parse(&u.role).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_role",
            "Peran harus admin, officer, proposer, donor atau viewer.",
            "Role must be admin, officer, proposer, donor or viewer.",
        )
    })?;
    crate::usecase::signin::check_new_password(&u.password, &u.username)?;
    if role == Role::Proposer && u.organisation_id.is_none() {
        return Err(ApiError::bad_request(
            "organisation_required",
            "Pengusul harus terikat pada sebuah lembaga (organisation_id).",
            "A proposer must belong to an organisation (organisation_id).",
        ));
    }
    if matches!(role, Role::Officer | Role::Viewer) && u.regions.is_empty() {
        return Err(ApiError::bad_request(
            "regions_required",
            "Petugas dan pemda harus diberi wilayah kerja (regions).",
            "Officers and viewers need at least one region (regions).",
        ));
    }
    for r in &u.regions {
        if crate::regions::RegionTable::get().region(r).is_none() {
            return Err(ApiError::bad_request(
                "unknown_region",
                format!("Wilayah {r} tidak dikenal."),
                format!("Region {r} does not exist."),
            ));
        }
    }
    let problems = lingkaran_domain::fields::check_user(&u.username, &u.full_name);
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    if users::username_taken(&state.db, &u.username).await? {
        return Err(ApiError::conflict(
            "username_taken",
            format!("Nama pengguna {} sudah dipakai.", u.username),
            format!("Username {} is already taken.", u.username),
        ));
    }
    let id = users::create_user(
        &state.db,
        &NewUser {
            username: &u.username,
            full_name: &u.full_name,
            password: &u.password,
            role,
            organisation_id: u.organisation_id,
            regions: &u.regions,
        },
        crate::db::audit::Actor::of(&caller.0),
        state.clock.now(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "username": u.username, "role": role.code() })),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct OrganisationInput {
    name: String,
    kind: String,
    region_code: String,
}

#[utoipa::path(post, path = "/api/v1/organisations", tag = "accounts",
    summary = "Create a proposing organisation",
    description = "Roles: admin.",
    responses(
        (status = 201, description = "The organisation", body = shapes::Organisation),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorEnvelope),
        (status = 422, description = "Unknown region (`unknown_region`)", body = ErrorEnvelope),
    ))]
pub async fn create_organisation(
    caller: Caller,
    State(state): State<AppState>,
    Json(o): Json<OrganisationInput>,
) -> Result<(StatusCode, Json<Value>)> {
    caller.require(&[Role::Admin])?;
    if crate::regions::RegionTable::get()
        .region(&o.region_code)
        .is_none()
    {
        return Err(ApiError::bad_request(
            "unknown_region",
            format!("Wilayah {} tidak dikenal.", o.region_code),
            format!("Region {} does not exist.", o.region_code),
        ));
    }
    lingkaran_domain::fields::check_organisation(&o.name)
        .map_err(|p| ApiError::invalid(vec![p]))?;
    let id = users::create_organisation(
        &state.db,
        o.name.trim(),
        o.kind.trim(),
        &o.region_code,
        crate::db::audit::Actor::of(&caller.0),
        state.clock.now(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "name": o.name, "kind": o.kind, "region_code": o.region_code })),
    ))
}

#[utoipa::path(get, path = "/api/v1/organisations", tag = "accounts",
    summary = "Proposing organisations in the caller's scope",
    description = "Roles: admin, officer, viewer.",
    responses(
        (status = 200, description = "The organisations", body = shapes::OrganisationList),
        (status = 403, description = "Not staff or a viewer (`forbidden`)", body = ErrorEnvelope),
    ))]
pub async fn list_organisations(
    caller: Caller,
    State(state): State<AppState>,
) -> Result<Json<Value>> {
    let p = caller.require(&crate::auth::role::READERS)?;
    let list: Vec<Value> = users::organisations(&state.db)
        .await?
        .into_iter()
        .filter(|o| p.covers(&o.region_code))
        .map(
            |o| json!({ "id": o.id, "name": o.name, "kind": o.kind, "region_code": o.region_code }),
        )
        .collect();
    Ok(Json(json!({ "organisations": list })))
}

#[derive(Deserialize, ToSchema)]
pub struct SignUp {
    username: String,
    full_name: String,
    password: String,
}

/// `POST /api/v1/signup`: an individual becomes a donor. Answers with a bearer token, so a
/// script can go on to donate; the web page signs them in instead. At most
/// `LINGKARAN_SIGNUPS_PER_HOUR` sign-ups per network address an hour (then 429 with
/// `Retry-After`).
#[utoipa::path(post, path = "/api/v1/signup", tag = "accounts",
    summary = "An individual signs up as a donor; answers with a bearer token",
    description = "Roles: anyone.",
    security(),
    responses(
        (status = 201, description = "The donor and a token", body = shapes::SignedUp),
        (status = 409, description = "The username is taken (`username_taken`)", body = ErrorEnvelope),
        (status = 422, description = "Username, name or password do not hold", body = ErrorEnvelope),
        (status = 429, description = "Too many sign-ups from this address (`too_many_signups`), with `Retry-After`", body = ErrorEnvelope),
    ))]
pub async fn sign_up(
    State(state): State<AppState>,
    parts: axum::http::request::Parts,
    Json(s): Json<SignUp>,
) -> std::result::Result<(StatusCode, Json<Value>), axum::response::Response> {
    use axum::response::IntoResponse;
    let made = crate::usecase::account::sign_up(
        &state.db,
        state.clock.as_ref(),
        state.settings.signups_per_hour,
        crate::usecase::account::SignUp {
            username: s.username,
            full_name: s.full_name,
            password: s.password,
            address: state.client_address(&parts),
        },
    )
    .await
    .map_err(super::error::refusal)?;
    let (user_id, donor_id, username) = (made.user_id, made.donor_id, made.username);
    let token = users::create_api_token(
        &state.db,
        user_id,
        "signup",
        crate::db::audit::Actor::User(user_id),
        state.clock.now(),
    )
    .await
    .map_err(|e| ApiError::from(e).into_response())?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "user_id": user_id, "donor_id": donor_id, "username": username,
            "token": token, "token_type": "Bearer",
        })),
    ))
}
