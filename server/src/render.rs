//! Database rows into the wire types of `fapi-types`.

use fapi_types as t;

use crate::{
    error::ApiResult,
    factors, flows,
    ids::now_ms,
    state::AppState,
    store::{
        self,
        identifications::{IdentificationRow, EMAIL, PHONE},
        session_verifications::SessionVerificationRow,
        sessions::SessionRow,
        sign_ins::SignInRow,
        sign_ups::SignUpRow,
        users::UserRow,
        verifications::VerificationRow,
    },
};

fn verification_object(strategy: &str) -> &'static str {
    match strategy {
        "password" => "verification_password",
        "totp" => "verification_totp",
        "backup_code" => "verification_backup_code",
        "passkey" => "verification_passkey",
        s if s.starts_with("oauth_") => "verification_oauth",
        s if s.starts_with("from_oauth_") => "verification_from_oauth",
        _ => "verification_otp",
    }
}

pub fn verification(row: &VerificationRow, now: i64) -> t::Verification {
    let status = match row.visible_status(now) {
        "verified" => t::VerificationStatus::Verified,
        "failed" => t::VerificationStatus::Failed,
        "expired" => t::VerificationStatus::Expired,
        "transferable" => t::VerificationStatus::Transferable,
        _ => t::VerificationStatus::Unverified,
    };
    t::Verification {
        object: Some(verification_object(&row.strategy).into()),
        status,
        strategy: t::Strategy::from(row.strategy.as_str()),
        attempts: Some(row.attempts as u32),
        expire_at: row.expire_at,
        error: row
            .error_code
            .as_deref()
            .map(flows::social::verification_error),
        channel: (row.strategy == "phone_code").then(|| "sms".into()),
        // The challenge only while it can be answered.
        nonce: row
            .nonce
            .clone()
            .filter(|_| status == t::VerificationStatus::Unverified),
        external_verification_redirect_url: row
            .external_url
            .clone()
            .filter(|_| status == t::VerificationStatus::Unverified),
    }
}

async fn verification_by_id(
    state: &AppState,
    id: Option<&str>,
) -> ApiResult<Option<VerificationRow>> {
    Ok(match id {
        Some(id) => store::verifications::get(&state.db, id).await?,
        None => None,
    })
}

fn image_url() -> String {
    String::new()
}

