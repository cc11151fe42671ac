//! The real components in a real headless browser against a real fapi-server.
//! Run by `cargo xtask test` (which starts the server on a fresh database).

#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[path = "browser/account_recovery.rs"]
mod account_recovery;
#[path = "browser/axe.rs"]
mod axe;
#[path = "browser/client_trust.rs"]
mod client_trust;
#[path = "browser/control.rs"]
mod control;
#[path = "browser/custom_flow.rs"]
mod custom_flow;
#[path = "browser/delete_account.rs"]
mod delete_account;
#[path = "browser/early.rs"]
mod early;
#[path = "browser/email_second_factor.rs"]
mod email_second_factor;
#[path = "browser/forgot_password.rs"]
mod forgot_password;
#[path = "browser/harness.rs"]
mod harness;
#[path = "browser/languages.rs"]
mod languages;
#[path = "browser/mfa_required.rs"]
mod mfa_required;
#[path = "browser/modals.rs"]
mod modals;
#[path = "browser/passkeys.rs"]
mod passkeys;
#[path = "browser/profile.rs"]
mod profile;
#[path = "browser/routes.rs"]
mod routes;
#[path = "browser/session_cookie.rs"]
mod session_cookie;
#[path = "browser/sessions.rs"]
mod sessions;
#[path = "browser/sign_in.rs"]
mod sign_in;
#[path = "browser/sign_up.rs"]
mod sign_up;
