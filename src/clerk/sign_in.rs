use fapi_types::{params, SignIn, Strategy, VerificationStatus};

use super::Clerk;
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
        self.call(
            Method::Post,
            &format!("/client/sign_ins/{id}/prepare_first_factor"),
            Some(form_body(p)),
        )
        .await
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
        if result.is_ok() && matches!(p.strategy, Strategy::PhoneCode | Strategy::EmailCode) {
            self.0
                .second_factor_sent
                .borrow_mut()
                .push(sent_key(&id, p));
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

    /// Was this sign-in's second-factor code to this target (`p`'s phone or email)
    /// already sent, by any component?
    pub fn second_factor_code_sent(&self, p: &params::PrepareSecondFactor) -> bool {
        let Ok(id) = self.sign_in_id() else {
            return false;
        };
        let key = sent_key(&id, p);
        let sent = self.0.second_factor_sent.borrow();
        let sent_here = sent.iter().any(|k| k.starts_with(&format!("{id}:")));
        sent.contains(&key) || !sent_here && self.code_pending_before_reload(p)
    }

    /// The sign-in already carries an unexpired code of this kind, sent before the
    /// page was reloaded (the step lives in the URL): sending another would only
    /// make the first one useless. Asked only when this page sent none itself.
    fn code_pending_before_reload(&self, p: &params::PrepareSecondFactor) -> bool {
        let state = self.state();
        let Some(v) = state
            .sign_in()
            .and_then(|s| s.second_factor_verification.as_ref())
        else {
            return false;
        };
        v.strategy == p.strategy
            && v.status == VerificationStatus::Unverified
            && v.expire_at
                .is_some_and(|at| at as f64 > crate::browser::now_ms())
    }

    /// Sends the second-factor code once per sign-in: a second call, from a remount
    /// or a second component, sends nothing (the duplicate-code bug of Clerk's UI). A
    /// call made while the code is on its way returns once it has gone (or tries
    /// again if that send failed).
    pub async fn send_second_factor_code_once(
        &self,
        p: &params::PrepareSecondFactor,
    ) -> Result<bool, ClerkError> {
        let _one_at_a_time = self.0.second_factor_sending.lock().await;
        let id = sent_key(&self.sign_in_id()?, p);
        if self.second_factor_code_sent(p) {
            return Ok(false);
        }
        self.0.second_factor_sent.borrow_mut().push(id.clone());
        match self.prepare_second_factor(p).await {
            Ok(_) => Ok(true),
            Err(e) => {
                // A cooldown means a code is on its way; anything else may be retried.
                if !e.is("verification_code_too_many_requests") {
                    self.0.second_factor_sent.borrow_mut().retain(|s| *s != id);
                }
                Err(e)
            }
        }
    }
}

/// One entry per sign-in and target: another phone, or the email, gets its own code.
fn sent_key(sign_in_id: &str, p: &params::PrepareSecondFactor) -> String {
    let target = p
        .phone_number_id
        .as_deref()
        .or(p.email_address_id.as_deref())
        .unwrap_or_default();
    format!("{sign_in_id}:{target}")
}
