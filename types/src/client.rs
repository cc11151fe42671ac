use serde::{Deserialize, Serialize};

use serde_json::Value;

use crate::decode::{DecodeError, Fields, FromJson};
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
        Ok(Client {
            object: f.req("object")?,
            id: f.req("id")?,
            sessions: f.req("sessions")?,
            sign_in: f.req("sign_in")?,
            sign_up: f.req("sign_up")?,
            last_active_session_id: f.req("last_active_session_id")?,
            last_authentication_strategy: f.req("last_authentication_strategy")?,
            cookie_expires_at: f.req("cookie_expires_at")?,
            captcha_bypass: f.def("captcha_bypass")?,
            created_at: f.req("created_at")?,
            updated_at: f.req("updated_at")?,
        })
    }
}
