use fapi_types::{params, SignIn, Strategy};
use futures::{future::LocalBoxFuture, FutureExt};

use super::{
    code_once::{awaits_code, is_code},
    state::ClerkState,
    Clerk,
};
use crate::{
    client::{form_body, Method},
    ClerkError,
};

impl Clerk {
    fn sign_in_id(&self) -> Result<String, ClerkError> {
        self.state()
            .sign_in()
            .map(|s| s.id.clone())
            .ok_or(ClerkError::State("no sign-in has been started"))
    }

    /// `POST /v1/client/sign_ins`: starts a new sign-in, replacing any earlier one.
    pub async fn create_sign_in(&self, p: &params::CreateSignIn) -> Result<SignIn, ClerkError> {
        let _turn = self.0.sign_in_creation.lock().await;
        self.call(Method::Post, "/client/sign_ins", Some(form_body(p)))
            .await
    }

    pub async fn prepare_first_factor(
        &self,
        p: &params::PrepareFirstFactor,
    ) -> Result<SignIn, ClerkError> {
        let id = self.sign_in_id()?;
        let result = self
            .call(
                Method::Post,
                &format!("/client/sign_ins/{id}/prepare_first_factor"),
                Some(form_body(p)),
            )
            .await;
        if result.is_ok() && is_code(&p.strategy) {
            let to = code_target(&p.strategy, &p.phone_number_id, &p.email_address_id);
            self.0.sent_codes.record(&Factor::First.step(&id), &to);
        }
        result
    }

    pub async fn attempt_first_factor(
        &self,
        p: &params::AttemptFirstFactor,
    ) -> Result<SignIn, ClerkError> {
        let id = self.sign_in_id()?;
        self.call(
            Method::Post,
            &format!("/client/sign_ins/{id}/attempt_first_factor"),
            Some(form_body(p)),
        )
        .await
    }

    /// `POST /v1/client/sign_ins/{id}/reset_password`: the new password, once a reset
    /// code was right (status `NeedsNewPassword`).
    pub async fn reset_password(&self, p: &params::ResetPassword) -> Result<SignIn, ClerkError> {
        let id = self.sign_in_id()?;
        self.call(
            Method::Post,
            &format!("/client/sign_ins/{id}/reset_password"),
            Some(form_body(p)),
        )
        .await
    }

    pub async fn prepare_second_factor(
        &self,
        p: &params::PrepareSecondFactor,
    ) -> Result<SignIn, ClerkError> {
        let id = self.sign_in_id()?;
        let result = self
            .call(
                Method::Post,
                &format!("/client/sign_ins/{id}/prepare_second_factor"),
                Some(form_body(p)),
            )
            .await;
        if result.is_ok() && is_code(&p.strategy) {
            let to = code_target(&p.strategy, &p.phone_number_id, &p.email_address_id);
            self.0.sent_codes.record(&Factor::Second.step(&id), &to);
        }
        result
    }

    pub async fn attempt_second_factor(
        &self,
        p: &params::AttemptSecondFactor,
    ) -> Result<SignIn, ClerkError> {
        let id = self.sign_in_id()?;
        self.call(
            Method::Post,
            &format!("/client/sign_ins/{id}/attempt_second_factor"),
            Some(form_body(p)),
        )
        .await
    }

    /// Sends the first-factor code (an email or SMS code, or a password-reset code)
    /// when its step opens, unless the one already sent there still works: a remount,
    /// Back and Forward or a reload send nothing more; after another first-factor
    /// code, or once it expired or was used up, the step sends again. Resending is
    /// [`Clerk::prepare_first_factor`].
    pub async fn send_first_factor_code_once(
        &self,
        p: &params::PrepareFirstFactor,
    ) -> Result<bool, ClerkError> {
        let to = code_target(&p.strategy, &p.phone_number_id, &p.email_address_id);
        let send = self.prepare_first_factor(p).map(|r| r.map(drop));
        self.send_sign_in_code_once(Factor::First, &p.strategy, &to, send.boxed_local())
            .await
    }

    /// Sends the second-factor code when its step opens, unless the one already sent
    /// there still works (as [`Clerk::send_first_factor_code_once`] does for the
    /// first factor). Resending is [`Clerk::prepare_second_factor`].
    pub async fn send_second_factor_code_once(
        &self,
        p: &params::PrepareSecondFactor,
    ) -> Result<bool, ClerkError> {
        let to = code_target(&p.strategy, &p.phone_number_id, &p.email_address_id);
        let send = self.prepare_second_factor(p).map(|r| r.map(drop));
        self.send_sign_in_code_once(Factor::Second, &p.strategy, &to, send.boxed_local())
            .await
    }

    /// A code of `factor` pending on the server counts as sent (see
    /// [`Clerk::send_code_once`]).
    async fn send_sign_in_code_once(
        &self,
        factor: Factor,
        strategy: &Strategy,
        to: &str,
        send: LocalBoxFuture<'_, Result<(), ClerkError>>,
    ) -> Result<bool, ClerkError> {
        let step = factor.step(&self.sign_in_id()?);
        let pending = |state: &ClerkState| {
            let v = state.sign_in().and_then(|s| match factor {
                Factor::First => s.first_factor_verification.as_ref(),
                Factor::Second => s.second_factor_verification.as_ref(),
            });
            awaits_code(v.filter(|v| v.strategy == *strategy))
        };
        self.send_code_once(&step, to, &pending, send).await
    }
}

#[derive(Clone, Copy)]
enum Factor {
    First,
    Second,
}

impl Factor {
    /// The sign-in's code step this factor is: the server keeps one code for each.
    fn step(self, sign_in_id: &str) -> String {
        match self {
            Factor::First => format!("{sign_in_id}:first"),
            Factor::Second => format!("{sign_in_id}:second"),
        }
    }
}

/// Another phone or email, or another kind of code, is another code.
fn code_target(strategy: &Strategy, phone: &Option<String>, email: &Option<String>) -> String {
    let to = phone.as_deref().or(email.as_deref());
    format!("{strategy}:{}", to.unwrap_or_default())
}
