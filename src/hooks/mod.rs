//! The hooks, one per file, mirroring Clerk's React hooks in Rust: each returns a
//! handle with `is_loaded`, the resource, and async actions.

mod use_auth;
mod use_clerk;
mod use_modals;
mod use_reverification;
mod use_session;
mod use_session_list;
mod use_sign_in;
mod use_sign_up;
mod use_user;

pub use use_auth::{use_auth, use_auth_with, AuthHandle};
pub use use_clerk::use_clerk;
pub use use_modals::{use_modals, ModalsHandle};
pub use use_reverification::{use_reverification, ReverificationHandle, REVERIFICATION_REQUIRED};
pub use use_session::{use_session, SessionHandle};
pub use use_session_list::{use_session_list, SessionListHandle};
pub use use_sign_in::{use_sign_in, SignInHandle};
pub use use_sign_up::{use_sign_up, SignUpHandle};
pub use use_user::{use_user, UserHandle};
