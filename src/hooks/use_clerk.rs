use yew::prelude::*;

use crate::{context::use_clerk_context, Clerk};

/// The Clerk core: state (`clerk.state()`), `sign_out`, `set_active`, `get_token`,
/// `redirect_to_sign_in`, and every other action. The component re-renders when the
/// state changes.
///
/// ```no_run
/// use yew::prelude::*;
/// use yew_clerk::prelude::*;
///
/// #[component]
/// fn SignOutButton() -> Html {
///     let clerk = use_clerk();
///     let onclick = Callback::from(move |_| {
///         let clerk = clerk.clone();
///         yew::platform::spawn_local(async move {
///             let _ = clerk.sign_out_and_redirect().await;
///         });
///     });
///     html! { <button {onclick}>{ "Sign out" }</button> }
/// }
/// ```
#[hook]
pub fn use_clerk() -> Clerk {
    use_clerk_context().clerk
}
