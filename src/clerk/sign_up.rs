use fapi_types::{params, SignUp, Strategy};

use super::Clerk;
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
        self.call(
            Method::Post,
            &format!("/client/sign_ups/{id}/prepare_verification"),
            Some(form_body(&p)),
        )
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
