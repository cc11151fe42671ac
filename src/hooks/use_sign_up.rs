use fapi_types::{params, SignUp, Strategy};
use yew::prelude::*;

use crate::{context::use_clerk_context, Clerk, ClerkError};

/// The sign-up in progress and the steps of a custom sign-up flow.
#[derive(Clone, PartialEq)]
pub struct SignUpHandle {
    clerk: Clerk,
    pub is_loaded: bool,
    pub sign_up: Option<SignUp>,
}

impl SignUpHandle {
    pub async fn create(&self, p: &params::CreateSignUp) -> Result<SignUp, ClerkError> {
        self.clerk.create_sign_up(p).await
    }

    pub async fn update(&self, p: &params::CreateSignUp) -> Result<SignUp, ClerkError> {
        self.clerk.update_sign_up(p).await
    }

    pub async fn prepare_email_address_verification(&self) -> Result<SignUp, ClerkError> {
        self.clerk
            .prepare_sign_up_verification(Strategy::EmailCode)
            .await
    }

    pub async fn attempt_email_address_verification(
        &self,
        code: &str,
    ) -> Result<SignUp, ClerkError> {
        self.clerk
            .attempt_sign_up_verification(Strategy::EmailCode, code)
            .await
    }

    pub async fn prepare_phone_number_verification(&self) -> Result<SignUp, ClerkError> {
        self.clerk
            .prepare_sign_up_verification(Strategy::PhoneCode)
            .await
    }

    pub async fn attempt_phone_number_verification(
        &self,
        code: &str,
    ) -> Result<SignUp, ClerkError> {
        self.clerk
            .attempt_sign_up_verification(Strategy::PhoneCode, code)
            .await
    }

    pub async fn set_active(&self, session_id: &str) -> Result<(), ClerkError> {
        self.clerk.set_active(session_id).await
    }

    /// [`set_active`](Self::set_active), then `navigate` takes the user on with the
    /// app's router (Clerk's `setActive({ session, navigate })`); see
    /// [`Clerk::set_active_and_navigate`](crate::Clerk::set_active_and_navigate).
    pub async fn set_active_and_navigate<F, Fut>(
        &self,
        session_id: &str,
        navigate: F,
    ) -> Result<(), ClerkError>
    where
        F: FnOnce(fapi_types::Session) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        self.clerk
            .set_active_and_navigate(session_id, navigate)
            .await
    }
}

/// The building blocks of a custom sign-up flow.
#[hook]
pub fn use_sign_up() -> SignUpHandle {
    let ctx = use_clerk_context();
    SignUpHandle {
        is_loaded: ctx.state.loaded,
        sign_up: ctx.state.sign_up().cloned(),
        clerk: ctx.clerk,
    }
}
