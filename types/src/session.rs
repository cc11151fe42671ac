use serde::{Deserialize, Serialize};

use crate::{Millis, Token, User};

/// A signed-in session of a user on a client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub object: String,
    pub id: String,
    pub status: SessionStatus,
    pub expire_at: Millis,
    pub abandon_at: Millis,
    pub last_active_at: Millis,
    #[serde(default)]
    pub last_active_token: Option<Token>,
    #[serde(default)]
    pub last_active_organization_id: Option<String>,
    #[serde(default)]
    pub actor: Option<serde_json::Value>,
    #[serde(default)]
    pub tasks: Option<Vec<SessionTask>>,
    pub user: Option<User>,
    pub public_user_data: PublicUserData,
    /// Minutes since the first and second factor were verified; `-1` never.
    #[serde(default)]
    pub factor_verification_age: Option<[i64; 2]>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

impl Session {
    /// Clerk counts `active` and `pending` sessions as signed in.
    pub fn is_signed_in(&self) -> bool {
        matches!(self.status, SessionStatus::Active | SessionStatus::Pending)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    Active,
    Pending,
    Ended,
    Expired,
    Removed,
    Replaced,
    Revoked,
    Abandoned,
    #[serde(other)]
    Unknown,
}

/// Something the user must do before the session becomes active (`setup-mfa`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionTask {
    pub key: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicUserData {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub image_url: String,
    pub has_image: bool,
    pub identifier: String,
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
}

/// An item of `GET /v1/me/sessions/active`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionWithActivity {
    #[serde(flatten)]
    pub session: Session,
    pub latest_activity: Option<LatestActivity>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatestActivity {
    pub object: String,
    pub id: String,
    pub device_type: Option<String>,
    pub is_mobile: bool,
    pub browser_name: Option<String>,
    pub browser_version: Option<String>,
    pub ip_address: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
}
