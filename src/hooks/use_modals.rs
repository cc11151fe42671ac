use yew::prelude::*;

use crate::{
    components::modal::all_modal_components, context::use_clerk_context, Clerk, RedirectOptions,
};

/// Opens Clerk's components in a modal from your own code (Clerk's `openSignIn`,
/// `openSignUp`, `openUserProfile`). Using this hook brings the three components
/// along; the buttons bring only what they open.
///
/// ```no_run
/// use yew::prelude::*;
/// use yew_clerk::prelude::*;
/// #[component]
/// fn Upgrade() -> Html {
///     let modals = use_modals();
///     let onclick = Callback::from(move |_| modals.open_sign_in(RedirectOptions::default()));
///     html! { <button {onclick}>{ "Sign in to upgrade" }</button> }
/// }
/// ```
#[hook]
pub fn use_modals() -> ModalsHandle {
    let ctx = use_clerk_context();
    all_modal_components().offer(&ctx.modals);
    ModalsHandle { clerk: ctx.clerk }
}

/// What [`use_modals`] returns.
#[derive(Clone, PartialEq)]
pub struct ModalsHandle {
    clerk: Clerk,
}

impl ModalsHandle {
    pub fn open_sign_in(&self, options: RedirectOptions) {
        self.clerk.open_sign_in(options);
    }

    pub fn open_sign_up(&self, options: RedirectOptions) {
        self.clerk.open_sign_up(options);
    }

    pub fn open_user_profile(&self) {
        self.clerk.open_user_profile();
    }

    /// Closes whichever is open.
    pub fn close(&self) {
        self.clerk.close_modal();
    }
}
