//! Sign-in: identifier, first factor, and — when the account has one — the second
//! factor, before any session exists.

use axum::{
    extract::{Path, State},
    Json,
};
use fapi_types::{params, Envelope, SignIn, Strategy};

use crate::{
    config::SocialProvider,
    error::{ApiError, ApiResult},
    factors,
    flows::{
        self,
        codes::Link,
        form_required,
        lockout::Source,
        new_session::{new_session, Owner},
        notices::{self, Notice},
    },
    http::{Form, Identity},
    ids::{new_id, now_ms},
    limits::Bucket,
    render,
    state::AppState,
    store::{
        self,
        identifications::{EMAIL, PHONE},
        passkey_challenges::Purpose,
        sign_ins::SignInRow,
        users::UserRow,
    },
};

async fn respond(
    state: &AppState,
    identity: &Identity,
    id: &str,
) -> ApiResult<Json<Envelope<SignIn>>> {
    let row = store::sign_ins::get(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("sign in", id))?;
    let sign_in = render::sign_in(state, &row).await?;
    super::envelope_sign_in(state, identity, sign_in).await
}

/// A sign-in of this client that is still going, or 404.
async fn own_sign_in(state: &AppState, identity: &Identity, id: &str) -> ApiResult<SignInRow> {
    let client = identity.client_id();
    match store::sign_ins::get(&state.db, id).await? {
        Some(s)
            if Some(&s.client_id) == client.as_ref()
                && s.status != "abandoned"
                && s.abandon_at > now_ms() =>
        {
            Ok(s)
        }
        _ => Err(ApiError::not_found("sign in", id)),
    }
}

/// In single-session mode a client that is signed in cannot sign in again.
pub async fn refuse_if_signed_in(state: &AppState, identity: &Identity) -> ApiResult<()> {
    match identity.client_id() {
        Some(client_id) => refuse_if_client_signed_in(state, &client_id).await,
        None => Ok(()),
    }
}

/// [`refuse_if_signed_in`] for the client `client_id`.
pub async fn refuse_if_client_signed_in(state: &AppState, client_id: &str) -> ApiResult<()> {
    if !state.settings().single_session_mode {
        return Ok(());
    }
    let now = now_ms();
    let live = store::sessions::list_for_client(&state.db, client_id)
        .await?
        .into_iter()
        .find(|s| s.is_live(now));
    match live {
        Some(s) => Err(ApiError::session_exists(&s.id)),
        None => Ok(()),
    }
}

/// After a verified first factor: on to the second factor if the account has one,
/// else the session is created.
pub(super) async fn after_first_factor(
    state: &AppState,
    identity: &Identity,
    sign_in: &SignInRow,
    user: &UserRow,
    source: &Source,
    strategy: &str,
) -> ApiResult<()> {
    after_factor(
        state,
        identity,
        sign_in,
        "needs_first_factor",
        user,
        source,
        strategy,
    )
    .await
}

/// Moves a sign-in on from status `from` once what it asked for is done: to the
/// second factor if the account has one (a password reset never skips it), to the
/// new-device check after a password, else to a session.
async fn after_factor(
    state: &AppState,
    identity: &Identity,
    sign_in: &SignInRow,
    from: &str,
    user: &UserRow,
    source: &Source,
    strategy: &str,
) -> ApiResult<()> {
    let idents = store::identifications::list_for_user(&state.db, &user.id).await?;
    let devices = factors::Devices::of(&state.db, &user.id).await?;
    // A device the user asked not to be asked on again skips the second factor of a
    // password sign-in (and so the new-device check: it is a known device).
    let remembered = strategy == "password"
        && flows::remembered_devices::skips_second_factor(state, &sign_in.client_id, user).await?;
    // A passkey is two factors in one: the device, and the PIN or biometric that
    // unlocked it (user verification is required). No second step follows it.
    let passkey = strategy == Strategy::Passkey.as_str();
    if factors::two_factor_enabled(&state.settings(), &idents, devices) && !remembered && !passkey {
        store::sign_ins::advance(&state.db, &sign_in.id, from, "needs_second_factor").await?;
        return Ok(());
    }
    if strategy == "password"
        && !remembered
        && needs_client_trust(state, user, Some(&sign_in.client_id)).await?
    {
        store::sign_ins::advance(&state.db, &sign_in.id, from, "needs_client_trust").await?;
        return Ok(());
    }
    apply_reset(state, &sign_in.id, user).await?;
    let ip = identity.ip_string();
    let session = new_session(
        state,
        identity,
        &sign_in.client_id,
        &ip,
        strategy,
        Owner::User(&user.id),
    )
    .await?;
    let created = store::sessions::complete_sign_in(
        &state.db,
        &sign_in.id,
        from,
        &user.id,
        passkey,
        &session,
    )
    .await?;
    if let Some(done) = created {
        identity.switch_to(sign_in.client_id.clone(), done.client_token);
        flows::lockout::clear(state, &user.id, source).await?;
        if passkey {
            // A passkey is a second factor too: the owner still has one, so a
            // recovery someone opened is cancelled.
            flows::account_recovery::cancel_by_second_factor(state, &user.id).await?;
        }
    }
    Ok(())
}

