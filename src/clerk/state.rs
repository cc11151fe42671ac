use std::rc::Rc;

use fapi_types::{Client, Environment, Session, SessionStatus, SessionTask, SignIn, SignUp, User};

use crate::ClerkError;

/// What the core knows right now. `version` grows with every change, so two
/// snapshots compare equal only if nothing happened in between.
#[derive(Debug, Clone, Default)]
pub struct ClerkState {
    pub loaded: bool,
    pub environment: Option<Rc<Environment>>,
    pub client: Option<Rc<Client>>,
    /// Why loading failed, if it did.
    pub error: Option<ClerkError>,
    /// The component open in a modal, if any ([`crate::Clerk::open_sign_in`]).
    pub modal: Option<super::Modal>,
    pub version: u64,
}

/// Identity, not deep equality: every change makes a new version and new `Rc`s, so
/// comparing those is exact, and cheap on every render.
impl PartialEq for ClerkState {
    fn eq(&self, other: &Self) -> bool {
        fn same<T>(a: &Option<Rc<T>>, b: &Option<Rc<T>>) -> bool {
            match (a, b) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
        }
        self.version == other.version
            && self.loaded == other.loaded
            && same(&self.environment, &other.environment)
            && same(&self.client, &other.client)
            && self.error == other.error
            && self.modal == other.modal
    }
}

impl ClerkState {
    /// The active session: the client's last active one, if still signed in.
    pub fn session(&self) -> Option<&Session> {
        self.client.as_deref()?.last_active_session()
    }

    pub fn user(&self) -> Option<&User> {
        self.session()?.user.as_ref()
    }

    /// A session exists, active or pending (as Clerk counts it).
    pub fn is_signed_in(&self) -> bool {
        self.session().is_some()
    }

    /// The session waits on a task (`setup-mfa`) before it is fully signed in.
    pub fn is_pending(&self) -> bool {
        self.session()
            .is_some_and(|s| s.status == SessionStatus::Pending)
    }

    /// Signed in, counting a pending session only when `treat_pending_as_signed_out`
    /// is false: what `<SignedIn>`, `<SignedOut>`, `<Protect>` and `use_auth` show.
    ///
    /// ```
    /// let state = yew_clerk::ClerkState::default();
    /// assert!(!state.is_signed_in_counting_pending(false));
    /// ```
    pub fn is_signed_in_counting_pending(&self, treat_pending_as_signed_out: bool) -> bool {
        self.is_signed_in() && !(treat_pending_as_signed_out && self.is_pending())
    }

    /// Whether the instance offers `strategy` (`totp`, `phone_code`, `backup_code`)
    /// as a second factor.
    pub fn offers_second_factor(&self, strategy: &str) -> bool {
        self.environment.as_deref().is_some_and(|e| {
            e.user_settings
                .second_factors()
                .iter()
                .any(|f| f == strategy)
        })
    }

    /// Whether the instance requires a second factor of every account (Clerk's
    /// "Require multi-factor authentication", fapi-server's `[mfa] required`).
    pub fn mfa_required(&self) -> bool {
        self.environment
            .as_deref()
            .and_then(|e| e.user_settings.sign_up.mfa.as_ref())
            .is_some_and(|m| m.required)
    }

    /// What the pending session must do first, if anything.
    pub fn current_task(&self) -> Option<&SessionTask> {
        let session = self
            .session()
            .filter(|s| s.status == SessionStatus::Pending)?;
        session.tasks.as_ref()?.first()
    }

    /// Every signed-in session on this device, the active one first (several only in
    /// multi-session mode).
    pub fn signed_in_sessions(&self) -> Vec<&Session> {
        let Some(client) = self.client.as_deref() else {
            return vec![];
        };
        let active = self.session().map(|s| s.id.as_str());
        let mut sessions: Vec<&Session> = client
            .sessions
            .iter()
            .filter(|s| s.is_signed_in())
            .collect();
        sessions.sort_by_key(|s| Some(s.id.as_str()) != active);
        sessions
    }

    /// The instance lets one device hold several signed-in accounts (Clerk's
    /// multi-session mode): `<SignIn/>` then adds an account instead of sending a
    /// signed-in visitor away, and `<UserButton/>` switches between them.
    pub fn is_multi_session(&self) -> bool {
        self.environment
            .as_deref()
            .is_some_and(|e| !e.auth_config.single_session_mode)
    }

    /// Whether `incoming`, the client an answer carried, replaces the one held. Not
    /// when it is an older version of the same client: answers can arrive out of
    /// order (a `touch` sent just before "Sign out of all accounts" but answered
    /// after it must not sign the user back in), and `updated_at` orders versions.
    pub(crate) fn takes_client(&self, incoming: Option<&Client>) -> bool {
        match (self.client.as_deref(), incoming) {
            (Some(held), Some(new)) => new.id != held.id || new.updated_at >= held.updated_at,
            _ => true,
        }
    }

    pub fn sign_in(&self) -> Option<&SignIn> {
        self.client.as_deref()?.sign_in.as_ref()
    }

    pub fn sign_up(&self) -> Option<&SignUp> {
        self.client.as_deref()?.sign_up.as_ref()
    }

    pub fn application_name(&self) -> &str {
        self.environment
            .as_deref()
            .map(|e| e.display_config.application_name.as_str())
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(id: &str, updated_at: i64, active: Option<&str>) -> Client {
        Client {
            object: "client".into(),
            id: id.into(),
            sessions: vec![],
            sign_in: None,
            sign_up: None,
            last_active_session_id: active.map(Into::into),
            last_authentication_strategy: None,
            cookie_expires_at: None,
            captcha_bypass: false,
            created_at: 0,
            updated_at,
        }
    }

    fn holding(c: Client) -> ClerkState {
        ClerkState {
            client: Some(Rc::new(c)),
            ..Default::default()
        }
    }

    #[test]
    fn a_late_answer_does_not_roll_the_client_back() {
        // Signed out at version 20; the touch answered with version 10 arrives after.
        let state = holding(client("client_1", 20, None));
        assert!(!state.takes_client(Some(&client("client_1", 10, Some("sess_1")))));
    }

    #[test]
    fn a_newer_or_equal_version_another_client_or_none_is_taken() {
        let state = holding(client("client_1", 20, None));
        assert!(state.takes_client(Some(&client("client_1", 21, None))));
        assert!(state.takes_client(Some(&client("client_1", 20, None))));
        // A new client (the old one was removed) starts its own versions.
        assert!(state.takes_client(Some(&client("client_2", 1, None))));
        assert!(state.takes_client(None));
        assert!(ClerkState::default().takes_client(Some(&client("client_1", 1, None))));
    }
}
