//! Checking authenticator-app codes: the code is refused unless it is six digits,
//! right for this step or one either side, and of a step not used before; a wrong
//! one counts toward the account lockout like a wrong SMS code.

use crate::{
    error::{ApiError, ApiResult},
    ids::now_ms,
    state::AppState,
    store::{self, totps::TotpRow, users::UserRow},
    totp,
};

use super::lockout;

/// Six digits, or a clear 422 before anything is counted.
pub fn well_formed(code: &str) -> ApiResult<&str> {
    let code = code.trim();
    if code.len() == totp::DIGITS as usize && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code)
    } else {
        Err(ApiError::param_format_invalid(
            "code",
            "code must be the 6 digits your authenticator app shows.",
        ))
    }
}

fn secret_of(state: &AppState, row: &TotpRow) -> ApiResult<Vec<u8>> {
    state
        .secrets
        .open(&row.secret_sealed, &row.user_id)
        .map_err(|e| {
            tracing::error!(user = %row.user_id, error = %e, "authenticator-app secret did not open (is this the right secrets key file?)");
            ApiError::internal()
        })
}

/// The step `code` is right for, if any, given what was used before.
fn matching_step(state: &AppState, row: &TotpRow, code: &str) -> ApiResult<Option<i64>> {
    let secret = secret_of(state, row)?;
    let now = (now_ms() / 1000) as u64;
    let last = row.last_used_step.map(|s| s as u64);
    Ok(totp::verify(&secret, code, now, last).map(|s| s as i64))
}

/// A second factor: the user's verified app, counted toward the lockout.
pub async fn check(
    state: &AppState,
    user: &UserRow,
    source: &lockout::Source,
    code: &str,
) -> ApiResult<()> {
    let code = well_formed(code)?;
    let row = store::totps::get(&state.db, &user.id)
        .await?
        .filter(TotpRow::verified)
        .ok_or_else(ApiError::strategy_for_user_invalid)?;
    let attempt = lockout::admit(state, user, source).await?;
    let claimed = match matching_step(state, &row, code)? {
        Some(step) => store::totps::claim_step(&state.db, &user.id, step, false).await?,
        None => false,
    };
    if claimed {
        attempt.right(state, true).await
    } else {
        Err(attempt.wrong(ApiError::code_incorrect()))
    }
}

/// Setting an app up: its first code turns it on (and that step is used).
pub async fn confirm(state: &AppState, row: &TotpRow, code: &str) -> ApiResult<()> {
    let code = well_formed(code)?;
    let claimed = match matching_step(state, row, code)? {
        Some(step) => store::totps::claim_step(&state.db, &row.user_id, step, true).await?,
        None => false,
    };
    if claimed {
        Ok(())
    } else {
        Err(ApiError::code_incorrect())
    }
}
