//! `/v1/client/sessions/{id}/verify`: the step-up a sensitive change asks for
//! (see [`crate::flows::reverification`]). The first factor (a password or a code
//! to a verified email or phone, or a passkey, which is both), then the second when
//! the user has one; each right
//! answer stamps the session, each wrong one counts toward the account lockout.

use axum::{
    extract::{Path, State},
    Json,
};
use fapi_types::{params, Envelope, SessionVerification, SessionVerificationLevel, Strategy};

use super::{envelope, sessions::own_session};
use crate::{
    error::{ApiError, ApiResult},
    factors,
    flows::{self, codes::Link, form_required, lockout::Source},
    http::{Form, Identity},
    ids::now_ms,
    limits::Bucket,
    render,
    state::AppState,
    store::{
        self, passkey_challenges::Purpose, session_verifications::SessionVerificationRow,
        sessions::SessionRow, users::UserRow,
    },
};

const NEEDS_FIRST: &str = "needs_first_factor";
const NEEDS_SECOND: &str = "needs_second_factor";
const COMPLETE: &str = "complete";

/// This client's signed-in session and its user (not locked).
async fn signed_in(
    state: &AppState,
    identity: &Identity,
    id: &str,
) -> ApiResult<(SessionRow, UserRow)> {
    let session = own_session(state, identity, id).await?;
    if !session.is_live(now_ms()) {
        return Err(ApiError::signed_out());
    }
    let user = store::users::get(&state.db, &session.user_id)
        .await?
        .ok_or_else(ApiError::signed_out)?;
    // The owner's live session: a lock others ran up for new devices does not stop
    // it, only one on this session's own client (or an administrator's).
    flows::lockout::ensure_unlocked(state, &user, &Source::session(&session)).await?;
    Ok((session, user))
}

/// The session's reverification in progress, which must be at `status`.
async fn in_progress(
    state: &AppState,
    session: &SessionRow,
    status: &str,
    action: &str,
) -> ApiResult<SessionVerificationRow> {
    store::session_verifications::current(&state.db, &session.id)
        .await?
        .filter(|r| r.status == status)
        .ok_or_else(|| ApiError::client_state_invalid(action))
}

async fn respond(
    state: &AppState,
    identity: &Identity,
    id: &str,
) -> ApiResult<Json<Envelope<SessionVerification>>> {
    let row = store::session_verifications::get(&state.db, id)
        .await?
        .ok_or_else(ApiError::internal)?;
    let json = render::session_verification(state, &row).await?;
    envelope(state, identity, json).await
}

async fn has_second_factor(state: &AppState, user: &UserRow) -> ApiResult<bool> {
    let idents = store::identifications::list_for_user(&state.db, &user.id).await?;
    let devices = factors::Devices::of(&state.db, &user.id).await?;
    Ok(factors::two_factor_enabled(
        &state.settings(),
        &idents,
        devices,
    ))
}

/// A passkey challenge for the reverification's `first` or second stage (the
/// user's own passkeys only).
async fn prepare_passkey(
    state: &AppState,
    user: &UserRow,
    row: &SessionVerificationRow,
    first: bool,
) -> ApiResult<()> {
    if !factors::Devices::of(&state.db, &user.id).await?.passkeys {
        return Err(ApiError::strategy_for_user_invalid());
    }
    let verification = crate::ids::new_id("ver");
    let nonce = flows::passkeys::start_authentication(
        state,
        Purpose::Reverification,
        &verification,
        Some(&user.id),
    )
    .await?;
    let expire_at = now_ms() + flows::passkeys::challenge_lifetime_ms();
    store::verifications::create_passkey(&state.db, &verification, &nonce, expire_at).await?;
    store::session_verifications::set_verification(&state.db, &row.id, first, &verification)
        .await?;
    Ok(())
}

/// The passkey's answer at either stage. A passkey is both factors (possession and
/// the device's biometric or PIN): whatever the level, the reverification completes.
async fn attempt_passkey(
    state: &AppState,
    session: &SessionRow,
    user: &UserRow,
    row: &SessionVerificationRow,
    first: bool,
    answer: &str,
) -> ApiResult<()> {
    let (prepared, from) = if first {
        (row.first_factor_verification_id.as_deref(), NEEDS_FIRST)
    } else {
        (row.second_factor_verification_id.as_deref(), NEEDS_SECOND)
    };
    flows::passkeys::answer_challenge(
        state,
        Purpose::Reverification,
        prepared,
        answer,
        flows::passkeys::Answerer::Session(session),
        Some(&user.id),
    )
    .await?;
    if !store::session_verifications::complete_with_passkey(&state.db, row, from, COMPLETE).await? {
        return Err(ApiError::verification_already_verified());
    }
    flows::lockout::clear(state, &user.id, &Source::session(session)).await?;
    Ok(())
}

