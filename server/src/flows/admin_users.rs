//! What an administrator may do to an account from the dashboard: lock and unlock
//! it, take away its second factors (it must set them up again), require two-step
//! verification of it, and end its sessions. The owner hears of a reset by email; the dashboard logs each action.

use crate::{
    flows::notices::{self, Notice},
    state::AppState,
    store::{self, users::Requirement},
};

/// An action on one account, as the dashboard's forms name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Lock,
    Unlock,
    ResetSecondFactors,
    SignOut,
    /// Two-step verification is a must for this user (as `[mfa] required` is for all).
    RequireMfa,
    StopRequiringMfa,
    /// The user must choose a new password at their next sign-in (Clerk's
    /// `reset-password` session task).
    RequirePasswordReset,
    StopRequiringPasswordReset,
    /// Cancels the user's open account recovery ("I lost access to my second factor").
    CancelRecovery,
    /// Clerk's ban (the Backend API's): no sign-in until unbanned; an unlock keeps it.
    Ban,
    Unban,
    /// Deletes the account and everything of it; the owner is told.
    Delete,
}

impl Action {
    /// An action as the dashboard's forms name it.
    pub fn parse(name: &str) -> Option<Action> {
        Some(match name {
            "lock" => Action::Lock,
            "unlock" => Action::Unlock,
            "reset-second-factors" => Action::ResetSecondFactors,
            "sign-out" => Action::SignOut,
            "require-mfa" => Action::RequireMfa,
            "stop-requiring-mfa" => Action::StopRequiringMfa,
            "require-password-reset" => Action::RequirePasswordReset,
            "stop-requiring-password-reset" => Action::StopRequiringPasswordReset,
            "cancel-recovery" => Action::CancelRecovery,
            // Ban and delete are the Backend API's, never a dashboard form's.
            _ => return None,
        })
    }

    /// The name in forms and in the log.
    pub fn name(self) -> &'static str {
        match self {
            Action::Lock => "lock",
            Action::Unlock => "unlock",
            Action::ResetSecondFactors => "reset-second-factors",
            Action::SignOut => "sign-out",
            Action::RequireMfa => "require-mfa",
            Action::StopRequiringMfa => "stop-requiring-mfa",
            Action::RequirePasswordReset => "require-password-reset",
            Action::StopRequiringPasswordReset => "stop-requiring-password-reset",
            Action::CancelRecovery => "cancel-recovery",
            Action::Ban => "ban",
            Action::Unban => "unban",
            Action::Delete => "delete",
        }
    }
}

impl Action {
    /// What the account's page says after the action (the log has the details).
    pub fn done_message(self) -> &'static str {
        match self {
            Action::Lock => "the account is locked and its sessions are signed out",
            Action::Unlock => "the account is unlocked",
            Action::ResetSecondFactors => "the second factors are reset",
            Action::SignOut => "every session is signed out",
            Action::RequireMfa => "two-step verification is required of this user",
            Action::StopRequiringMfa => "two-step verification is no longer required of this user",
            Action::RequirePasswordReset => {
                "the user must choose a new password at their next sign-in"
            }
            Action::StopRequiringPasswordReset => {
                "a new password is no longer required of this user"
            }
            Action::CancelRecovery => "the account recovery is cancelled",
            Action::Ban => "the account is banned and its sessions are signed out",
            Action::Unban => "the account is no longer banned",
            Action::Delete => "the account is deleted",
        }
    }
}

/// What an action did, for the log and the page.
pub struct Done {
    pub summary: String,
}

