//! A typed client of the Backend API (Clerk's at `https://api.clerk.com`, or
//! fapi-server's), authenticated by the instance's secret key: look up the user
//! behind a token's `sub`, change their metadata, list and revoke their sessions.
//!
//! ```no_run
//! use yew_clerk_backend::api::{BackendApi, UserQuery};
//! # async fn run(user_id: &str) -> Result<(), yew_clerk_backend::api::BackendApiError> {
//! let api = BackendApi::new("https://api.clerk.com", &std::env::var("CLERK_SECRET_KEY").unwrap());
//! let user = api.user(user_id).await?;
//! let email = user.primary_email_address().map(|e| e.email_address.clone());
//! let same = api.users(&UserQuery::default().email_address("ada@example.com")).await?;
//! # Ok(()) }
//! ```

use fapi_types::{
    backend::{MetadataUpdate, Page, Session, TotalCount, User, UserId},
    DeletedObject, ErrorEnvelope,
};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;

/// Why a Backend API call failed.
#[derive(Debug, thiserror::Error)]
pub enum BackendApiError {
    /// The API answered with an error in Clerk's envelope (`resource_not_found`,
    /// `clerk_key_invalid`, …).
    #[error("the Backend API answered {status}: {}", .errors.errors.first().map_or("", |e| e.long_message.as_str()))]
    Api { status: u16, errors: ErrorEnvelope },
    #[error("the Backend API could not be reached: {0}")]
    Http(#[from] reqwest::Error),
    #[error("the Backend API's answer was not understood: {0}")]
    Decode(String),
}

impl BackendApiError {
    /// The first error's code, when the API answered one.
    pub fn code(&self) -> Option<&str> {
        match self {
            BackendApiError::Api { errors, .. } => errors.errors.first().map(|e| e.code.as_str()),
            _ => None,
        }
    }
}

/// The filters and page of a user listing; each filter given narrows it.
#[derive(Debug, Clone, Default)]
pub struct UserQuery {
    pairs: Vec<(&'static str, String)>,
}

impl UserQuery {
    /// Users with this email address (call again for any of several).
    pub fn email_address(mut self, email: &str) -> Self {
        self.pairs.push(("email_address", email.to_owned()));
        self
    }

    /// Users with this phone number, E.164.
    pub fn phone_number(mut self, phone: &str) -> Self {
        self.pairs.push(("phone_number", phone.to_owned()));
        self
    }

    pub fn user_id(mut self, id: &str) -> Self {
        self.pairs.push(("user_id", id.to_owned()));
        self
    }

    pub fn username(mut self, username: &str) -> Self {
        self.pairs.push(("username", username.to_owned()));
        self
    }

    /// Contained in the id, username, name, email or phone.
    pub fn query(mut self, text: &str) -> Self {
        self.pairs.push(("query", text.to_owned()));
        self
    }

    /// At most this many (1 to 500; 10 when not given), from `offset`.
    pub fn page(mut self, limit: u32, offset: u32) -> Self {
        self.pairs.push(("limit", limit.to_string()));
        self.pairs.push(("offset", offset.to_string()));
        self
    }

    /// Oldest first (newest first otherwise).
    pub fn oldest_first(mut self) -> Self {
        self.pairs.push(("order_by", "+created_at".into()));
        self
    }

    fn filters(&self) -> Vec<(&'static str, String)> {
        self.pairs
            .iter()
            .filter(|(k, _)| !matches!(*k, "limit" | "offset" | "order_by"))
            .cloned()
            .collect()
    }
}

/// The client. Cheap to clone; keep one.
#[derive(Clone)]
pub struct BackendApi {
    http: reqwest::Client,
    base: Url,
    secret_key: String,
}

impl BackendApi {
    /// `api_url`: `https://api.clerk.com`, or fapi-server's URL. Calls go to
    /// `{api_url}/v1/…` with `Authorization: Bearer {secret_key}`.
    ///
    /// # Panics
    /// When `api_url` is not a URL (a configuration mistake, found at start).
    pub fn new(api_url: &str, secret_key: &str) -> BackendApi {
        let mut base = Url::parse(api_url).expect("the Backend API URL is a URL");
        base.path_segments_mut()
            .expect("an http(s) URL")
            .pop_if_empty()
            .push("v1");
        BackendApi {
            http: reqwest::Client::new(),
            base,
            secret_key: secret_key.to_owned(),
        }
    }

    /// The user with this id (a token's `sub`).
    pub async fn user(&self, id: &str) -> Result<User, BackendApiError> {
        self.call(Method::GET, &["users", id], &[], None).await
    }

