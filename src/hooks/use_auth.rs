use yew::prelude::*;

use crate::{context::use_clerk_context, Clerk, ClerkError};

/// Who is signed in, and a token to prove it to your own backend.
#[derive(Clone, PartialEq)]
pub struct AuthHandle {
    clerk: Clerk,
    pub is_loaded: bool,
    pub is_signed_in: bool,
    pub user_id: Option<String>,
    pub session_id: Option<String>,
}

impl AuthHandle {
    /// A session JWT (about 60 s, cached and refreshed), for an `Authorization: Bearer`
    /// header to your backend, which verifies it against `/.well-known/jwks.json`.
    pub async fn get_token(&self) -> Result<Option<String>, ClerkError> {
        self.clerk.get_token().await
    }

    /// A token of the instance's JWT template `template` (its own claims and
    /// lifetime), for a third-party service that expects them.
    ///
    /// ```no_run
    /// # async fn run(auth: yew_clerk::hooks::AuthHandle) {
    /// if let Ok(Some(jwt)) = auth.get_token_with("supabase").await {
    ///     // Authorization: Bearer {jwt} to the service
    /// }
    /// # }
    /// ```
    pub async fn get_token_with(&self, template: &str) -> Result<Option<String>, ClerkError> {
        self.clerk.get_token_with(template).await
    }

    pub async fn sign_out(&self) -> Result<(), ClerkError> {
        self.clerk.sign_out_and_redirect().await
    }
}

/// Signed in or not, the ids, and `get_token`.
///
/// ```no_run
/// use yew::prelude::*;
/// use yew_clerk::prelude::*;
///
/// #[component]
/// fn CallApi() -> Html {
///     let auth = use_auth();
///     let onclick = Callback::from(move |_| {
///         let auth = auth.clone();
///         yew::platform::spawn_local(async move {
///             if let Ok(Some(jwt)) = auth.get_token().await {
///                 let _ = gloo_net::http::Request::get("/api/orders")
///                     .header("authorization", &format!("Bearer {jwt}"))
///                     .send()
///                     .await;
///             }
///         });
///     });
///     html! { <button {onclick}>{ "Load my orders" }</button> }
/// }
/// ```
#[hook]
pub fn use_auth() -> AuthHandle {
    use_auth_with(true)
}

/// As [`use_auth`], choosing whether a pending session (MFA required, none set up
/// yet) counts as signed in: `use_auth` treats it as signed out, as Clerk does.
///
/// ```no_run
/// use yew::prelude::*;
/// use yew_clerk::prelude::*;
/// #[component]
/// fn SetupBanner() -> Html {
///     let auth = use_auth_with(false);
///     let session = use_session();
///     if auth.is_signed_in && session.current_task().is_some() {
///         html! { <a href="/setup-mfa">{ "Finish setting up two-step verification" }</a> }
///     } else {
///         html! {}
///     }
/// }
/// ```
#[hook]
pub fn use_auth_with(treat_pending_as_signed_out: bool) -> AuthHandle {
    let ctx = use_clerk_context();
    let session = ctx.state.session().filter(|_| {
        ctx.state
            .is_signed_in_counting_pending(treat_pending_as_signed_out)
    });
    AuthHandle {
        is_loaded: ctx.state.loaded,
        is_signed_in: session.is_some(),
        user_id: session.and_then(|s| s.user.as_ref()).map(|u| u.id.clone()),
        session_id: session.map(|s| s.id.clone()),
        clerk: ctx.clerk,
    }
}
