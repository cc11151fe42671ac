//! Redirect components: rendered, they send the user on (with `redirect_url` back to
//! where they were), through the router when the target is in the app. They never
//! redirect to the page they are on, so they cannot loop.

use yew::prelude::*;

use crate::{context::use_clerk_context, RedirectOptions};

/// Clerk's redirect options, on `<RedirectToSignIn/>` and `<RedirectToSignUp/>`.
#[derive(Properties, PartialEq, Default)]
pub struct RedirectProps {
    /// Where to come back to (default: this page).
    #[prop_or_default]
    pub redirect_url: Option<AttrValue>,
    /// After signing in, always go here (over `redirect_url`).
    #[prop_or_default]
    pub sign_in_force_redirect_url: Option<AttrValue>,
    /// After signing in, when there is no `redirect_url`.
    #[prop_or_default]
    pub sign_in_fallback_redirect_url: Option<AttrValue>,
    #[prop_or_default]
    pub sign_up_force_redirect_url: Option<AttrValue>,
    #[prop_or_default]
    pub sign_up_fallback_redirect_url: Option<AttrValue>,
}

impl RedirectProps {
    fn options(&self) -> RedirectOptions {
        let s = |v: &Option<AttrValue>| v.as_ref().map(|v| v.to_string());
        RedirectOptions {
            redirect_url: s(&self.redirect_url),
            sign_in_force_redirect_url: s(&self.sign_in_force_redirect_url),
            sign_in_fallback_redirect_url: s(&self.sign_in_fallback_redirect_url),
            sign_up_force_redirect_url: s(&self.sign_up_force_redirect_url),
            sign_up_fallback_redirect_url: s(&self.sign_up_fallback_redirect_url),
        }
    }
}

/// Sends the user to sign in, to come back here afterwards (or where its props say).
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
///
/// With options, as Clerk's:
///
/// ```no_run
/// use yew::prelude::*;
/// use yew_clerk::prelude::*;
/// #[component]
/// fn Checkout() -> Html {
///     html! { <SignedOut><RedirectToSignIn sign_in_force_redirect_url="/checkout/resume" /></SignedOut> }
/// }
/// ```
#[component]
pub fn RedirectToSignIn(props: &RedirectProps) -> Html {
    let ctx = use_clerk_context();
    let loaded = ctx.state.loaded;
    let options = props.options();
    use_effect_with(loaded, move |loaded| {
        if *loaded {
            ctx.clerk.redirect_to_sign_in_with(&options);
        }
    });
    html! {}
}

/// Sends the user to sign up, to come back here afterwards (or where its props say).
#[component]
pub fn RedirectToSignUp(props: &RedirectProps) -> Html {
    let ctx = use_clerk_context();
    let loaded = ctx.state.loaded;
    let options = props.options();
    use_effect_with(loaded, move |loaded| {
        if *loaded {
            ctx.clerk.redirect_to_sign_up_with(&options);
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
