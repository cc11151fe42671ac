//! Sign-up: collect what the instance requires, verify the email (or phone) by code,
//! then create the account and its session in one transaction.

use axum::{
    extract::{Path, State},
    Json,
};
use fapi_types::{params, Envelope, SignUp, Strategy};

use super::{envelope, sign_ins::refuse_if_signed_in};
use crate::{
    config::Requirement,
    error::{ApiError, ApiResult},
    flows::{
        self,
        codes::Link,
        form_required,
        new_session::{new_session, Owner},
    },
    http::{Form, Identity},
    ids::now_ms,
    limits::Bucket,
    render,
    state::AppState,
    store::{
        self,
        identifications::{EMAIL, PHONE},
        sign_ups::SignUpRow,
    },
};

async fn respond(
    state: &AppState,
    identity: &Identity,
    id: &str,
) -> ApiResult<Json<Envelope<SignUp>>> {
    let row = store::sign_ups::get(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("sign up", id))?;
    let sign_up = render::sign_up(state, &row).await?;
    envelope(state, identity, sign_up).await
}

async fn own_sign_up(state: &AppState, identity: &Identity, id: &str) -> ApiResult<SignUpRow> {
    let client = identity.client_id();
    match store::sign_ups::get(&state.db, id).await? {
        Some(s)
            if Some(&s.client_id) == client.as_ref()
                && s.status != "abandoned"
                && s.abandon_at > now_ms() =>
        {
            Ok(s)
        }
        _ => Err(ApiError::not_found("sign up", id)),
    }
}

fn allowed(req: Requirement, name: &str, given: bool) -> ApiResult<()> {
    if given && req == Requirement::Off {
        Err(ApiError::param_unknown(name))
    } else {
        Ok(())
    }
}

