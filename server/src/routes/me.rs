//! The signed-in user's own account: profile, password, email addresses, phone
//! numbers (and reserving one as the second factor), sessions, and deleting it.

use axum::{
    extract::{OriginalUri, Path, State},
    Json,
};
use fapi_types::{
    params, DeletedObject, Envelope, LatestActivity, Session, SessionWithActivity, User,
};
use serde_json::Value;

use super::envelope;
use crate::{
    error::{ApiError, ApiResult},
    factors,
    flows::{
        self,
        codes::Link,
        notices::{self, Notice},
    },
    http::{Form, Identity},
    ids::now_ms,
    limits::Bucket,
    render,
    state::AppState,
    store::{
        self,
        identifications::{IdentificationRow, EMAIL, PHONE},
        sessions::{SessionRow, RESET_PASSWORD},
        users::UserRow,
    },
};

/// The session acting on `/v1/me`: `_clerk_session_id` if given, else the client's
/// last active one. It must be this client's and signed in.
pub(super) async fn signed_in(
    state: &AppState,
    identity: &Identity,
) -> ApiResult<(SessionRow, UserRow)> {
    let client_id = identity
        .client_id()
        .ok_or_else(ApiError::authentication_invalid)?;
    let session_id = match identity.session_hint() {
        Some(s) => s.to_owned(),
        None => store::clients::get(&state.db, &client_id)
            .await?
            .and_then(|c| c.last_active_session_id)
            .ok_or_else(ApiError::authentication_invalid)?,
    };
    let session = store::sessions::get(&state.db, &session_id)
        .await?
        .filter(|s| s.client_id == client_id && s.is_live(now_ms()))
        .ok_or_else(ApiError::authentication_invalid)?;
    let user = store::users::get(&state.db, &session.user_id)
        .await?
        .ok_or_else(ApiError::authentication_invalid)?;
    Ok((session, user))
}

async fn user_json(state: &AppState, user_id: &str) -> ApiResult<User> {
    let row = store::users::get(&state.db, user_id)
        .await?
        .ok_or_else(ApiError::internal)?;
    render::user(state, &row).await
}

pub async fn get(
    State(state): State<AppState>,
    identity: Identity,
) -> ApiResult<Json<Envelope<User>>> {
    let (_, user) = signed_in(&state, &identity).await?;
    let user = render::user(&state, &user).await?;
    envelope(&state, &identity, user).await
}

pub async fn update(
    State(state): State<AppState>,
    identity: Identity,
    Form(p): Form<params::UpdateUser>,
) -> ApiResult<Json<Envelope<User>>> {
    let (session, user) = signed_in(&state, &identity).await?;
    flows::mfa_required::require_active(&session)?;
    let changes_primary = (p.primary_email_address_id.is_some()
        && p.primary_email_address_id != user.primary_email_address_id)
        || (p.primary_phone_number_id.is_some()
            && p.primary_phone_number_id != user.primary_phone_number_id);
    if changes_primary {
        flows::reverification::require_fresh(&state, &session).await?;
    }
    let idents = store::identifications::list_for_user(&state.db, &user.id).await?;
    let verified_of = |id: &Option<String>, kind: &str, param: &str| -> ApiResult<()> {
        match id {
            Some(id)
                if !idents
                    .iter()
                    .any(|i| &i.id == id && i.kind == kind && i.verified()) =>
            {
                Err(ApiError::param_value_invalid(param, id))
            }
            _ => Ok(()),
        }
    };
    verified_of(
        &p.primary_email_address_id,
        EMAIL,
        "primary_email_address_id",
    )?;
    verified_of(&p.primary_phone_number_id, PHONE, "primary_phone_number_id")?;
    let username = match &p.username {
        Some(raw) => {
            if !state.settings().identifiers.username.on() {
                return Err(ApiError::param_unknown("username"));
            }
            let name = flows::identifiers::username("username", raw)?;
            if user.username.as_deref() != Some(name.as_str())
                && store::users::username_taken(&state.db, &name).await?
            {
                return Err(ApiError::identifier_exists("username"));
            }
            Some(name)
        }
        None => None,
    };
    let old_primary = idents
        .iter()
        .find(|i| Some(&i.id) == user.primary_email_address_id.as_ref())
        .map(|i| i.value.clone());
    let new_primary = idents
        .iter()
        .find(|i| Some(&i.id) == p.primary_email_address_id.as_ref())
        .map(|i| i.value.clone());
    store::users::update_profile(
        &state.db,
        &user.id,
        store::users::ProfileChange {
            first_name: p
                .first_name
                .as_deref()
                .map(|n| flows::identifiers::name("first_name", n))
                .transpose()?,
            last_name: p
                .last_name
                .as_deref()
                .map(|n| flows::identifiers::name("last_name", n))
                .transpose()?,
            username: username.as_deref(),
            primary_email_address_id: p.primary_email_address_id.as_deref(),
            primary_phone_number_id: p.primary_phone_number_id.as_deref(),
        },
    )
    .await?;
    if let (Some(from), Some(to)) = (&old_primary, &new_primary) {
        if from != to {
            let notice = Notice::PrimaryEmailChanged { from, to };
            notices::notify(&state, &user.id, notice).await;
        }
    }
    let user = user_json(&state, &user.id).await?;
    envelope(&state, &identity, user).await
}