/// Runs `action` on the account `user_id`; `None` when there is no such account.
pub async fn run(
    state: &AppState,
    user_id: &str,
    action: Action,
) -> Result<Option<Done>, sqlx::Error> {
    let Some(user) = store::users::get(&state.db, user_id).await? else {
        return Ok(None);
    };
    let summary = match action {
        Action::Lock => {
            // Locking is how an administrator answers a takeover: the sessions the
            // intruder already holds end with it.
            store::users::admin_lock(&state.db, &user.id).await?;
            store::remembered_devices::forget_user(&state.db, &user.id).await?;
            let n = store::sessions::revoke_all_for_user(&state.db, &user.id).await?;
            format!("locked: no sign-in until unlocked; {n} sessions signed out")
        }
        Action::Unlock => {
            store::users::admin_unlock(&state.db, &user.id).await?;
            super::lockout::forget_all(state, &user.id).await?;
            "unlocked, failed tries forgotten".to_owned()
        }
        Action::SignOut => {
            store::remembered_devices::forget_user(&state.db, &user.id).await?;
            let n = store::sessions::revoke_all_for_user(&state.db, &user.id).await?;
            format!("{n} sessions signed out")
        }
        // From the next sign-in: a user without a second factor lands in the
        // `setup-mfa` task, and the last one can no longer be removed.
        Action::RequireMfa => {
            let changed =
                store::users::set_required(&state.db, &user.id, Requirement::Mfa, true).await?;
            if changed {
                "two-step verification required from the next sign-in".to_owned()
            } else {
                "two-step verification was already required".to_owned()
            }
        }
        Action::RequirePasswordReset => {
            let changed =
                store::users::set_required(&state.db, &user.id, Requirement::NewPassword, true)
                    .await?;
            if changed {
                "a new password required at the next sign-in".to_owned()
            } else {
                "a new password was already required".to_owned()
            }
        }
        Action::StopRequiringPasswordReset => {
            let changed =
                store::users::set_required(&state.db, &user.id, Requirement::NewPassword, false)
                    .await?;
            let next = super::new_session::needs_second_factor(state, &user)
                .await?
                .then_some(store::sessions::SETUP_MFA);
            store::sessions::finish_reset_password_task(&state.db, &user.id, next).await?;
            if changed {
                "a new password no longer required".to_owned()
            } else {
                "a new password was not required".to_owned()
            }
        }
        Action::StopRequiringMfa => {
            let changed =
                store::users::set_required(&state.db, &user.id, Requirement::Mfa, false).await?;
            // Its sessions waiting to set one up go on, unless everyone must.
            if !state.settings().mfa.required {
                store::sessions::drop_setup_mfa_task(&state.db, &user.id).await?;
            }
            if changed {
                "two-step verification no longer required".to_owned()
            } else {
                "two-step verification was not required".to_owned()
            }
        }
        Action::ResetSecondFactors => {
            let removed = super::factor_reset::remove_all(state, &user.id).await?;
            if removed.any() {
                notices::notify(state, &user.id, Notice::SecondFactorsReset).await;
            }
            format!(
                "second factors reset: {} phones, {} authenticator app, {} passkeys, {} backup codes",
                removed.code_targets,
                if removed.authenticator_app {
                    "the"
                } else {
                    "no"
                },
                removed.passkeys,
                removed.backup_codes
            )
        }
        Action::Ban => {
            store::users::set_banned(&state.db, &user.id, true).await?;
            store::remembered_devices::forget_user(&state.db, &user.id).await?;
            let n = store::sessions::revoke_all_for_user(&state.db, &user.id).await?;
            format!("banned: no sign-in until unbanned; {n} sessions signed out")
        }
        Action::Unban => {
            store::users::set_banned(&state.db, &user.id, false).await?;
            "unbanned".to_owned()
        }
        Action::Delete => {
            // The address goes with the account: found before.
            let to = notices::addressees(state, &user.id, &Notice::AccountDeleted).await;
            if !store::users::delete_account(&state.db, &user.id).await? {
                return Ok(None);
            }
            notices::send(state, &user.id, to, &Notice::AccountDeleted).await;
            "deleted, with its sessions, addresses and factors; the owner was told".to_owned()
        }
        Action::CancelRecovery => {
            match super::account_recovery::cancel_by_administrator(state, &user.id).await? {
                true => "account recovery cancelled; the user was told".to_owned(),
                false => "no account recovery was open".to_owned(),
            }
        }
    };
    Ok(Some(Done { summary }))
}

/// An administrator removes one passkey of `user_id` (a lost device); its name, or
/// `None` when the user has no such passkey. The owner is told; two-step
/// verification goes off with the last second factor, as with a reset.
pub async fn remove_passkey(
    state: &AppState,
    user_id: &str,
    passkey_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    let Some(row) = store::passkeys::get(&state.db, user_id, passkey_id).await? else {
        return Ok(None);
    };
    if !store::passkeys::delete(&state.db, user_id, passkey_id).await? {
        return Ok(None);
    }
    let name = row.name.clone().unwrap_or_else(|| "without a name".into());
    if row.verified() {
        notices::notify(state, user_id, Notice::PasskeyRemoved(&name)).await;
        let idents = store::identifications::list_for_user(&state.db, user_id).await?;
        let devices = crate::factors::Devices::of(&state.db, user_id).await?;
        if !crate::factors::two_factor_enabled(&state.settings(), &idents, devices) {
            store::users::mark_mfa(&state.db, user_id, false).await?;
        }
    }
    Ok(Some(name))
}
