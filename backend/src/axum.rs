//! axum: an extractor that gives a handler the signed-in session (and an `Option`
//! form for pages that work signed in or out), a middleware that protects a whole
//! router, and refusals answered in Clerk's error envelope.
//!
//! The token comes from `Authorization: Bearer …` or, for plain page loads and
//! downloads, the `__session` cookie. The [`Clerk`] comes from the router's state
//! (`Clerk: FromRef<S>`).

use axum::{
    extract::{FromRef, FromRequestParts, OptionalFromRequestParts, Request, State},
    http::{header, request::Parts, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    Json,
};
use axum_extra::extract::CookieJar;
use fapi_types::SessionVerificationLevel;

use crate::{
    error::VerifyError,
    step_up::{require_recent, StepUpRequired},
    verify::{Clerk, Session},
};

/// Clerk's session cookie on the app's origin.
pub const SESSION_COOKIE: &str = "__session";

/// The signed-in session of an active (not pending) session.
///
/// ```no_run
/// use axum::{routing::get, Router};
/// use yew_clerk_backend::{axum::SignedIn, Clerk, Config};
///
/// async fn me(user: SignedIn) -> String {
///     format!("hello {}", user.user_id)
/// }
///
/// # async fn run() {
/// let clerk = Clerk::new(Config::new("http://localhost:3000").authorized_party("http://localhost:8080"));
/// let app: Router = Router::new().route("/api/me", get(me)).with_state(clerk);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SignedIn(pub Session);

impl std::ops::Deref for SignedIn {
    type Target = Session;
    fn deref(&self) -> &Session {
        &self.0
    }
}

impl SignedIn {
    /// For a sensitive action: `level` verified within the last `minutes`, or the
    /// refusal `use_reverification` answers with "Verify it's you".
    ///
    /// ```no_run
    /// # use yew_clerk_backend::axum::{SignedIn, Refused};
    /// # use yew_clerk_backend::SessionVerificationLevel;
    /// async fn delete_all(user: SignedIn) -> Result<&'static str, Refused> {
    ///     user.require_recent(SessionVerificationLevel::SecondFactor, 10)?;
    ///     Ok("deleted")
    /// }
    /// ```
    pub fn require_recent(
        &self,
        level: SessionVerificationLevel,
        minutes: i64,
    ) -> Result<(), StepUpRequired> {
        require_recent(&self.0, level, minutes)
    }
}

/// Why a request was refused, as a response in Clerk's envelope.
#[derive(Debug)]
pub enum Refused {
    /// No good session token (401), or keys that could not be fetched (503).
    Unauthenticated(VerifyError),
    /// A verification too old for the action (403 `session_reverification_required`).
    StepUp(StepUpRequired),
}

impl From<VerifyError> for Refused {
    fn from(e: VerifyError) -> Refused {
        Refused::Unauthenticated(e)
    }
}

impl From<StepUpRequired> for Refused {
    fn from(e: StepUpRequired) -> Refused {
        Refused::StepUp(e)
    }
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        let (status, body) = match &self {
            Refused::Unauthenticated(e) => e.envelope(),
            Refused::StepUp(e) => e.envelope(),
        };
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::UNAUTHORIZED);
        (status, Json(body)).into_response()
    }
}

impl IntoResponse for StepUpRequired {
    fn into_response(self) -> Response {
        Refused::StepUp(self).into_response()
    }
}

/// The request's session token: the bearer token, else, for a `GET` or `HEAD` (a page
/// load, a download), the `__session` cookie. A cookie goes with any request the
/// browser makes, other sites' forms included (`SameSite=Lax` lets a same-site one
/// through), so a request that changes something must carry the header, which only
/// the app's own script can set.
pub fn session_token(parts: &Parts) -> Option<String> {
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    let safe = parts.method == Method::GET || parts.method == Method::HEAD;
    bearer.or_else(|| {
        if !safe {
            return None;
        }
        CookieJar::from_headers(&parts.headers)
            .get(SESSION_COOKIE)
            .map(|c| c.value().to_owned())
            .filter(|t| !t.is_empty())
    })
}

async fn signed_in(parts: &Parts, clerk: &Clerk) -> Result<SignedIn, VerifyError> {
    // Already checked by `require_session` on the way in.
    if let Some(s) = parts.extensions.get::<SignedIn>() {
        return Ok(s.clone());
    }
    let token = session_token(parts).ok_or(VerifyError::Missing)?;
    clerk.verify(&token).await.map(SignedIn)
}

impl<S> FromRequestParts<S> for SignedIn
where
    S: Send + Sync,
    Clerk: FromRef<S>,
{
    type Rejection = Refused;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(signed_in(parts, &Clerk::from_ref(state)).await?)
    }
}

/// `Option<SignedIn>`: `None` when signed out (no token, a bad or expired one, a
/// pending session); only keys that cannot be fetched are an error (503).
impl<S> OptionalFromRequestParts<S> for SignedIn
where
    S: Send + Sync,
    Clerk: FromRef<S>,
{
    type Rejection = Refused;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        match signed_in(parts, &Clerk::from_ref(state)).await {
            Ok(s) => Ok(Some(s)),
            Err(e @ VerifyError::Jwks(_)) => Err(Refused::Unauthenticated(e)),
            Err(_) => Ok(None),
        }
    }
}

/// Middleware that lets only signed-in requests through to a router, handing each
/// handler its [`SignedIn`] (as an extractor or an `Extension`).
///
/// ```no_run
/// use axum::{middleware, routing::get, Router};
/// use yew_clerk_backend::{axum::require_session, Clerk, Config};
///
/// # fn app(clerk: Clerk) -> Router {
/// Router::new()
///     .route("/api/notes", get(|| async { "only for the signed in" }))
///     .route_layer(middleware::from_fn_with_state(clerk.clone(), require_session))
///     .with_state(clerk)
/// # }
/// ```
pub async fn require_session(State(clerk): State<Clerk>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    match signed_in(&parts, &clerk).await {
        Ok(session) => {
            parts.extensions.insert(session);
            next.run(Request::from_parts(parts, body)).await
        }
        Err(e) => Refused::Unauthenticated(e).into_response(),
    }
}
