//! Passkeys (WebAuthn): adding one to the account, signing in with one as the first or
//! the second factor, and proving "it's you" with one. The server's options come in a
//! verification's `nonce`; [`crate::webauthn`] runs the browser's part.

use fapi_types::{
    params, DeletedObject, Passkey, SessionVerification, SignIn, SignInStatus, Strategy,
    Verification,
};

use super::Clerk;
use crate::{
    client::{form_body, Method},
    webauthn::{self, Mediation},
    ClerkError,
};

/// How a passkey sign-in starts (Clerk's `authenticateWithPasskey({ flow })`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PasskeyFlow {
    /// After an identifier: the account's own passkeys, or, at the second step, the
    /// passkey as the second factor.
    #[default]
    Identified,
    /// No identifier typed: the browser offers every passkey it holds for this site.
    Discoverable,
    /// Offered among the identifier field's autofill suggestions; resolves when the
    /// person picks one (conditional mediation).
    Autofill,
}

/// The WebAuthn options a verification carries.
fn options_of(verification: Option<&Verification>) -> Result<String, ClerkError> {
    verification
        .and_then(|v| v.nonce.clone())
        .filter(|n| !n.is_empty())
        .ok_or(ClerkError::State(
            "the server sent no passkey options (is passkey offered?)",
        ))
}

fn offers_passkey(factors: Option<&Vec<fapi_types::SignInFactor>>) -> bool {
    factors.is_some_and(|f| f.iter().any(|f| f.strategy == Strategy::Passkey))
}

impl Clerk {
    /// Adds a passkey to the signed-in account: the browser asks the person to make
    /// one, and the server checks it. Needs a fresh verification, as the server's
    /// other sensitive actions do: wrap it in
    /// [`use_reverification`](crate::hooks::use_reverification).
    ///
    /// ```no_run
    /// # async fn f(clerk: yew_clerk::Clerk) -> Result<(), yew_clerk::ClerkError> {
    /// let passkey = clerk.create_passkey().await?;
    /// clerk.update_passkey(&passkey.id, "Work laptop").await?;
    /// # Ok(()) }
    /// ```
    pub async fn create_passkey(&self) -> Result<Passkey, ClerkError> {
        let pending: Passkey = self
            .call(Method::Post, "/me/passkeys", Some(String::new()))
            .await?;
        let options = options_of(pending.verification.as_ref())?;
        let credential = webauthn::create(&options).await?;
        let p = params::AttemptPasskeyVerification {
            strategy: Strategy::Passkey,
            public_key_credential: credential,
        };
        self.call(
            Method::Post,
            &format!("/me/passkeys/{}/attempt_verification", pending.id),
            Some(form_body(&p)),
        )
        .await
    }

    /// Renames one of the account's passkeys.
    pub async fn update_passkey(&self, id: &str, name: &str) -> Result<Passkey, ClerkError> {
        let p = params::UpdatePasskey {
            name: name.trim().to_owned(),
        };
        self.call(
            Method::Patch,
            &format!("/me/passkeys/{id}"),
            Some(form_body(&p)),
        )
        .await
    }

    /// Removes one of the account's passkeys. Needs a fresh verification.
    pub async fn delete_passkey(&self, id: &str) -> Result<DeletedObject, ClerkError> {
        self.call(Method::Delete, &format!("/me/passkeys/{id}"), None)
            .await
    }

