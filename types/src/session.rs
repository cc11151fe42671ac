use serde::{Deserialize, Serialize};

use serde_json::Value;

use crate::decode::{from_fields, from_json_enum, DecodeError, Fields, FromJson};
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
    /// Clerk may send `null` (`GET /v1/me/sessions/active` does); fapi-server always fills it.
    #[serde(default)]
    pub public_user_data: Option<PublicUserData>,
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
        from_fields!(
            f,
            Session {
                object: req("object"),
                id: req("id"),
                status: req("status"),
                expire_at: req("expire_at"),
                abandon_at: req("abandon_at"),
                last_active_at: req("last_active_at"),
                last_active_token: req("last_active_token"),
                last_active_organization_id: req("last_active_organization_id"),
                actor: req("actor"),
                tasks: req("tasks"),
                user: req("user"),
                public_user_data: req("public_user_data"),
                factor_verification_age: req("factor_verification_age"),
                created_at: req("created_at"),
                updated_at: req("updated_at"),
            }
        )
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
        from_fields!(f, SessionTask { key: req("key") })
    }
}

impl FromJson for PublicUserData {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "PublicUserData")?;
        from_fields!(
            f,
            PublicUserData {
                first_name: req("first_name"),
                last_name: req("last_name"),
                image_url: req("image_url"),
                has_image: req("has_image"),
                identifier: req("identifier"),
                user_id: req("user_id"),
                username: req("username"),
            }
        )
    }
}

impl FromJson for SessionWithActivity {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "SessionWithActivity")?;
        let latest_activity = f.req("latest_activity").map_err(|_| f.error())?;
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
        from_fields!(
            f,
            LatestActivity {
                object: req("object"),
                id: req("id"),
                device_type: req("device_type"),
                is_mobile: req("is_mobile"),
                browser_name: req("browser_name"),
                browser_version: req("browser_version"),
                ip_address: req("ip_address"),
                city: req("city"),
                country: req("country"),
            }
        )
    }
}