/// `DELETE /v1/me` (clerk-js `user.delete()`): the owner deletes the account, when
/// the instance allows it (`[user] delete_self`) and the session has verified
/// recently. Everything of the account goes in one transaction; its primary email
/// address, looked up first, is told once it is done. The answer is Clerk's
/// `{object: "user", id, deleted: true}` with the client, which no longer holds the
/// account's sessions.
pub async fn delete(
    State(state): State<AppState>,
    identity: Identity,
) -> ApiResult<Json<Envelope<DeletedObject>>> {
    let (session, user) = signed_in(&state, &identity).await?;
    flows::mfa_required::require_active(&session)?;
    if !state.settings().user.delete_self {
        return Err(ApiError::delete_self_not_enabled());
    }
    flows::reverification::require_fresh(&state, &session).await?;
    // The address goes with the account: find it before.
    let to = notices::addressees(&state, &user.id, &Notice::AccountDeleted).await;
    if !store::users::delete_account(&state.db, &user.id).await? {
        return Err(ApiError::authentication_invalid());
    }
    tracing::info!(user = %user.id, session = %session.id, "account deleted by its owner");
    notices::send(&state, &user.id, to, &Notice::AccountDeleted).await;
    let deleted = DeletedObject {
        object: "user".into(),
        id: Some(user.id),
        deleted: true,
    };
    envelope(&state, &identity, deleted).await
}

/// `PATCH /v1/me/metadata`: merges a patch into the user's `unsafe_metadata`
/// (RFC 7396). clerk-js sends every metadata change here, `user.update({
/// unsafeMetadata })` included (as the diff from the user it last loaded).
pub async fn update_metadata(
    State(state): State<AppState>,
    identity: Identity,
    Form(p): Form<params::UpdateUserMetadata>,
) -> ApiResult<Json<Envelope<User>>> {
    let (session, user) = signed_in(&state, &identity).await?;
    flows::mfa_required::require_active(&session)?;
    let patch = flows::metadata::parse_object(&p.unsafe_metadata)?;
    let found = store::users::change_unsafe_metadata(&state.db, &user.id, |stored| {
        flows::metadata::apply(stored, &patch)
    })
    .await?;
    if !found {
        return Err(ApiError::authentication_invalid());
    }
    let user = user_json(&state, &user.id).await?;
    envelope(&state, &identity, user).await
}

pub async fn change_password(
    State(state): State<AppState>,
    identity: Identity,
    Form(p): Form<params::ChangePassword>,
) -> ApiResult<Json<Envelope<User>>> {
    let (session, user) = signed_in(&state, &identity).await?;
    // A session waiting on the `reset-password` task is here to do just this.
    if session.pending_task() != Some(RESET_PASSWORD) {
        flows::mfa_required::require_active(&session)?;
    }
    // The fresh verification stands in for the current password (as in Clerk with
    // reverification on); one that is sent anyway must be right.
    flows::reverification::require_fresh(&state, &session).await?;
    if let (Some(_), Some(current)) = (&user.password_hash, &p.current_password) {
        flows::passwords::check(
            &state,
            Some(&user),
            None,
            &flows::lockout::Source::session(&session),
            current,
            ApiError::password_validation_failed,
            false,
        )
        .await?;
    }
    flows::passwords::set_new(&state, &user, "new_password", &p.new_password).await?;
    if p.sign_out_of_other_sessions == Some(true) {
        store::sessions::revoke_others(&state.db, &user.id, &session.id).await?;
    }
    notices::notify(&state, &user.id, Notice::PasswordChanged).await;
    let user = user_json(&state, &user.id).await?;
    envelope(&state, &identity, user).await
}

