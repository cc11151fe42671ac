//! "I lost access to my second factor": the way back in for someone who still has
//! their password and their email but lost every second factor, built so that an
//! attacker holding the same two cannot rush it or hide it.
//!
//! After a right password, a code to the account's email opens a recovery that
//! completes only after `[mfa] recovery_wait_seconds` (72 hours by default). At once
//! every verified email and phone of the account is told, with a link that only
//! cancels. A sign-in with a real second factor, the link, or an administrator
//! cancels it. Once the wait is over, the next sign-in with the password and a new
//! email code removes every second factor, signs out every other session, and starts
//! a session that must set up two-step verification again (`setup-mfa`). Every step
//! is written to the administrators' log and told to the owner.

use crate::{
    error::ApiResult,
    factors,
    flows::{
        factor_reset,
        notices::{self, Notice, RecoveryEnd},
    },
    http::Identity,
    ids::{new_token, now_ms, token_hash},
    state::AppState,
    store::{
        self,
        account_recoveries::{RecoveryRow, CANCELLED, EXPIRED},
        admin_audit::Entry,
        identifications::{IdentificationRow, EMAIL},
        sign_ins::SignInRow,
        users::UserRow,
    },
};

/// Who the administrators' log names for what a user (not an administrator) did.
const ACTOR: &str = "(account recovery)";

/// At most this many recoveries opened per account a day: each one texts and emails
/// every address, so someone with the password and the mailbox who opens and cancels
/// again and again cannot flood the owner's phones.
pub const OPENS_PER_DAY: i64 = 3;

/// The path of the page a cancel link opens (under the Frontend API's URL).
pub const CANCEL_PATH: &str = "/v1/account_recovery/cancel";

/// What a sign-in waiting on its second factor may offer instead.
pub struct Offer {
    /// Where the recovery's code goes.
    pub email: IdentificationRow,
    /// The recovery already open, if any.
    pub open: Option<RecoveryRow>,
}

impl Offer {
    /// The open recovery, when `sign_in` may finish it: its wait is over, and the
    /// sign-in (its password) began after that. The sign-in that opened it, or one
    /// begun during the wait, cannot: a password changed meanwhile must be typed anew.
    pub fn ready(&self, sign_in: &SignInRow, now: i64) -> Option<&RecoveryRow> {
        self.open
            .as_ref()
            .filter(|r| r.completes_at <= now && sign_in.created_at >= r.completes_at)
    }
}

/// The address a recovery's code goes to: the primary email when it is verified,
/// else another verified one; never one that is itself a second factor (its code
/// would sign in without any recovery).
pub fn recovery_email<'a>(
    state: &AppState,
    user: &UserRow,
    idents: &'a [IdentificationRow],
) -> Option<&'a IdentificationRow> {
    let email_factor = state.settings().second_factors.email_code;
    let usable: Vec<&IdentificationRow> = idents
        .iter()
        .filter(|i| i.kind == EMAIL && i.verified() && !(email_factor && i.is_second_factor()))
        .collect();
    usable
        .iter()
        .find(|i| Some(&i.id) == user.primary_email_address_id.as_ref())
        .or(usable.first())
        .copied()
}

/// What `sign_in` may offer: only once a password (not a reset code, not an email
/// code: the recovery must cost two things) has put it at `needs_second_factor`,
/// with the recovery on and an email to send the code to.
pub async fn offer(
    state: &AppState,
    sign_in: &SignInRow,
    user: &UserRow,
) -> ApiResult<Option<Offer>> {
    if !state.settings().mfa.recovery || sign_in.status != "needs_second_factor" {
        return Ok(None);
    }
    let first = match &sign_in.first_factor_verification_id {
        Some(v) => store::verifications::get(&state.db, v).await?,
        None => None,
    };
    if first.is_none_or(|v| v.strategy != "password") {
        return Ok(None);
    }
    let idents = store::identifications::list_for_user(&state.db, &user.id).await?;
    // Nothing to recover from (a recovery just completed on another sign-in).
    let devices = factors::Devices::of(&state.db, &user.id).await?;
    if !factors::two_factor_enabled(&state.settings(), &idents, devices) {
        return Ok(None);
    }
    let Some(email) = recovery_email(state, user, &idents) else {
        return Ok(None);
    };
    // Read only (the answer to a GET is rendered from it): a recovery whose time ran
    // out counts as closed, and is marked so by the next `open`.
    let open = store::account_recoveries::open_for_user(&state.db, &user.id).await?;
    Ok(Some(Offer {
        email: email.clone(),
        open,
    }))
}

