use crate::{
    codes::{is_test_email, is_test_phone, CodeHasher, TEST_CODE},
    delivery::{compose, Channel},
    error::{ApiError, ApiResult},
    ids::{new_id, now_ms},
    state::AppState,
    store::{self, verifications::Outcome},
};

/// Where a freshly prepared verification is attached.
pub enum Link<'a> {
    SignInFirst(&'a str),
    SignInSecond(&'a str),
    SignUp { id: &'a str, field: &'a str },
    Identification(&'a str),
}

/// Sends a new code to `to` and attaches its verification, replacing (and so
/// invalidating) any earlier one. `owner` scopes the resend cooldown: one sign-in,
/// sign-up or identification. The cooldown is claimed before anything is sent, so
/// two simultaneous prepares send one code, not two.
pub async fn send(
    state: &AppState,
    owner: &str,
    strategy: &str,
    to: &str,
    link: Link<'_>,
) -> ApiResult<()> {
    let db = &state.db;
    let key = format!("{owner}:{strategy}:{to}");
    let cooldown_ms = state.settings.codes.resend_cooldown_seconds as i64 * 1000;
    let claimed_at = match store::verifications::claim_send(db, &key, cooldown_ms).await? {
        Ok(at) => at,
        Err(wait) => return Err(ApiError::code_too_many_requests(wait)),
    };
    let test = state.settings.test_mode_active() && (is_test_phone(to) || is_test_email(to));
    let code = if test {
        TEST_CODE.to_owned()
    } else {
        CodeHasher::generate()
    };
    let id = new_id("ver");
    let expire_at = now_ms() + state.settings.code_lifetime().as_millis() as i64;
    store::verifications::create_code(
        db,
        &id,
        strategy,
        to,
        &state.codes.hash(&id, &code),
        expire_at,
    )
    .await?;
    match link {
        Link::SignInFirst(si) => store::sign_ins::set_first_factor(db, si, &id).await?,
        Link::SignInSecond(si) => store::sign_ins::set_second_factor(db, si, &id).await?,
        Link::SignUp { id: su, field } => {
            store::sign_ups::set_verification(db, su, field, &id).await?
        }
        Link::Identification(idn) => store::identifications::set_verification(db, idn, &id).await?,
    }
    if test {
        tracing::info!(%to, "test-mode identifier: code 424242, nothing sent");
        return Ok(());
    }
    let channel = if strategy == "phone_code" {
        Channel::Sms
    } else {
        Channel::Email
    };
    let message = compose(channel, &state.settings.application_name, to, &code);
    if let Err(e) = state.delivery.send(&message).await {
        tracing::error!(error = %e, ?channel, "code delivery failed");
        store::verifications::release_send(db, &key, claimed_at).await?;
        return Err(ApiError::delivery_failed());
    }
    Ok(())
}

/// Checks a code. With `account`, a wrong code counts toward that account's lockout.
pub async fn check(
    state: &AppState,
    verification_id: Option<&str>,
    code: &str,
    account: Option<&str>,
) -> ApiResult<()> {
    let Some(id) = verification_id else {
        return Err(ApiError::verification_missing());
    };
    let outcome =
        store::verifications::attempt(&state.db, id, state.settings.codes.max_attempts, |stored| {
            state.codes.matches(id, code, stored)
        })
        .await?;
    match outcome {
        Outcome::Verified => {
            if let Some(user) = account {
                store::users::reset_failures(&state.db, user).await?;
            }
            Ok(())
        }
        Outcome::Incorrect { now_failed, .. } => {
            if let Some(user) = account {
                super::passwords::count_failure(state, user).await?;
            }
            Err(if now_failed {
                ApiError::verification_failed()
            } else {
                ApiError::code_incorrect()
            })
        }
        Outcome::Failed => Err(ApiError::verification_failed()),
        Outcome::Expired => Err(ApiError::verification_expired()),
        Outcome::AlreadyVerified => Err(ApiError::verification_already_verified()),
        Outcome::NotPrepared => Err(ApiError::verification_missing()),
    }
}