fn non_empty(v: &str) -> Option<String> {
    Some(v).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// Validates the given fields and merges them into the row. Nothing is stored here.
async fn merge(state: &AppState, row: &mut SignUpRow, p: &params::CreateSignUp) -> ApiResult<()> {
    let ids = &state.settings().identifiers;
    allowed(
        ids.email_address,
        "email_address",
        p.email_address.is_some(),
    )?;
    allowed(ids.phone_number, "phone_number", p.phone_number.is_some())?;
    allowed(ids.username, "username", p.username.is_some())?;
    allowed(ids.first_name, "first_name", p.first_name.is_some())?;
    allowed(ids.last_name, "last_name", p.last_name.is_some())?;
    if let Some(s) = &p.strategy {
        // `password` is what Core 3's `signUp.password()` sends with the password.
        if !matches!(
            s,
            Strategy::EmailCode | Strategy::PhoneCode | Strategy::Password
        ) {
            return Err(ApiError::param_value_invalid("strategy", s.as_str()));
        }
    }
    if let Some(raw) = &p.email_address {
        let email = flows::identifiers::email("email_address", raw)?;
        // Enumeration protection: a taken address goes on to "verify your email";
        // its owner gets a notice instead of a code.
        if !state.settings().enumeration_protection
            && store::identifications::verified_exists(&state.db, EMAIL, &email).await?
        {
            return Err(ApiError::identifier_exists("email_address"));
        }
        if row.email_address.as_deref() != Some(email.as_str()) {
            row.email_verification_id = None;
        }
        row.email_address = Some(email);
    }
    if let Some(raw) = &p.phone_number {
        let phone = flows::identifiers::phone("phone_number", raw)?;
        if !state.settings().enumeration_protection
            && store::identifications::verified_exists(&state.db, PHONE, &phone).await?
        {
            return Err(ApiError::identifier_exists("phone_number"));
        }
        if row.phone_number.as_deref() != Some(phone.as_str()) {
            row.phone_verification_id = None;
        }
        row.phone_number = Some(phone);
    }
    if let Some(raw) = &p.username {
        let username = flows::identifiers::username("username", raw)?;
        if store::users::username_taken(&state.db, &username).await? {
            return Err(ApiError::identifier_exists("username"));
        }
        row.username = Some(username);
    }
    if let Some(raw) = &p.first_name {
        row.first_name = non_empty(flows::identifiers::name("first_name", raw)?);
    }
    if let Some(raw) = &p.last_name {
        row.last_name = non_empty(flows::identifiers::name("last_name", raw)?);
    }
    if let Some(locale) = &p.locale {
        row.locale = Some(flows::identifiers::locale("locale", locale)?);
    }
    if let Some(zone) = &p.timezone {
        row.timezone = Some(flows::identifiers::time_zone("timezone", zone)?);
    }
    if let Some(meta) = &p.unsafe_metadata {
        flows::metadata::check_size(meta.len())?;
        row.unsafe_metadata = flows::metadata::parse_object(meta)?.to_string();
    }
    if let Some(pw) = &p.password {
        let context: Vec<&str> = [&row.email_address, &row.username, &row.phone_number]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        flows::passwords::validate_new(&state.settings(), "password", pw, &context)?;
        row.password_hash = Some(state.passwords.hash(pw).await);
    }
    row.updated_at = now_ms();
    Ok(())
}

/// `POST /v1/client/sign_ups`: a new sign-up replacing the client's previous one.
pub async fn create(
    State(state): State<AppState>,
    identity: Identity,
    Form(p): Form<params::CreateSignUp>,
) -> ApiResult<Json<Envelope<SignUp>>> {
    state
        .limits
        .check(Bucket::CreateSignUp, identity.ip())
        .await?;
    refuse_if_signed_in(&state, &identity).await?;
    let mut row = store::sign_ups::new_row("");
    if p.transfer == Some(true) {
        from_provider(&state, &identity, &mut row).await?;
    }
    merge(&state, &mut row, &p).await?;
    if let Some(handed_over) = &row.external_verification_id {
        // Taken once, and only once the sign-up is sound: the same proof makes one.
        store::verifications::take_transferable(&state.db, handed_over)
            .await?
            .ok_or_else(|| ApiError::client_state_invalid("transfer"))?;
    }
    row.client_id = identity.client_or_create(&state).await?;
    store::sign_ups::save(&state.db, &row).await?;
    store::sign_ups::abandon_others(&state.db, &row.client_id, &row.id).await?;
    store::clients::set_sign_up(&state.db, &row.client_id, Some(&row.id)).await?;
    if let Some(strategy) = p.strategy.as_ref().filter(|s| **s != Strategy::Password) {
        prepare(&state, &row, strategy, identity.ip()).await?;
    }
    // Nothing to verify (a username and a password): done at once, as Clerk's.
    try_complete(&state, &identity, &row.id).await?;
    respond(&state, &identity, &row.id).await
}

/// A sign-up from the client's sign-in whose provider proved someone with no
/// account (Clerk's transfer): the provider's email (verified when the provider
/// vouched for it), names, and the provider account to join to the new user. An
/// email someone's account has already is refused (with enumeration protection, it
/// goes on to a code only the owner could get): its owner signs in and connects the
/// provider from their profile.
async fn from_provider(
    state: &AppState,
    identity: &Identity,
    row: &mut SignUpRow,
) -> ApiResult<()> {
    let not_transferable = || ApiError::client_state_invalid("transfer");
    let client_id = identity.client_id().ok_or_else(not_transferable)?;
    let client = store::clients::get(&state.db, &client_id)
        .await?
        .ok_or_else(not_transferable)?;
    let sign_in = match &client.sign_in_id {
        Some(id) => store::sign_ins::get(&state.db, id).await?,
        None => None,
    }
    .ok_or_else(not_transferable)?;
    let verification_id = sign_in
        .first_factor_verification_id
        .clone()
        .ok_or_else(not_transferable)?;
    let found: flows::social::Identity = {
        let held = store::verifications::get(&state.db, &verification_id)
            .await?
            .filter(|v| v.status == "transferable")
            .and_then(|v| v.external_identity)
            .ok_or_else(not_transferable)?;
        serde_json::from_str(&held).map_err(|_| not_transferable())?
    };
    let settings = state.settings();
    let mut taken = false;
    if !found.email.is_empty() && settings.identifiers.email_address != Requirement::Off {
        if store::identifications::verified_exists(&state.db, EMAIL, &found.email).await? {
            // With enumeration protection the sign-up goes on as for a free address,
            // to "verify your email", whose code only the owner could get (a decoy).
            if !settings.enumeration_protection {
                return Err(ApiError::identifier_exists("email_address"));
            }
            taken = true;
        }
        row.email_address = Some(found.email.clone());
    }
    if settings.identifiers.first_name != Requirement::Off {
        row.first_name = non_empty(&found.first_name);
    }
    if settings.identifiers.last_name != Requirement::Off {
        row.last_name = non_empty(&found.last_name);
    }
    if found.email_verified && row.email_address.is_some() && !taken {
        let provider = flows::social::provider_for(state, &found.provider);
        if provider.is_some_and(|p| p.vouches_for(&found.email)) {
            let strategy = format!("from_{}", found.provider);
            row.email_verification_id = Some(
                store::verifications::create_verified_to(&state.db, &strategy, &found.email)
                    .await?,
            );
        }
    }
    row.external_verification_id = Some(verification_id);
    Ok(())
}

pub async fn get(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<String>,
) -> ApiResult<Json<Envelope<SignUp>>> {
    own_sign_up(&state, &identity, &id).await?;
    respond(&state, &identity, &id).await
}

/// `PATCH /v1/client/sign_ups/{id}`: add or change fields.
pub async fn update(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<String>,
    Form(p): Form<params::CreateSignUp>,
) -> ApiResult<Json<Envelope<SignUp>>> {
    if p.password.is_some() {
        state
            .limits
            .check(Bucket::SignUpPassword, identity.ip())
            .await?;
    }
    let mut row = own_sign_up(&state, &identity, &id).await?;
    if row.status != "missing_requirements" {
        return Err(ApiError::client_state_invalid("update"));
    }
    merge(&state, &mut row, &p).await?;
    store::sign_ups::save(&state.db, &row).await?;
    try_complete(&state, &identity, &row.id).await?;
    respond(&state, &identity, &id).await
}

async fn prepare(
    state: &AppState,
    row: &SignUpRow,
    strategy: &Strategy,
    ip: Option<std::net::IpAddr>,
) -> ApiResult<()> {
    let (field, to) = match strategy {
        Strategy::EmailCode => ("email_address", row.email_address.as_deref()),
        Strategy::PhoneCode => ("phone_number", row.phone_number.as_deref()),
        other => return Err(ApiError::param_value_invalid("strategy", other.as_str())),
    };
    let to = to.ok_or_else(ApiError::verification_strategy_invalid)?;
    // A sign-up is anyone's: its codes use the quotas' anonymous share.
    let requester = flows::codes::Requester::anyone(ip);
    let kind = if field == "email_address" {
        EMAIL
    } else {
        PHONE
    };
    if state.settings().enumeration_protection
        && store::identifications::verified_exists(&state.db, kind, to).await?
    {
        // Taken: the sign-up sees what it would see for a free address (the same
        // cooldown and quotas), no code that works exists, and the owner hears of the
        // attempt, once an hour at most.
        flows::codes::decoy(
            state,
            &row.id,
            strategy.as_str(),
            to,
            Link::SignUp { id: &row.id, field },
            requester,
        )
        .await?;
        if kind == EMAIL
            && state
                .limits
                .once_an_hour(&format!("sign-up-attempted:{to}"))
                .await?
        {
            let owner = store::identifications::owner_of_verified(&state.db, kind, to).await?;
            if let Some(owner) = owner {
                flows::notices::notify(state, &owner, flows::notices::Notice::SignUpAttempted(to))
                    .await;
            }
        }
        return Ok(());
    }
    flows::codes::send(
        state,
        &row.id,
        strategy.as_str(),
        to,
        Link::SignUp { id: &row.id, field },
        requester,
    )
    .await
}

pub async fn prepare_verification(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<String>,
    Form(p): Form<params::PrepareVerification>,
) -> ApiResult<Json<Envelope<SignUp>>> {
    state.limits.check(Bucket::Prepare, identity.ip()).await?;
    let row = own_sign_up(&state, &identity, &id).await?;
    if row.status != "missing_requirements" {
        return Err(ApiError::client_state_invalid("prepare_verification"));
    }
    prepare(&state, &row, &p.strategy, identity.ip()).await?;
    respond(&state, &identity, &id).await
}

pub async fn attempt_verification(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<String>,
    Form(p): Form<params::AttemptVerification>,
) -> ApiResult<Json<Envelope<SignUp>>> {
    state
        .limits
        .check(Bucket::SignUpVerification, identity.ip())
        .await?;
    let row = own_sign_up(&state, &identity, &id).await?;
    if row.status != "missing_requirements" {
        return Err(ApiError::client_state_invalid("attempt_verification"));
    }
    let code = form_required(&p.code, "code")?;
    let (verification, to) = match p.strategy {
        Strategy::EmailCode => (&row.email_verification_id, &row.email_address),
        Strategy::PhoneCode => (&row.phone_verification_id, &row.phone_number),
        ref other => return Err(ApiError::param_value_invalid("strategy", other.as_str())),
    };
    // The code must have gone to the address the sign-up holds now, not one it held.
    let prepared = match verification {
        Some(v) => store::verifications::get(&state.db, v).await?,
        None => None,
    };
    if prepared.is_none_or(|v| v.target.is_none() || v.target != *to) {
        return Err(ApiError::verification_missing());
    }
    flows::codes::check(
        &state,
        verification.as_deref(),
        code,
        flows::codes::Guard::Target,
    )
    .await?;
    try_complete(&state, &identity, &id).await?;
    respond(&state, &identity, &id).await
}

/// Creates the account once nothing is missing or unverified.
async fn try_complete(state: &AppState, identity: &Identity, id: &str) -> ApiResult<()> {
    let row = own_sign_up(state, identity, id).await?;
    let rendered = render::sign_up(state, &row).await?;
    if !rendered.missing_fields.is_empty() || !rendered.unverified_fields.is_empty() {
        return Ok(());
    }
    // A sign-up from a provider joins the provider's account to the new user.
    let external = match &row.external_verification_id {
        Some(id) => store::verifications::get(&state.db, id)
            .await?
            .and_then(|v| v.external_identity)
            .and_then(|held| serde_json::from_str::<flows::social::Identity>(&held).ok()),
        None => None,
    };
    let strategy = match (&external, row.email_address.is_some()) {
        (Some(found), _) => found.provider.as_str(),
        (None, true) => "email_code",
        (None, false) => "phone_code",
    };
    let ip = identity.ip_string();
    let session = new_session(
        state,
        identity,
        &row.client_id,
        &ip,
        strategy,
        Owner::NewAccount,
    )
    .await?;
    let profile = external.as_ref().map(|e| e.profile());
    match store::sign_ups::complete(&state.db, &row, &session, profile.as_ref()).await {
        Ok(Some(_)) => identity.rotate(state).await,
        Ok(None) => Ok(()),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            // Someone verified the same email or username a moment earlier.
            let field = if e.message().contains("username") {
                "username"
            } else if row.email_address.is_some() {
                "email_address"
            } else {
                "phone_number"
            };
            Err(ApiError::identifier_exists(field))
        }
        Err(e) => Err(e.into()),
    }
}