pub async fn active_sessions(
    State(state): State<AppState>,
    identity: Identity,
) -> ApiResult<Json<Vec<SessionWithActivity>>> {
    let (_, user) = signed_in(&state, &identity).await?;
    let rendered_user = render::user(&state, &user).await?;
    let now = now_ms();
    let sessions = store::sessions::list_active_for_user(&state.db, &user.id)
        .await?
        .into_iter()
        .map(|row| {
            let ua = row.user_agent.clone().unwrap_or_default();
            SessionWithActivity {
                latest_activity: Some(LatestActivity {
                    object: "session_activity".into(),
                    id: format!("sess_activity_{}", row.id),
                    device_type: None,
                    is_mobile: ua.contains("Mobile"),
                    browser_name: browser_name(&ua).map(str::to_owned),
                    browser_version: None,
                    ip_address: row.ip_address.clone(),
                    city: None,
                    country: None,
                }),
                session: render::session(&row, Some(&rendered_user), now),
            }
        })
        .collect();
    Ok(Json(sessions))
}

/// Enough to label a device in a list ("Chrome", "Firefox"); not a full UA parser.
fn browser_name(ua: &str) -> Option<&'static str> {
    [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| name)
}

pub async fn revoke_session(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<String>,
) -> ApiResult<Json<Envelope<Session>>> {
    let (session, user) = signed_in(&state, &identity).await?;
    flows::mfa_required::require_active(&session)?;
    let row = store::sessions::get(&state.db, &id)
        .await?
        .filter(|s| s.user_id == user.id)
        .ok_or_else(|| ApiError::not_found("session", &id))?;
    if row.id != session.id {
        flows::reverification::require_fresh(&state, &session).await?;
    }
    store::sessions::finish(&state.db, &row.id, "revoked").await?;
    // Signed out from the devices list: that device is asked the second factor again.
    store::remembered_devices::forget(&state.db, &row.client_id, &user.id).await?;
    let row = store::sessions::get(&state.db, &id)
        .await?
        .ok_or_else(ApiError::internal)?;
    let session = render::session_by_row(&state, &row).await?;
    envelope(&state, &identity, session).await
}

/// The kind an `/v1/me/{email_addresses|phone_numbers}/...` path is about.
fn kind_of(uri: &OriginalUri) -> &'static str {
    if uri.path().contains("/phone_numbers") {
        PHONE
    } else {
        EMAIL
    }
}

async fn own_identification(
    state: &AppState,
    user: &UserRow,
    kind: &str,
    id: &str,
) -> ApiResult<IdentificationRow> {
    store::identifications::get(&state.db, id)
        .await?
        .filter(|i| i.user_id == user.id && i.kind == kind)
        .ok_or_else(|| {
            ApiError::not_found(
                if kind == EMAIL {
                    "email address"
                } else {
                    "phone number"
                },
                id,
            )
        })
}

async fn identification_response(
    state: &AppState,
    identity: &Identity,
    id: &str,
) -> ApiResult<Json<Envelope<Value>>> {
    identification_response_with(state, identity, id, None).await
}

/// With the backup codes made by this change, to show once (a phone's answer
/// carries them when it turned two-step verification on, as in Clerk).
async fn identification_response_with(
    state: &AppState,
    identity: &Identity,
    id: &str,
    backup_codes: Option<Vec<String>>,
) -> ApiResult<Json<Envelope<Value>>> {
    let row = store::identifications::get(&state.db, id)
        .await?
        .ok_or_else(ApiError::internal)?;
    let mut json = render::identification(state, &row).await?;
    if let Some(codes) = backup_codes {
        json["backup_codes"] = serde_json::json!(codes);
    }
    envelope(state, identity, json).await
}

