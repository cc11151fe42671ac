use fapi_types::{Session, SessionStatus, SessionTask};
use yew::prelude::*;

use crate::context::use_clerk_context;

/// The active session.
#[derive(Clone, PartialEq)]
pub struct SessionHandle {
    pub is_loaded: bool,
    /// A session exists, active or pending.
    pub is_signed_in: bool,
    pub session: Option<Session>,
}

impl SessionHandle {
    /// What a pending session must do before it is fully signed in (`setup-mfa`
    /// when the instance requires two-step verification and the user has none).
    pub fn current_task(&self) -> Option<&SessionTask> {
        let session = self
            .session
            .as_ref()
            .filter(|s| s.status == SessionStatus::Pending)?;
        session.tasks.as_ref()?.first()
    }
}

/// The active session, if any.
#[hook]
pub fn use_session() -> SessionHandle {
    let ctx = use_clerk_context();
    let session = ctx.state.session().cloned();
    SessionHandle {
        is_loaded: ctx.state.loaded,
        is_signed_in: session.is_some(),
        session,
    }
}
