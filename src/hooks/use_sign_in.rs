use fapi_types::{params, SignIn, SignInFactor, Strategy};
use yew::prelude::*;

use crate::{
    clerk::{PasskeyFlow, RedirectOutcome},
    context::use_clerk_context,
    Clerk, ClerkError,
};

/// The sign-in in progress and the steps of a custom sign-in flow.
#[derive(Clone, PartialEq)]
pub struct SignInHandle {
    clerk: Clerk,
    pub is_loaded: bool,
    /// The client's current sign-in, as of this render.
    pub sign_in: Option<SignIn>,
}

fn current(clerk: &Clerk) -> Result<SignIn, ClerkError> {
    clerk
        .state()
        .sign_in()
        .cloned()
        .ok_or(ClerkError::State("no sign-in has been started"))
}

/// The offered factor for a strategy (its email or phone id), among `factors`.
fn factor_for(factors: Option<&Vec<SignInFactor>>, strategy: &Strategy) -> Option<SignInFactor> {
    let factors = factors?;
    let mut matching = factors.iter().filter(|f| &f.strategy == strategy);
    let all: Vec<&SignInFactor> = matching.by_ref().collect();
    all.iter()
        .find(|f| f.default == Some(true) || f.primary == Some(true))
        .or(all.first())
        .map(|f| (*f).clone())
}

impl SignInHandle {
    /// Starts a sign-in with an identifier and a password. The answer's `status` says
    /// what comes next: `Complete`, or `NeedsSecondFactor` when the account has 2FA.
    pub async fn create(&self, identifier: &str, password: &str) -> Result<SignIn, ClerkError> {
        self.create_with(&params::CreateSignIn {
            strategy: Some(Strategy::Password),
            identifier: Some(identifier.trim().to_owned()),
            password: Some(password.to_owned()),
            ..Default::default()
        })
        .await
    }

    /// Starts a sign-in with any parameters (`identifier` alone, for a code first).
    pub async fn create_with(&self, p: &params::CreateSignIn) -> Result<SignIn, ClerkError> {
        self.clerk.create_sign_in(p).await
    }

    /// "Forgot password?": starts a sign-in that sends a reset code
    /// (`ResetPasswordEmailCode` to an email address, `ResetPasswordPhoneCode` to a
    /// phone) to `identifier`. Then [`attempt_first_factor`](Self::attempt_first_factor)
    /// with the same strategy and the code gives `NeedsNewPassword`, and
    /// [`reset_password`](Self::reset_password) sets the new one.
    pub async fn start_password_reset(
        &self,
        identifier: &str,
        strategy: Strategy,
    ) -> Result<SignIn, ClerkError> {
        self.create_with(&params::CreateSignIn {
            strategy: Some(strategy),
            identifier: Some(identifier.trim().to_owned()),
            ..Default::default()
        })
        .await
    }

    /// Sets the new password after a right reset code. The answer is `Complete`, or
    /// `NeedsSecondFactor` when the account has two-step verification: a reset never
    /// skips it. `sign_out_of_other_sessions` ends the account's sessions elsewhere.
    pub async fn reset_password(
        &self,
        password: &str,
        sign_out_of_other_sessions: bool,
    ) -> Result<SignIn, ClerkError> {
        self.clerk
            .reset_password(&params::ResetPassword {
                password: Some(password.to_owned()),
                sign_out_of_other_sessions: Some(sign_out_of_other_sessions),
            })
            .await
    }

    /// Sends a first-factor code (`EmailCode`, `PhoneCode`, or a reset code) to the
    /// account's primary email or phone.
    pub async fn prepare_first_factor(&self, strategy: Strategy) -> Result<SignIn, ClerkError> {
        let si = current(&self.clerk)?;
        let factor = factor_for(si.supported_first_factors.as_ref(), &strategy);
        self.clerk
            .prepare_first_factor(&params::PrepareFirstFactor {
                email_address_id: factor.as_ref().and_then(|f| f.email_address_id.clone()),
                phone_number_id: factor.as_ref().and_then(|f| f.phone_number_id.clone()),
                strategy,
                redirect_url: None,
                channel: None,
            })
            .await
    }

    /// Proves the first factor: a password (`Password`) or a code.
    pub async fn attempt_first_factor(
        &self,
        strategy: Strategy,
        secret: &str,
    ) -> Result<SignIn, ClerkError> {
        let (code, password) = match strategy {
            Strategy::Password => (None, Some(secret.to_owned())),
            _ => (Some(secret.trim().to_owned()), None),
        };
        self.clerk
            .attempt_first_factor(&params::AttemptFirstFactor {
                strategy,
                code,
                password,
                public_key_credential: None,
            })
            .await
    }

