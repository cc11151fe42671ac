//! Form-encoded bodies, parsed into `fapi-types` params with Clerk's errors:
//! an unknown key is `form_param_unknown`, a missing one `form_param_missing`,
//! a malformed value `form_param_format_invalid` — each naming the parameter.
//!
//! A key the endpoint does not act on but that a Clerk SDK sends with it
//! ([`Params::SDK_EXTRAS`]) is accepted and ignored, as Clerk does: the official
//! clerk-js must work unmodified.

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
};
use fapi_types::params::Params;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// The largest form body the API reads: every FAPI form (metadata's 8 KB included)
/// fits many times over, and nobody can make the server hold megabytes per request.
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// A parsed form body.
pub struct Form<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Params> FromRequest<S> for Form<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::body_too_large(BODY_LIMIT_BYTES)
            } else {
                ApiError::param_format_invalid("body", "The request body could not be read.")
            }
        })?;
        parse(&bytes).map(Form)
    }
}

/// Parses `a=1&b=2` into `T`, refusing keys `T` does not know.
pub fn parse<T: DeserializeOwned + Params>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut unknown = Vec::new();
    let parsed = {
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(bytes));
        let mut record = |path: serde_ignored::Path<'_>| unknown.push(path.to_string());
        let de = serde_ignored::Deserializer::new(de, &mut record);
        serde_path_to_error::deserialize::<_, T>(de)
    };
    if let Some(name) = unknown.iter().find(|name| !T::accepts(name)) {
        return Err(ApiError::param_unknown(name));
    }
    parsed.map_err(|e| {
        let message = e.inner().to_string();
        if let Some(field) = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.strip_suffix('`'))
        {
            return ApiError::param_missing(field);
        }
        let name = e.path().to_string();
        let name = if name == "." { "body".to_owned() } else { name };
        ApiError::param_format_invalid(&name, format!("{name} is invalid: {message}."))
    })
}

/// A required parameter that arrived empty is `form_param_nil`. The value comes
/// back trimmed: for codes and ids, never for secrets (see [`required_secret`]).
pub fn required<'a>(value: &'a Option<String>, name: &str) -> Result<&'a str, ApiError> {
    required_secret(value, name).map(str::trim).and_then(|v| {
        if v.is_empty() {
            Err(ApiError::param_nil(name))
        } else {
            Ok(v)
        }
    })
}

/// A required password, byte for byte: a space the user typed is part of it, at
/// sign-up, sign-in and change alike.
pub fn required_secret<'a>(value: &'a Option<String>, name: &str) -> Result<&'a str, ApiError> {
    match value.as_deref() {
        None => Err(ApiError::param_missing(name)),
        Some("") => Err(ApiError::param_nil(name)),
        Some(v) => Ok(v),
    }
}

#[cfg(test)]
mod tests {
    use fapi_types::{params::*, Strategy};

    use super::*;

    #[test]
    fn known_fields_parse() {
        let p: AttemptSecondFactor = parse(b"strategy=phone_code&code=123456").unwrap();
        assert_eq!(p.strategy, Strategy::PhoneCode);
        assert_eq!(p.code.as_deref(), Some("123456"));
        let p: CreatePhoneNumber =
            parse(b"phone_number=%2B12015550100&reserved_for_second_factor=true").unwrap();
        assert_eq!(p.phone_number, "+12015550100");
        assert_eq!(p.reserved_for_second_factor, Some(true));
    }

    #[test]
    fn parameters_clerk_sdks_send_are_accepted_and_typos_are_not() {
        let p: CreateSignUp = parse(
            b"email_address=a%40b.co&timezone=Europe%2FParis&captcha_token=x&captcha_widget_type=smart",
        )
        .unwrap();
        assert_eq!(p.timezone.as_deref(), Some("Europe/Paris"));
        let e = parse::<CreateSignUp>(b"email_adress=a%40b.co").unwrap_err();
        assert_eq!(
            (e.code, e.meta.param_name.as_deref()),
            ("form_param_unknown", Some("email_adress"))
        );
    }

    #[test]
    fn errors_name_the_parameter() {
        let e = parse::<AttemptSecondFactor>(b"strategy=phone_code&password=x").unwrap_err();
        assert_eq!(
            (e.code, e.meta.param_name.as_deref()),
            ("form_param_unknown", Some("password"))
        );
        let e = parse::<AttemptSecondFactor>(b"code=1").unwrap_err();
        assert_eq!(
            (e.code, e.meta.param_name.as_deref()),
            ("form_param_missing", Some("strategy"))
        );
        let e = parse::<CreatePhoneNumber>(b"phone_number=1&reserved_for_second_factor=maybe")
            .unwrap_err();
        assert_eq!(
            (e.code, e.meta.param_name.as_deref()),
            (
                "form_param_format_invalid",
                Some("reserved_for_second_factor")
            )
        );
        assert_eq!(
            required(&Some(" ".into()), "code").unwrap_err().code,
            "form_param_nil"
        );
    }
}