async fn add_identification(
    state: &AppState,
    user: &UserRow,
    kind: &str,
    value: String,
    reserved: bool,
) -> ApiResult<String> {
    let param = kind;
    if store::identifications::verified_exists(&state.db, kind, &value).await? {
        return Err(ApiError::identifier_exists(param));
    }
    let idents = store::identifications::list_for_user(&state.db, &user.id).await?;
    if idents.iter().any(|i| i.kind == kind && i.value == value) {
        return Err(ApiError::identifier_exists(param));
    }
    // Unverified contacts are free to add and each can be sent codes: a handful is
    // all anyone needs, and all an SMS pumper gets.
    store::identifications::create(&state.db, &user.id, kind, &value, reserved, MAX_UNVERIFIED)
        .await?
        .ok_or_else(ApiError::too_many_unverified_identifications)
}

/// Unverified email addresses and phone numbers one user may hold at once.
const MAX_UNVERIFIED: i64 = 3;

pub async fn create_email_address(
    State(state): State<AppState>,
    identity: Identity,
    Form(p): Form<params::CreateEmailAddress>,
) -> ApiResult<Json<Envelope<Value>>> {
    let (session, user) = signed_in(&state, &identity).await?;
    flows::mfa_required::require_active(&session)?;
    flows::reverification::require_fresh(&state, &session).await?;
    let email = flows::identifiers::email("email_address", &p.email_address)?;
    let id = add_identification(&state, &user, EMAIL, email, false).await?;
    identification_response(&state, &identity, &id).await
}

pub async fn create_phone_number(
    State(state): State<AppState>,
    identity: Identity,
    Form(p): Form<params::CreatePhoneNumber>,
) -> ApiResult<Json<Envelope<Value>>> {
    let (session, user) = signed_in(&state, &identity).await?;
    if !state.settings().identifiers.phone_number.on()
        && !state.settings().second_factors.phone_code
    {
        return Err(ApiError::param_unknown("phone_number"));
    }
    flows::reverification::require_fresh(&state, &session).await?;
    let phone = flows::identifiers::phone("phone_number", &p.phone_number)?;
    let reserved = p.reserved_for_second_factor.unwrap_or(false);
    let id = add_identification(&state, &user, PHONE, phone, reserved).await?;
    identification_response(&state, &identity, &id).await
}

pub async fn get_identification(
    State(state): State<AppState>,
    identity: Identity,
    uri: OriginalUri,
    Path(id): Path<String>,
) -> ApiResult<Json<Envelope<Value>>> {
    let (_, user) = signed_in(&state, &identity).await?;
    own_identification(&state, &user, kind_of(&uri), &id).await?;
    identification_response(&state, &identity, &id).await
}

pub async fn prepare_verification(
    State(state): State<AppState>,
    identity: Identity,
    uri: OriginalUri,
    Path(id): Path<String>,
    Form(p): Form<params::PrepareVerification>,
) -> ApiResult<Json<Envelope<Value>>> {
    state.limits.check(Bucket::Prepare, identity.ip()).await?;
    let (_, user) = signed_in(&state, &identity).await?;
    let kind = kind_of(&uri);
    let ident = own_identification(&state, &user, kind, &id).await?;
    let expected = if kind == EMAIL {
        "email_code"
    } else {
        "phone_code"
    };
    if p.strategy.as_str() != expected {
        return Err(ApiError::param_value_invalid(
            "strategy",
            p.strategy.as_str(),
        ));
    }
    if ident.verified() {
        return Err(ApiError::verification_already_verified());
    }
    flows::codes::send(
        &state,
        &ident.id,
        expected,
        &ident.value,
        Link::Identification(&ident.id),
        flows::codes::Requester {
            ip: identity.ip(),
            account: Some(&user.id),
            // A contact being added is not yet proven to be the user's.
            owner: false,
        },
    )
    .await?;
    identification_response(&state, &identity, &id).await
}

