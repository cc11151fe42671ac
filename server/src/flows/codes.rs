use crate::{
    codes::{is_test_email, is_test_phone, CodeHasher, TEST_CODE},
    delivery::{compose, Channel, Purpose},
    error::{ApiError, ApiResult},
    ids::{new_id, now_ms},
    limits::{SendChannel, SendRequest},
    state::AppState,
    store::{
        self,
        users::UserRow,
        verifications::{Outcome, Reserved},
    },
};

use super::lockout;

/// Where a freshly prepared verification is attached.
pub enum Link<'a> {
    SignInFirst(&'a str),
    SignInSecond(&'a str),
    SignUp {
        id: &'a str,
        field: &'a str,
    },
    Identification(&'a str),
    /// A session's step-up verification: its first or its second factor.
    Reverification {
        id: &'a str,
        first: bool,
    },
}

/// Who asked for a code, for the hourly quotas.
#[derive(Clone, Copy)]
pub struct Requester<'a> {
    pub ip: Option<std::net::IpAddr>,
    /// The account asking, once it has proven something (a right password, a live
    /// session): its own hourly quota. `None` for what anyone may ask (a first-factor
    /// code, a sign-up).
    pub account: Option<&'a str>,
    /// The code goes to that account's own verified email or phone (a second factor,
    /// a new device, a step-up): it may use the share of the quotas kept for owners,
    /// which nobody who only knows the number or address can spend.
    pub owner: bool,
}

impl Requester<'_> {
    /// Anyone: a first-factor code or a sign-up.
    pub fn anyone(ip: Option<std::net::IpAddr>) -> Requester<'static> {
        Requester {
            ip,
            account: None,
            owner: false,
        }
    }
}

/// Claims what sending a code costs, for a real code and a decoy alike (so that
/// neither the answers nor the quotas tell an enumeration-protected identifier
/// apart): an allowed country for a text, the hourly quotas, then the resend
/// cooldown of `owner` (one sign-in, sign-up or identification) for `to`. The
/// cooldown is claimed before anything is sent, so two simultaneous prepares send
/// one code. Test-mode identifiers (`test`) are spared the quotas.
async fn claim(
    state: &AppState,
    owner: &str,
    strategy: &str,
    to: &str,
    requester: Requester<'_>,
    test: bool,
) -> ApiResult<(String, i64)> {
    let channel = if is_sms(strategy) {
        if !test && !state.settings().sms.allows(to) {
            return Err(ApiError::sms_country_not_allowed());
        }
        SendChannel::Sms
    } else {
        SendChannel::Email
    };
    if !test {
        state
            .limits
            .check_send(&SendRequest {
                channel,
                to,
                ip: requester.ip,
                account: requester.account,
                owner: requester.owner,
            })
            .await?;
    }
    let key = format!("{owner}:{strategy}:{to}");
    let cooldown_ms = state.settings().codes.resend_cooldown_seconds as i64 * 1000;
    match store::verifications::claim_send(&state.db, &key, cooldown_ms).await? {
        Ok(at) => Ok((key, at)),
        Err(wait) => Err(ApiError::code_too_many_requests(wait)),
    }
}

/// Whether a code for `strategy` goes by text message.
pub fn is_sms(strategy: &str) -> bool {
    matches!(strategy, "phone_code" | "reset_password_phone_code")
}

/// Test mode's fixed-code numbers and addresses: nothing is sent to them.
fn is_test_identifier(state: &AppState, to: &str) -> bool {
    state.settings().test_mode_active() && (is_test_phone(to) || is_test_email(to))
}

/// Sends a new code to `to` and attaches its verification, replacing (and so
/// invalidating) any earlier one, once [`claim`] allows it.
pub async fn send(
    state: &AppState,
    owner: &str,
    strategy: &str,
    to: &str,
    link: Link<'_>,
    requester: Requester<'_>,
) -> ApiResult<()> {
    let db = &state.db;
    let test = is_test_identifier(state, to);
    let (key, claimed_at) = claim(state, owner, strategy, to, requester, test).await?;
    let code = if test {
        TEST_CODE.to_owned()
    } else {
        CodeHasher::generate()
    };
    let id = new_id("ver");
    let expire_at = now_ms() + state.settings().code_lifetime().as_millis() as i64;
    store::verifications::create_code(
        db,
        &id,
        strategy,
        to,
        &state.codes.hash(&id, &code),
        expire_at,
    )
    .await?;
    attach(db, &id, link).await?;
    if test {
        tracing::info!(%to, "test-mode identifier: code 424242, nothing sent");
        return Ok(());
    }
    let channel = if is_sms(strategy) {
        Channel::Sms
    } else {
        Channel::Email
    };
    let message = compose(
        channel,
        &state.settings().application_name,
        to,
        &code,
        Purpose::of(strategy),
    );
    if let Err(e) = super::outgoing::send(state, &message).await {
        store::verifications::release_send(db, &key, claimed_at).await?;
        return Err(e);
    }
    Ok(())
}