    /// Sends the second-factor code: `PhoneCode`, an SMS to the default phone;
    /// `EmailCode`, an email to the primary address (a new device's check, status
    /// `NeedsClientTrust`). Authenticator and backup codes need no preparing.
    pub async fn prepare_second_factor(&self, strategy: Strategy) -> Result<SignIn, ClerkError> {
        let si = current(&self.clerk)?;
        let factor = factor_for(si.supported_second_factors.as_ref(), &strategy);
        self.clerk
            .prepare_second_factor(&params::PrepareSecondFactor {
                strategy,
                phone_number_id: factor.as_ref().and_then(|f| f.phone_number_id.clone()),
                email_address_id: factor.and_then(|f| f.email_address_id),
            })
            .await
    }

    /// Proves the second factor with its code; `Complete` carries `created_session_id`.
    pub async fn attempt_second_factor(
        &self,
        strategy: Strategy,
        code: &str,
    ) -> Result<SignIn, ClerkError> {
        self.attempt_second(strategy, code, None).await
    }

    /// [`attempt_second_factor`](Self::attempt_second_factor), asking the server to
    /// remember this device: the same user's next password sign-in on this browser
    /// skips the second factor, for the days `fapi-server` offers
    /// (`environment.auth_config.remember_device_days`; real Clerk has no such
    /// option and is never asked).
    pub async fn attempt_second_factor_remembering_device(
        &self,
        strategy: Strategy,
        code: &str,
    ) -> Result<SignIn, ClerkError> {
        self.attempt_second(strategy, code, Some(true)).await
    }

    async fn attempt_second(
        &self,
        strategy: Strategy,
        code: &str,
        remember_device: Option<bool>,
    ) -> Result<SignIn, ClerkError> {
        self.clerk
            .attempt_second_factor(&params::AttemptSecondFactor {
                strategy,
                code: Some(code.trim().to_owned()),
                remember_device,
                public_key_credential: None,
            })
            .await
    }

    /// Signs in with a passkey (Clerk's `signIn.authenticateWithPasskey({ flow })`):
    /// with [`PasskeyFlow::Discoverable`] no identifier is needed, the browser offers
    /// the passkeys it holds; [`PasskeyFlow::Autofill`] offers them in the identifier
    /// field's suggestions and resolves when one is picked; [`PasskeyFlow::Identified`]
    /// uses the account's own after [`create_with`](Self::create_with) an identifier,
    /// and at `NeedsSecondFactor` (when `supported_second_factors` has `Passkey`) it is
    /// the second factor. A closed dialog is
    /// [`ClerkError::Passkey`](crate::ClerkError::Passkey).
    ///
    /// ```no_run
    /// # async fn f(sign_in: yew_clerk::hooks::SignInHandle) -> Result<(), yew_clerk::ClerkError> {
    /// use yew_clerk::{types::SignInStatus, PasskeyFlow};
    /// let si = sign_in.authenticate_with_passkey(PasskeyFlow::Discoverable).await?;
    /// if si.status == SignInStatus::Complete {
    ///     sign_in.set_active(si.created_session_id.as_deref().unwrap_or_default()).await?;
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn authenticate_with_passkey(&self, flow: PasskeyFlow) -> Result<SignIn, ClerkError> {
        self.clerk.authenticate_with_passkey(flow).await
    }

    /// "Continue with Google": starts a sign-in with the provider `strategy`
    /// (`oauth_google`, as the environment's `user_settings.social` names them) and
    /// sends the browser there. It comes back to `redirect_url`, where
    /// [`handle_redirect_callback`](Self::handle_redirect_callback) (or
    /// `<AuthenticateWithRedirectCallback/>`) finishes, or straight to
    /// `redirect_url_complete` when it signed someone in.
    ///
    /// ```no_run
    /// # async fn google(sign_in: yew_clerk::hooks::SignInHandle) -> Result<(), yew_clerk::ClerkError> {
    /// use yew_clerk::types::Strategy;
    /// sign_in
    ///     .authenticate_with_redirect(Strategy::from("oauth_google"), "/sso-callback", "/dashboard")
    ///     .await
    /// # }
    /// ```
    pub async fn authenticate_with_redirect(
        &self,
        strategy: Strategy,
        redirect_url: &str,
        redirect_url_complete: &str,
    ) -> Result<(), ClerkError> {
        self.clerk
            .authenticate_with_redirect(strategy, redirect_url, redirect_url_complete)
            .await
    }

