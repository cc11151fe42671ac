use fapi_types::Session;
use yew::prelude::*;

use crate::{context::use_clerk_context, Clerk, ClerkError};

/// Every signed-in session on this device, the active one first (Clerk's
/// `useSessionList`): several in multi-session mode.
///
/// ```no_run
/// use yew::prelude::*;
/// use yew_clerk::prelude::*;
///
/// #[component]
/// fn Accounts() -> Html {
///     let list = use_session_list();
///     html! {
///         <ul>
///             { for list.sessions.iter().map(|s| {
///                 let (list, id) = (list.clone(), s.id.clone());
///                 let onclick = Callback::from(move |_| {
///                     let (list, id) = (list.clone(), id.clone());
///                     yew::platform::spawn_local(async move {
///                         let _ = list.set_active(&id, Some("/")).await;
///                     });
///                 });
///                 html! { <li><button {onclick}>{ s.id.clone() }</button></li> }
///             }) }
///         </ul>
///     }
/// }
/// ```
#[hook]
pub fn use_session_list() -> SessionListHandle {
    let ctx = use_clerk_context();
    SessionListHandle {
        is_loaded: ctx.state.loaded,
        sessions: ctx
            .state
            .signed_in_sessions()
            .into_iter()
            .cloned()
            .collect(),
        clerk: ctx.clerk,
    }
}

/// What [`use_session_list`] returns.
#[derive(Clone, PartialEq)]
pub struct SessionListHandle {
    pub is_loaded: bool,
    /// Signed-in sessions, the active one first.
    pub sessions: Vec<Session>,
    clerk: Clerk,
}

impl SessionListHandle {
    /// Makes `session_id` the active session, then goes to `redirect_url` if given.
    pub async fn set_active(
        &self,
        session_id: &str,
        redirect_url: Option<&str>,
    ) -> Result<(), ClerkError> {
        self.clerk
            .set_active_and_redirect(session_id, redirect_url)
            .await
    }

    /// Signs out of one session, keeping the others.
    pub async fn sign_out(&self, session_id: &str) -> Result<(), ClerkError> {
        self.clerk.sign_out_session(session_id).await
    }
}
