//! Taking every second factor off an account, as an administrator's reset and a
//! completed account recovery do: its phones and emails leave two-step
//! verification, its authenticator app, passkeys and backup codes are deleted, and
//! no device is remembered any more.

use crate::{state::AppState, store};

/// What was taken off.
pub struct Removed {
    /// Phones and emails that no longer take second-factor codes.
    pub code_targets: u64,
    pub authenticator_app: bool,
    pub passkeys: u64,
    pub backup_codes: i64,
}

impl Removed {
    pub fn any(&self) -> bool {
        self.code_targets > 0
            || self.authenticator_app
            || self.passkeys > 0
            || self.backup_codes > 0
    }
}

/// Removes every second factor of `user_id`.
pub async fn remove_all(state: &AppState, user_id: &str) -> Result<Removed, sqlx::Error> {
    let code_targets = store::identifications::unreserve_all(&state.db, user_id).await?;
    store::remembered_devices::forget_user(&state.db, user_id).await?;
    let authenticator_app = store::totps::delete(&state.db, user_id).await?;
    let passkeys = store::passkeys::delete_all(&state.db, user_id).await?;
    let backup_codes = store::backup_codes::remaining(&state.db, user_id).await?;
    store::backup_codes::delete_all(&state.db, user_id).await?;
    let removed = Removed {
        code_targets,
        authenticator_app,
        passkeys,
        backup_codes,
    };
    if removed.any() {
        store::users::mark_mfa(&state.db, user_id, false).await?;
    }
    Ok(removed)
}
