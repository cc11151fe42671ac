//! Sign-in with a provider ("Continue with Google"): the trip out to the provider,
//! and what to do when the browser comes back (Clerk's `authenticateWithRedirect`
//! and `handleRedirectCallback`). The components decide where to go; this decides
//! what the sign-in became.

use fapi_types::{
    params, ApiError, DeletedObject, ExternalAccount, SignIn, SignInStatus, SignUp, SignUpStatus,
    Strategy, VerificationStatus,
};

use super::Clerk;
use crate::{
    browser,
    client::{form_body, Method},
    error::ApiFailure,
    ClerkError,
};

/// What a sign-in with a provider became, once the browser is back from it.
#[derive(Debug, Clone, PartialEq)]
pub enum RedirectOutcome {
    /// A session is active: go on as after any sign-in.
    SignedIn,
    /// Someone new: the account was made from the provider's answer, and its session
    /// is active. Go on as after a sign-up.
    SignedUp,
    /// The account has two-step verification: its second factor comes next.
    SecondFactor(Box<SignIn>),
    /// The sign-in still needs a first factor (not a provider's doing, but possible).
    FirstFactor(Box<SignIn>),
    /// Nobody had this provider account: a sign-up was made from it and needs more
    /// (a username the instance requires, an email code).
    ContinueSignUp(Box<SignUp>),
    /// The provider said no, or its answer could not be used.
    Failed(ClerkError),
    /// No sign-in with a provider was under way (a reload after it was used).
    Nothing,
}

/// A strategy that is a provider (`oauth_google`, `oauth_custom_acme`).
pub(crate) fn is_provider(strategy: &Strategy) -> bool {
    strategy.as_str().starts_with("oauth_") || strategy.as_str() == "enterprise_sso"
}

impl Clerk {
    /// Starts a sign-in with the provider `strategy` (`oauth_google`) and sends the
    /// browser there. It comes back to `redirect_url` (where your page calls
    /// [`Clerk::handle_redirect_callback`], or `<AuthenticateWithRedirectCallback/>`
    /// sits), or straight to `redirect_url_complete` when it signed someone in.
    ///
    /// ```no_run
    /// # async fn go(clerk: yew_clerk::Clerk) -> Result<(), yew_clerk::ClerkError> {
    /// use fapi_types::Strategy;
    /// clerk
    ///     .authenticate_with_redirect(
    ///         Strategy::from("oauth_google"),
    ///         "https://app.example.com/sso-callback",
    ///         "https://app.example.com/dashboard",
    ///     )
    ///     .await
    /// # }
    /// ```
    pub async fn authenticate_with_redirect(
        &self,
        strategy: Strategy,
        redirect_url: &str,
        redirect_url_complete: &str,
    ) -> Result<(), ClerkError> {
        let sign_in = self
            .create_sign_in(&params::CreateSignIn {
                strategy: Some(strategy),
                redirect_url: Some(absolute(redirect_url)),
                action_complete_redirect_url: Some(absolute(redirect_url_complete)),
                ..Default::default()
            })
            .await?;
        let to = sign_in
            .first_factor_verification
            .and_then(|v| v.external_verification_redirect_url)
            .ok_or(ClerkError::State("the provider's address is missing"))?;
        // A step the user took: Back returns to the page that offered the button.
        browser::assign(&to);
        Ok(())
    }