/// Device Trust: a password from a client this user never signed in on needs a
/// code too, when there is somewhere to send it (the caller has checked the user has
/// no second factor).
async fn needs_client_trust(
    state: &AppState,
    user: &UserRow,
    client_id: Option<&str>,
) -> ApiResult<bool> {
    if !state.settings().client_trust() {
        return Ok(false);
    }
    let known = match client_id {
        Some(client) => store::trusted_clients::is_trusted(&state.db, client, &user.id).await?,
        None => false,
    };
    if known {
        return Ok(false);
    }
    // An account with no verified email or phone has nothing to send the code to:
    // asking would lock it out of every new browser.
    let idents = store::identifications::list_for_user(&state.db, &user.id).await?;
    Ok(!factors::client_trust_factors(user, &idents).is_empty())
}

/// Whether a right password completes the sign-in (no second factor, no new-device
/// check to come).
async fn finishes_sign_in(
    state: &AppState,
    user: Option<&UserRow>,
    client_id: Option<&str>,
) -> ApiResult<bool> {
    let Some(user) = user else { return Ok(false) };
    if let Some(client) = client_id {
        if flows::remembered_devices::skips_second_factor(state, client, user).await? {
            return Ok(true);
        }
    }
    let idents = store::identifications::list_for_user(&state.db, &user.id).await?;
    let devices = factors::Devices::of(&state.db, &user.id).await?;
    if factors::two_factor_enabled(&state.settings(), &idents, devices) {
        return Ok(false);
    }
    Ok(!needs_client_trust(state, user, client_id).await?)
}

async fn account(state: &AppState, sign_in: &SignInRow) -> ApiResult<Option<UserRow>> {
    Ok(match &sign_in.user_id {
        Some(id) => store::users::get(&state.db, id).await?,
        None => None,
    })
}

fn wrong_password(state: &AppState) -> fn() -> ApiError {
    if state.settings().enumeration_protection {
        ApiError::password_or_identifier_incorrect
    } else {
        ApiError::password_incorrect
    }
}

/// `POST /v1/client/sign_ins`.
pub async fn create(
    State(state): State<AppState>,
    identity: Identity,
    Form(p): Form<params::CreateSignIn>,
) -> ApiResult<Json<Envelope<SignIn>>> {
    state
        .limits
        .check(Bucket::CreateSignIn, identity.ip())
        .await?;
    refuse_if_signed_in(&state, &identity).await?;
    if let Some(provider) = p
        .strategy
        .as_ref()
        .and_then(|s| flows::social::provider_for(&state, s.as_str()))
    {
        return start_with_provider(&state, &identity, &p, &provider).await;
    }
    let strategy = match (&p.strategy, &p.password) {
        (Some(s), _) => Some(s.clone()),
        (None, Some(_)) => Some(Strategy::Password),
        (None, None) => None,
    };
    if let Some(s) = &strategy {
        if !(*s == Strategy::Password || s.is_sent_code() || *s == Strategy::Passkey) {
            return Err(ApiError::param_value_invalid("strategy", s.as_str()));
        }
    }
    // A passkey needs no identifier: the authenticator knows whose it is.
    let passkey = strategy == Some(Strategy::Passkey);
    let identifier = match &p.identifier {
        Some(_) => Some(flows::identifiers::sign_in_identifier(form_required(
            &p.identifier,
            "identifier",
        )?)?),
        None if strategy.is_some() && !passkey => {
            return Err(ApiError::param_missing("identifier"))
        }
        None => None,
    };
    let password = match strategy {
        Some(Strategy::Password) => Some(flows::required_secret(&p.password, "password")?),
        _ => None,
    };
    let user = match &identifier {
        Some(i) => store::users::find_by_identifier(&state.db, i).await?,
        None => None,
    };
    if identifier.is_some() && user.is_none() && !state.settings().enumeration_protection {
        if let Some(pw) = password {
            // Spend the time a real check takes, so timing does not tell.
            let _ = state.passwords.check(pw, None).await;
        }
        return Err(ApiError::identifier_not_found());
    }
    let source = Source::of(&state, &identity, user.as_ref().map(|u| u.id.as_str())).await?;
    if let Some(pw) = password {
        flows::passwords::check(
            &state,
            user.as_ref(),
            identifier.as_deref(),
            &source,
            pw,
            wrong_password(&state),
            finishes_sign_in(&state, user.as_ref(), identity.client_id().as_deref()).await?,
        )
        .await?;
    }
    let client_id = identity.client_or_create(&state).await?;
    let status = if identifier.is_some() || passkey {
        "needs_first_factor"
    } else {
        "needs_identifier"
    };
    let id = store::sign_ins::create(
        &state.db,
        &client_id,
        status,
        identifier.as_deref(),
        user.as_ref().map(|u| u.id.as_str()),
        password.is_some(),
    )
    .await?;
    let row = own_sign_in(&state, &identity, &id).await?;
    match (&strategy, &user) {
        (Some(Strategy::Passkey), _) => {
            let named = passkeys_named(&state, &identity, user.as_ref()).await?;
            start_passkey(&state, &row, named, Factor::First).await?
        }
        (Some(Strategy::Password), Some(u)) => {
            after_first_factor(&state, &identity, &row, u, &source, "password").await?
        }
        (Some(s), Some(u)) if s.is_sent_code() => {
            // A locked account is sent no code.
            flows::lockout::ensure_unlocked(&state, u, &source).await?;
            let identifier = identifier.as_deref().unwrap_or_default();
            if state.settings().enumeration_protection
                && !offers_code_to_typed(&state, u, identifier, s).await?
            {
                // No code goes where it cannot sign in (an only second factor): the
                // decoy an unknown identifier gets, so the refusal tells nothing.
                send_decoy(&state, &identity, &row.id, s, identifier).await?
            } else {
                prepare_first(&state, &row, u, s, None, identity.ip()).await?
            }
        }
        (Some(s), None) if s.is_sent_code() => {
            // Enumeration protection: an unknown identifier gets its decoy code, and
            // is refused as a locked account would be.
            let identifier = identifier.as_deref().unwrap_or_default();
            flows::lockout::ensure_identifier_unlocked(&state, identifier, &source).await?;
            send_decoy(&state, &identity, &row.id, s, identifier).await?
        }
        _ => {}
    }
    respond(&state, &identity, &id).await
}

