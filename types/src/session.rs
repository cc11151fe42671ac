use serde::{Deserialize, Serialize};

use serde_json::Value;

use crate::decode::{from_json_enum, DecodeError, Fields, FromJson};
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

impl FromJson for Session {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "Session")?;
        Ok(Session {
            object: f.req("object")?,
            id: f.req("id")?,
            status: f.req("status")?,
            expire_at: f.req("expire_at")?,
            abandon_at: f.req("abandon_at")?,
            last_active_at: f.req("last_active_at")?,
            last_active_token: f.req("last_active_token")?,
            last_active_organization_id: f.req("last_active_organization_id")?,
            actor: f.req("actor")?,
            tasks: f.req("tasks")?,
            user: f.req("user")?,
            public_user_data: f.req("public_user_data")?,
            factor_verification_age: f.req("factor_verification_age")?,
            created_at: f.req("created_at")?,
            updated_at: f.req("updated_at")?,
        })
    }
}

from_json_enum!(SessionStatus {
    "active" => Active,
    "pending" => Pending,
    "ended" => Ended,
    "expired" => Expired,
    "removed" => Removed,
    "replaced" => Replaced,
    "revoked" => Revoked,
    "abandoned" => Abandoned,
    _ => Unknown,
});

impl FromJson for SessionTask {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "SessionTask")?;
        Ok(SessionTask { key: f.req("key")? })
    }
}

impl FromJson for PublicUserData {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "PublicUserData")?;
        Ok(PublicUserData {
            first_name: f.req("first_name")?,
            last_name: f.req("last_name")?,
            image_url: f.req("image_url")?,
            has_image: f.req("has_image")?,
            identifier: f.req("identifier")?,
            user_id: f.req("user_id")?,
            username: f.req("username")?,
        })
    }
}

impl FromJson for SessionWithActivity {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "SessionWithActivity")?;
        let latest_activity = f.req("latest_activity")?;
        Ok(SessionWithActivity {
            session: Session::from_json(f.rest())?,
            latest_activity,
        })
    }
}

impl FromJson for LatestActivity {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "LatestActivity")?;
        Ok(LatestActivity {
            object: f.req("object")?,
            id: f.req("id")?,
            device_type: f.req("device_type")?,
            is_mobile: f.req("is_mobile")?,
            browser_name: f.req("browser_name")?,
            browser_version: f.req("browser_version")?,
            ip_address: f.req("ip_address")?,
            city: f.req("city")?,
            country: f.req("country")?,
        })
    }
}
