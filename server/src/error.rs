//! Every failure answers in Clerk's error envelope, with Clerk's code and status.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use fapi_types::{ErrorEnvelope, ErrorMeta};

/// An error as the client sees it. Boxed, so `Result<T, ApiError>` stays small.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}: {}", .0.code, .0.long_message)]
pub struct ApiError(Box<ErrorBody>);

#[derive(Debug, Clone)]
pub struct ErrorBody {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub long_message: String,
    pub meta: ErrorMeta,
    pub retry_after: Option<u64>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        message: impl Into<String>,
        long_message: impl Into<String>,
    ) -> Self {
        ApiError(Box::new(ErrorBody {
            status,
            code,
            message: message.into(),
            long_message: long_message.into(),
            meta: ErrorMeta::default(),
            retry_after: None,
        }))
    }

    /// Clerk's code for this failure (`session_exists`), as a redirect carries it.
    pub fn code(&self) -> &'static str {
        self.0.code
    }

    pub fn param(mut self, name: impl Into<String>) -> Self {
        self.meta.param_name = Some(name.into());
        self
    }

    // --- form errors (422) ---

    pub fn param_missing(name: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_missing",
            "is missing",
            format!("{name} must be included."),
        )
        .param(name)
    }

    pub fn param_nil(name: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_nil",
            "is missing or empty",
            format!("{name} must be included and not empty."),
        )
        .param(name)
    }

    pub fn param_unknown(name: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_unknown",
            "is unknown",
            format!("{name} is not a valid parameter for this request."),
        )
        .param(name)
    }

    pub fn param_format_invalid(name: &str, long: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_format_invalid",
            "is invalid",
            long,
        )
        .param(name)
    }

    pub fn param_value_invalid(name: &str, value: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_value_invalid",
            "is invalid",
            format!("{value} does not match one of the allowed values for parameter {name}"),
        )
        .param(name)
    }

    pub fn identifier_not_found() -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_identifier_not_found",
            "Couldn't find your account.",
            "Couldn't find your account.",
        )
        .param("identifier")
    }

    pub fn identifier_exists(param: &str) -> Self {
        let what = match param {
            "email_address" => "email address",
            "phone_number" => "phone number",
            _ => "username",
        };
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_identifier_exists",
            format!("This {what} is taken. Please try another."),
            format!("This {what} is taken. Please try another."),
        )
        .param(param)
    }

    pub fn password_incorrect() -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_password_incorrect",
            "Password is incorrect. Try again, or use another method.",
            "Password is incorrect. Try again, or use another method.",
        )
        .param("password")
    }

    pub fn password_or_identifier_incorrect() -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_password_or_identifier_incorrect",
            "Password or identifier is incorrect.",
            "Password or identifier is incorrect. Try again, or use another method.",
        )
        .param("password")
    }

    pub fn password_validation_failed() -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_password_validation_failed",
            "Incorrect password. Please try again.",
            "Incorrect password. Please try again.",
        )
        .param("current_password")
    }

    pub fn password_too_short(param: &str, min: u32) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_password_length_too_short",
            format!("Passwords must be {min} characters or more."),
            format!("Passwords must be {min} characters or more."),
        )
        .param(param)
    }

    pub fn password_too_long(param: &str, max: u32) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_password_length_too_long",
            format!("Passwords must be at most {max} characters."),
            format!("Passwords must be at most {max} characters."),
        )
        .param(param)
    }

    /// A text to a country the instance does not serve (`[sms] allowed_countries`).
    pub fn sms_country_not_allowed() -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_value_invalid",
            "is invalid",
            "Text messages cannot be sent to numbers in this country.",
        )
        .param("phone_number")
    }

    pub fn too_many_unverified_identifications() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "too_many_unverified_identifications",
            "There are too many unverified contacts for this user.",
            "There are too many unverified contacts for this user. Verify or remove one first.",
        )
    }

    pub fn password_pwned(param: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_password_pwned",
            "Password has been found in an online data breach.",
            "Password has been found in an online data breach. For account safety, please use a different password.",
        )
        .param(param)
    }

    pub fn password_guessable(param: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_password_not_strong_enough",
            "Given password is not strong enough.",
            "Given password is not strong enough: it repeats your identifier or the application's name.",
        )
        .param(param)
    }

    pub fn code_incorrect() -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_code_incorrect",
            "is incorrect",
            "Incorrect code",
        )
        .param("code")
    }

    // --- verification errors (400) ---

    pub fn verification_expired() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "verification_expired",
            "expired",
            "This verification has expired. You must create a new one.",
        )
        .param("code")
    }

    pub fn verification_failed() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "verification_failed",
            "failed",
            "Too many failed attempts. You have to try again with the same or another method.",
        )
        .param("code")
    }

    pub fn verification_missing() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "verification_missing",
            "is missing",
            "This strategy requires verification preparation before attempting to validate it.",
        )
    }

    pub fn verification_already_verified() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "verification_already_verified",
            "already verified",
            "This verification has already been verified.",
        )
    }

    pub fn verification_strategy_invalid() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "verification_strategy_invalid",
            "is invalid",
            "The strategy is not valid for the current verification.",
        )
        .param("strategy")
    }

    pub fn strategy_for_user_invalid() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "strategy_for_user_invalid",
            "is invalid",
            "The verification strategy is not valid for this account",
        )
        .param("strategy")
    }

    /// The account recovery a right code was to complete was cancelled (or
    /// completed) in the meantime. Clerk has no account recovery.
    pub fn account_recovery_not_open() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "account_recovery_not_open",
            "Account recovery is not open",
            "The account recovery is no longer open: it was cancelled, or finished by another sign-in.",
        )
    }

    pub fn no_second_factors(strategy: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "no_second_factors",
            "no second factors",
            format!("No second factors were found for strategy {strategy}."),
        )
        .param("strategy")
    }

    pub fn code_too_many_requests(wait_seconds: u64) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "verification_code_too_many_requests",
            "Too many requests",
            "Too many verification code requests. Please wait at least 30 seconds to receive your code before trying again.",
        );
        e.retry_after = Some(wait_seconds.max(1));
        e
    }

    pub fn too_many_requests(wait_seconds: u64) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            "Too many requests",
            "Too many requests, retry later",
        );
        e.retry_after = Some(wait_seconds.max(1));
        e
    }

    // --- state and identity ---

    /// A provider's callback that finishes nothing: no such trip (made up, used
    /// already, expired) or one another browser started.
    pub fn oauth_callback_invalid() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "oauth_callback_invalid",
            "is invalid",
            "This sign-in with the provider expired, was used already, or was started in another browser. Start again.",
        )
    }

    /// Sign-in with a provider from a client known by a token, not a cookie (a
    /// development browser or a native app): its callback could not be bound to it.
    pub fn oauth_needs_cookie() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "oauth_cookie_required",
            "needs a browser cookie",
            "Sign-in with a provider needs the app and this server on one site, where the browser keeps the client's cookie.",
        )
    }

    /// The provider cannot be reached or its discovery document is unusable.
    pub fn provider_unavailable() -> Self {
        Self::new(
            StatusCode::BAD_GATEWAY,
            "oauth_provider_unavailable",
            "provider unavailable",
            "The sign-in provider could not be reached. Try again later.",
        )
    }

    pub fn session_exists(session_id: &str) -> Self {
        let mut e = Self::new(
            StatusCode::BAD_REQUEST,
            "session_exists",
            "Session already exists",
            "You're already signed in.",
        );
        e.meta.session_id = Some(session_id.to_owned());
        e
    }

    pub fn client_state_invalid(action: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "client_state_invalid",
            "is invalid",
            format!("We were unable to complete {action} for this Client."),
        )
    }

    pub fn user_locked(expires_in_seconds: i64) -> Self {
        let minutes = (expires_in_seconds + 59) / 60;
        let mut e = Self::new(
            StatusCode::FORBIDDEN,
            "user_locked",
            "Account locked",
            format!(
                "Your account is locked. You will be able to try again in {minutes} minutes. For more information, please contact support."
            ),
        );
        e.meta.lockout_expires_in_seconds = Some(expires_in_seconds);
        e
    }

    /// Locked by an administrator: no time to wait out.
    pub fn user_locked_by_admin() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "user_locked",
            "Account locked",
            "Your account is locked. For more information, please contact support.",
        )
    }

    pub fn backup_codes_not_available() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "backup_codes_not_available",
            "Backup codes not available",
            "In order to use backup codes, you have to enable any other Multi-factor method",
        )
    }

    /// A pending session (MFA required, none set up yet) asked for more than setting one up.
    pub fn session_task_pending() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "session_task_pending",
            "Set up two-step verification first",
            "Two-step verification is required: until a second factor is on, this session can only set one up.",
        )
    }

    /// Removing the last second factor while every user must have one.
    pub fn mfa_required_last_factor() -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_mfa_required",
            "Two-step verification is required",
            "Two-step verification is required for every account: add another method before removing this one.",
        )
    }

    pub fn totp_already_enabled() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "totp_already_enabled",
            "TOTP already enabled",
            "TOTP is already enabled on your account",
        )
    }

    /// `level` and `after_minutes`: what the change needs verified, and how recently
    /// (in `meta.reverification`, the shape Clerk's backends use for the same gate).
    pub fn reverification_required(
        level: fapi_types::SessionVerificationLevel,
        after_minutes: i64,
    ) -> Self {
        let mut e = Self::new(
            StatusCode::FORBIDDEN,
            "session_reverification_required",
            "Reverification required",
            "You need to provide additional verification to perform this operation",
        );
        e.meta.reverification = Some(fapi_types::ReverificationRequirement {
            level,
            after_minutes,
        });
        e
    }

    pub fn authentication_invalid() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "authentication_invalid",
            "Invalid authentication",
            "Unable to authenticate the request, you need to supply an active session",
        )
    }

    pub fn signed_out() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "signed_out",
            "Signed out",
            "You are signed out",
        )
    }

    pub fn dev_browser_unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "dev_browser_unauthenticated",
            "Browser unauthenticated",
            "Unable to authenticate this browser for your development instance. Check your dev browser token.",
        )
    }

    pub fn origin_invalid() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "origin_invalid",
            "Invalid HTTP Origin header",
            "Invalid HTTP Origin header: this origin is not allowed for this instance.",
        )
    }

    pub fn client_not_found() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "client_not_found",
            "No client found",
            "This request is expecting a client and did not find one",
        )
    }

    pub fn not_found(what: &str, id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "resource_not_found",
            "not found",
            format!("No {what} was found with id {id}"),
        )
    }

    pub fn route_not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "resource_not_found",
            "not found",
            "The requested resource does not exist.",
        )
    }

    pub fn body_too_large(max_bytes: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request_body_too_large",
            "Request body too large",
            format!("The request body must be at most {max_bytes} bytes."),
        )
    }

    /// A development instance reached by a name that is not this machine's.
    pub fn host_invalid() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "host_invalid",
            "Host not allowed",
            "A development instance answers only loopback host names (localhost, 127.0.0.1, [::1]).",
        )
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "Method not allowed",
            "This resource does not accept that method.",
        )
    }

    pub fn identification_deletion_failed() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "identification_deletion_failed",
            "cannot delete",
            "You cannot delete your last identification.",
        )
    }

    pub fn identification_update_failed() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "identification_update_failed",
            "cannot update",
            "You cannot set your last identification as second factor.",
        )
    }

    pub fn second_factor_unverified() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "identification_update_second_factor_unverified",
            "unverified",
            "Cannot update second factor attributes for unverified identification",
        )
    }

    pub fn default_second_factor_not_allowed() -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_disable_default_second_factor_not_allowed",
            "not allowed",
            "The default second factor method can only be changed by assigning another method as the default.",
        )
        .param("default_second_factor")
    }

    /// `DELETE /v1/me` on an instance where users may not delete their accounts
    /// (`[user] delete_self`, Clerk's "Allow users to delete their accounts").
    pub fn delete_self_not_enabled() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "delete_self_not_enabled",
            "Deleting your account is not allowed",
            "This application does not allow users to delete their own accounts.",
        )
    }

    pub fn delivery_failed() -> Self {
        Self::new(
            StatusCode::BAD_GATEWAY,
            "delivery_failed",
            "Could not send the code",
            "We could not send the verification code. Please try again in a moment.",
        )
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_clerk_error",
            "Oops, an unexpected error occurred",
            "There was an internal error on our servers. We've been notified and are working on fixing it.",
        )
    }
}

impl std::ops::Deref for ApiError {
    type Target = ErrorBody;

    fn deref(&self) -> &ErrorBody {
        &self.0
    }
}

impl std::ops::DerefMut for ApiError {
    fn deref_mut(&mut self) -> &mut ErrorBody {
        &mut self.0
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "database error");
        ApiError::internal()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = *self.0;
        let body = ErrorEnvelope {
            errors: vec![fapi_types::ApiError {
                code: e.code.to_owned(),
                message: e.message,
                long_message: e.long_message,
                meta: e.meta,
            }],
            meta: serde_json::json!({}),
            clerk_trace_id: Some(crate::ids::trace_id()),
        };
        let mut res = (e.status, axum::Json(body)).into_response();
        if let Some(secs) = e.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}