/// "Continue with Google": a sign-in whose first factor is a trip to the provider
/// (`external_verification_redirect_url`); the callback settles it and sends the
/// browser back to `redirect_url` (or `action_complete_redirect_url` once signed in).
async fn start_with_provider(
    state: &AppState,
    identity: &Identity,
    p: &params::CreateSignIn,
    provider: &SocialProvider,
) -> ApiResult<Json<Envelope<SignIn>>> {
    // The callback must tell the browser that started the trip from any other: only
    // cookies come along with the provider's redirect (`__client`, or a development
    // browser's trip binding); a native app has none.
    if identity.mode() == crate::http::identity::Mode::Native {
        return Err(ApiError::oauth_needs_cookie());
    }
    let redirect_url =
        flows::social::return_url(state, identity, p.redirect_url.as_deref(), "redirect_url")?
            .ok_or_else(|| ApiError::param_missing("redirect_url"))?;
    let complete_url = flows::social::return_url(
        state,
        identity,
        p.action_complete_redirect_url.as_deref(),
        "action_complete_redirect_url",
    )?;
    let client_id = identity.client_or_create(state).await?;
    let id = store::sign_ins::create(&state.db, &client_id, "needs_identifier", None, None, false)
        .await?;
    let verification_id = new_id("ver");
    let started = flows::social::start(
        state,
        provider,
        &flows::social::Trip {
            client_id: &client_id,
            client_mode: identity.mode().name(),
            sign_in_id: &id,
            verification_id: &verification_id,
            callback: &flows::social::callback_url(identity.issuer()),
            redirect_url: &redirect_url,
            action_complete_redirect_url: complete_url.as_deref(),
            connect_user_id: None,
        },
    )
    .await?;
    if let Some(binding) = &started.browser_binding {
        identity.set_oauth_binding(binding);
    }
    store::verifications::create_external(
        &state.db,
        &verification_id,
        &provider.strategy(),
        &started.url,
        now_ms() + flows::social::FLOW_LIFETIME_MS,
    )
    .await?;
    store::sign_ins::set_first_factor(&state.db, &id, &verification_id).await?;
    respond(state, identity, &id).await
}

pub async fn get(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<String>,
) -> ApiResult<Json<Envelope<SignIn>>> {
    own_sign_in(&state, &identity, &id).await?;
    respond(&state, &identity, &id).await
}

/// Enumeration protection: the first-factor code "sent" for what was typed when no
/// real one can go (an unknown identifier, an only second factor). Nothing is sent;
/// the answers, cooldown and quotas are a real code's.
async fn send_decoy(
    state: &AppState,
    identity: &Identity,
    sign_in_id: &str,
    strategy: &Strategy,
    identifier: &str,
) -> ApiResult<()> {
    flows::codes::decoy(
        state,
        sign_in_id,
        strategy.as_str(),
        identifier,
        Link::SignInFirst(sign_in_id),
        flows::codes::Requester::anyone(identity.ip()),
    )
    .await
}

/// Under enumeration protection: whether `user`'s own first factors offer `strategy`
/// to what was typed (the identification `protected_identifier_id` shows). An address
/// that is the account's only second factor is no first factor; asked for a code to
/// it, the caller answers with a decoy, as for an unknown address.
async fn offers_code_to_typed(
    state: &AppState,
    user: &UserRow,
    identifier: &str,
    strategy: &Strategy,
) -> ApiResult<bool> {
    let idents = store::identifications::list_for_user(&state.db, &user.id).await?;
    let shown = factors::protected_identifier_id(&state.codes, identifier, &idents);
    let devices = factors::Devices::of(&state.db, &user.id).await?;
    Ok(
        factors::first_factors(&state.settings(), user, &idents, devices)
            .iter()
            .any(|f| {
                f.strategy == *strategy
                    && (f.email_address_id.as_deref() == Some(shown.as_str())
                        || f.phone_number_id.as_deref() == Some(shown.as_str()))
            }),
    )
}

