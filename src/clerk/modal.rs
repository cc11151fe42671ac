//! Clerk's modals: `open_sign_in`, `open_sign_up`, `open_user_profile`. The core only
//! records which is open; the provider draws it, with the component a button or
//! [`crate::hooks::use_modals`] brought along (an app that opens none carries none).

use super::{Clerk, RedirectOptions};

/// The component open in a modal, and where it sends the user when done.
#[derive(Debug, Clone, PartialEq)]
pub enum Modal {
    /// `<SignIn/>`: after signing in, the force URL, else `redirect_url`, else the
    /// fallback; with none of them the user stays on the page.
    SignIn(RedirectOptions),
    /// `<SignUp/>`, likewise with the `sign_up_*` URLs.
    SignUp(RedirectOptions),
    /// `<UserProfile/>`.
    UserProfile,
}

impl Clerk {
    /// Opens `<SignIn/>` in a modal over the page (Clerk's `openSignIn`).
    ///
    /// The modal's `<SignIn/>` comes with `<SignInButton mode={ButtonMode::Modal}>`
    /// or [`crate::hooks::use_modals`]; without either in the app, this goes to the
    /// sign-in page with the same options instead.
    pub fn open_sign_in(&self, options: RedirectOptions) {
        self.set_modal(Some(Modal::SignIn(options)));
    }

    /// Opens `<SignUp/>` in a modal (Clerk's `openSignUp`).
    pub fn open_sign_up(&self, options: RedirectOptions) {
        self.set_modal(Some(Modal::SignUp(options)));
    }

    /// Opens `<UserProfile/>` in a modal (Clerk's `openUserProfile`).
    pub fn open_user_profile(&self) {
        self.set_modal(Some(Modal::UserProfile));
    }

    /// Closes whichever modal is open.
    pub fn close_modal(&self) {
        if self.state().modal.is_some() {
            self.set_modal(None);
        }
    }

    pub fn close_sign_in(&self) {
        if matches!(self.state().modal, Some(Modal::SignIn(_))) {
            self.set_modal(None);
        }
    }

    pub fn close_sign_up(&self) {
        if matches!(self.state().modal, Some(Modal::SignUp(_))) {
            self.set_modal(None);
        }
    }

    pub fn close_user_profile(&self) {
        if self.state().modal == Some(Modal::UserProfile) {
            self.set_modal(None);
        }
    }

    fn set_modal(&self, modal: Option<Modal>) {
        self.update(|s| s.modal = modal);
    }
}
