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