/// Sends a first-factor code to one of the account's verified emails or phones.
async fn prepare_first(
    state: &AppState,
    sign_in: &SignInRow,
    user: &UserRow,
    strategy: &Strategy,
    target_id: Option<&str>,
    ip: Option<std::net::IpAddr>,
) -> ApiResult<()> {
    let idents = store::identifications::list_for_user(&state.db, &user.id).await?;
    let devices = factors::Devices::of(&state.db, &user.id).await?;
    let factors = factors::first_factors(&state.settings(), user, &idents, devices);
    let wanted = |f: &&fapi_types::SignInFactor| {
        f.strategy == *strategy
            && match target_id {
                Some(t) => {
                    f.email_address_id.as_deref() == Some(t)
                        || f.phone_number_id.as_deref() == Some(t)
                }
                None => {
                    // The one that matches what was typed, else the primary one.
                    let ident = idents.iter().find(|i| {
                        Some(&i.id) == f.email_address_id.as_ref()
                            || Some(&i.id) == f.phone_number_id.as_ref()
                    });
                    ident.is_some_and(|i| Some(&i.value) == sign_in.identifier.as_ref())
                        || f.primary == Some(true)
                }
            }
    };
    let factor = factors
        .iter()
        .find(wanted)
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
    let kind = if matches!(
        strategy,
        Strategy::EmailCode | Strategy::ResetPasswordEmailCode
    ) {
        EMAIL
    } else {
        PHONE
    };
    debug_assert_eq!(ident.kind, kind);
    flows::codes::send(
        state,
        &sign_in.id,
        strategy.as_str(),
        &ident.value,
        Link::SignInFirst(&sign_in.id),
        // Anyone who knows the identifier may ask for a first-factor code.
        flows::codes::Requester::anyone(ip),
    )
    .await
}

/// Which of a sign-in's factors a passkey answers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Factor {
    First,
    Second,
}

/// A passkey challenge as the sign-in's first or second factor (the options in the
/// verification's `nonce`).
async fn start_passkey(
    state: &AppState,
    sign_in: &SignInRow,
    user: Option<&UserRow>,
    factor: Factor,
) -> ApiResult<()> {
    let verification = crate::ids::new_id("ver");
    let nonce = flows::passkeys::start_authentication(
        state,
        Purpose::SignIn,
        &verification,
        user.map(|u| u.id.as_str()),
    )
    .await?;
    let expire_at = now_ms() + flows::passkeys::challenge_lifetime_ms();
    store::verifications::create_passkey(&state.db, &verification, &nonce, expire_at).await?;
    match factor {
        Factor::First => {
            store::sign_ins::set_first_factor(&state.db, &sign_in.id, &verification).await?
        }
        Factor::Second => {
            store::sign_ins::set_second_factor(&state.db, &sign_in.id, &verification).await?
        }
    }
    Ok(())
}

/// Checks a passkey's answer to the sign-in's second-factor challenge: only the
/// account's own passkeys count.
async fn attempt_passkey_second(
    state: &AppState,
    sign_in: &SignInRow,
    user: &UserRow,
    p: &params::AttemptSecondFactor,
    identity: &Identity,
) -> ApiResult<()> {
    let answer = form_required(&p.public_key_credential, "public_key_credential")?;
    if p.code.is_some() {
        return Err(ApiError::param_unknown("code"));
    }
    flows::passkeys::answer_challenge(
        state,
        Purpose::SignIn,
        sign_in.second_factor_verification_id.as_deref(),
        answer,
        flows::passkeys::Answerer::Caller(identity),
        Some(&user.id),
    )
    .await?;
    Ok(())
}

/// Checks a passkey's answer to the sign-in's challenge; the account it signs in.
/// An account typed first must be the passkey's; a locked one signs in with nothing.
async fn attempt_passkey(
    state: &AppState,
    sign_in: &SignInRow,
    typed: Option<&UserRow>,
    p: &params::AttemptFirstFactor,
    identity: &Identity,
) -> ApiResult<UserRow> {
    let answer = form_required(&p.public_key_credential, "public_key_credential")?;
    if p.code.is_some() {
        return Err(ApiError::param_unknown("code"));
    }
    if p.password.is_some() {
        return Err(ApiError::param_unknown("password"));
    }
    // An identifier that names no account has no passkey: signing in whoever
    // answered would tell that the account does not exist.
    let expected = match (typed, &sign_in.identifier) {
        (Some(u), _) => Some(u.id.as_str()),
        (None, Some(_)) => Some(""),
        (None, None) => None,
    };
    let owner = flows::passkeys::answer_challenge(
        state,
        Purpose::SignIn,
        sign_in.first_factor_verification_id.as_deref(),
        answer,
        flows::passkeys::Answerer::Caller(identity),
        expected,
    )
    .await?;
    let signer = store::users::get(&state.db, &owner)
        .await?
        .ok_or(flows::passkeys::PasskeyError::NotRegistered)?;
    if typed.is_none() {
        store::sign_ins::set_user(&state.db, &sign_in.id, &signer.id).await?;
    }
    Ok(signer)
}

/// Whose passkeys a first-factor challenge names: the typed account's (refused when
/// it is locked); any discoverable one when none was typed, or when it has none
/// (which must look the same). With enumeration protection every identifier gets
/// the discoverable kind and no lock is told before an answer: the credentials
/// named, or a refusal, would say the account exists. The answer must still be the
/// typed account's ([`attempt_passkey`]).
async fn passkeys_named<'a>(
    state: &AppState,
    identity: &Identity,
    user: Option<&'a UserRow>,
) -> ApiResult<Option<&'a UserRow>> {
    if state.settings().enumeration_protection {
        return Ok(None);
    }
    if let Some(user) = user {
        let source = Source::of(state, identity, Some(&user.id)).await?;
        flows::lockout::ensure_unlocked(state, user, &source).await?;
    }
    Ok(user)
}

