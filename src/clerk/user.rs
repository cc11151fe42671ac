//! The signed-in user's own account (`/v1/me`).

use fapi_types::{
    params, BackupCodes, DeletedObject, EmailAddress, PhoneNumber, Session, SessionWithActivity,
    Strategy, Totp, User,
};

use super::Clerk;
use crate::{
    client::{form_body, Method},
    ClerkError,
};

/// Which collection an identification id belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentificationKind {
    EmailAddress,
    PhoneNumber,
}

impl IdentificationKind {
    fn path(self) -> &'static str {
        match self {
            IdentificationKind::EmailAddress => "email_addresses",
            IdentificationKind::PhoneNumber => "phone_numbers",
        }
    }

    fn strategy(self) -> Strategy {
        match self {
            IdentificationKind::EmailAddress => Strategy::EmailCode,
            IdentificationKind::PhoneNumber => Strategy::PhoneCode,
        }
    }
}

impl Clerk {
    pub async fn reload_user(&self) -> Result<User, ClerkError> {
        self.call(Method::Get, "/me", None).await
    }

    pub async fn update_user(&self, p: &params::UpdateUser) -> Result<User, ClerkError> {
        self.call(Method::Patch, "/me", Some(form_body(p))).await
    }

    pub async fn change_password(&self, p: &params::ChangePassword) -> Result<User, ClerkError> {
        self.call(Method::Post, "/me/change_password", Some(form_body(p)))
            .await
    }

    pub async fn create_email_address(&self, email: &str) -> Result<EmailAddress, ClerkError> {
        let p = params::CreateEmailAddress {
            email_address: email.trim().to_owned(),
        };
        self.call(Method::Post, "/me/email_addresses", Some(form_body(&p)))
            .await
    }

    pub async fn create_phone_number(
        &self,
        p: &params::CreatePhoneNumber,
    ) -> Result<PhoneNumber, ClerkError> {
        self.call(Method::Post, "/me/phone_numbers", Some(form_body(p)))
            .await
    }

    /// Sends a code to an email address or phone number of the account.
    pub async fn prepare_identification_verification(
        &self,
        kind: IdentificationKind,
        id: &str,
    ) -> Result<serde_json::Value, ClerkError> {
        let p = params::PrepareVerification {
            strategy: kind.strategy(),
            redirect_url: None,
            channel: None,
        };
        self.call(
            Method::Post,
            &format!("/me/{}/{id}/prepare_verification", kind.path()),
            Some(form_body(&p)),
        )
        .await
    }

    pub async fn attempt_identification_verification(
        &self,
        kind: IdentificationKind,
        id: &str,
        code: &str,
    ) -> Result<serde_json::Value, ClerkError> {
        let p = params::AttemptIdentificationVerification {
            code: code.trim().to_owned(),
        };
        self.call(
            Method::Post,
            &format!("/me/{}/{id}/attempt_verification", kind.path()),
            Some(form_body(&p)),
        )
        .await
    }

    /// Reserves a verified phone for two-step verification, or releases it; or makes
    /// it the default second factor.
    pub async fn update_phone_number(
        &self,
        id: &str,
        p: &params::UpdatePhoneNumber,
    ) -> Result<PhoneNumber, ClerkError> {
        self.call(
            Method::Patch,
            &format!("/me/phone_numbers/{id}"),
            Some(form_body(p)),
        )
        .await
    }

    /// Reserves (or releases) a verified email address for two-step verification,
    /// where the server offers email codes as a second factor. Needs a fresh
    /// verification; the answer carries the backup codes when this turned 2FA on.
    pub async fn update_email_address(
        &self,
        id: &str,
        p: &params::UpdateEmailAddress,
    ) -> Result<EmailAddress, ClerkError> {
        self.call(
            Method::Patch,
            &format!("/me/email_addresses/{id}"),
            Some(form_body(p)),
        )
        .await
    }

    pub async fn delete_identification(
        &self,
        kind: IdentificationKind,
        id: &str,
    ) -> Result<DeletedObject, ClerkError> {
        self.call(Method::Delete, &format!("/me/{}/{id}", kind.path()), None)
            .await
    }

    /// Starts setting up an authenticator app: the answer carries the secret and its
    /// `otpauth://` URI (for a QR code) this once. Needs a fresh verification.
    ///
    /// ```no_run
    /// # async fn f(clerk: yew_clerk::Clerk) -> Result<(), yew_clerk::ClerkError> {
    /// let totp = clerk.create_totp().await?;
    /// let uri = totp.uri.unwrap_or_default(); // show as a QR code, and the secret as text
    /// let on = clerk.verify_totp("123456").await?.verified; // the app's first code
    /// # Ok(()) }
    /// ```
    pub async fn create_totp(&self) -> Result<Totp, ClerkError> {
        self.call(Method::Post, "/me/totp", Some(String::new()))
            .await
    }

    /// Turns the authenticator app on with its first code.
    pub async fn verify_totp(&self, code: &str) -> Result<Totp, ClerkError> {
        let p = params::AttemptTotpVerification {
            code: code.trim().to_owned(),
        };
        self.call(
            Method::Post,
            "/me/totp/attempt_verification",
            Some(form_body(&p)),
        )
        .await
    }

    /// Removes the authenticator app. Needs a fresh verification.
    pub async fn disable_totp(&self) -> Result<DeletedObject, ClerkError> {
        self.call(Method::Delete, "/me/totp", None).await
    }

    /// A new set of backup codes (the old set stops working), to show this once.
    /// Needs another second factor and a fresh verification.
    pub async fn create_backup_codes(&self) -> Result<BackupCodes, ClerkError> {
        self.call(Method::Post, "/me/backup_codes", Some(String::new()))
            .await
    }

    /// Deletes the signed-in user's account for good (Clerk's `user.delete()`,
    /// `DELETE /v1/me`): its sessions end with it, on every device, and the client
    /// that comes back holds none of them. The instance must allow it
    /// (`user.delete_self_enabled`; else `delete_self_not_enabled`) and the session
    /// must have verified recently: wrap it in
    /// [`use_reverification`](crate::hooks::use_reverification). Where to go next is
    /// the caller's (`<UserProfile/>` goes where signing out does).
    ///
    /// ```no_run
    /// # async fn f(clerk: yew_clerk::Clerk, reverification: yew_clerk::hooks::ReverificationHandle) -> Result<(), yew_clerk::ClerkError> {
    /// if clerk.state().user().is_some_and(|u| u.delete_self_enabled) {
    ///     reverification.run(|| clerk.delete_user()).await?; // "Verify it's you" if needed
    ///     clerk.navigate(&clerk.after_sign_out_url());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn delete_user(&self) -> Result<DeletedObject, ClerkError> {
        let deleted = self.call(Method::Delete, "/me", None).await?;
        self.0.tokens.clear();
        Ok(deleted)
    }

    /// The user's signed-in sessions on every device.
    pub async fn active_sessions(&self) -> Result<Vec<SessionWithActivity>, ClerkError> {
        let session = self.state().session().map(|s| s.id.clone());
        let path = "/me/sessions/active";
        let answer = self
            .0
            .transport
            .send(Method::Get, path, None, session.as_deref())
            .await?;
        super::decoded(path, answer)
    }

    /// Signs one of the user's sessions out (another device).
    pub async fn revoke_session(&self, id: &str) -> Result<Session, ClerkError> {
        self.call(Method::Post, &format!("/me/sessions/{id}/revoke"), None)
            .await
    }
}
