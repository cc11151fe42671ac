//! # yew-clerk
//!
//! Clerk-style authentication for [Yew](https://yew.rs) apps: drop-in sign-in,
//! sign-up and user-profile components with two-step verification, speaking Clerk's
//! Frontend API — to real Clerk or to the self-hostable `fapi-server` in this
//! repository.
//!
//! The components and hooks are being built; today this crate re-exports the wire
//! contract they are built on, [`types`] (the `fapi-types` crate), so that an app can
//! already read what `fapi-server` and Clerk answer.
//!
//! ```
//! use yew_clerk::types::{Envelope, Client};
//! let empty: Envelope<Option<Client>> =
//!     serde_json::from_str(r#"{"response":null,"client":null}"#).unwrap();
//! assert!(empty.client.is_none());
//! ```

pub use fapi_types as types;
