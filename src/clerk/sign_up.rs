use fapi_types::{params, NextAction, SignUp, Strategy};
use futures::FutureExt;

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
    fn sign_up_id(&self) -> Result<String, ClerkError> {
        self.state()
            .sign_up()
            .map(|s| s.id.clone())
            .ok_or(ClerkError::State("no sign-up has been started"))
    }

    /// `POST /v1/client/sign_ups`: starts a new sign-up.
    pub async fn create_sign_up(&self, p: &params::CreateSignUp) -> Result<SignUp, ClerkError> {
        self.call(Method::Post, "/client/sign_ups", Some(form_body(p)))
            .await
    }

    /// `PATCH /v1/client/sign_ups/{id}`: adds or changes fields.
    pub async fn update_sign_up(&self, p: &params::CreateSignUp) -> Result<SignUp, ClerkError> {
        let id = self.sign_up_id()?;
        self.call(
            Method::Patch,
            &format!("/client/sign_ups/{id}"),
            Some(form_body(p)),
        )
        .await
    }

    /// Sends the email (`EmailCode`) or SMS (`PhoneCode`) code.
    pub async fn prepare_sign_up_verification(
        &self,
        strategy: Strategy,
    ) -> Result<SignUp, ClerkError> {
        let id = self.sign_up_id()?;
        let p = params::PrepareVerification {
            strategy,
            redirect_url: None,
            channel: None,
        };
        let result = self
            .call(
                Method::Post,
                &format!("/client/sign_ups/{id}/prepare_verification"),
                Some(form_body(&p)),
            )
            .await;
        if let (Ok(su), true) = (&result, is_code(&p.strategy)) {
            let target = code_target(Some(su), &p.strategy);
            self.0
                .sent_codes
                .record(&code_step(&id, &p.strategy), &target);
        }
        result
    }

    /// Sends the sign-up's email or SMS code when its step opens, unless the one
    /// already sent to that address or number still works (as
    /// [`Clerk::send_first_factor_code_once`] does for a sign-in).
    /// Resending is [`Clerk::prepare_sign_up_verification`].
    pub async fn send_sign_up_code_once(&self, strategy: Strategy) -> Result<bool, ClerkError> {
        let step = code_step(&self.sign_up_id()?, &strategy);
        let target = code_target(self.state().sign_up(), &strategy);
        let pending = |state: &ClerkState| {
            let v = state.sign_up().and_then(|su| match strategy {
                Strategy::PhoneCode => su.verifications.phone_number.as_ref(),
                _ => su.verifications.email_address.as_ref(),
            });
            let v = v.filter(|v| v.next_action == NextAction::NeedsAttempt);
            awaits_code(v.map(|v| &v.verification))
        };
        let send = self
            .prepare_sign_up_verification(strategy.clone())
            .map(|r| r.map(drop));
        self.send_code_once(&step, &target, &pending, send.boxed_local())
            .await
    }

    pub async fn attempt_sign_up_verification(
        &self,
        strategy: Strategy,
        code: &str,
    ) -> Result<SignUp, ClerkError> {
        let id = self.sign_up_id()?;
        let p = params::AttemptVerification {
            strategy,
            code: Some(code.trim().to_owned()),
        };
        self.call(
            Method::Post,
            &format!("/client/sign_ups/{id}/attempt_verification"),
            Some(form_body(&p)),
        )
        .await
    }
}

/// The email and the phone of a sign-up each have their own code.
fn code_step(sign_up_id: &str, strategy: &Strategy) -> String {
    format!("{sign_up_id}:{strategy}")
}

/// Where a sign-up's code goes, as the sign-up says now: an address or number changed
/// after Back is another code.
fn code_target(sign_up: Option<&SignUp>, strategy: &Strategy) -> String {
    let to = sign_up.and_then(|su| match strategy {
        Strategy::PhoneCode => su.phone_number.as_deref(),
        _ => su.email_address.as_deref(),
    });
    format!("{strategy}:{}", to.unwrap_or_default())
}
