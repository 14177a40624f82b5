//! What a request carries: the JSON body, the query string, the path's parameters, a
//! multipart upload or a text body. Each wraps axum's extractor of the same name and answers
//! its refusal in the API's error envelope, in words, instead of axum's plain text; every
//! handler uses these, never axum's own. The names are axum's (`Json`, `Query`, `Path`) so
//! that `utoipa::path` reads the request body and the parameters from a handler's arguments.

use crate::api::error::ApiError;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection, StringRejection};
use axum::extract::{FromRequest, FromRequestParts, OptionalFromRequest, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// A JSON body in, or a JSON answer out.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

/// The query string, deserialized.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

/// The path's parameters, deserialized (`{id}` as `i64`, …).
#[derive(Debug, Clone, Copy, Default)]
pub struct Path<T>(pub T);

/// A `multipart/form-data` upload, read field by field.
pub struct Multipart(pub axum::extract::Multipart);

/// A text body (UTF-8): lists of NIKs, CSV.
pub struct Text(pub String);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match <axum::Json<T> as FromRequest<S>>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Json(v)),
            Err(e) => Err(json_refused(e)),
        }
    }
}

/// No body at all is `None`; a body that is not JSON is refused as above.
impl<T, S> OptionalFromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Option<Self>, ApiError> {
        match <axum::Json<T> as OptionalFromRequest<S>>::from_request(req, state).await {
            Ok(v) => Ok(v.map(|axum::Json(v)| Json(v))),
            Err(e) => Err(json_refused(e)),
        }
    }
}

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Query(v)),
            Err(e) => Err(query_refused(e)),
        }
    }
}

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(e) => Err(path_refused(e)),
        }
    }
}

impl<S: Send + Sync> FromRequest<S> for Multipart {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        <axum::extract::Multipart as FromRequest<S>>::from_request(req, state)
            .await
            .map(Multipart)
            .map_err(|_| {
                // The one refusal here: the request is not `multipart/form-data` with a boundary.
                ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "Kirim unggahan sebagai multipart/form-data.",
                    "Send the upload as multipart/form-data.",
                )
            })
    }
}

impl<S: Send + Sync> FromRequest<S> for Text {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match <String as FromRequest<S>>::from_request(req, state).await {
            Ok(s) => Ok(Text(s)),
            Err(StringRejection::InvalidUtf8(_)) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_text",
                "Isi permintaan harus teks UTF-8.",
                "The request body must be UTF-8 text.",
            )),
            Err(e) => Err(unreadable(e.status())),
        }
    }
}

/// A body that could not be read: too large (413), or cut off.
fn unreadable(status: StatusCode) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return body_too_large();
    }
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "unreadable_body",
        "Isi permintaan terputus atau tidak terbaca. Kirim ulang.",
        "The request body was cut off or could not be read. Send it again.",
    )
}

/// 413 as an extractor says it; the router's `guard` layer (`app.rs`) rewrites it with the
/// route's own cap.
pub fn body_too_large() -> ApiError {
    ApiError {
        status: StatusCode::PAYLOAD_TOO_LARGE,
        problems: vec![crate::http::upload::too_large()],
    }
}

/// The first cause of a rejection, in serde's words (`missing field `nik` at line 1 …`),
/// without axum's generic prefix.
fn cause(e: &dyn std::error::Error) -> String {
    e.source()
        .map(ToString::to_string)
        .unwrap_or_else(|| e.to_string())
}

fn json_refused(e: JsonRejection) -> ApiError {
    match e {
        JsonRejection::JsonSyntaxError(e) => ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            format!("Isi permintaan bukan JSON yang sah: {}", cause(&e)),
            format!("The request body is not valid JSON: {}", cause(&e)),
        ),
        JsonRejection::JsonDataError(e) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_json",
            format!("Isi JSON tidak sesuai dengan yang diminta: {}", cause(&e)),
            format!(
                "The JSON body does not have the expected shape: {}",
                cause(&e)
            ),
        ),
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Kirim isi permintaan sebagai JSON, dengan Content-Type: application/json.",
            "Send the request body as JSON, with Content-Type: application/json.",
        ),
        other => unreadable(other.status()),
    }
}

fn query_refused(e: QueryRejection) -> ApiError {
    let why = match &e {
        QueryRejection::FailedToDeserializeQueryString(e) => cause(e),
        other => other.body_text(),
    };
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_query",
        format!("Parameter alamat (query) tidak sah: {why}"),
        format!("The query parameters are not valid: {why}"),
    )
}

fn path_refused(e: PathRejection) -> ApiError {
    use axum::extract::path::ErrorKind;
    let PathRejection::FailedToDeserializePathParams(e) = e else {
        // The route and the handler disagree about the parameters: ours to fix.
        return ApiError::from(anyhow::anyhow!("path parameters: {}", e.body_text()));
    };
    let (id, en) = match e.into_kind() {
        ErrorKind::ParseErrorAtKey {
            key,
            value,
            expected_type,
        } => {
            let (want_id, want_en) = kind_words(expected_type);
            (
                format!("{key} \"{value}\" harus {want_id}."),
                format!("{key} \"{value}\" must be {want_en}."),
            )
        }
        ErrorKind::ParseErrorAtIndex {
            value,
            expected_type,
            ..
        }
        | ErrorKind::ParseError {
            value,
            expected_type,
        } => {
            let (want_id, want_en) = kind_words(expected_type);
            (
                format!("\"{value}\" di alamat harus {want_id}."),
                format!("\"{value}\" in the path must be {want_en}."),
            )
        }
        other => (
            format!("Alamat tidak sah: {other}"),
            format!("The path is not valid: {other}"),
        ),
    };
    ApiError::new(StatusCode::BAD_REQUEST, "invalid_path", id, en)
}

/// What a path parameter of Rust type `ty` must look like, in each language.
fn kind_words(ty: &str) -> (&'static str, &'static str) {
    match ty {
        "i64" | "i32" | "u32" | "u64" | "usize" => ("bilangan bulat", "a whole number"),
        _ => ("nilai yang sah", "a valid value"),
    }
}

/// A multipart field that could not be read: too large (413), else cut off or malformed (422).
pub fn upload_refused(e: axum::extract::multipart::MultipartError) -> ApiError {
    crate::http::upload::unreadable(e).into()
}

impl From<crate::http::upload::Unreadable> for ApiError {
    fn from(u: crate::http::upload::Unreadable) -> Self {
        ApiError {
            status: u.status,
            problems: vec![u.problem],
        }
    }
}