    /// A page of users, newest first unless asked otherwise.
    pub async fn users(&self, query: &UserQuery) -> Result<Vec<User>, BackendApiError> {
        self.call(Method::GET, &["users"], &query.pairs, None).await
    }

    /// How many users the query's filters match (its page aside).
    pub async fn user_count(&self, query: &UserQuery) -> Result<i64, BackendApiError> {
        let count: TotalCount = self
            .call(Method::GET, &["users", "count"], &query.filters(), None)
            .await?;
        Ok(count.total_count)
    }

    /// Merges into the user's metadata (a key set to `null` is removed).
    pub async fn update_metadata(
        &self,
        id: &str,
        update: &MetadataUpdate,
    ) -> Result<User, BackendApiError> {
        let body =
            serde_json::to_value(update).map_err(|e| BackendApiError::Decode(e.to_string()))?;
        self.call(Method::PATCH, &["users", id, "metadata"], &[], Some(body))
            .await
    }

    /// No sign-in until unlocked; the user's sessions end.
    pub async fn lock_user(&self, id: &str) -> Result<User, BackendApiError> {
        self.call(Method::POST, &["users", id, "lock"], &[], None)
            .await
    }

    pub async fn unlock_user(&self, id: &str) -> Result<User, BackendApiError> {
        self.call(Method::POST, &["users", id, "unlock"], &[], None)
            .await
    }

    /// No sign-in until unbanned; the user's sessions end.
    pub async fn ban_user(&self, id: &str) -> Result<User, BackendApiError> {
        self.call(Method::POST, &["users", id, "ban"], &[], None)
            .await
    }

    pub async fn unban_user(&self, id: &str) -> Result<User, BackendApiError> {
        self.call(Method::POST, &["users", id, "unban"], &[], None)
            .await
    }

    /// Takes every second factor away (the user sets one up again).
    pub async fn disable_mfa(&self, id: &str) -> Result<(), BackendApiError> {
        let _: UserId = self
            .call(Method::DELETE, &["users", id, "mfa"], &[], None)
            .await?;
        Ok(())
    }

    /// Deletes the user and everything of theirs.
    pub async fn delete_user(&self, id: &str) -> Result<DeletedObject, BackendApiError> {
        self.call(Method::DELETE, &["users", id], &[], None).await
    }

    /// The user's sessions, newest first; `status` such as `active` narrows them.
    pub async fn sessions(
        &self,
        user_id: &str,
        status: Option<&str>,
    ) -> Result<Page<Session>, BackendApiError> {
        let mut query = vec![
            ("user_id", user_id.to_owned()),
            ("paginated", "true".into()),
        ];
        if let Some(status) = status {
            query.push(("status", status.to_owned()));
        }
        self.call(Method::GET, &["sessions"], &query, None).await
    }

    /// Signs a session out (that device at its next token refresh).
    pub async fn revoke_session(&self, id: &str) -> Result<Session, BackendApiError> {
        self.call(Method::POST, &["sessions", id, "revoke"], &[], None)
            .await
    }

    /// The session, if `token` is a live session token of it (Clerk's
    /// `verifySession`). Checking the token offline with [`crate::verify::Clerk`] needs no
    /// call at all; this asks the server, which also knows whether the session
    /// has ended since the token was minted.
    pub async fn verify_session(&self, id: &str, token: &str) -> Result<Session, BackendApiError> {
        let body = serde_json::json!({ "token": token });
        self.call(Method::POST, &["sessions", id, "verify"], &[], Some(body))
            .await
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &[&str],
        query: &[(&'static str, String)],
        body: Option<serde_json::Value>,
    ) -> Result<T, BackendApiError> {
        // Each part is one path segment, escaped, and never empty, `.` or `..` (which
        // a URL drops or climbs): an id can never reach another path.
        if let Some(bad) = path.iter().find(|p| matches!(**p, "" | "." | "..")) {
            return Err(BackendApiError::Decode(format!("{bad:?} is not an id")));
        }
        let mut url = self.base.clone();
        url.path_segments_mut()
            .expect("an http(s) URL")
            .extend(path);
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        let mut request = self.http.request(method, url).bearer_auth(&self.secret_key);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let status = response.status();
        let bytes = response.bytes().await?;
        if !status.is_success() {
            let errors = serde_json::from_slice(&bytes)
                .map_err(|e| BackendApiError::Decode(format!("{status}: {e}")))?;
            return Err(BackendApiError::Api {
                status: status.as_u16(),
                errors,
            });
        }
        serde_json::from_slice(&bytes).map_err(|e| BackendApiError::Decode(e.to_string()))
    }
}