pub async fn prepare_first_factor(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<String>,
    Form(p): Form<params::PrepareFirstFactor>,
) -> ApiResult<Json<Envelope<SignIn>>> {
    state.limits.check(Bucket::Prepare, identity.ip()).await?;
    let row = own_sign_in(&state, &identity, &id).await?;
    if row.status != "needs_first_factor" {
        return Err(ApiError::client_state_invalid("prepare_first_factor"));
    }
    if p.strategy == Strategy::Passkey {
        let user = account(&state, &row).await?;
        let named = passkeys_named(&state, &identity, user.as_ref()).await?;
        start_passkey(&state, &row, named, Factor::First).await?;
        return respond(&state, &identity, &id).await;
    }
    if !p.strategy.is_sent_code() {
        return Err(ApiError::verification_strategy_invalid());
    }
    let target = p
        .email_address_id
        .as_deref()
        .or(p.phone_number_id.as_deref());
    let user = account(&state, &row).await?;
    if state.settings().enumeration_protection {
        if let Some(identifier) = &row.identifier {
            // The code factor offered for what was typed (see `render::sign_in`).
            let idents = match &user {
                Some(u) => store::identifications::list_for_user(&state.db, &u.id).await?,
                None => Vec::new(),
            };
            let shown = factors::protected_identifier_id(&state.codes, identifier, &idents);
            let offered = factors::protected_first_factors(identifier, &shown)
                .into_iter()
                .any(|f| f.strategy == p.strategy);
            if !offered || target.is_some_and(|t| t != shown) {
                return Err(ApiError::strategy_for_user_invalid());
            }
            let real = match &user {
                Some(u) => offers_code_to_typed(&state, u, identifier, &p.strategy).await?,
                None => false,
            };
            if !real {
                match &user {
                    Some(u) => {
                        let source = Source::of(&state, &identity, Some(&u.id)).await?;
                        flows::lockout::ensure_unlocked(&state, u, &source).await?;
                    }
                    None => {
                        let source = Source::of(&state, &identity, None).await?;
                        flows::lockout::ensure_identifier_unlocked(&state, identifier, &source)
                            .await?;
                    }
                }
                send_decoy(&state, &identity, &row.id, &p.strategy, identifier).await?;
                return respond(&state, &identity, &id).await;
            }
        }
    }
    let user = user.ok_or_else(ApiError::strategy_for_user_invalid)?;
    let source = Source::of(&state, &identity, Some(&user.id)).await?;
    flows::lockout::ensure_unlocked(&state, &user, &source).await?;
    prepare_first(&state, &row, &user, &p.strategy, target, identity.ip()).await?;
    respond(&state, &identity, &id).await
}

pub async fn attempt_first_factor(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<String>,
    Form(p): Form<params::AttemptFirstFactor>,
) -> ApiResult<Json<Envelope<SignIn>>> {
    state
        .limits
        .check(Bucket::SignInFirstFactor, identity.ip())
        .await?;
    let row = own_sign_in(&state, &identity, &id).await?;
    if row.status != "needs_first_factor" {
        return Err(ApiError::client_state_invalid("attempt_first_factor"));
    }
    let user = account(&state, &row).await?;
    let source = Source::of(&state, &identity, user.as_ref().map(|u| u.id.as_str())).await?;
    if p.strategy == Strategy::Passkey {
        let signer = attempt_passkey(&state, &row, user.as_ref(), &p, &identity).await?;
        let source = Source::of(&state, &identity, Some(&signer.id)).await?;
        let row = own_sign_in(&state, &identity, &id).await?;
        after_first_factor(
            &state,
            &identity,
            &row,
            &signer,
            &source,
            p.strategy.as_str(),
        )
        .await?;
        return respond(&state, &identity, &id).await;
    }
    match p.strategy {
        Strategy::Password => {
            let password = flows::required_secret(&p.password, "password")?;
            if p.code.is_some() {
                return Err(ApiError::param_unknown("code"));
            }
            flows::passwords::check(
                &state,
                user.as_ref(),
                row.identifier.as_deref(),
                &source,
                password,
                wrong_password(&state),
                finishes_sign_in(&state, user.as_ref(), Some(&row.client_id)).await?,
            )
            .await?;
            let verified = store::verifications::create_verified(&state.db, "password").await?;
            store::sign_ins::set_first_factor(&state.db, &id, &verified).await?;
        }
        ref s if s.is_sent_code() => {
            let code = form_required(&p.code, "code")?;
            // A reset code may come with the new password (Clerk's one-step custom flow).
            if p.password.is_some() && !s.is_password_reset() {
                return Err(ApiError::param_unknown("password"));
            }
            let guard = match (&user, &row.identifier) {
                (Some(user), _) => {
                    flows::lockout::ensure_unlocked(&state, user, &source).await?;
                    flows::codes::Guard::Account(user, &source)
                }
                // Enumeration protection: an unknown identifier's decoy code.
                (None, Some(identifier)) if state.settings().enumeration_protection => {
                    flows::codes::Guard::Identifier(identifier, &source)
                }
                (None, _) => return Err(ApiError::verification_missing()),
            };
            let sent = row.first_factor_verification_id.as_deref();
            if !store::verifications::prepared_for(&state.db, sent, p.strategy.as_str()).await? {
                return Err(ApiError::verification_missing());
            }
            flows::codes::check(
                &state,
                row.first_factor_verification_id.as_deref(),
                code,
                guard,
            )
            .await?;
        }
        ref other => return Err(ApiError::param_value_invalid("strategy", other.as_str())),
    }
    let user = user.ok_or_else(ApiError::internal)?;
    if p.strategy.is_password_reset() {
        store::sign_ins::advance(&state.db, &id, "needs_first_factor", "needs_new_password")
            .await?;
        if let Some(password) = p.password.as_deref().filter(|p| !p.is_empty()) {
            let row = own_sign_in(&state, &identity, &id).await?;
            set_new_password(&state, &identity, &row, &user, &source, password, false).await?;
        }
        return respond(&state, &identity, &id).await;
    }
    after_first_factor(&state, &identity, &row, &user, &source, p.strategy.as_str()).await?;
    respond(&state, &identity, &id).await
}

