//! Redirect components: rendered, they send the user on (with `redirect_url` back to
//! where they were), through the router when the target is in the app. They never
//! redirect to the page they are on, so they cannot loop.

use yew::prelude::*;

use crate::context::use_clerk_context;

/// Sends the user to sign in, to come back here afterwards.
///
/// ```no_run
/// use yew::prelude::*;
/// use yew_clerk::prelude::*;
/// #[component]
/// fn Protected() -> Html {
///     html! {
///         <>
///             <SignedIn><p>{ "Members only" }</p></SignedIn>
///             <SignedOut><RedirectToSignIn /></SignedOut>
///         </>
///     }
/// }
/// ```
#[component]
pub fn RedirectToSignIn() -> Html {
    let ctx = use_clerk_context();
    let loaded = ctx.state.loaded;
    use_effect_with(loaded, move |loaded| {
        if *loaded {
            ctx.clerk.redirect_to_sign_in();
        }
    });
    html! {}
}

/// Sends the user to sign up, to come back here afterwards.
#[component]
pub fn RedirectToSignUp() -> Html {
    let ctx = use_clerk_context();
    let loaded = ctx.state.loaded;
    use_effect_with(loaded, move |loaded| {
        if *loaded {
            ctx.clerk.redirect_to_sign_up();
        }
    });
    html! {}
}

/// Sends the user to their profile page.
#[component]
pub fn RedirectToUserProfile() -> Html {
    let ctx = use_clerk_context();
    let loaded = ctx.state.loaded;
    use_effect_with(loaded, move |loaded| {
        if *loaded {
            ctx.clerk.redirect_to_user_profile();
        }
    });
    html! {}
}
