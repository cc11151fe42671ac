use fapi_types::Session;
use yew::prelude::*;

use crate::context::use_clerk_context;

/// The active session.
#[derive(Clone, PartialEq)]
pub struct SessionHandle {
    pub is_loaded: bool,
    pub is_signed_in: bool,
    pub session: Option<Session>,
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
