//! The FAPI transport: where requests go, how they are encoded, how the browser is
//! identified (cookie or dev browser token), and how answers become typed results.

pub(crate) mod early;
mod key;
mod request;
mod transport;
mod url;

pub use early::EARLY_SCRIPT;
pub use key::{FrontendApi, InstanceType};
pub use request::{form_body, Method};
pub(crate) use transport::Transport;
pub use url::{request_url, RequestUrl};

/// How the browser proves which client it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    /// Production: the server's HttpOnly `__client` cookie, sent with `credentials: include`.
    Cookie,
    /// Development instances: a token in `?__clerk_db_jwt=` on every request.
    DevBrowser,
}

/// The Frontend API version this library speaks (sent as `__clerk_api_version`).
pub const API_VERSION: &str = "2025-11-10";
/// Sent as `_clerk_js_version`, so servers can tell this SDK's requests apart.
pub const SDK_VERSION: &str = concat!("yew-clerk@", env!("CARGO_PKG_VERSION"));