/// `POST /v1/client/sessions/{id}/verify`.
pub async fn start(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<String>,
    Form(p): Form<params::StartSessionVerification>,
) -> ApiResult<Json<Envelope<SessionVerification>>> {
    let (session, user) = signed_in(&state, &identity, &id).await?;
    let level =
        flows::reverification::effective_level(p.level, has_second_factor(&state, &user).await?);
    // `second_factor` asks for the second factor alone.
    let status = if level == SessionVerificationLevel::SecondFactor {
        NEEDS_SECOND
    } else {
        NEEDS_FIRST
    };
    let row = store::session_verifications::create(&state.db, &session.id, level.as_str(), status)
        .await?;
    respond(&state, &identity, &row).await
}

/// `POST .../verify/prepare_first_factor`: a code to one of the user's verified
/// emails or phones (the primary one of that kind unless an id is given).
pub async fn prepare_first_factor(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<String>,
    Form(p): Form<params::PrepareSessionFirstFactor>,
) -> ApiResult<Json<Envelope<SessionVerification>>> {
    state.limits.check(Bucket::Prepare, identity.ip()).await?;
    let (session, user) = signed_in(&state, &identity, &id).await?;
    let row = in_progress(&state, &session, NEEDS_FIRST, "prepare_first_factor").await?;
    if p.strategy == Strategy::Passkey {
        prepare_passkey(&state, &user, &row, true).await?;
        return respond(&state, &identity, &row.id).await;
    }
    if !matches!(p.strategy, Strategy::EmailCode | Strategy::PhoneCode) {
        return Err(ApiError::verification_strategy_invalid());
    }
    let idents = store::identifications::list_for_user(&state.db, &user.id).await?;
    let devices = factors::Devices::of(&state.db, &user.id).await?;
    let offered = factors::first_factors(&state.settings(), &user, &idents, devices);
    let target = p
        .email_address_id
        .as_deref()
        .or(p.phone_number_id.as_deref());
    let factor = offered
        .iter()
        .filter(|f| f.strategy == p.strategy)
        .find(|f| match target {
            Some(t) => {
                f.email_address_id.as_deref() == Some(t) || f.phone_number_id.as_deref() == Some(t)
            }
            None => true,
        })
        .ok_or_else(ApiError::strategy_for_user_invalid)?;
    let ident_id = factor
        .email_address_id
        .as_deref()
        .or(factor.phone_number_id.as_deref())
        .ok_or_else(ApiError::internal)?;
    let ident = idents
        .iter()
        .find(|i| i.id == ident_id)
        .ok_or_else(ApiError::internal)?;
    flows::codes::send(
        &state,
        &row.id,
        p.strategy.as_str(),
        &ident.value,
        Link::Reverification {
            id: &row.id,
            first: true,
        },
        flows::codes::Requester {
            ip: identity.ip(),
            account: Some(&user.id),
            owner: true,
        },
    )
    .await?;
    respond(&state, &identity, &row.id).await
}

/// `POST .../verify/attempt_first_factor`: the password, or the code just sent.
pub async fn attempt_first_factor(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<String>,
    Form(p): Form<params::AttemptSessionFirstFactor>,
) -> ApiResult<Json<Envelope<SessionVerification>>> {
    state
        .limits
        .check(Bucket::Reverification, identity.ip())
        .await?;
    let (session, user) = signed_in(&state, &identity, &id).await?;
    let row = in_progress(&state, &session, NEEDS_FIRST, "attempt_first_factor").await?;
    // Only `multi_factor` goes on to the second factor (the level was brought down to
    // the first for a user without one when it started).
    let second = row.level == SessionVerificationLevel::MultiFactor.as_str();
    if p.strategy == Strategy::Passkey {
        if p.code.is_some() || p.password.is_some() {
            return Err(ApiError::param_unknown(if p.code.is_some() {
                "code"
            } else {
                "password"
            }));
        }
        let answer = form_required(&p.public_key_credential, "public_key_credential")?;
        attempt_passkey(&state, &session, &user, &row, true, answer).await?;
        return respond(&state, &identity, &row.id).await;
    }
    match p.strategy {
        Strategy::Password => {
            if p.code.is_some() {
                return Err(ApiError::param_unknown("code"));
            }
            let password = flows::required_secret(&p.password, "password")?;
            flows::passwords::check(
                &state,
                Some(&user),
                None,
                &Source::session(&session),
                password,
                ApiError::password_incorrect,
                !second,
            )
            .await?;
            let verified = store::verifications::create_verified(&state.db, "password").await?;
            store::session_verifications::set_verification(&state.db, &row.id, true, &verified)
                .await?;
        }
        Strategy::EmailCode | Strategy::PhoneCode => {
            if p.password.is_some() {
                return Err(ApiError::param_unknown("password"));
            }
            let code = form_required(&p.code, "code")?;
            let prepared = match &row.first_factor_verification_id {
                Some(v) => store::verifications::get(&state.db, v).await?,
                None => None,
            };
            if prepared.as_ref().map(|v| v.strategy.as_str()) != Some(p.strategy.as_str()) {
                return Err(ApiError::verification_missing());
            }
            flows::codes::check(
                &state,
                row.first_factor_verification_id.as_deref(),
                code,
                flows::codes::Guard::Account(&user, &Source::session(&session)),
            )
            .await?;
        }
        ref other => return Err(ApiError::param_value_invalid("strategy", other.as_str())),
    }
    let next = if second { NEEDS_SECOND } else { COMPLETE };
    if !store::session_verifications::advance(&state.db, &row, NEEDS_FIRST, next, true).await? {
        return Err(ApiError::verification_already_verified());
    }
    if !second {
        flows::lockout::clear(&state, &user.id, &Source::session(&session)).await?;
    }
    respond(&state, &identity, &row.id).await
}

