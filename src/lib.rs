//! # yew-clerk
//!
//! Clerk-style authentication for [Yew](https://yew.rs) apps: drop-in `<SignIn/>`,
//! `<SignUp/>`, `<UserProfile/>` and `<UserButton/>` with two-step verification, and
//! hooks for fully custom flows. It speaks Clerk's Frontend API, so it works with real
//! Clerk (a publishable key) or with the self-hostable `fapi-server` of this repository
//! (a `frontend_api` URL).
//!
//! ```no_run
//! use yew::prelude::*;
//! use yew_clerk::prelude::*;
//!
//! #[component]
//! fn App() -> Html {
//!     html! {
//!         <ClerkProvider frontend_api="http://localhost:3000">
//!             <SignedOut><SignIn /></SignedOut>
//!             <SignedIn><UserButton /></SignedIn>
//!         </ClerkProvider>
//!     }
//! }
//! ```
//!
//! When the account has two-step verification, `<SignIn/>` steps through the second
//! factor by itself: no props needed.

pub mod appearance;
pub(crate) mod browser;
mod clerk;
pub mod client;
pub mod components;
mod context;
mod error;
pub mod factors;
pub mod hooks;
pub mod localization;
pub mod navigation;
pub mod webauthn;

pub use appearance::{Appearance, Variables};
pub use clerk::{
    jwt_expiry, Clerk, ClerkState, IdentificationKind, Modal, PasskeyFlow, RedirectOptions,
    RedirectOutcome, Subscription, Urls,
};
pub use context::ClerkContext;
pub use error::{ApiFailure, ClerkError};
/// The wire types (the `fapi-types` crate).
pub use fapi_types as types;
pub use localization::Localization;

/// Everything an app usually needs: `use yew_clerk::prelude::*;`.
pub mod prelude {
    pub use crate::{
        components::{
            AuthenticateWithRedirectCallback, ButtonMode, ClerkLoaded, ClerkLoading, ClerkProvider,
            Protect, RedirectToSignIn, RedirectToSignUp, RedirectToUserProfile, Routing, Show,
            SignIn, SignInButton, SignOutButton, SignUp, SignUpButton, SignedIn, SignedOut,
            TaskResetPassword, TaskSetupMfa, TaskUrls, UserButton, UserProfile, UserProfileMode,
            UserProfilePage, UserVerification, When,
        },
        hooks::{
            use_auth, use_auth_with, use_clerk, use_modals, use_reverification, use_session,
            use_session_list, use_sign_in, use_sign_up, use_user, AuthHandle, ModalsHandle,
            ReverificationHandle, SessionHandle, SessionListHandle, SignInHandle, SignUpHandle,
            UserHandle,
        },
        Appearance, Clerk, ClerkError, Localization, RedirectOptions, Variables,
    };
}