    /// Back from the provider: signs in a known account, or says what comes next (its
    /// second factor, or the rest of a sign-up for someone new).
    ///
    /// ```no_run
    /// # async fn back(sign_in: yew_clerk::hooks::SignInHandle) -> Result<(), yew_clerk::ClerkError> {
    /// use yew_clerk::RedirectOutcome;
    /// match sign_in.handle_redirect_callback().await? {
    ///     RedirectOutcome::SignedIn | RedirectOutcome::SignedUp => { /* to the app */ }
    ///     RedirectOutcome::SecondFactor(si) => { /* ask for the code: attempt_second_factor */ }
    ///     RedirectOutcome::Failed(e) => { /* show e */ }
    ///     _ => { /* a sign-up needing more, or nothing under way */ }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn handle_redirect_callback(&self) -> Result<RedirectOutcome, ClerkError> {
        self.clerk.handle_redirect_callback().await
    }

    /// "I lost access to my second factor" (fapi-server's account recovery, offered in
    /// [`SignIn::account_recovery`] after a password): emails the recovery code.
    ///
    /// ```no_run
    /// # async fn lost_phone(sign_in: yew_clerk::hooks::SignInHandle, code: &str) -> Result<(), yew_clerk::ClerkError> {
    /// use yew_clerk::types::{AccountRecoveryStatus, SignInStatus};
    /// sign_in.prepare_account_recovery().await?;
    /// let si = sign_in.attempt_account_recovery(code).await?;
    /// if si.status == SignInStatus::Complete {
    ///     // The wait was over: the new session must set up a second factor again.
    ///     sign_in.set_active(si.created_session_id.as_deref().unwrap()).await?;
    /// } else if let Some(r) = si.account_recovery.filter(|r| r.status == AccountRecoveryStatus::Pending) {
    ///     // Opened: tell the user to come back after `r.completes_at`.
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn prepare_account_recovery(&self) -> Result<SignIn, ClerkError> {
        let si = current(&self.clerk)?;
        let recovery = si
            .account_recovery
            .ok_or(ClerkError::State("this sign-in offers no account recovery"))?;
        self.clerk
            .prepare_second_factor(&params::PrepareSecondFactor {
                strategy: Strategy::RecoveryEmailCode,
                phone_number_id: None,
                email_address_id: Some(recovery.email_address_id),
            })
            .await
    }

    /// The recovery code: opens the account recovery (the sign-in stays at
    /// `NeedsSecondFactor`, its `account_recovery` says until when), or, once the
    /// wait is over, completes it (`Complete`, a session with the `setup-mfa` task).
    pub async fn attempt_account_recovery(&self, code: &str) -> Result<SignIn, ClerkError> {
        self.attempt_second(Strategy::RecoveryEmailCode, code, None)
            .await
    }

    /// Makes the new session the active one: the user is now signed in.
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

/// The building blocks of a custom sign-in flow.
///
/// A forgotten password, in the same way:
///
/// ```no_run
/// use yew_clerk::prelude::*;
/// use yew_clerk::types::{SignInStatus, Strategy};
///
/// async fn reset(sign_in: SignInHandle, email: &str, code: &str, new_password: &str)
///     -> Result<SignInStatus, ClerkError>
/// {
///     sign_in.start_password_reset(email, Strategy::ResetPasswordEmailCode).await?; // a code is sent
///     sign_in.attempt_first_factor(Strategy::ResetPasswordEmailCode, code).await?;   // NeedsNewPassword
///     let done = sign_in.reset_password(new_password, true).await?;
///     // NeedsSecondFactor when the account has 2FA: continue as below.
///     Ok(done.status)
/// }
/// ```
///
/// ```no_run
/// use yew_clerk::prelude::*;
/// use yew_clerk::types::{SignInStatus, Strategy};
///
/// async fn sign_in_with_sms(
///     sign_in: SignInHandle,
///     email: String,
///     password: String,
///     ask_for_code: impl std::future::Future<Output = String>,
/// ) -> Result<(), ClerkError> {
///     let attempt = sign_in.create(&email, &password).await?;
///     let done = if attempt.status == SignInStatus::NeedsSecondFactor {
///         sign_in.prepare_second_factor(Strategy::PhoneCode).await?; // an SMS is sent
///         let code = ask_for_code.await;
///         sign_in.attempt_second_factor(Strategy::PhoneCode, &code).await?
///     } else {
///         attempt
///     };
///     sign_in.set_active(done.created_session_id.as_deref().unwrap_or_default()).await
/// }
/// ```
#[hook]
pub fn use_sign_in() -> SignInHandle {
    let ctx = use_clerk_context();
    SignInHandle {
        is_loaded: ctx.state.loaded,
        sign_in: ctx.state.sign_in().cloned(),
        clerk: ctx.clerk,
    }
}
