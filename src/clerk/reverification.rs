//! Step-up verification of the active session ("verify it's you"): sensitive account
//! changes answer `session_reverification_required` until the user proves their
//! factors again. The UI for it is [`crate::components::UserVerification`] and the
//! retry logic is [`crate::hooks::use_reverification`]; these are the raw calls.

use fapi_types::{
    params, SessionVerification, SessionVerificationLevel, SessionVerificationStatus,
};

use super::Clerk;
use crate::{
    client::{form_body, Method},
    ClerkError,
};

impl Clerk {
    fn session_path(&self, step: &str) -> Result<String, ClerkError> {
        let id = self
            .state()
            .session()
            .map(|s| s.id.clone())
            .ok_or(ClerkError::State("not signed in"))?;
        Ok(format!("/client/sessions/{id}/verify{step}"))
    }

    /// Starts a reverification of the active session. The server may raise the
    /// level to what its sensitive actions need (fapi-server: the first factor,
    /// then the second when the user has one).
    ///
    /// ```no_run
    /// # async fn f(clerk: yew_clerk::Clerk) -> Result<(), yew_clerk::ClerkError> {
    /// use yew_clerk::types::{params, SessionVerificationLevel, Strategy};
    /// clerk.start_verification(SessionVerificationLevel::MultiFactor).await?;
    /// let v = clerk
    ///     .attempt_first_factor_verification(&params::AttemptSessionFirstFactor {
    ///         strategy: Strategy::Password,
    ///         password: Some("correct horse battery staple".into()),
    ///         code: None,
    ///         public_key_credential: None,
    ///     })
    ///     .await?;
    /// // `v.status` is `NeedsSecondFactor` for a user with 2FA, else `Complete`.
    /// # Ok(()) }
    /// ```
    pub async fn start_verification(
        &self,
        level: SessionVerificationLevel,
    ) -> Result<SessionVerification, ClerkError> {
        let p = params::StartSessionVerification { level };
        let path = self.session_path("")?;
        self.call(Method::Post, &path, Some(form_body(&p))).await
    }

    /// Sends a first-factor code (email or SMS) for the reverification.
    pub async fn prepare_first_factor_verification(
        &self,
        p: &params::PrepareSessionFirstFactor,
    ) -> Result<SessionVerification, ClerkError> {
        let path = self.session_path("/prepare_first_factor")?;
        self.call(Method::Post, &path, Some(form_body(p))).await
    }

    /// Checks the password, or the first-factor code.
    pub async fn attempt_first_factor_verification(
        &self,
        p: &params::AttemptSessionFirstFactor,
    ) -> Result<SessionVerification, ClerkError> {
        let path = self.session_path("/attempt_first_factor")?;
        let answer = self.call(Method::Post, &path, Some(form_body(p))).await?;
        Ok(self.after_verification(answer))
    }

    /// Sends the second-factor code (SMS).
    pub async fn prepare_second_factor_verification(
        &self,
        p: &params::PrepareSessionSecondFactor,
    ) -> Result<SessionVerification, ClerkError> {
        let path = self.session_path("/prepare_second_factor")?;
        self.call(Method::Post, &path, Some(form_body(p))).await
    }

    /// Checks the second-factor code; the reverification completes.
    pub async fn attempt_second_factor_verification(
        &self,
        p: &params::AttemptSessionSecondFactor,
    ) -> Result<SessionVerification, ClerkError> {
        let path = self.session_path("/attempt_second_factor")?;
        let answer = self.call(Method::Post, &path, Some(form_body(p))).await?;
        Ok(self.after_verification(answer))
    }

    /// A completed verification makes the session's token stale: its `fva` still
    /// tells the old age, and the app's own backend would ask again. The next
    /// `get_token` mints a fresh one, as clerk-js does.
    fn after_verification(&self, answer: SessionVerification) -> SessionVerification {
        if answer.status == SessionVerificationStatus::Complete {
            self.0.tokens.clear();
        }
        answer
    }
}