/// Verifying a phone that was reserved at creation turns two-step verification on.
pub async fn attempt_verification(
    State(state): State<AppState>,
    identity: Identity,
    uri: OriginalUri,
    Path(id): Path<String>,
    Form(p): Form<params::AttemptIdentificationVerification>,
) -> ApiResult<Json<Envelope<Value>>> {
    state
        .limits
        .check(Bucket::IdentificationVerification, identity.ip())
        .await?;
    let (session, user) = signed_in(&state, &identity).await?;
    let kind = kind_of(&uri);
    let ident = own_identification(&state, &user, kind, &id).await?;
    if ident.verified() {
        return Err(ApiError::verification_already_verified());
    }
    let before = second_factor_phones(&state, &user.id).await?;
    flows::codes::check(
        &state,
        ident.verification_id.as_deref(),
        &p.code,
        flows::codes::Guard::Target,
    )
    .await?;
    match store::identifications::mark_verified(&state.db, &ident.id).await {
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(ApiError::identifier_exists(kind));
        }
        other => other?,
    }
    let primary_missing = if kind == EMAIL {
        user.primary_email_address_id.is_none()
    } else {
        user.primary_phone_number_id.is_none()
    };
    if primary_missing {
        let change = store::users::ProfileChange {
            first_name: None,
            last_name: None,
            username: None,
            primary_email_address_id: (kind == EMAIL).then_some(ident.id.as_str()),
            primary_phone_number_id: (kind == PHONE).then_some(ident.id.as_str()),
        };
        store::users::update_profile(&state.db, &user.id, change).await?;
    }
    notices::notify(&state, &user.id, Notice::IdentificationAdded(&ident.value)).await;
    let codes = note_mfa_change(&state, &session, &before).await?;
    identification_response_with(&state, &identity, &id, codes).await
}

/// The account's second factors, as the owner's notices name them: the numbers and
/// addresses that get its codes, its authenticator app, and its passkeys.
pub(super) async fn second_factor_phones(
    state: &AppState,
    user_id: &str,
) -> ApiResult<Vec<String>> {
    let idents = store::identifications::list_for_user(&state.db, user_id).await?;
    let mut out = phones_of(&state.settings(), &idents);
    if store::totps::enabled(&state.db, user_id).await? {
        out.push(notices::AUTHENTICATOR_APP.to_owned());
    }
    if state.settings().passkeys.enabled {
        for passkey in store::passkeys::list_verified(&state.db, user_id).await? {
            out.push(notices::passkey_name(&passkey));
        }
    }
    Ok(out)
}

fn phones_of(settings: &crate::config::Settings, idents: &[IdentificationRow]) -> Vec<String> {
    let factors = factors::second_factors(settings, idents, factors::Devices::default());
    idents
        .iter()
        .filter(|i| {
            factors.iter().any(|f| {
                f.phone_number_id.as_ref() == Some(&i.id)
                    || f.email_address_id.as_ref() == Some(&i.id)
            })
        })
        .map(|i| i.value.clone())
        .collect()
}

/// Records when two-step verification turned on or off, and tells the owner when
/// its second factors changed. The session that turns it on has just proved the
/// factor, so that counts as its second factor. Turning it on makes the backup
/// codes (when the instance offers them), returned to show once; turning it off
/// voids them.
pub(super) async fn note_mfa_change(
    state: &AppState,
    session: &SessionRow,
    before: &[String],
) -> ApiResult<Option<Vec<String>>> {
    let mut new_codes = None;
    let user_id = session.user_id.as_str();
    store::identifications::ensure_default_second_factor(&state.db, user_id).await?;
    let after = second_factor_phones(state, user_id).await?;
    if before.is_empty() != after.is_empty() {
        if before.is_empty() {
            store::sessions::mark_second_factor(&state.db, &session.id).await?;
            if state.settings().second_factors.backup_code {
                new_codes = Some(flows::backup_codes::regenerate(state, user_id).await?);
            }
        } else {
            store::backup_codes::delete_all(&state.db, user_id).await?;
        }
        store::users::mark_mfa(&state.db, user_id, !after.is_empty()).await?;
        tracing::info!(
            user = user_id,
            enabled = !after.is_empty(),
            "two-step verification changed"
        );
    }
    let mut sorted_before = before.to_vec();
    let mut sorted_after = after.clone();
    sorted_before.sort();
    sorted_after.sort();
    if sorted_before != sorted_after {
        // A device remembered under the old second factors is asked again.
        flows::remembered_devices::forget_all(state, user_id).await?;
        let notice = Notice::SecondFactorsChanged {
            before,
            after: &after,
        };
        notices::notify(state, user_id, notice).await;
    }
    Ok(new_codes)
}