/// `POST /v1/client/sign_ins/{id}/reset_password`: the new password, once a reset
/// code was right. The sign-in then goes on as after any first factor: the second
/// factor, when the account has one, is still asked.
pub async fn reset_password(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<String>,
    Form(p): Form<params::ResetPassword>,
) -> ApiResult<Json<Envelope<SignIn>>> {
    // Hashing a password costs what a sign-up's does: the same per-address budget.
    state
        .limits
        .check(Bucket::SignUpPassword, identity.ip())
        .await?;
    let row = own_sign_in(&state, &identity, &id).await?;
    if row.status != "needs_new_password" {
        return Err(ApiError::client_state_invalid("reset_password"));
    }
    let password = flows::required_secret(&p.password, "password")?;
    let user = account(&state, &row)
        .await?
        .ok_or_else(ApiError::internal)?;
    let source = Source::of(&state, &identity, Some(&user.id)).await?;
    // Locked since the code was right (an administrator answering a takeover): no more.
    flows::lockout::ensure_unlocked(&state, &user, &source).await?;
    let sign_out_others = p.sign_out_of_other_sessions == Some(true);
    set_new_password(
        &state,
        &identity,
        &row,
        &user,
        &source,
        password,
        sign_out_others,
    )
    .await?;
    respond(&state, &identity, &id).await
}

/// Sets the password chosen after a right reset code (status `needs_new_password`),
/// tells the owner, and moves the sign-in on.
async fn set_new_password(
    state: &AppState,
    identity: &Identity,
    row: &SignInRow,
    user: &UserRow,
    source: &Source,
    password: &str,
    sign_out_others: bool,
) -> ApiResult<()> {
    // Checked now, applied only once every factor is passed: a reset code alone (the
    // mailbox) changes nothing, signs no one out.
    let hash = flows::passwords::hash_new(state, user, "password", password).await?;
    store::sign_ins::keep_new_password(&state.db, &row.id, &hash, sign_out_others).await?;
    let strategy = match &row.first_factor_verification_id {
        Some(v) => store::verifications::get(&state.db, v)
            .await?
            .map(|v| v.strategy),
        None => None,
    }
    .unwrap_or_else(|| Strategy::ResetPasswordEmailCode.as_str().to_owned());
    after_factor(
        state,
        identity,
        row,
        "needs_new_password",
        user,
        source,
        &strategy,
    )
    .await
}

/// Applies the new password a reset left on sign-in `id` (every factor now passed):
/// the owner is told, and with `sign_out_of_other_sessions` every session ends.
async fn apply_reset(state: &AppState, id: &str, user: &UserRow) -> ApiResult<()> {
    let Some(row) = store::sign_ins::get(&state.db, id).await? else {
        return Ok(());
    };
    let Some(hash) = row.new_password_hash else {
        return Ok(());
    };
    flows::passwords::apply_new(state, user, &hash).await?;
    if row.new_password_signs_out == 1 {
        store::sessions::revoke_all_for_user(&state.db, &user.id).await?;
    }
    notices::notify(state, &user.id, Notice::PasswordChanged).await;
    Ok(())
}