/// `POST .../verify/prepare_second_factor`: a code to a second-factor phone (the
/// default one unless an id is given) or email address, never the one the first
/// factor used.
pub async fn prepare_second_factor(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<String>,
    Form(p): Form<params::PrepareSessionSecondFactor>,
) -> ApiResult<Json<Envelope<SessionVerification>>> {
    state.limits.check(Bucket::Prepare, identity.ip()).await?;
    let (session, user) = signed_in(&state, &identity, &id).await?;
    let row = in_progress(&state, &session, NEEDS_SECOND, "prepare_second_factor").await?;
    if p.strategy == Strategy::Passkey {
        prepare_passkey(&state, &user, &row, false).await?;
        return respond(&state, &identity, &row.id).await;
    }
    if !matches!(p.strategy, Strategy::PhoneCode | Strategy::EmailCode) {
        return Err(ApiError::verification_strategy_invalid());
    }
    let rendered = render::session_verification(&state, &row).await?;
    let offered = rendered.supported_second_factors.unwrap_or_default();
    let idents = store::identifications::list_for_user(&state.db, &user.id).await?;
    flows::second_factor_codes::send(
        &state,
        &row.id,
        &offered,
        flows::second_factor_codes::Wanted {
            strategy: &p.strategy,
            email_address_id: p.email_address_id.as_deref(),
            phone_number_id: p.phone_number_id.as_deref(),
        },
        &idents,
        Link::Reverification {
            id: &row.id,
            first: false,
        },
        flows::codes::Requester {
            ip: identity.ip(),
            account: Some(&user.id),
            owner: true,
        },
    )
    .await?;
    respond(&state, &identity, &row.id).await
}

/// `POST .../verify/attempt_second_factor`: the code; the reverification completes.
pub async fn attempt_second_factor(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<String>,
    Form(p): Form<params::AttemptSessionSecondFactor>,
) -> ApiResult<Json<Envelope<SessionVerification>>> {
    state
        .limits
        .check(Bucket::Reverification, identity.ip())
        .await?;
    let (session, user) = signed_in(&state, &identity, &id).await?;
    let row = in_progress(&state, &session, NEEDS_SECOND, "attempt_second_factor").await?;
    if p.strategy == Strategy::Passkey {
        if p.code.is_some() {
            return Err(ApiError::param_unknown("code"));
        }
        let answer = form_required(&p.public_key_credential, "public_key_credential")?;
        attempt_passkey(&state, &session, &user, &row, false, answer).await?;
        return respond(&state, &identity, &row.id).await;
    }
    if p.public_key_credential.is_some() {
        return Err(ApiError::param_unknown("public_key_credential"));
    }
    let code = form_required(&p.code, "code")?;
    match p.strategy {
        Strategy::PhoneCode | Strategy::EmailCode => {
            let sent = row.second_factor_verification_id.as_deref();
            if !store::verifications::prepared_for(&state.db, sent, p.strategy.as_str()).await? {
                return Err(ApiError::verification_missing());
            }
            flows::codes::check(
                &state,
                row.second_factor_verification_id.as_deref(),
                code,
                flows::codes::Guard::Account(&user, &Source::session(&session)),
            )
            .await?;
        }
        Strategy::Totp => {
            flows::totp::check(&state, &user, &Source::session(&session), code).await?
        }
        Strategy::BackupCode => {
            flows::backup_codes::check(&state, &user, &Source::session(&session), code).await?
        }
        ref other => return Err(ApiError::param_value_invalid("strategy", other.as_str())),
    }
    if !store::session_verifications::advance(&state.db, &row, NEEDS_SECOND, COMPLETE, false)
        .await?
    {
        return Err(ApiError::verification_already_verified());
    }
    flows::lockout::clear(&state, &user.id, &Source::session(&session)).await?;
    respond(&state, &identity, &row.id).await
}