    /// Finishes a sign-in with a provider when the browser is back from it: signs in
    /// a known account (its session made active), says when its second factor is
    /// due, or makes the account for someone new (Clerk's `transferable` sign-in
    /// becomes a sign-up).
    pub async fn handle_redirect_callback(&self) -> Result<RedirectOutcome, ClerkError> {
        let state = self.state();
        let Some(sign_in) = state.sign_in().cloned() else {
            return Ok(if state.is_signed_in_counting_pending(false) {
                RedirectOutcome::SignedIn
            } else {
                failure_in_url().map_or(RedirectOutcome::Nothing, RedirectOutcome::Failed)
            });
        };
        drop(state);
        let verification = sign_in.first_factor_verification.clone();
        match sign_in.status {
            SignInStatus::Complete => {
                if let Some(session) = &sign_in.created_session_id {
                    self.set_active(session).await?;
                }
                return Ok(RedirectOutcome::SignedIn);
            }
            SignInStatus::NeedsSecondFactor | SignInStatus::NeedsClientTrust => {
                return Ok(RedirectOutcome::SecondFactor(Box::new(sign_in)));
            }
            SignInStatus::NeedsFirstFactor => {
                return Ok(RedirectOutcome::FirstFactor(Box::new(sign_in)));
            }
            _ => {}
        }
        let Some(v) = verification.filter(|v| is_provider(&v.strategy)) else {
            return Ok(failure_in_url().map_or(RedirectOutcome::Nothing, RedirectOutcome::Failed));
        };
        match v.status {
            VerificationStatus::Transferable => self.transfer_to_sign_up().await,
            VerificationStatus::Failed | VerificationStatus::Expired => Ok(
                RedirectOutcome::Failed(v.error.map(failure).unwrap_or_else(|| {
                    failure_in_url().unwrap_or(ClerkError::State("the provider refused"))
                })),
            ),
            _ => Ok(failure_in_url().map_or(RedirectOutcome::Nothing, RedirectOutcome::Failed)),
        }
    }

    /// Connects the provider `strategy`'s account to the signed-in user: the browser
    /// goes to the provider and comes back to `redirect_url` (this page, for a
    /// profile), with `__clerk_status=failed` and `__clerk_error_code` when it did not
    /// work. Sensitive: it may need a fresh verification (run it through
    /// `use_reverification`).
    pub async fn connect_external_account(
        &self,
        strategy: &Strategy,
        redirect_url: &str,
    ) -> Result<(), ClerkError> {
        let pending: ExternalAccount = self
            .call(
                Method::Post,
                "/me/external_accounts",
                Some(form_body(&params::CreateExternalAccount {
                    strategy: Some(strategy.as_str().to_owned()),
                    redirect_url: Some(absolute(redirect_url)),
                })),
            )
            .await?;
        let to = pending
            .verification
            .and_then(|v| v.external_verification_redirect_url)
            .ok_or(ClerkError::State("the provider's address is missing"))?;
        browser::assign(&to);
        Ok(())
    }

    /// Parts a connected provider account from the user (refused when it is their
    /// only way in). Sensitive, as connecting.
    pub async fn delete_external_account(&self, id: &str) -> Result<DeletedObject, ClerkError> {
        self.call(Method::Delete, &format!("/me/external_accounts/{id}"), None)
            .await
    }

    /// Someone new: the account is made from what the provider said.
    async fn transfer_to_sign_up(&self) -> Result<RedirectOutcome, ClerkError> {
        let sign_up = match self
            .create_sign_up(&params::CreateSignUp {
                transfer: Some(true),
                ..Default::default()
            })
            .await
        {
            Ok(s) => s,
            Err(e) => return Ok(RedirectOutcome::Failed(e)),
        };
        match (sign_up.status, &sign_up.created_session_id) {
            (SignUpStatus::Complete, Some(session)) => {
                self.set_active(session).await?;
                Ok(RedirectOutcome::SignedUp)
            }
            _ => Ok(RedirectOutcome::ContinueSignUp(Box::new(sign_up))),
        }
    }
}

/// Clerk's failure parameters on the way back from a provider
/// (`__clerk_status=failed&__clerk_error_code=…`), as an error to show.
pub(crate) fn failure_in_url() -> Option<ClerkError> {
    if browser::query_param("__clerk_status").as_deref() != Some("failed") {
        return None;
    }
    let code = browser::query_param("__clerk_error_code").unwrap_or_default();
    Some(failure(ApiError {
        code: code.clone(),
        message: code.clone(),
        long_message: code,
        meta: Default::default(),
    }))
}

/// A verification's error, as a call's error would be (localized by its code).
fn failure(e: ApiError) -> ClerkError {
    ClerkError::Api(Box::new(ApiFailure {
        status: 422,
        long_message: if e.long_message.is_empty() {
            e.message.clone()
        } else {
            e.long_message
        },
        code: e.code,
        message: e.message,
        meta: e.meta,
        retry_after: None,
        trace_id: None,
    }))
}

/// The server resolves a relative return address against the page's origin; an
/// absolute one is the same everywhere (a page on another origin than the API).
fn absolute(url: &str) -> String {
    if url.starts_with('/') && !url.starts_with("//") {
        format!("{}{url}", browser::origin())
    } else {
        url.to_owned()
    }
}
