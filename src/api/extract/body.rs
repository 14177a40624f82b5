//! What a request carries: the JSON body, the query string, the path's parameters, a
//! multipart upload or a text body. Each wraps axum's extractor of the same name and answers
//! its refusal in the API's error envelope, in words, instead of axum's plain text; every
//! handler uses these, never axum's own. The names are axum's (`Json`, `Query`, `Path`) so
//! that `utoipa::path` reads the request body and the parameters from a handler's arguments.

use crate::api::error::ApiError;
use axum::body::Bytes;
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
        if !json_content_type(req.headers()) {
            return Err(not_json());
        }
        let bytes = body_bytes(req, state).await?;
        json_object(&bytes)
    }
}

/// No body at all (no `Content-Type`), or the JSON `null`, is `None`; any other body is read
/// as above.
impl<T, S> OptionalFromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Option<Self>, ApiError> {
        if !req.headers().contains_key(axum::http::header::CONTENT_TYPE) {
            return Ok(None);
        }
        if !json_content_type(req.headers()) {
            return Err(not_json());
        }
        let bytes = body_bytes(req, state).await?;
        if bytes.trim_ascii() == b"null" {
            // The document says `null` or the object (`oneOf`), as utoipa reads `Option<Json<T>>`.
            return Ok(None);
        }
        json_object(&bytes).map(Some)
    }
}

/// Whether the request says its body is JSON: `application/json` or `application/…+json`,
/// with any parameters (axum's own rule).
fn json_content_type(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim();
    let Some((kind, sub)) = essence.split_once('/') else {
        return false;
    };
    kind.eq_ignore_ascii_case("application")
        && (sub.eq_ignore_ascii_case("json") || sub.to_ascii_lowercase().ends_with("+json"))
}

async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state)
        .await
        .map_err(|e| unreadable(e.status()))
}

/// The body as `T`, in axum's words when it does not parse or fit. Every JSON body of the API
/// is an object (`tests/openapi.rs` checks the document says so): serde would also read a
/// struct from an array of its fields in order (`[null, null]`), which the document does not
/// allow, so anything but an object is refused.
fn json_object<T: DeserializeOwned>(bytes: &[u8]) -> Result<Json<T>, ApiError> {
    let axum::Json(v) = axum::Json::<T>::from_bytes(bytes).map_err(json_refused)?;
    if bytes.trim_ascii_start().first() != Some(&b'{') {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_json",
            "Isi JSON harus sebuah objek ({\"nama\": nilai, …}).",
            "The JSON body must be an object ({\"name\": value, …}).",
        ));
    }
    if escapes_nul(bytes) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_json",
            "Teks dalam JSON tidak boleh memuat karakter NUL (\\u0000).",
            "A text in the JSON must not hold the NUL character (\\u0000).",
        ));
    }
    Ok(Json(v))
}

/// Whether a string of this (valid) JSON holds `\u0000`. No text of the service holds the NUL
/// character, and PostgreSQL cannot store it in a `TEXT`: left in, it is a 500 there (found by
/// schemathesis against PostgreSQL), so the edges refuse it in every text they read: JSON
/// here, the query string ([`Query`]), a text body ([`Text`]) and a multipart field
/// ([`refuse_nul`]).
fn escapes_nul(bytes: &[u8]) -> bool {
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => in_string = !in_string,
            b'\\' if in_string => {
                if bytes[i + 1..].starts_with(b"u0000") {
                    return true;
                }
                i += 1; // the escaped character, which may be `"` or `\`
            }
            _ => {}
        }
        i += 1;
    }
    false
}

/// A multipart text field, refused if it holds the NUL character (see [`escapes_nul`]).
pub fn refuse_nul(field: &str, value: String) -> Result<String, ApiError> {
    if value.contains('\0') {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "nul_character",
            format!("Isian {field} tidak boleh memuat karakter NUL."),
            format!("The field {field} must not hold the NUL character."),
        ));
    }
    Ok(value)
}

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        // `%00` is the only way a query string holds the NUL character (see `escapes_nul`).
        if parts.uri.query().is_some_and(|q| q.contains("%00")) {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_query",
                "Parameter alamat (query) tidak boleh memuat karakter NUL (%00).",
                "The query parameters must not hold the NUL character (%00).",
            ));
        }
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
            Ok(s) if s.contains('\0') => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_text",
                "Isi permintaan tidak boleh memuat karakter NUL.",
                "The request body must not hold the NUL character.",
            )),
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
        JsonRejection::MissingJsonContentType(_) => not_json(),
        other => unreadable(other.status()),
    }
}

fn not_json() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "Kirim isi permintaan sebagai JSON, dengan Content-Type: application/json.",
        "Send the request body as JSON, with Content-Type: application/json.",
    )
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

/// For a field that holds an object or `null`: serde would also read the object's struct
/// from an array of its fields in order, which the document does not allow (see
/// [`json_object`] for the body itself). `#[serde(default, deserialize_with = …)]`.
pub fn object_or_null<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    struct ObjectOrNull<T>(std::marker::PhantomData<T>);
    impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for ObjectOrNull<T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object or null")
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: serde::Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_map(self)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Some)
        }
    }
    d.deserialize_option(ObjectOrNull(std::marker::PhantomData))
}