pub async fn prepare_second_factor(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<String>,
    Form(p): Form<params::PrepareSecondFactor>,
) -> ApiResult<Json<Envelope<SignIn>>> {
    state.limits.check(Bucket::Prepare, identity.ip()).await?;
    let row = own_sign_in(&state, &identity, &id).await?;
    if row.status == "needs_client_trust" {
        prepare_client_trust(&state, &identity, &row, &p).await?;
        return respond(&state, &identity, &id).await;
    }
    if row.status != "needs_second_factor" {
        return Err(ApiError::client_state_invalid("prepare_second_factor"));
    }
    if p.strategy == Strategy::RecoveryEmailCode {
        prepare_recovery(&state, &identity, &row).await?;
        return respond(&state, &identity, &id).await;
    }
    if p.strategy == Strategy::Passkey {
        let user = account(&state, &row)
            .await?
            .ok_or_else(ApiError::internal)?;
        let source = Source::of(&state, &identity, Some(&user.id)).await?;
        flows::lockout::ensure_unlocked(&state, &user, &source).await?;
        if !factors::Devices::of(&state.db, &user.id).await?.passkeys {
            return Err(ApiError::strategy_for_user_invalid());
        }
        start_passkey(&state, &row, Some(&user), Factor::Second).await?;
        return respond(&state, &identity, &id).await;
    }
    // Only codes by SMS or email are prepared; an authenticator app needs none.
    if !matches!(p.strategy, Strategy::PhoneCode | Strategy::EmailCode) {
        return Err(ApiError::verification_strategy_invalid());
    }
    let user = account(&state, &row)
        .await?
        .ok_or_else(ApiError::internal)?;
    let source = Source::of(&state, &identity, Some(&user.id)).await?;
    flows::lockout::ensure_unlocked(&state, &user, &source).await?;
    let idents = store::identifications::list_for_user(&state.db, &user.id).await?;
    let first = store::sign_ins::first_factor_target(&state.db, &row).await?;
    let offered = factors::second_factors_after(
        &state.settings(),
        &idents,
        first.as_deref(),
        factors::Devices::default(),
    );
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
        Link::SignInSecond(&row.id),
        flows::codes::Requester {
            ip: identity.ip(),
            account: Some(&user.id),
            owner: true,
        },
    )
    .await?;
    respond(&state, &identity, &id).await
}

/// "I lost access to my second factor": a code to the account's email, which opens
/// (or, once its wait is over, completes) an account recovery.
async fn prepare_recovery(state: &AppState, identity: &Identity, row: &SignInRow) -> ApiResult<()> {
    let user = account(state, row).await?.ok_or_else(ApiError::internal)?;
    let source = Source::of(state, identity, Some(&user.id)).await?;
    flows::lockout::ensure_unlocked(state, &user, &source).await?;
    let offer = flows::account_recovery::offer(state, row, &user)
        .await?
        .ok_or_else(ApiError::strategy_for_user_invalid)?;
    if offer.open.is_none() {
        // No code for a recovery that could not be opened anyway.
        flows::account_recovery::ensure_may_open(state, &user.id).await?;
    }
    flows::codes::send(
        state,
        &row.id,
        Strategy::RecoveryEmailCode.as_str(),
        &offer.email.value,
        Link::SignInSecond(&row.id),
        flows::codes::Requester {
            ip: identity.ip(),
            account: Some(&user.id),
            owner: true,
        },
    )
    .await
}

/// Device Trust: a code to one of the user's verified emails (`email_address_id`)
/// or phones (`phone_number_id`); the primary email by default.
async fn prepare_client_trust(
    state: &AppState,
    identity: &Identity,
    row: &SignInRow,
    p: &params::PrepareSecondFactor,
) -> ApiResult<()> {
    let user = account(state, row).await?.ok_or_else(ApiError::internal)?;
    let source = Source::of(state, identity, Some(&user.id)).await?;
    flows::lockout::ensure_unlocked(state, &user, &source).await?;
    let idents = store::identifications::list_for_user(&state.db, &user.id).await?;
    let offered = factors::client_trust_factors(&user, &idents);
    let mut same = offered.iter().filter(|f| f.strategy == p.strategy);
    let factor = match (&p.strategy, &p.email_address_id, &p.phone_number_id) {
        (Strategy::EmailCode, Some(eid), _) => same
            .find(|f| f.email_address_id.as_deref() == Some(eid.as_str()))
            .ok_or_else(|| ApiError::param_value_invalid("email_address_id", eid))?,
        (Strategy::PhoneCode, _, Some(pid)) => same
            .find(|f| f.phone_number_id.as_deref() == Some(pid.as_str()))
            .ok_or_else(|| ApiError::param_value_invalid("phone_number_id", pid))?,
        (Strategy::EmailCode | Strategy::PhoneCode, _, _) => same
            .next()
            .ok_or_else(|| ApiError::no_second_factors(p.strategy.as_str()))?,
        _ => return Err(ApiError::verification_strategy_invalid()),
    };
    let target_id = factor
        .email_address_id
        .as_ref()
        .or(factor.phone_number_id.as_ref());
    let target = idents
        .iter()
        .find(|i| Some(&i.id) == target_id)
        .ok_or_else(ApiError::internal)?;
    flows::codes::send(
        state,
        &row.id,
        p.strategy.as_str(),
        &target.value,
        Link::SignInSecond(&row.id),
        flows::codes::Requester {
            ip: identity.ip(),
            account: Some(&user.id),
            owner: true,
        },
    )
    .await
}

