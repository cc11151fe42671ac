use fapi_types::{BackupCodes, DeletedObject, Passkey, Strategy, Totp, User};
use yew::prelude::*;

use crate::{context::use_clerk_context, Clerk, ClerkError};

/// The signed-in user; its second-factor actions and [`UserHandle::delete`] are
/// methods here, the other account actions are on [`UserHandle::clerk`]
/// (`update_user`, `create_phone_number`, `update_phone_number`, ...).
#[derive(Clone, PartialEq)]
pub struct UserHandle {
    pub clerk: Clerk,
    pub is_loaded: bool,
    pub is_signed_in: bool,
    pub user: Option<User>,
}

impl UserHandle {
    /// Starts setting up an authenticator app: the secret and its `otpauth://` URI,
    /// shown this once. Sensitive: wrap it in [`crate::hooks::use_reverification`].
    ///
    /// ```no_run
    /// # async fn f(user: yew_clerk::hooks::UserHandle) -> Result<(), yew_clerk::ClerkError> {
    /// let totp = user.create_totp().await?;
    /// let secret = totp.secret.unwrap_or_default(); // to type into the app
    /// let on = user.verify_totp("123456").await?; // the app's first code
    /// let backup_codes = on.backup_codes; // when this turned two-step verification on
    /// # Ok(()) }
    /// ```
    pub async fn create_totp(&self) -> Result<Totp, ClerkError> {
        self.clerk.create_totp().await
    }

    /// Turns the authenticator app on with its first code; the answer carries the
    /// backup codes when this turned two-step verification on.
    pub async fn verify_totp(&self, code: &str) -> Result<Totp, ClerkError> {
        self.clerk.verify_totp(code).await
    }

    /// Removes the authenticator app (sensitive).
    pub async fn disable_totp(&self) -> Result<DeletedObject, ClerkError> {
        self.clerk.disable_totp().await
    }

    /// A new set of backup codes, voiding the old (sensitive).
    pub async fn create_backup_codes(&self) -> Result<BackupCodes, ClerkError> {
        self.clerk.create_backup_codes().await
    }

    /// Adds a passkey: the browser asks the person to make one (Clerk's
    /// `user.createPasskey()`). Sensitive: wrap it in
    /// [`crate::hooks::use_reverification`]. Once the account has one, it is also a
    /// second factor, offered first.
    ///
    /// ```no_run
    /// # async fn f(user: yew_clerk::hooks::UserHandle, reverification: yew_clerk::hooks::ReverificationHandle) -> Result<(), yew_clerk::ClerkError> {
    /// let passkey = reverification.run(|| user.create_passkey()).await?;
    /// user.update_passkey(&passkey.id, "Work laptop").await?;
    /// # Ok(()) }
    /// ```
    pub async fn create_passkey(&self) -> Result<Passkey, ClerkError> {
        self.clerk.create_passkey().await
    }

    /// Renames a passkey (`user.passkeys`).
    pub async fn update_passkey(&self, id: &str, name: &str) -> Result<Passkey, ClerkError> {
        self.clerk.update_passkey(id, name).await
    }

    /// Removes a passkey (sensitive).
    pub async fn delete_passkey(&self, id: &str) -> Result<DeletedObject, ClerkError> {
        self.clerk.delete_passkey(id).await
    }

    /// Connects a provider's account (`oauth_google`): the browser goes to the
    /// provider and comes back to `redirect_url` (Clerk's `user.createExternalAccount`,
    /// then the redirect). Sensitive.
    ///
    /// ```no_run
    /// # async fn f(user: yew_clerk::hooks::UserHandle, reverification: yew_clerk::hooks::ReverificationHandle) -> Result<(), yew_clerk::ClerkError> {
    /// use yew_clerk::types::Strategy;
    /// let google = Strategy::from("oauth_google");
    /// reverification.run(|| user.connect_external_account(&google, "/account")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect_external_account(
        &self,
        strategy: &Strategy,
        redirect_url: &str,
    ) -> Result<(), ClerkError> {
        self.clerk
            .connect_external_account(strategy, redirect_url)
            .await
    }

    /// Disconnects a provider's account (`user.external_accounts`). Sensitive.
    pub async fn delete_external_account(&self, id: &str) -> Result<DeletedObject, ClerkError> {
        self.clerk.delete_external_account(id).await
    }

    /// Deletes the account for good (Clerk's `user.delete()`): only where the
    /// instance allows it (`delete_self_enabled`), and sensitive, so wrap it in
    /// [`crate::hooks::use_reverification`]. The user is signed out by it; send them
    /// on yourself (`<UserProfile/>` does so as a sign-out would).
    ///
    /// ```no_run
    /// use yew::{platform::spawn_local, prelude::*};
    /// use yew_clerk::{hooks::use_reverification, prelude::*};
    ///
    /// #[component]
    /// fn DeleteMyAccount() -> Html {
    ///     let user = use_user();
    ///     let reverification = use_reverification();
    ///     if !user.user.as_ref().is_some_and(|u| u.delete_self_enabled) {
    ///         return html! {};
    ///     }
    ///     let onclick = Callback::from(move |_| {
    ///         let (user, reverification) = (user.clone(), reverification.clone());
    ///         spawn_local(async move {
    ///             if reverification.run(|| user.delete()).await.is_ok() {
    ///                 user.clerk.navigate("/goodbye");
    ///             }
    ///         });
    ///     });
    ///     html! { <button {onclick}>{ "Delete my account" }</button> }
    /// }
    /// ```
    pub async fn delete(&self) -> Result<DeletedObject, ClerkError> {
        self.clerk.delete_user().await
    }
}

/// The signed-in user, if any.
///
/// ```no_run
/// use yew::prelude::*;
/// use yew_clerk::prelude::*;
///
/// #[component]
/// fn Greeting() -> Html {
///     let user = use_user();
///     match user.user {
///         Some(u) => html! { <p>{ format!("Hello, {}", u.first_name.unwrap_or_default()) }</p> },
///         None => html! {},
///     }
/// }
/// ```
#[hook]
pub fn use_user() -> UserHandle {
    let ctx = use_clerk_context();
    let user = ctx.state.user().cloned();
    UserHandle {
        is_loaded: ctx.state.loaded,
        is_signed_in: user.is_some(),
        user,
        clerk: ctx.clerk,
    }
}
