//! The wire contract of Clerk's Frontend API (FAPI) subset, as serde types.
//!
//! `yew-clerk` (in the browser) and `fapi-server` both depend on this crate, so the
//! JSON one side writes is, by construction, the JSON the other side reads. Field
//! names and enum values follow Clerk exactly; timestamps are unix milliseconds.
//!
//! ```
//! use fapi_types::{Envelope, SignIn, SignInStatus};
//! let json = r#"{"response":{"object":"sign_in_attempt","id":"sia_1","status":"needs_second_factor",
//!   "supported_identifiers":[],"supported_first_factors":[],"supported_second_factors":[{"strategy":"phone_code"}],
//!   "first_factor_verification":null,"second_factor_verification":null,"identifier":"a@b.co",
//!   "user_data":null,"created_session_id":null,"abandon_at":0},"client":null}"#;
//! let env: Envelope<SignIn> = serde_json::from_str(json).unwrap();
//! assert_eq!(env.response.status, SignInStatus::NeedsSecondFactor);
//! ```

pub mod backend;
mod backup_code;
mod client;
pub mod decode;
mod deleted;
mod envelope;
mod environment;
mod error;
mod external_account;
mod jwt;
pub mod params;
mod passkey;
mod session;
mod session_verification;
mod sign_in;
mod sign_up;
mod strategy;
mod totp;
mod user;
mod verification;

pub use backup_code::BackupCodes;
pub use client::Client;
pub use decode::{decode, DecodeError, FromJson};
pub use deleted::DeletedObject;
pub use envelope::Envelope;
pub use environment::*;
pub use error::{ApiError, ErrorEnvelope, ErrorMeta, ReverificationRequirement};
pub use external_account::ExternalAccount;
pub use jwt::{Jwk, Jwks, SessionClaims, Token};
pub use passkey::Passkey;
pub use session::{
    LatestActivity, PublicUserData, Session, SessionStatus, SessionTask, SessionWithActivity,
};
pub use session_verification::{
    SessionVerification, SessionVerificationLevel, SessionVerificationStatus,
};
pub use sign_in::{
    AccountRecovery, AccountRecoveryStatus, SignIn, SignInFactor, SignInStatus, SignInUserData,
};
pub use sign_up::{NextAction, SignUp, SignUpStatus, SignUpVerification, SignUpVerifications};
pub use strategy::Strategy;
pub use totp::Totp;
pub use user::{EmailAddress, IdentificationLink, PhoneNumber, User};
pub use verification::{Verification, VerificationStatus};

/// Unix time in milliseconds, as every FAPI timestamp is.
pub type Millis = i64;