/// The user's open recovery; one whose time to complete ran out is closed first.
async fn open_for(state: &AppState, user_id: &str) -> ApiResult<Option<RecoveryRow>> {
    if let Some(stale) = store::account_recoveries::stale_for_user(&state.db, user_id).await? {
        end(state, &stale, EXPIRED, RecoveryEnd::Expired).await?;
    }
    Ok(store::account_recoveries::open_for_user(&state.db, user_id).await?)
}

/// Refuses (429, with when to retry) a new recovery past [`OPENS_PER_DAY`].
pub async fn ensure_may_open(state: &AppState, user_id: &str) -> ApiResult<()> {
    const DAY_MS: i64 = 24 * 3600 * 1000;
    let now = now_ms();
    let (opened, first) =
        store::account_recoveries::opened_since(&state.db, user_id, now - DAY_MS).await?;
    if opened < OPENS_PER_DAY {
        return Ok(());
    }
    let wait_ms = first.map_or(DAY_MS, |at| at + DAY_MS - now);
    Err(crate::error::ApiError::too_many_requests(
        (wait_ms.max(0) / 1000) as u64,
    ))
}

/// Opens a recovery for `user` from `sign_in` (their password and email code were
/// right), or answers the one already open: asking again never moves its time.
pub async fn open(
    state: &AppState,
    identity: &Identity,
    sign_in: &SignInRow,
    user: &UserRow,
) -> ApiResult<RecoveryRow> {
    if let Some(open) = open_for(state, &user.id).await? {
        return Ok(open);
    }
    // Another sign-in finished the one this sign-in saw: its view of the account
    // (which still had second factors) is out of date.
    if store::account_recoveries::completed_since(&state.db, &user.id, sign_in.created_at).await? {
        return Err(crate::error::ApiError::account_recovery_not_open());
    }
    ensure_may_open(state, &user.id).await?;
    let token = new_token();
    let wait_ms = state.settings().mfa.recovery_wait_seconds as i64 * 1000;
    let ip = identity.ip_string();
    let opened = store::account_recoveries::open(
        &state.db,
        &user.id,
        now_ms() + wait_ms,
        &token_hash(&token),
        ip.as_deref(),
    )
    .await?;
    let Some(row) = opened else {
        // Another request opened one first: that one stands.
        return store::account_recoveries::open_for_user(&state.db, &user.id)
            .await?
            .ok_or_else(crate::error::ApiError::internal);
    };
    let cancel_url = format!(
        "{}{CANCEL_PATH}?token={token}",
        identity.issuer().trim_end_matches('/')
    );
    notices::notify_everywhere(
        state,
        &user.id,
        Notice::RecoveryRequested {
            completes_at: row.completes_at,
            cancel_url: &cancel_url,
        },
    )
    .await;
    let detail = format!(
        "opened with the password and an email code from {}; completes {}",
        ip.as_deref().unwrap_or("an unknown address"),
        notices::utc_time(row.completes_at)
    );
    log(
        state,
        ip.as_deref(),
        "account-recovery-requested",
        &user.id,
        &detail,
    )
    .await;
    Ok(row)
}

