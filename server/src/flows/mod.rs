//! The steps several routes share: sending and checking codes, checking passwords
//! (with the account lockout), validating identifiers, and the password policy.

pub mod account_recovery;
pub mod admin_users;
pub mod backup_codes;
pub mod codes;
pub mod developer_settings;
pub mod factor_reset;
pub mod identifiers;
pub mod jwt_templates;
pub mod lockout;
pub mod metadata;
pub mod mfa_required;
pub mod new_session;
pub mod notices;
pub mod outgoing;
pub mod passkeys;
pub mod passwords;
pub mod remembered_devices;
pub mod reverification;
pub mod second_factor_codes;
pub mod session_token_check;
pub mod settings_change;
pub mod social;
pub mod totp;
pub mod webhooks;

pub use crate::http::form::{required as form_required, required_secret};
