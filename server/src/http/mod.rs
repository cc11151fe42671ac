//! What every request passes through before a route sees it.

pub mod client_ip;
pub mod form;
pub mod identity;
pub mod method_override;
pub mod origin;
pub mod trailing_slash;

pub use form::Form;
pub use identity::{Identity, Mode};
