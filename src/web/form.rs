//! A page's form fields, as every page reads them. A value or name holding the NUL character
//! refuses the whole form: PostgreSQL cannot store it in text (the request was a 500 there,
//! while SQLite took it), and no clerk types one. A handler that gets the refusal treats the
//! form as empty, as for any other malformed form, and answers in words (a stale form, a
//! missing field), never a 500.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// The fields of a `application/x-www-form-urlencoded` body, in order.
pub struct Fields(pub Vec<(String, String)>);

/// Why a form was not read.
pub enum Refused {
    Form(FormRejection),
    Nul,
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Refused::Form(r) => r.into_response(),
            Refused::Nul => (
                StatusCode::BAD_REQUEST,
                "Isian formulir tidak boleh memuat karakter NUL. / A form field must not hold the NUL character.",
            )
                .into_response(),
        }
    }
}

impl<S: Send + Sync> FromRequest<S> for Fields {
    type Rejection = Refused;

    async fn from_request(req: Request, state: &S) -> Result<Fields, Refused> {
        let Form(fields) = Form::<Vec<(String, String)>>::from_request(req, state)
            .await
            .map_err(Refused::Form)?;
        if fields
            .iter()
            .any(|(k, v)| k.contains('\0') || v.contains('\0'))
        {
            return Err(Refused::Nul);
        }
        Ok(Fields(fields))
    }
}

/// What a page handler takes: the fields, or why they could not be read.
pub type FormFields = Result<Fields, Refused>;
