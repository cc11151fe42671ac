//! yew-clerk for the app's own server: checks who is signed in from the session
//! token yew-clerk (or clerk-js) sends, offline, against the instance's keys, for
//! fapi-server (ES256) and real Clerk (RS256) alike.
//!
//! ```no_run
//! use axum::{routing::{get, post}, Router};
//! use yew_clerk_backend::{axum::{Refused, SignedIn}, Clerk, Config, SessionVerificationLevel};
//!
//! async fn notes(user: SignedIn) -> String {
//!     format!("the notes of {}", user.user_id)
//! }
//!
//! // A sensitive action: a second factor verified in the last 10 minutes, or Clerk's
//! // 403 that `use_reverification` answers with "Verify it's you" and a retry.
//! async fn delete_all(user: SignedIn) -> Result<&'static str, Refused> {
//!     user.require_recent(SessionVerificationLevel::SecondFactor, 10)?;
//!     Ok("deleted")
//! }
//!
//! # async fn run() {
//! let clerk = Clerk::new(
//!     Config::new("https://clerk.example.com").authorized_party("https://app.example.com"),
//! );
//! let app: Router = Router::new()
//!     .route("/api/notes", get(notes))
//!     .route("/api/notes/delete-all", post(delete_all))
//!     .with_state(clerk);
//! # }
//! ```
//!
//! What is checked: the signature with the key the token's `kid` names, in the one
//! algorithm that key is for (`alg: none` and HS256-with-the-public-key are refused);
//! `exp` and `nbf` with a clock skew (5 s); `iss` against the Frontend API's URL;
//! `azp` against the app's origins; and `sts: "pending"` counts as signed out.

pub mod api;
#[cfg(feature = "axum")]
pub mod axum;
pub mod error;
pub mod keys;
pub mod step_up;
pub mod verify;
pub mod webhook;

pub use error::VerifyError;
pub use fapi_types::{SessionClaims, SessionVerificationLevel};
pub use verify::{Clerk, Config, Session};