/// Completes `recovery` if its wait is over (false: too early, or it was cancelled
/// meanwhile): every second factor of the account goes, and every session ends. The
/// caller then starts the one session that must set two-step verification up again.
pub async fn complete(
    state: &AppState,
    identity: &Identity,
    recovery: &RecoveryRow,
) -> ApiResult<bool> {
    if !store::account_recoveries::complete_if_due(&state.db, &recovery.id, now_ms()).await? {
        return Ok(false);
    }
    let user_id = &recovery.user_id;
    let removed = factor_reset::remove_all(state, user_id).await?;
    let sessions = store::sessions::revoke_all_for_user(&state.db, user_id).await?;
    notices::notify_everywhere(state, user_id, Notice::RecoveryCompleted).await;
    let ip = identity.ip_string();
    let detail = format!(
        "completed from {}: {} phones or emails, {} authenticator app, {} passkeys, {} backup codes removed; {sessions} sessions signed out",
        ip.as_deref().unwrap_or("an unknown address"),
        removed.code_targets,
        if removed.authenticator_app { "the" } else { "no" },
        removed.passkeys,
        removed.backup_codes,
    );
    log(
        state,
        ip.as_deref(),
        "account-recovery-completed",
        user_id,
        &detail,
    )
    .await;
    Ok(true)
}

/// A sign-in with a real second factor proves the owner still has it: their open
/// recovery, if any, is cancelled.
pub async fn cancel_by_second_factor(state: &AppState, user_id: &str) -> ApiResult<()> {
    if let Some(open) = store::account_recoveries::open_for_user(&state.db, user_id).await? {
        cancel(state, &open, RecoveryEnd::SecondFactor).await?;
    }
    Ok(())
}

/// The owner chose a new password (a change, a reset): whoever opened a recovery
/// with the old one cannot finish it.
pub async fn cancel_by_password_change(state: &AppState, user_id: &str) -> ApiResult<()> {
    if let Some(open) = store::account_recoveries::open_for_user(&state.db, user_id).await? {
        cancel(state, &open, RecoveryEnd::PasswordChanged).await?;
    }
    Ok(())
}

/// An administrator cancels `user_id`'s open recovery (the dashboard logs who);
/// false when none was open.
pub async fn cancel_by_administrator(state: &AppState, user_id: &str) -> Result<bool, sqlx::Error> {
    match store::account_recoveries::open_for_user(&state.db, user_id).await? {
        Some(open) => cancel(state, &open, RecoveryEnd::Administrator).await,
        None => Ok(false),
    }
}

/// The open recovery a cancel link's `token` names, if any.
pub async fn by_cancel_token(
    state: &AppState,
    token: &str,
) -> Result<Option<RecoveryRow>, sqlx::Error> {
    store::account_recoveries::open_by_cancel_token(&state.db, &token_hash(token)).await
}

/// Someone with a cancel link cancels the recovery it names; false when it is no
/// longer open. The link can do nothing else.
pub async fn cancel_by_link(state: &AppState, token: &str) -> Result<bool, sqlx::Error> {
    match by_cancel_token(state, token).await? {
        Some(open) => cancel(state, &open, RecoveryEnd::CancelLink).await,
        None => Ok(false),
    }
}

async fn cancel(
    state: &AppState,
    open: &RecoveryRow,
    by: RecoveryEnd,
) -> Result<bool, sqlx::Error> {
    end(state, open, CANCELLED, by).await
}

/// Ends `open` with `status`, tells every address and logs it; false when it was no
/// longer open.
async fn end(
    state: &AppState,
    open: &RecoveryRow,
    status: &str,
    by: RecoveryEnd,
) -> Result<bool, sqlx::Error> {
    if !store::account_recoveries::end(&state.db, &open.id, status, by.name()).await? {
        return Ok(false);
    }
    notices::notify_everywhere(state, &open.user_id, Notice::RecoveryEnded(by)).await;
    let detail = format!("{status}: {}", by.name());
    log(
        state,
        None,
        &format!("account-recovery-{status}"),
        &open.user_id,
        &detail,
    )
    .await;
    Ok(true)
}

/// Writes one step to the administrators' log; a failure is logged, never undoes it.
async fn log(state: &AppState, ip: Option<&str>, action: &str, user_id: &str, detail: &str) {
    let entry = Entry {
        admin: ACTOR,
        ip: ip.unwrap_or(""),
        action,
        target: user_id,
        detail,
    };
    if let Err(e) = store::admin_audit::record(&state.db, entry).await {
        tracing::warn!(error = %e, user = user_id, action, "account recovery not logged");
    }
}
