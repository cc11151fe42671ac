//! The components, one per file (or folder).

pub mod buttons;
pub mod control;
pub mod flow_route;
pub(crate) mod lazy;
pub mod modal;
pub mod provider;
pub mod redirect;
pub(crate) mod scroll_lock;
pub(crate) mod session_task;
pub mod sign_in;
pub mod sign_up;
pub mod social;
pub(crate) mod status;
pub mod task_reset_password;
pub mod task_setup_mfa;
pub(crate) mod ui;
pub mod user_button;
pub mod user_profile;
pub mod user_verification;

pub use buttons::{FlowButtonProps, SignInButton, SignOutButton, SignOutButtonProps, SignUpButton};
pub use control::{
    ClerkLoaded, ClerkLoading, Protect, Show, ShowProps, SignedIn, SignedInProps, SignedOut, When,
};
pub use flow_route::Routing;
pub use modal::{ButtonMode, ModalComponents, UserProfileMode};
pub use provider::{ClerkProvider, ClerkProviderProps, TaskUrls};
pub use redirect::{RedirectProps, RedirectToSignIn, RedirectToSignUp, RedirectToUserProfile};
pub use sign_in::{SignIn, SignInProps};
pub use sign_up::{SignUp, SignUpProps};
pub use social::{AuthenticateWithRedirectCallback, AuthenticateWithRedirectCallbackProps};
pub use task_reset_password::{TaskResetPassword, TaskResetPasswordProps};
pub use task_setup_mfa::{TaskSetupMfa, TaskSetupMfaProps};
pub use user_button::{UserButton, UserButtonProps};
pub use user_profile::{UserProfile, UserProfilePage, UserProfileProps};
pub use user_verification::{UserVerification, UserVerificationProps};
