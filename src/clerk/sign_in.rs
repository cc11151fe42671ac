use fapi_types::{params, SignIn};

use super::{
    code_once::{awaits_code, is_code},
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
            let step = format!("{id}:first");
            self.0.sent_codes.record(&step, &first_factor_target(p));
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
            let step = format!("{id}:second");
            self.0.sent_codes.record(&step, &second_factor_target(p));
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
    /// when its step opens: once per sign-in and target, however often the step is
    /// drawn again or the page reloaded. Resending is [`Clerk::prepare_first_factor`].
    pub async fn send_first_factor_code_once(
        &self,
        p: &params::PrepareFirstFactor,
    ) -> Result<bool, ClerkError> {
        let step = format!("{}:first", self.sign_in_id()?);
        let target = first_factor_target(p);
        self.send_code_once(
            &step,
            &target,
            |state| {
                let v = state
                    .sign_in()
                    .and_then(|s| s.first_factor_verification.as_ref())
                    .filter(|v| v.strategy == p.strategy);
                awaits_code(v)
            },
            || self.prepare_first_factor(p),
        )
        .await
    }

    /// Sends the second-factor code once per sign-in and target: a second call, from
    /// a remount, a reload or a second component, sends nothing. Resending is
    /// [`Clerk::prepare_second_factor`].
    pub async fn send_second_factor_code_once(
        &self,
        p: &params::PrepareSecondFactor,
    ) -> Result<bool, ClerkError> {
        let step = format!("{}:second", self.sign_in_id()?);
        let target = second_factor_target(p);
        self.send_code_once(
            &step,
            &target,
            |state| {
                let v = state
                    .sign_in()
                    .and_then(|s| s.second_factor_verification.as_ref())
                    .filter(|v| v.strategy == p.strategy);
                awaits_code(v)
            },
            || self.prepare_second_factor(p),
        )
        .await
    }
}

/// Another phone or email, or another kind of code, is another code.
fn first_factor_target(p: &params::PrepareFirstFactor) -> String {
    let to = p
        .phone_number_id
        .as_deref()
        .or(p.email_address_id.as_deref());
    format!("{}:{}", p.strategy, to.unwrap_or_default())
}

/// Another phone, or the email, gets its own code.
fn second_factor_target(p: &params::PrepareSecondFactor) -> String {
    let to = p
        .phone_number_id
        .as_deref()
        .or(p.email_address_id.as_deref());
    format!("{}:{}", p.strategy, to.unwrap_or_default())
}