pub async fn user(state: &AppState, row: &UserRow) -> ApiResult<t::User> {
    let now = now_ms();
    let idents = store::identifications::list_for_user(&state.db, &row.id).await?;
    let devices = factors::Devices::of(&state.db, &row.id).await?;
    let backup_codes = store::backup_codes::remaining(&state.db, &row.id).await? > 0;
    let mut email_addresses = Vec::new();
    let mut phone_numbers = Vec::new();
    for i in &idents {
        let v = verification_by_id(state, i.verification_id.as_deref()).await?;
        let mut v = v.map(|v| verification(&v, now));
        if let (Some(v), true) = (v.as_mut(), i.verified()) {
            v.status = t::VerificationStatus::Verified;
        }
        if i.kind == EMAIL {
            email_addresses.push(email_address(i, v));
        } else if i.kind == PHONE {
            phone_numbers.push(phone_number(i, v, None));
        }
    }
    let lockout = row.locked_for(now);
    Ok(t::User {
        object: "user".into(),
        id: row.id.clone(),
        external_id: None,
        username: row.username.clone(),
        first_name: row.first_name.clone(),
        last_name: row.last_name.clone(),
        image_url: image_url(),
        has_image: false,
        primary_email_address_id: row.primary_email_address_id.clone(),
        primary_phone_number_id: row.primary_phone_number_id.clone(),
        primary_web3_wallet_id: None,
        password_enabled: row.password_hash.is_some(),
        two_factor_enabled: factors::two_factor_enabled(&state.settings(), &idents, devices),
        totp_enabled: devices.totp,
        backup_code_enabled: backup_codes,
        email_addresses,
        phone_numbers,
        web3_wallets: Vec::new(),
        passkeys: store::passkeys::list_verified(&state.db, &row.id)
            .await?
            .iter()
            .map(|p| passkey(p, None))
            .collect(),
        external_accounts: store::external_accounts::list_for_user(&state.db, &row.id)
            .await?
            .iter()
            .map(external_account)
            .collect(),
        public_metadata: serde_json::from_str(&row.public_metadata)
            .unwrap_or_else(|_| serde_json::json!({})),
        unsafe_metadata: serde_json::from_str(&row.unsafe_metadata)
            .unwrap_or_else(|_| serde_json::json!({})),
        last_sign_in_at: row.last_sign_in_at,
        password_last_updated_at: row.password_last_updated_at,
        mfa_enabled_at: row.mfa_enabled_at,
        mfa_disabled_at: row.mfa_disabled_at,
        banned: row.banned_at.is_some(),
        locked: lockout.is_some() && row.banned_at.is_none(),
        lockout_expires_in_seconds: lockout.filter(|_| !row.admin_locked()),
        verification_attempts_remaining: Some(
            (state.settings().lockout.account_max_attempts as i64 - row.failed_attempts).max(0),
        ),
        delete_self_enabled: state.settings().user.delete_self,
        locale: row.locale.clone(),
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// A user as the Backend API answers it: the browser's view, and the metadata only
/// the app's server reads.
pub async fn backend_user(state: &AppState, row: &UserRow) -> ApiResult<t::backend::User> {
    Ok(t::backend::User {
        user: user(state, row).await?,
        private_metadata: serde_json::from_str(&row.private_metadata)
            .unwrap_or_else(|_| serde_json::json!({})),
        timezone: row.timezone.clone(),
        last_active_at: None,
    })
}

/// A session as the Backend API answers it.
pub fn backend_session(row: &SessionRow, now: i64) -> t::backend::Session {
    t::backend::Session {
        object: "session".into(),
        id: row.id.clone(),
        client_id: row.client_id.clone(),
        user_id: row.user_id.clone(),
        status: session(row, None, now).status,
        last_active_at: row.last_active_at,
        expire_at: row.expire_at,
        abandon_at: row.abandon_at,
        last_active_organization_id: None,
        actor: None,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

pub fn email_address(i: &IdentificationRow, v: Option<t::Verification>) -> t::EmailAddress {
    t::EmailAddress {
        object: "email_address".into(),
        id: i.id.clone(),
        email_address: i.value.clone(),
        reserved: false,
        verification: v,
        linked_to: Vec::new(),
        reserved_for_second_factor: i.reserved_for_second_factor,
        backup_codes: None,
        created_at: i.created_at,
        updated_at: i.updated_at,
    }
}

pub fn phone_number(
    i: &IdentificationRow,
    v: Option<t::Verification>,
    backup_codes: Option<Vec<String>>,
) -> t::PhoneNumber {
    t::PhoneNumber {
        object: "phone_number".into(),
        id: i.id.clone(),
        phone_number: i.value.clone(),
        reserved: false,
        verification: v,
        linked_to: Vec::new(),
        reserved_for_second_factor: i.reserved_for_second_factor,
        default_second_factor: i.default_second_factor && i.reserved_for_second_factor,
        backup_codes,
        created_at: i.created_at,
        updated_at: i.updated_at,
    }
}

/// An email or phone with its current verification.
pub async fn identification(
    state: &AppState,
    i: &IdentificationRow,
) -> ApiResult<serde_json::Value> {
    let now = now_ms();
    let v = verification_by_id(state, i.verification_id.as_deref())
        .await?
        .map(|v| verification(&v, now));
    Ok(if i.kind == EMAIL {
        serde_json::to_value(email_address(i, v))
    } else {
        serde_json::to_value(phone_number(i, v, None))
    }
    .expect("serialisable"))
}

fn identifier_of(user: &t::User) -> String {
    user.primary_email_address()
        .map(|e| e.email_address.clone())
        .or_else(|| {
            let id = user.primary_phone_number_id.as_deref()?;
            user.phone_numbers
                .iter()
                .find(|p| p.id == id)
                .map(|p| p.phone_number.clone())
        })
        .or_else(|| user.username.clone())
        .unwrap_or_default()
}

/// A session as the client sees it; `user` is only read (and only needed) while the
/// session is live.
pub fn session(row: &SessionRow, user: Option<&t::User>, now: i64) -> t::Session {
    let status = match row.visible_status(now) {
        "active" => t::SessionStatus::Active,
        "pending" => t::SessionStatus::Pending,
        "ended" => t::SessionStatus::Ended,
        "removed" => t::SessionStatus::Removed,
        "revoked" => t::SessionStatus::Revoked,
        _ => t::SessionStatus::Expired,
    };
    let minutes = |at: Option<i64>| at.map_or(-1, |at| (now - at).max(0) / 60_000);
    // A session that is over says nothing about whose it was: a shared computer's
    // next user sees no name, address or profile in the client.
    let user = user.filter(|_| row.is_live(now));
    let public_user_data = if let Some(user) = user {
        t::PublicUserData {
            first_name: user.first_name.clone(),
            last_name: user.last_name.clone(),
            image_url: user.image_url.clone(),
            has_image: user.has_image,
            identifier: identifier_of(user),
            user_id: Some(user.id.clone()),
            username: user.username.clone(),
        }
    } else {
        t::PublicUserData {
            first_name: None,
            last_name: None,
            image_url: String::new(),
            has_image: false,
            identifier: String::new(),
            user_id: None,
            username: None,
        }
    };
    t::Session {
        object: "session".into(),
        id: row.id.clone(),
        status,
        expire_at: row.expire_at,
        abandon_at: row.abandon_at,
        last_active_at: row.last_active_at,
        last_active_token: None,
        last_active_organization_id: None,
        actor: None,
        tasks: row.pending_task().map(|task| {
            vec![t::SessionTask {
                key: task.to_owned(),
            }]
        }),
        public_user_data: Some(public_user_data),
        user: user.cloned(),
        factor_verification_age: Some([
            minutes(Some(row.first_factor_at)),
            minutes(row.second_factor_at),
        ]),
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

pub async fn session_by_row(state: &AppState, row: &SessionRow) -> ApiResult<t::Session> {
    let now = now_ms();
    if !row.is_live(now) {
        return Ok(session(row, None, now));
    }
    let user_row = store::users::get(&state.db, &row.user_id)
        .await?
        .ok_or_else(crate::error::ApiError::internal)?;
    let user = user(state, &user_row).await?;
    Ok(session(row, Some(&user), now))
}

/// Backup codes come last among the second factors, while some are left and
/// another factor is on (they only ever stand in for one).
async fn with_backup_codes(
    state: &AppState,
    user_id: &str,
    factors: &mut Vec<t::SignInFactor>,
) -> ApiResult<()> {
    if !factors.is_empty() && store::backup_codes::remaining(&state.db, user_id).await? > 0 {
        factors.push(t::SignInFactor::bare(t::Strategy::BackupCode));
    }
    Ok(())
}

/// A step-up verification with the factors the user may use and its session (whose
/// `factor_verification_age` shows the result).
pub async fn session_verification(
    state: &AppState,
    row: &SessionVerificationRow,
) -> ApiResult<t::SessionVerification> {
    let now = now_ms();
    let session_row = store::sessions::get(&state.db, &row.session_id)
        .await?
        .ok_or_else(crate::error::ApiError::internal)?;
    let user_row = store::users::get(&state.db, &session_row.user_id)
        .await?
        .ok_or_else(crate::error::ApiError::internal)?;
    let idents = store::identifications::list_for_user(&state.db, &user_row.id).await?;
    let ff = verification_by_id(state, row.first_factor_verification_id.as_deref()).await?;
    let sf = verification_by_id(state, row.second_factor_verification_id.as_deref()).await?;
    let first_phone = ff
        .as_ref()
        .filter(|v| store::sign_ins::is_code_strategy(&v.strategy) && v.status == "verified")
        .and_then(|v| v.target.clone());
    let devices = factors::Devices::of(&state.db, &user_row.id).await?;
    let mut second =
        factors::second_factors_after(&state.settings(), &idents, first_phone.as_deref(), devices);
    with_backup_codes(state, &user_row.id, &mut second).await?;
    let rendered_user = user(state, &user_row).await?;
    Ok(t::SessionVerification {
        object: "session_reverification".into(),
        id: row.id.clone(),
        level: serde_json::from_value(serde_json::Value::String(row.level.clone()))
            .unwrap_or(t::SessionVerificationLevel::MultiFactor),
        status: serde_json::from_value(serde_json::Value::String(row.status.clone()))
            .unwrap_or(t::SessionVerificationStatus::Unknown),
        // "Verify it's you" proves a factor; a password reset is not one.
        supported_first_factors: Some(
            factors::first_factors(&state.settings(), &user_row, &idents, devices)
                .into_iter()
                .filter(|f| !f.strategy.is_password_reset())
                .collect(),
        ),
        supported_second_factors: (!second.is_empty()).then_some(second),
        first_factor_verification: ff.map(|v| verification(&v, now)),
        second_factor_verification: sf.map(|v| verification(&v, now)),
        session: session(&session_row, Some(&rendered_user), now),
    })
}

fn supported_identifiers(state: &AppState) -> Vec<String> {
    let ids = &state.settings().identifiers;
    let mut out = Vec::new();
    if ids.email_address.on() {
        out.push("email_address".into());
    }
    if ids.phone_number.on() {
        out.push("phone_number".into());
    }
    if ids.username.on() {
        out.push("username".into());
    }
    out
}

pub async fn sign_in(state: &AppState, row: &SignInRow) -> ApiResult<t::SignIn> {
    let now = now_ms();
    let user = match &row.user_id {
        Some(id) => store::users::get(&state.db, id).await?,
        None => None,
    };
    // Enumeration protection: known and unknown identifiers look alike until a
    // first factor has been passed.
    let protected = state.settings().enumeration_protection && row.status == "needs_first_factor";
    let (first, second, user_data) = match (&user, &row.identifier) {
        (_, Some(identifier)) if protected => {
            let idents = match &user {
                Some(u) => store::identifications::list_for_user(&state.db, &u.id).await?,
                None => Vec::new(),
            };
            let id = factors::protected_identifier_id(&state.codes, identifier, &idents);
            (
                factors::protected_first_factors(identifier, &id),
                None,
                None,
            )
        }
        (Some(u), _) => {
            let idents = store::identifications::list_for_user(&state.db, &u.id).await?;
            let devices = factors::Devices::of(&state.db, &u.id).await?;
            let second = if row.status == "needs_second_factor" {
                let first = store::sign_ins::first_factor_target(&state.db, row).await?;
                let mut second = factors::second_factors_after(
                    &state.settings(),
                    &idents,
                    first.as_deref(),
                    devices,
                );
                with_backup_codes(state, &u.id, &mut second).await?;
                Some(second)
            } else if row.status == "needs_client_trust" {
                Some(factors::client_trust_factors(u, &idents))
            } else {
                None
            };
            (
                factors::first_factors(&state.settings(), u, &idents, devices),
                second,
                Some(t::SignInUserData {
                    first_name: u.first_name.clone(),
                    last_name: u.last_name.clone(),
                    image_url: image_url(),
                    has_image: false,
                }),
            )
        }
        (None, Some(_)) => (
            vec![t::SignInFactor::bare(t::Strategy::Password)],
            None,
            None,
        ),
        (None, None) => (Vec::new(), None, None),
    };
    let ff = verification_by_id(state, row.first_factor_verification_id.as_deref()).await?;
    let sf = verification_by_id(state, row.second_factor_verification_id.as_deref()).await?;
    let account_recovery = match &user {
        Some(u) if row.status == "needs_second_factor" => account_recovery(state, row, u).await?,
        _ => None,
    };
    Ok(t::SignIn {
        object: "sign_in_attempt".into(),
        id: row.id.clone(),
        status: serde_json::from_value(serde_json::Value::String(row.status.clone()))
            .unwrap_or(t::SignInStatus::Unknown),
        supported_identifiers: supported_identifiers(state),
        supported_first_factors: Some(first),
        supported_second_factors: second,
        first_factor_verification: ff.map(|v| verification(&v, now)),
        second_factor_verification: sf.map(|v| verification(&v, now)),
        identifier: row.identifier.clone(),
        user_data,
        created_session_id: row.created_session_id.clone(),
        abandon_at: row.abandon_at,
        client_trust_state: (row.status == "needs_client_trust").then(|| "new".into()),
        account_recovery,
    })
}

/// "I lost access to my second factor", when this sign-in may offer it.
async fn account_recovery(
    state: &AppState,
    row: &SignInRow,
    user: &UserRow,
) -> ApiResult<Option<t::AccountRecovery>> {
    let Some(offer) = flows::account_recovery::offer(state, row, user).await? else {
        return Ok(None);
    };
    let status = match &offer.open {
        None => t::AccountRecoveryStatus::Available,
        Some(_) if offer.ready(row, now_ms()).is_some() => t::AccountRecoveryStatus::Ready,
        Some(_) => t::AccountRecoveryStatus::Pending,
    };
    Ok(Some(t::AccountRecovery {
        status,
        safe_identifier: factors::mask_email(&offer.email.value),
        email_address_id: offer.email.id.clone(),
        wait_seconds: state.settings().mfa.recovery_wait_seconds,
        completes_at: offer.open.map(|r| r.completes_at),
    }))
}

/// The fields a sign-up asks for, from the instance settings.
pub fn sign_up_fields(state: &AppState) -> (Vec<String>, Vec<String>) {
    use crate::config::Requirement::*;
    let ids = &state.settings().identifiers;
    let mut required = Vec::new();
    let mut optional = Vec::new();
    for (name, req) in [
        ("email_address", ids.email_address),
        ("phone_number", ids.phone_number),
        ("username", ids.username),
        ("first_name", ids.first_name),
        ("last_name", ids.last_name),
    ] {
        match req {
            Required => required.push(name.to_owned()),
            Optional => optional.push(name.to_owned()),
            Off => {}
        }
    }
    required.push("password".into());
    (required, optional)
}

fn sign_up_verification(
    v: Option<&VerificationRow>,
    strategy: &str,
    now: i64,
) -> t::SignUpVerification {
    match v {
        Some(v) => {
            let rendered = verification(v, now);
            let next_action = match rendered.status {
                t::VerificationStatus::Verified => t::NextAction::None,
                t::VerificationStatus::Unverified => t::NextAction::NeedsAttempt,
                _ => t::NextAction::NeedsPrepare,
            };
            t::SignUpVerification {
                verification: rendered,
                next_action,
                supported_strategies: vec![strategy.into()],
            }
        }
        None => t::SignUpVerification {
            verification: t::Verification {
                object: Some("verification_otp".into()),
                status: t::VerificationStatus::Unverified,
                strategy: t::Strategy::from(strategy),
                attempts: None,
                expire_at: None,
                error: None,
                channel: None,
                nonce: None,
                external_verification_redirect_url: None,
            },
            next_action: t::NextAction::NeedsPrepare,
            supported_strategies: vec![strategy.into()],
        },
    }
}

pub async fn sign_up(state: &AppState, row: &SignUpRow) -> ApiResult<t::SignUp> {
    let now = now_ms();
    let (required_fields, optional_fields) = sign_up_fields(state);
    // A verification counts only for the exact address or number its code went to.
    let bound = |v: Option<VerificationRow>, to: &Option<String>| {
        v.filter(|v| v.target.is_some() && v.target == *to)
    };
    let email_v = bound(
        verification_by_id(state, row.email_verification_id.as_deref()).await?,
        &row.email_address,
    );
    let phone_v = bound(
        verification_by_id(state, row.phone_verification_id.as_deref()).await?,
        &row.phone_number,
    );
    let external_v = verification_by_id(state, row.external_verification_id.as_deref()).await?;
    let given = |f: &str| match f {
        "email_address" => row.email_address.is_some(),
        "phone_number" => row.phone_number.is_some(),
        "username" => row.username.is_some(),
        "first_name" => row.first_name.is_some(),
        "last_name" => row.last_name.is_some(),
        // A provider's account signs this person in: no password needed.
        "password" => row.password_hash.is_some() || external_v.is_some(),
        _ => false,
    };
    let missing_fields = required_fields
        .iter()
        .filter(|f| !given(f))
        .cloned()
        .collect();
    let mut unverified_fields = Vec::new();
    let email_ok = email_v.as_ref().is_some_and(|v| v.status == "verified");
    let phone_ok = phone_v.as_ref().is_some_and(|v| v.status == "verified");
    if row.email_address.is_some() && !email_ok {
        unverified_fields.push("email_address".into());
    }
    if row.phone_number.is_some() && !phone_ok {
        unverified_fields.push("phone_number".into());
    }
    Ok(t::SignUp {
        object: "sign_up_attempt".into(),
        id: row.id.clone(),
        status: match row.status.as_str() {
            "complete" => t::SignUpStatus::Complete,
            "abandoned" => t::SignUpStatus::Abandoned,
            _ => t::SignUpStatus::MissingRequirements,
        },
        required_fields,
        optional_fields,
        missing_fields,
        unverified_fields,
        verifications: t::SignUpVerifications {
            email_address: row
                .email_address
                .as_ref()
                .map(|_| sign_up_verification(email_v.as_ref(), "email_code", now)),
            phone_number: row
                .phone_number
                .as_ref()
                .map(|_| sign_up_verification(phone_v.as_ref(), "phone_code", now)),
            web3_wallet: None,
            external_account: external_v
                .as_ref()
                .map(|v| sign_up_verification(Some(v), &v.strategy, now)),
        },
        username: row.username.clone(),
        email_address: row.email_address.clone(),
        phone_number: row.phone_number.clone(),
        first_name: row.first_name.clone(),
        last_name: row.last_name.clone(),
        password_enabled: row.password_hash.is_some(),
        has_password: row.password_hash.is_some(),
        unsafe_metadata: serde_json::from_str(&row.unsafe_metadata)
            .unwrap_or_else(|_| serde_json::json!({})),
        created_session_id: row.created_session_id.clone(),
        created_user_id: row.created_user_id.clone(),
        abandon_at: row.abandon_at,
        locale: row.locale.clone(),
    })
}

/// The whole client, as piggybacked on every response.
pub async fn client(state: &AppState, client_id: &str) -> ApiResult<Option<t::Client>> {
    client_knowing(state, client_id, None).await
}

/// [`client`], reusing a sign-in the caller has just rendered (a sign-in response
/// carries it twice: as the response and in the client).
pub async fn client_knowing(
    state: &AppState,
    client_id: &str,
    known: Option<&t::SignIn>,
) -> ApiResult<Option<t::Client>> {
    let Some(row) = store::clients::get(&state.db, client_id).await? else {
        return Ok(None);
    };
    // Each user is rendered once, however many of the client's sessions are theirs;
    // sessions that are over carry no user at all.
    let now = now_ms();
    let mut users: Vec<t::User> = Vec::new();
    let mut sessions = Vec::new();
    for s in store::sessions::list_for_client(&state.db, client_id).await? {
        if !s.is_live(now) {
            sessions.push(session(&s, None, now));
            continue;
        }
        if !users.iter().any(|u| u.id == s.user_id) {
            let row = store::users::get(&state.db, &s.user_id)
                .await?
                .ok_or_else(crate::error::ApiError::internal)?;
            users.push(user(state, &row).await?);
        }
        let owner = users.iter().find(|u| u.id == s.user_id);
        sessions.push(session(&s, owner, now));
    }
    let sign_in = match &row.sign_in_id {
        Some(id) if known.is_some_and(|k| &k.id == id) => known.cloned(),
        Some(id) => match store::sign_ins::get(&state.db, id).await? {
            Some(si) => Some(sign_in(state, &si).await?),
            None => None,
        },
        None => None,
    };
    let sign_up = match &row.sign_up_id {
        Some(id) => match store::sign_ups::get(&state.db, id).await? {
            Some(su) => Some(sign_up(state, &su).await?),
            None => None,
        },
        None => None,
    };
    let last_active = row
        .last_active_session_id
        .filter(|id| sessions.iter().any(|s| &s.id == id && s.is_signed_in()));
    Ok(Some(t::Client {
        object: "client".into(),
        id: row.id,
        sessions,
        sign_in,
        sign_up,
        last_active_session_id: last_active,
        last_authentication_strategy: row.last_authentication_strategy,
        cookie_expires_at: Some(row.updated_at + 365 * 24 * 3600 * 1000),
        captcha_bypass: false,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }))
}

/// Clerk's passkey JSON; `nonce`: the creation options, while it waits for them.
/// A provider account joined to the user, as Clerk's `external_account`.
pub fn external_account(
    row: &crate::store::external_accounts::ExternalAccountRow,
) -> t::ExternalAccount {
    let verified = oauth_verification(&row.provider, t::VerificationStatus::Verified, None, None);
    t::ExternalAccount {
        identification_id: row.identification_id.clone(),
        provider_user_id: row.provider_user_id.clone(),
        approved_scopes: row.approved_scopes.clone(),
        email_address: row.email_address.clone(),
        first_name: row.first_name.clone(),
        last_name: row.last_name.clone(),
        created_at: Some(row.created_at),
        updated_at: Some(row.updated_at),
        ..account(&row.id, &row.provider, verified)
    }
}

/// What connecting a provider answers: an account not yet joined, whose
/// verification sends the browser to the provider (`url`) until `expire_at`.
pub fn connecting_account(
    id: &str,
    provider: &str,
    url: &str,
    expire_at: i64,
) -> t::ExternalAccount {
    let status = t::VerificationStatus::Unverified;
    account(
        id,
        provider,
        oauth_verification(provider, status, Some(url), Some(expire_at)),
    )
}

/// An external account with nothing known of the person yet.
fn account(id: &str, provider: &str, verification: t::Verification) -> t::ExternalAccount {
    t::ExternalAccount {
        object: "external_account".into(),
        id: id.to_owned(),
        provider: provider.to_owned(),
        identification_id: String::new(),
        provider_user_id: String::new(),
        approved_scopes: String::new(),
        email_address: String::new(),
        first_name: String::new(),
        last_name: String::new(),
        image_url: String::new(),
        username: None,
        phone_number: None,
        public_metadata: serde_json::json!({}),
        label: None,
        verification: Some(verification),
        created_at: None,
        updated_at: None,
    }
}

fn oauth_verification(
    provider: &str,
    status: t::VerificationStatus,
    url: Option<&str>,
    expire_at: Option<i64>,
) -> t::Verification {
    t::Verification {
        object: Some("verification_oauth".into()),
        status,
        strategy: t::Strategy::from(provider),
        attempts: None,
        expire_at,
        error: None,
        channel: None,
        nonce: None,
        external_verification_redirect_url: url.map(str::to_owned),
    }
}

pub fn passkey(row: &crate::store::passkeys::PasskeyRow, nonce: Option<String>) -> t::Passkey {
    t::Passkey {
        object: "passkey".into(),
        id: row.id.clone(),
        name: row.name.clone(),
        last_used_at: row.last_used_at,
        verification: Some(t::Verification {
            object: Some("verification_passkey".into()),
            status: if row.verified() {
                t::VerificationStatus::Verified
            } else {
                t::VerificationStatus::Unverified
            },
            strategy: t::Strategy::Passkey,
            attempts: None,
            expire_at: None,
            error: None,
            channel: None,
            nonce,
            external_verification_redirect_url: None,
        }),
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}
