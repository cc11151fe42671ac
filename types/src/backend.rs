//! Clerk's Backend API (BAPI) resources: what the app's own server reads from
//! `/v1/users` and `/v1/sessions` with the instance's secret key, in Clerk's shapes
//! (Clerk's `@clerk/backend` reads these, fapi-server writes them).
//!
//! ```
//! use fapi_types::backend::User;
//! let json = r#"{"object":"user","id":"user_1","username":null,"first_name":null,
//!   "last_name":null,"image_url":"","has_image":false,"primary_email_address_id":null,
//!   "primary_phone_number_id":null,"password_enabled":true,"two_factor_enabled":false,
//!   "totp_enabled":false,"backup_code_enabled":false,"email_addresses":[],
//!   "phone_numbers":[],"last_sign_in_at":null,"created_at":1,"updated_at":1,
//!   "private_metadata":{"plan":"pro"}}"#;
//! let user: User = serde_json::from_str(json).unwrap();
//! assert_eq!(user.private_metadata["plan"], "pro");
//! ```

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Millis;

/// A user as the Backend API answers it: what the browser sees, and the metadata
/// only the app's server may read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    #[serde(flatten)]
    pub user: crate::User,
    #[serde(default)]
    pub private_metadata: Value,
    /// The user's IANA time zone at sign-up (`Europe/London`).
    #[serde(default)]
    pub timezone: Option<String>,
    #[serde(default)]
    pub last_active_at: Option<Millis>,
}

impl std::ops::Deref for User {
    type Target = crate::User;

    fn deref(&self) -> &crate::User {
        &self.user
    }
}

/// A session as the Backend API answers it (no token, no user inside).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub object: String,
    pub id: String,
    pub client_id: String,
    pub user_id: String,
    pub status: crate::SessionStatus,
    pub last_active_at: Millis,
    pub expire_at: Millis,
    pub abandon_at: Millis,
    #[serde(default)]
    pub last_active_organization_id: Option<String>,
    #[serde(default)]
    pub actor: Option<Value>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

/// `GET /v1/users/count`: `{"object": "total_count", "total_count": 7}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TotalCount {
    pub object: String,
    pub total_count: i64,
}

/// A page of a paginated list (`GET /v1/sessions?paginated=true`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub data: Vec<T>,
    pub total_count: i64,
}

/// What `DELETE /v1/users/{id}/mfa` answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserId {
    pub user_id: String,
}

/// `PATCH /v1/users/{id}/metadata`: each object given is merged into the stored one
/// (a key set to `null` is removed).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MetadataUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_metadata: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsafe_metadata: Option<Value>,
}

/// `user.deleted`'s data (Clerk's `UserDeletedJSON`): what is left of the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeletedUser {
    pub object: String,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub deleted: bool,
    #[serde(default)]
    pub external_id: Option<String>,
}

/// `session.created`, `session.ended`, `session.removed` and `session.revoked`'s data
/// (Clerk's `SessionWebhookEventJSON`): the session, with its user when there is one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionEvent {
    #[serde(flatten)]
    pub session: Session,
    #[serde(default)]
    pub user: Option<User>,
}

/// `email.created`'s data (Clerk's `EmailJSON`): an email on its way, for an app that
/// delivers its own. It may carry a code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Email {
    pub object: String,
    pub id: String,
    /// `verification_code`, `account_notice`, …
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub from_email_name: String,
    #[serde(default)]
    pub to_email_address: Option<String>,
    #[serde(default)]
    pub email_address_id: Option<String>,
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub body_plain: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub data: Option<Value>,
    #[serde(default)]
    pub delivered_by_clerk: bool,
}

/// `sms.created`'s data (Clerk's `SMSMessageJSON`): a text on its way. It may carry a
/// code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmsMessage {
    pub object: String,
    pub id: String,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub from_phone_number: String,
    pub to_phone_number: String,
    #[serde(default)]
    pub phone_number_id: Option<String>,
    #[serde(default)]
    pub user_id: Option<String>,
    pub message: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub data: Option<Value>,
    #[serde(default)]
    pub delivered_by_clerk: bool,
}