/// Whose lockout a code attempt counts toward.
#[derive(Clone, Copy)]
pub enum Guard<'a> {
    /// The account signing in, from where (see [`lockout::Source`]).
    Account(&'a UserRow, &'a lockout::Source),
    /// Where the code went (sign-up and `/v1/me` verifications).
    Target,
    /// An identifier no account has, under enumeration protection.
    Identifier(&'a str, &'a lockout::Source),
}

/// A verification no code opens, attached where a real one would be: under
/// enumeration protection an unknown (or taken) address gets the same answers as a
/// real one — the same cooldown and quotas, keyed on what was typed — while nothing
/// is sent and every attempt is wrong.
pub async fn decoy(
    state: &AppState,
    owner: &str,
    strategy: &str,
    to: &str,
    link: Link<'_>,
    requester: Requester<'_>,
) -> ApiResult<()> {
    let db = &state.db;
    claim(
        state,
        owner,
        strategy,
        to,
        requester,
        is_test_identifier(state, to),
    )
    .await?;
    let id = new_id("ver");
    let mut unguessable = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut unguessable);
    let expire_at = now_ms() + state.settings().code_lifetime().as_millis() as i64;
    store::verifications::create_code(db, &id, strategy, to, &hex::encode(unguessable), expire_at)
        .await?;
    attach(db, &id, link).await
}

async fn attach(db: &crate::db::Db, verification_id: &str, link: Link<'_>) -> ApiResult<()> {
    match link {
        Link::SignInFirst(si) => store::sign_ins::set_first_factor(db, si, verification_id).await?,
        Link::SignInSecond(si) => {
            store::sign_ins::set_second_factor(db, si, verification_id).await?
        }
        Link::SignUp { id: su, field } => {
            store::sign_ups::set_verification(db, su, field, verification_id).await?
        }
        Link::Identification(idn) => {
            store::identifications::set_verification(db, idn, verification_id).await?
        }
        Link::Reverification { id, first } => {
            store::session_verifications::set_verification(db, id, first, verification_id).await?
        }
    }
    Ok(())
}

/// Checks a code. The attempt counts toward `guard`'s lockout before it is
/// checked, and stays counted when the code is wrong.
pub async fn check(
    state: &AppState,
    verification_id: Option<&str>,
    code: &str,
    guard: Guard<'_>,
) -> ApiResult<()> {
    let Some(id) = verification_id else {
        return Err(ApiError::verification_missing());
    };
    let max = state.settings().codes.max_attempts;
    // The verification's own count first: it bounds a burst on one verification to
    // its five tries, so duplicate submissions of a right code lock nothing.
    let (tries, stored, target) = match store::verifications::reserve(&state.db, id, max).await? {
        Reserved::Try {
            attempts,
            stored,
            target,
        } => (attempts, stored, target),
        Reserved::Done(outcome) => return outcome_error(outcome).map_or(Ok(()), Err),
    };
    let attempt = match (guard, &target) {
        (Guard::Account(user, source), _) => Some(lockout::admit(state, user, source).await?),
        (Guard::Identifier(identifier, source), _) => {
            Some(lockout::admit_identifier(state, identifier, source).await?)
        }
        (Guard::Target, Some(target)) => Some(lockout::admit_target(state, target).await?),
        (Guard::Target, None) => None,
    };
    let matched = state.codes.matches(id, code, &stored);
    let outcome = store::verifications::settle(&state.db, id, tries, max, matched).await?;
    let error = outcome_error(outcome);
    match (attempt, error) {
        (Some(attempt), Some(error)) if matches!(outcome, Outcome::Incorrect { .. }) => {
            Err(attempt.wrong(error))
        }
        (attempt, error) => {
            // Right, or a lost race for an already verified code: not a failure.
            if let Some(attempt) = attempt {
                attempt
                    .right(state, matches!(outcome, Outcome::Verified))
                    .await?;
            }
            error.map_or(Ok(()), Err)
        }
    }
}

/// The error a verification outcome answers; `None` for verified.
fn outcome_error(outcome: Outcome) -> Option<ApiError> {
    match outcome {
        Outcome::Verified => None,
        Outcome::Incorrect { now_failed, .. } => Some(if now_failed {
            ApiError::verification_failed()
        } else {
            ApiError::code_incorrect()
        }),
        Outcome::Failed => Some(ApiError::verification_failed()),
        Outcome::Expired => Some(ApiError::verification_expired()),
        Outcome::AlreadyVerified => Some(ApiError::verification_already_verified()),
        Outcome::NotPrepared => Some(ApiError::verification_missing()),
    }
}