    /// Signs in with a passkey. At a second step that offers `passkey`, it is the
    /// second factor; else the first, per `flow`. The answer's `status` says what comes
    /// next, as any sign-in's does.
    ///
    /// ```no_run
    /// # async fn f(clerk: yew_clerk::Clerk) -> Result<(), yew_clerk::ClerkError> {
    /// use yew_clerk::{types::SignInStatus, PasskeyFlow};
    /// let si = clerk.authenticate_with_passkey(PasskeyFlow::Discoverable).await?;
    /// if si.status == SignInStatus::Complete {
    ///     clerk.set_active(si.created_session_id.as_deref().unwrap_or_default()).await?;
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn authenticate_with_passkey(&self, flow: PasskeyFlow) -> Result<SignIn, ClerkError> {
        let current = self.state().sign_in().cloned();
        let second_step = current.as_ref().is_some_and(|si| {
            matches!(
                si.status,
                SignInStatus::NeedsSecondFactor | SignInStatus::NeedsClientTrust
            ) && offers_passkey(si.supported_second_factors.as_ref())
        });
        if second_step && flow == PasskeyFlow::Identified {
            let prepared = self
                .prepare_second_factor(&params::PrepareSecondFactor {
                    strategy: Strategy::Passkey,
                    phone_number_id: None,
                    email_address_id: None,
                })
                .await?;
            let options = options_of(prepared.second_factor_verification.as_ref())?;
            let credential = webauthn::get(&options, Mediation::Optional).await?;
            return self
                .attempt_second_factor(&params::AttemptSecondFactor {
                    strategy: Strategy::Passkey,
                    code: None,
                    remember_device: None,
                    public_key_credential: Some(credential),
                })
                .await;
        }
        let (started, mediation) = match flow {
            PasskeyFlow::Identified => {
                let started = self
                    .prepare_first_factor(&params::PrepareFirstFactor {
                        strategy: Strategy::Passkey,
                        email_address_id: None,
                        phone_number_id: None,
                        redirect_url: None,
                        channel: None,
                    })
                    .await?;
                (started, Mediation::Optional)
            }
            PasskeyFlow::Discoverable | PasskeyFlow::Autofill => {
                let cancellations = webauthn::cancellations();
                let started = self
                    .create_sign_in(&params::CreateSignIn {
                        strategy: Some(Strategy::Passkey),
                        ..Default::default()
                    })
                    .await?;
                // Cancelled while its sign-in was being made (the card left, or the
                // form was submitted): no request nobody would cancel.
                if flow == PasskeyFlow::Autofill && webauthn::cancellations() != cancellations {
                    return Err(webauthn::PasskeyError::Aborted.into());
                }
                let mediation = if flow == PasskeyFlow::Autofill {
                    Mediation::Conditional
                } else {
                    Mediation::Optional
                };
                (started, mediation)
            }
        };
        let options = options_of(started.first_factor_verification.as_ref())?;
        let credential = webauthn::get(&options, mediation).await?;
        self.attempt_first_factor(&params::AttemptFirstFactor {
            strategy: Strategy::Passkey,
            code: None,
            password: None,
            public_key_credential: Some(credential),
        })
        .await
    }

    /// Proves "it's you" with a passkey at a reverification's first step: it stands
    /// for both factors, so the verification completes at any level.
    pub async fn verify_first_factor_with_passkey(
        &self,
    ) -> Result<SessionVerification, ClerkError> {
        let prepared = self
            .prepare_first_factor_verification(&params::PrepareSessionFirstFactor {
                strategy: Strategy::Passkey,
                email_address_id: None,
                phone_number_id: None,
            })
            .await?;
        let options = options_of(prepared.first_factor_verification.as_ref())?;
        let credential = webauthn::get(&options, Mediation::Optional).await?;
        self.attempt_first_factor_verification(&params::AttemptSessionFirstFactor {
            strategy: Strategy::Passkey,
            password: None,
            code: None,
            public_key_credential: Some(credential),
        })
        .await
    }

    /// The same at the second step (status `NeedsSecondFactor`, `passkey` among its
    /// `supported_second_factors`).
    pub async fn verify_second_factor_with_passkey(
        &self,
    ) -> Result<SessionVerification, ClerkError> {
        let prepared = self
            .prepare_second_factor_verification(&params::PrepareSessionSecondFactor {
                strategy: Strategy::Passkey,
                phone_number_id: None,
                email_address_id: None,
            })
            .await?;
        let options = options_of(prepared.second_factor_verification.as_ref())?;
        let credential = webauthn::get(&options, Mediation::Optional).await?;
        self.attempt_second_factor_verification(&params::AttemptSessionSecondFactor {
            strategy: Strategy::Passkey,
            code: None,
            public_key_credential: Some(credential),
        })
        .await
    }
}