/// `PATCH /v1/me/phone_numbers/{id}` and `/v1/me/email_addresses/{id}`: reserve (or
/// release) a verified phone or email address for two-step verification, or make it
/// the default second factor.
pub async fn update_second_factor_use(
    State(state): State<AppState>,
    identity: Identity,
    uri: OriginalUri,
    Path(id): Path<String>,
    Form(p): Form<params::UpdatePhoneNumber>,
) -> ApiResult<Json<Envelope<Value>>> {
    let (session, user) = signed_in(&state, &identity).await?;
    let kind = kind_of(&uri);
    let ident = own_identification(&state, &user, kind, &id).await?;
    if !ident.verified() {
        return Err(ApiError::second_factor_unverified());
    }
    flows::reverification::require_fresh(&state, &session).await?;
    if p.default_second_factor == Some(false) {
        return Err(ApiError::default_second_factor_not_allowed());
    }
    let idents = store::identifications::list_for_user(&state.db, &user.id).await?;
    let before = second_factor_phones(&state, &user.id).await?;
    if p.reserved_for_second_factor == Some(false) && ident.reserved_for_second_factor {
        flows::mfa_required::keep_a_second_factor(
            flows::mfa_required::required_for(&state.settings(), &user),
            &before,
            &ident.value,
        )?;
    }
    if let Some(reserved) = p.reserved_for_second_factor {
        let (offered, strategy) = if kind == PHONE {
            (state.settings().second_factors.phone_code, "phone_code")
        } else {
            (state.settings().second_factors.email_code, "email_code")
        };
        if reserved && !offered {
            return Err(ApiError::no_second_factors(strategy));
        }
        let others_verified = idents
            .iter()
            .filter(|i| i.id != ident.id && i.verified())
            .count();
        // An email address stays the sign-in identifier it is; a phone needs another.
        if reserved && kind == PHONE && others_verified == 0 {
            return Err(ApiError::identification_update_failed());
        }
        store::identifications::set_reserved(&state.db, &ident.id, reserved).await?;
    }
    if p.default_second_factor == Some(true) {
        let reserved = p
            .reserved_for_second_factor
            .unwrap_or(ident.reserved_for_second_factor);
        if !reserved {
            return Err(ApiError::second_factor_unverified());
        }
        store::identifications::make_default_second_factor(&state.db, &user.id, &ident.id).await?;
    }
    let codes = note_mfa_change(&state, &session, &before).await?;
    identification_response_with(&state, &identity, &id, codes).await
}

pub async fn delete_identification(
    State(state): State<AppState>,
    identity: Identity,
    uri: OriginalUri,
    Path(id): Path<String>,
) -> ApiResult<Json<Envelope<DeletedObject>>> {
    let (session, user) = signed_in(&state, &identity).await?;
    flows::mfa_required::require_active(&session)?;
    let kind = kind_of(&uri);
    let ident = own_identification(&state, &user, kind, &id).await?;
    flows::reverification::require_fresh(&state, &session).await?;
    let idents = store::identifications::list_for_user(&state.db, &user.id).await?;
    let others_verified: Vec<&IdentificationRow> = idents
        .iter()
        // A phone reserved for two-step verification is no identifier to sign in with;
        // an email address reserved for it still is.
        .filter(|i| {
            i.id != ident.id && i.verified() && !(i.kind == PHONE && i.reserved_for_second_factor)
        })
        .collect();
    if ident.verified() && others_verified.is_empty() {
        return Err(ApiError::identification_deletion_failed());
    }
    let before = second_factor_phones(&state, &user.id).await?;
    if ident.reserved_for_second_factor {
        flows::mfa_required::keep_a_second_factor(
            flows::mfa_required::required_for(&state.settings(), &user),
            &before,
            &ident.value,
        )?;
    }
    store::identifications::delete(&state.db, &ident.id).await?;
    store::users::clear_primary(&state.db, &user.id, &ident.id).await?;
    if kind == EMAIL && user.primary_email_address_id.as_deref() == Some(ident.id.as_str()) {
        if let Some(next) = others_verified.iter().find(|i| i.kind == EMAIL) {
            let change = store::users::ProfileChange {
                first_name: None,
                last_name: None,
                username: None,
                primary_email_address_id: Some(&next.id),
                primary_phone_number_id: None,
            };
            store::users::update_profile(&state.db, &user.id, change).await?;
        }
    }
    if ident.verified() {
        notices::notify(
            &state,
            &user.id,
            Notice::IdentificationRemoved(&ident.value),
        )
        .await;
    }
    note_mfa_change(&state, &session, &before).await?;
    envelope(
        &state,
        &identity,
        DeletedObject {
            object: kind.into(),
            id: Some(ident.id),
            deleted: true,
        },
    )
    .await
}
