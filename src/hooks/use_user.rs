use fapi_types::User;
use yew::prelude::*;

use crate::{context::use_clerk_context, Clerk};

/// The signed-in user; its account actions are on [`UserHandle::clerk`]
/// (`update_user`, `create_phone_number`, `update_phone_number`, ...).
#[derive(Clone, PartialEq)]
pub struct UserHandle {
    pub clerk: Clerk,
    pub is_loaded: bool,
    pub is_signed_in: bool,
    pub user: Option<User>,
}

/// The signed-in user, if any.
///
/// ```no_run
/// use yew::prelude::*;
/// use yew_clerk::prelude::*;
///
/// #[component]
/// fn Greeting() -> Html {
///     let user = use_user();
///     match user.user {
///         Some(u) => html! { <p>{ format!("Hello, {}", u.first_name.unwrap_or_default()) }</p> },
///         None => html! {},
///     }
/// }
/// ```
#[hook]
pub fn use_user() -> UserHandle {
    let ctx = use_clerk_context();
    let user = ctx.state.user().cloned();
    UserHandle {
        is_loaded: ctx.state.loaded,
        is_signed_in: user.is_some(),
        user,
        clerk: ctx.clerk,
    }
}
