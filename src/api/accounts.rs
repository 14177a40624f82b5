//! Tokens, the caller's own account, users and organisations.

use super::error::{ApiError, Result};
use super::extract::Caller;
use crate::app::AppState;
use crate::auth::Role;
use crate::db::users::{self, NewUser};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
pub struct Login {
    username: String,
    password: String,
    label: Option<String>,
}

/// Exchanges a username and password for a bearer token, for scripts.
pub async fn issue_token(
    State(state): State<AppState>,
    Json(l): Json<Login>,
) -> Result<(StatusCode, Json<Value>)> {
    let Some(user_id) = users::authenticate(&state.db, &l.username, &l.password).await? else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "Nama pengguna atau kata sandi salah.",
            "Wrong username or password.",
        ));
    };
    let token = users::create_api_token(
        &state.db,
        user_id,
        l.label.as_deref().unwrap_or("api"),
        state.clock.now(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "token": token, "token_type": "Bearer" })),
    ))
}

pub async fn me(Caller(p): Caller) -> Json<Value> {
    Json(json!({
        "id": p.user_id, "username": p.username, "full_name": p.full_name, "role": p.role.code(),
        "organisation_id": p.organisation_id, "scopes": p.scopes,
    }))
}

#[derive(Deserialize)]
pub struct UserInput {
    username: String,
    full_name: String,
    password: String,
    role: String,
    organisation_id: Option<i64>,
    #[serde(default)]
    regions: Vec<String>,
}

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
    if u.password.chars().count() < 8 {
        return Err(ApiError::bad_request(
            "weak_password",
            "Kata sandi paling sedikit 8 karakter.",
            "The password needs at least 8 characters.",
        ));
    }
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
        state.clock.now(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "username": u.username, "role": role.code() })),
    ))
}

#[derive(Deserialize)]
pub struct OrganisationInput {
    name: String,
    kind: String,
    region_code: String,
}

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
    let id = users::create_organisation(
        &state.db,
        o.name.trim(),
        o.kind.trim(),
        &o.region_code,
        state.clock.now(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "name": o.name, "kind": o.kind, "region_code": o.region_code })),
    ))
}

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

#[derive(Deserialize)]
pub struct SignUp {
    username: String,
    full_name: String,
    password: String,
}

/// The network address a request came from (the peer; `0.0.0.0` when unknown).
pub fn peer_address(parts: &axum::http::request::Parts) -> String {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "0.0.0.0".into())
}

/// Sign-up is throttled per network address (`LINGKARAN_SIGNUPS_PER_HOUR`, store-backed so
/// that every instance counts the same): `Err` is the 429 to answer and the seconds to wait.
pub async fn signup_throttle(state: &AppState, address: &str) -> Result<(), (ApiError, i64)> {
    let per_hour = state.settings.signups_per_hour;
    match crate::db::donors::signup_allowed(&state.db, address, chrono::Utc::now(), per_hour).await
    {
        Ok(Ok(())) => Ok(()),
        Ok(Err(secs)) => {
            let minutes = (secs + 59) / 60;
            Err((
                ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_signups",
                    format!(
                        "Terlalu banyak pendaftaran dari alamat jaringan ini ({per_hour} dalam satu jam). \
                         Coba lagi dalam {minutes} menit."
                    ),
                    format!(
                        "Too many sign-ups from this network address ({per_hour} in an hour). \
                         Try again in {minutes} minutes."
                    ),
                ),
                secs,
            ))
        }
        Err(e) => Err((ApiError::from(e), 0)),
    }
}

/// `POST /api/v1/signup`: an individual becomes a donor. Answers with a bearer token, so a
/// script can go on to donate; the web page signs them in instead. At most
/// `LINGKARAN_SIGNUPS_PER_HOUR` sign-ups per network address an hour (then 429 with
/// `Retry-After`).
pub async fn sign_up(
    State(state): State<AppState>,
    parts: axum::http::request::Parts,
    Json(s): Json<SignUp>,
) -> std::result::Result<(StatusCode, Json<Value>), axum::response::Response> {
    use axum::response::IntoResponse;
    let address = peer_address(&parts);
    if let Err((e, secs)) = signup_throttle(&state, &address).await {
        let mut r = e.into_response();
        if let Ok(v) = axum::http::HeaderValue::from_str(&secs.to_string()) {
            r.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
        }
        return Err(r);
    }
    let username = s.username.trim().to_lowercase();
    let full_name = s.full_name.trim();
    let (user_id, donor_id) = sign_up_donor(&state, &address, &username, full_name, &s.password)
        .await
        .map_err(axum::response::IntoResponse::into_response)?;
    let token = users::create_api_token(&state.db, user_id, "signup", state.clock.now())
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

/// Checks a sign-up and creates the donor; shared by the API and the page.
pub async fn sign_up_donor(
    state: &AppState,
    address: &str,
    username: &str,
    full_name: &str,
    password: &str,
) -> Result<(i64, i64)> {
    let valid_name = (3..=40).contains(&username.chars().count())
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !valid_name {
        return Err(ApiError::bad_request(
            "invalid_username",
            "Nama pengguna 3–40 karakter: huruf, angka, titik, garis bawah atau tanda hubung.",
            "A username has 3–40 characters: letters, digits, dot, underscore or hyphen.",
        ));
    }
    if full_name.is_empty() {
        return Err(ApiError::bad_request(
            "missing_name",
            "Nama lengkap wajib diisi.",
            "Your full name is required.",
        ));
    }
    if password.chars().count() < 8 {
        return Err(ApiError::bad_request(
            "weak_password",
            "Kata sandi paling sedikit 8 karakter.",
            "The password needs at least 8 characters.",
        ));
    }
    let made =
        crate::db::donors::sign_up(&state.db, username, full_name, password, state.clock.now())
            .await?
            .ok_or_else(|| {
                ApiError::conflict(
                    "username_taken",
                    format!("Nama pengguna {username} sudah dipakai."),
                    format!("Username {username} is already taken."),
                )
            })?;
    crate::db::donors::record_signup(&state.db, address, chrono::Utc::now()).await?;
    Ok(made)
}