pub async fn attempt_second_factor(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<String>,
    Form(p): Form<params::AttemptSecondFactor>,
) -> ApiResult<Json<Envelope<SignIn>>> {
    state
        .limits
        .check(Bucket::SignInSecondFactor, identity.ip())
        .await?;
    let row = own_sign_in(&state, &identity, &id).await?;
    let trust = row.status == "needs_client_trust";
    if row.status != "needs_second_factor" && !trust {
        return Err(ApiError::client_state_invalid("attempt_second_factor"));
    }
    let user = account(&state, &row)
        .await?
        .ok_or_else(ApiError::internal)?;
    let source = Source::of(&state, &identity, Some(&user.id)).await?;
    if p.strategy == Strategy::Passkey {
        if trust {
            return Err(ApiError::verification_strategy_invalid());
        }
        flows::lockout::ensure_unlocked(&state, &user, &source).await?;
        attempt_passkey_second(&state, &row, &user, &p, &identity).await?;
        return finish_second_factor(&state, &identity, &row, &user, &source, &p, trust).await;
    }
    let code = form_required(&p.code, "code")?;
    flows::lockout::ensure_unlocked(&state, &user, &source).await?;
    // A code that was sent: by SMS or email (a second factor), or, for a new client
    // (Device Trust), to the user's email or phone.
    let sent = matches!(
        p.strategy,
        Strategy::PhoneCode | Strategy::EmailCode | Strategy::RecoveryEmailCode
    );
    if p.strategy == Strategy::RecoveryEmailCode && trust {
        return Err(ApiError::verification_strategy_invalid());
    }
    match p.strategy {
        _ if sent => {
            let sent = row.second_factor_verification_id.as_deref();
            if !store::verifications::prepared_for(&state.db, sent, p.strategy.as_str()).await? {
                return Err(ApiError::verification_missing());
            }
            flows::codes::check(
                &state,
                row.second_factor_verification_id.as_deref(),
                code,
                flows::codes::Guard::Account(&user, &source),
            )
            .await?;
        }
        _ if trust => return Err(ApiError::verification_strategy_invalid()),
        Strategy::Totp => flows::totp::check(&state, &user, &source, code).await?,
        Strategy::BackupCode => flows::backup_codes::check(&state, &user, &source, code).await?,
        ref other => return Err(ApiError::param_value_invalid("strategy", other.as_str())),
    }
    if p.strategy == Strategy::RecoveryEmailCode {
        recover(&state, &identity, &row, &user, &source).await?;
        return respond(&state, &identity, &id).await;
    }
    finish_second_factor(&state, &identity, &row, &user, &source, &p, trust).await
}

/// Every factor is passed: the session, and what a right second factor settles.
async fn finish_second_factor(
    state: &AppState,
    identity: &Identity,
    row: &SignInRow,
    user: &UserRow,
    source: &Source,
    p: &params::AttemptSecondFactor,
    trust: bool,
) -> ApiResult<Json<Envelope<SignIn>>> {
    let first = match &row.first_factor_verification_id {
        Some(v) => store::verifications::get(&state.db, v)
            .await?
            .map(|v| v.strategy),
        None => None,
    }
    .unwrap_or_else(|| "password".into());
    // Every factor is passed: a new password from a reset takes effect now.
    apply_reset(state, &row.id, user).await?;
    let ip = identity.ip_string();
    let session = new_session(
        state,
        identity,
        &row.client_id,
        &ip,
        &first,
        Owner::User(&user.id),
    )
    .await?;
    let created = store::sessions::complete_sign_in(
        &state.db,
        &row.id,
        &row.status,
        &user.id,
        // A new-device code is no second factor of the account.
        !trust,
        &session,
    )
    .await?;
    let Some(done) = created else {
        return Err(ApiError::verification_already_verified());
    };
    identity.switch_to(row.client_id.clone(), done.client_token);
    flows::lockout::clear(state, &user.id, source).await?;
    // A provider that proved the first factor by email joins the account now.
    flows::social::join_held(state, row.first_factor_verification_id.as_deref(), &user.id).await;
    if !trust {
        // The owner still has a second factor: a recovery someone opened is cancelled.
        flows::account_recovery::cancel_by_second_factor(state, &user.id).await?;
        if p.remember_device == Some(true) {
            flows::remembered_devices::remember(state, &row.client_id, user).await?;
        }
    }
    respond(state, identity, &row.id).await
}

/// A right recovery code: opens the account recovery (the sign-in stays where it
/// is, the answer says until when), or completes the open one whose wait is over
/// and signs in with a session that must set up a second factor again.
async fn recover(
    state: &AppState,
    identity: &Identity,
    row: &SignInRow,
    user: &UserRow,
    source: &Source,
) -> ApiResult<()> {
    let offer = flows::account_recovery::offer(state, row, user)
        .await?
        .ok_or_else(ApiError::strategy_for_user_invalid)?;
    let Some(ready) = offer.ready(row, now_ms()) else {
        flows::account_recovery::open(state, identity, row, user).await?;
        return Ok(());
    };
    if !flows::account_recovery::complete(state, identity, ready).await? {
        // Cancelled (or completed by another sign-in) since it was read.
        return Err(ApiError::account_recovery_not_open());
    }
    let ip = identity.ip_string();
    let session = new_session(
        state,
        identity,
        &row.client_id,
        &ip,
        "password",
        Owner::User(&user.id),
    )
    .await?;
    let created = store::sessions::complete_sign_in(
        &state.db,
        &row.id,
        "needs_second_factor",
        &user.id,
        false,
        &session,
    )
    .await?;
    let Some(done) = created else {
        return Err(ApiError::verification_already_verified());
    };
    identity.switch_to(row.client_id.clone(), done.client_token);
    flows::lockout::clear(state, &user.id, source).await?;
    Ok(())
}
