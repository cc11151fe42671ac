use serde::{Deserialize, Serialize};

use serde_json::Value;

use crate::decode::{from_fields, DecodeError, Fields, FromJson};
use crate::{Millis, Session, SignIn, SignUp};

/// One browser (or native app) and its sessions and in-progress attempts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Client {
    pub object: String,
    pub id: String,
    pub sessions: Vec<Session>,
    pub sign_in: Option<SignIn>,
    pub sign_up: Option<SignUp>,
    pub last_active_session_id: Option<String>,
    #[serde(default)]
    pub last_authentication_strategy: Option<String>,
    #[serde(default)]
    pub cookie_expires_at: Option<Millis>,
    #[serde(default)]
    pub captcha_bypass: bool,
    pub created_at: Millis,
    pub updated_at: Millis,
}

impl Client {
    /// The session the client last made active, if it is still signed in.
    pub fn last_active_session(&self) -> Option<&Session> {
        let id = self.last_active_session_id.as_deref()?;
        self.sessions
            .iter()
            .find(|s| s.id == id && s.is_signed_in())
    }
}

impl FromJson for Client {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "Client")?;
        from_fields!(
            f,
            Client {
                object: req("object"),
                id: req("id"),
                sessions: req("sessions"),
                sign_in: req("sign_in"),
                sign_up: req("sign_up"),
                last_active_session_id: req("last_active_session_id"),
                last_authentication_strategy: req("last_authentication_strategy"),
                cookie_expires_at: req("cookie_expires_at"),
                captcha_bypass: def("captcha_bypass"),
                created_at: req("created_at"),
                updated_at: req("updated_at"),
            }
        )
    }
}
