//! Telling the owner: when a second factor, the password or an email address or
//! phone number of an account changes, or the account is deleted, a notice goes to
//! its primary email address (and to the old one when that is what changed), so a
//! takeover does not go unnoticed. Sent through the email provider; a failed notice
//! is logged, never undoes the change. Test-mode addresses get nothing, as with codes.

use crate::{
    codes::{is_test_email, is_test_phone},
    delivery::{Channel, Kind, Message},
    factors::mask_phone,
    state::AppState,
    store::{
        self,
        identifications::{EMAIL, PHONE},
    },
};

/// How an authenticator app is named among the second factors a notice compares.
pub const AUTHENTICATOR_APP: &str = "an authenticator app";

/// How a passkey is named among them: by its name, and its id so two of one name
/// stay two.
pub fn passkey_name(passkey: &store::passkeys::PasskeyRow) -> String {
    format!(
        "the passkey {} ({})",
        passkey.name.as_deref().unwrap_or("without a name"),
        passkey.id
    )
}

/// What changed.
pub enum Notice<'a> {
    PasswordChanged,
    /// The phones used for two-step verification, before and after.
    SecondFactorsChanged {
        before: &'a [String],
        after: &'a [String],
    },
    IdentificationAdded(&'a str),
    IdentificationRemoved(&'a str),
    /// A passkey, by its name, was added to or removed from the account.
    PasskeyAdded(&'a str),
    PasskeyRemoved(&'a str),
    /// A sign-in provider (its name) was joined to the account by the email it
    /// vouched for: it signs the account in from now on.
    ProviderConnected(&'a str),
    /// Connected from the profile.
    ProviderLinked(&'a str),
    ProviderDisconnected(&'a str),
    PrimaryEmailChanged {
        from: &'a str,
        to: &'a str,
    },
    /// Someone tried to sign up with this (taken) address.
    SignUpAttempted(&'a str),
    /// An administrator took every second factor off the account.
    SecondFactorsReset,
    /// The owner deleted the account (`DELETE /v1/me`).
    AccountDeleted,
    /// Someone with the password and an email code opened an account recovery
    /// (`flows::account_recovery`); `cancel_url` cancels it.
    RecoveryRequested {
        completes_at: i64,
        cancel_url: &'a str,
    },
    /// A recovery was cancelled, or expired unfinished.
    RecoveryEnded(RecoveryEnd),
    /// A recovery completed: every second factor is gone, every session ended.
    RecoveryCompleted,
}

/// What cancelled an account recovery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecoveryEnd {
    /// The link the notices carry.
    CancelLink,
    /// A sign-in with a real second factor.
    SecondFactor,
    Administrator,
    /// The password was changed (the recovery was opened with the old one).
    PasswordChanged,
    /// Nobody finished it within its time (`account_recovery::READY_FOR_MS`).
    Expired,
}

impl RecoveryEnd {
    /// As the log and the recovery's row name it.
    pub fn name(self) -> &'static str {
        match self {
            RecoveryEnd::CancelLink => "cancel_link",
            RecoveryEnd::SecondFactor => "second_factor",
            RecoveryEnd::Administrator => "administrator",
            RecoveryEnd::PasswordChanged => "password_changed",
            RecoveryEnd::Expired => "expired",
        }
    }
}

/// Unix milliseconds as `2026-11-28 21:40 UTC`.
pub fn utc_time(ms: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)) {
        Ok(t) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02} UTC",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute()
        ),
        Err(_) => "-".into(),
    }
}

impl Notice<'_> {
    fn text(&self, app: &str) -> (String, String) {
        let shown = |v: &str| {
            if v.starts_with('+') {
                mask_phone(v)
            } else {
                v.to_owned()
            }
        };
        let (subject, what) = match self {
            Notice::PasswordChanged => (
                "Your password was changed".to_owned(),
                "Your password was changed.".to_owned(),
            ),
            Notice::SecondFactorsChanged { before, after } => {
                let app = |list: &[String]| list.iter().any(|p| p == AUTHENTICATOR_APP);
                let added: Vec<String> = after
                    .iter()
                    .filter(|p| !before.contains(p) && *p != AUTHENTICATOR_APP)
                    .map(|p| shown(p))
                    .collect();
                let removed: Vec<String> = before
                    .iter()
                    .filter(|p| !after.contains(p) && *p != AUTHENTICATOR_APP)
                    .map(|p| shown(p))
                    .collect();
                let mut lines = Vec::new();
                match (app(before), app(after)) {
                    (false, true) => lines.push(
                        "An authenticator app was set up for two-step verification.".to_owned(),
                    ),
                    (true, false) => lines.push(
                        "The authenticator app was removed from two-step verification.".to_owned(),
                    ),
                    _ => {}
                }
                if !added.is_empty() {
                    lines.push(format!(
                        "Codes for two-step verification now also go to {}.",
                        added.join(", ")
                    ));
                }
                if !removed.is_empty() {
                    lines.push(format!(
                        "Codes for two-step verification no longer go to {}.",
                        removed.join(", ")
                    ));
                }
                if after.is_empty() {
                    lines.push("Two-step verification is now off.".to_owned());
                }
                (
                    "Your two-step verification changed".to_owned(),
                    lines.join("\n"),
                )
            }
            Notice::IdentificationAdded(v) => (
                format!("{} was added to your account", shown(v)),
                format!("{} was added to your account.", shown(v)),
            ),
            Notice::IdentificationRemoved(v) => (
                format!("{} was removed from your account", shown(v)),
                format!("{} was removed from your account.", shown(v)),
            ),
            Notice::PasskeyAdded(name) => (
                "A passkey was added to your account".to_owned(),
                format!(
                    "A passkey ({name}) was added to your account: it signs you in without a password."
                ),
            ),
            Notice::PasskeyRemoved(name) => (
                "A passkey was removed from your account".to_owned(),
                format!("A passkey ({name}) was removed from your account."),
            ),
            Notice::ProviderConnected(name) => (
                format!("{name} was connected to your account"),
                format!(
                    "You signed in with {name}, which vouched for your email address: {name} \
                     now signs you in to this account. If this was not you, change your \
                     password and tell us."
                ),
            ),
            Notice::ProviderLinked(name) => (
                format!("{name} was connected to your account"),
                format!(
                    "Your {name} account was connected to this account from your profile: \
                     {name} now signs you in. If this was not you, remove it from your \
                     profile and change your password."
                ),
            ),
            Notice::ProviderDisconnected(name) => (
                format!("{name} was disconnected from your account"),
                format!(
                    "Your {name} account was disconnected from this account: it no longer \
                     signs you in. If this was not you, change your password."
                ),
            ),
            Notice::SignUpAttempted(v) => (
                "Someone tried to sign up with your address".to_owned(),
                format!(
                    "Someone tried to create a new account with {v}, which is already yours. \
                     No account was created."
                ),
            ),
            Notice::SecondFactorsReset => (
                "Your two-step verification was reset".to_owned(),
                "An administrator turned off two-step verification on your account: your \
                 phones, authenticator app and backup codes no longer sign you in. Set up \
                 two-step verification again in your profile."
                    .to_owned(),
            ),
            Notice::PrimaryEmailChanged { to, .. } => (
                "Your primary email address changed".to_owned(),
                format!("Your primary email address is now {to}."),
            ),
            Notice::RecoveryRequested { completes_at, .. } => (
                "Someone asked to recover your account".to_owned(),
                format!(
                    "Someone signed in with your password, said they lost access to their \
                     second factor, and confirmed a code sent to your email. If nobody stops \
                     it, two-step verification will be removed from your account after {}, \
                     and they can then sign in with your password and email alone.",
                    utc_time(*completes_at)
                ),
            ),
            Notice::RecoveryEnded(by) => (
                if *by == RecoveryEnd::Expired {
                    "The recovery of your account expired"
                } else {
                    "The recovery of your account was cancelled"
                }
                .to_owned(),
                match by {
                    RecoveryEnd::CancelLink => "The recovery of your account was cancelled with the link sent to you.",
                    RecoveryEnd::SecondFactor => "The recovery of your account was cancelled: someone signed in with your two-step verification.",
                    RecoveryEnd::Administrator => "The recovery of your account was cancelled by an administrator.",
                    RecoveryEnd::PasswordChanged => "The recovery of your account was cancelled: the password was changed.",
                    RecoveryEnd::Expired => "The recovery of your account expired: nobody finished it in the week after its waiting period.",
                }
                .to_owned(),
            ),
            Notice::RecoveryCompleted => (
                "Your account was recovered".to_owned(),
                "Your account was recovered after its waiting period: two-step verification \
                 was removed (phones, authenticator app and backup codes) and every session was \
                 signed out. The person who recovered it must set up two-step verification again."
                    .to_owned(),
            ),
            Notice::AccountDeleted => (
                "Your account was deleted".to_owned(),
                format!(
                    "Your {app} account was deleted, with its email addresses, phone numbers, \
                     two-step verification and sessions. It can no longer be signed in to, and \
                     this address is free to sign up again."
                ),
            ),
        };
        let body = match self {
            // There is nothing left to sign in to.
            Notice::AccountDeleted => format!(
                "{what}\n\nIf this was you, there is nothing to do. If it was not, someone who \
                 could sign in as you deleted it: contact {app} now."
            ),
            Notice::RecoveryRequested { cancel_url, .. } => format!(
                "{what}\n\nIf this was you, there is nothing to do: sign in again after that time. \
                 If it was not, cancel it now (no sign-in needed):\n\n{cancel_url}\n\n\
                 Then sign in to {app} with your two-step verification and change your \
                 password: whoever asked knows it."
            ),
            Notice::RecoveryEnded(_) => format!(
                "{what}\n\nWhoever asked for it knows your password: if it was not you, sign in to \
                 {app} now and change it."
            ),
            _ => format!(
                "{what}\n\nIf this was you, there is nothing to do. If it was not, sign in to {app} now, \
                 change your password and check your two-step verification."
            ),
        };
        (format!("{app}: {subject}"), body)
    }
}

impl Notice<'_> {
    /// The notice as a text message: short, and a link when there is one to follow.
    fn sms(&self, app: &str) -> String {
        match self {
            Notice::RecoveryRequested {
                completes_at,
                cancel_url,
            } => format!(
                "{app}: someone asked to remove two-step verification from your account. It \
                 happens after {}. Not you? Cancel: {cancel_url}",
                utc_time(*completes_at)
            ),
            Notice::RecoveryEnded(RecoveryEnd::Expired) => {
                format!("{app}: the recovery of your account expired.")
            }
            Notice::RecoveryEnded(_) => {
                format!("{app}: the recovery of your account was cancelled.")
            }
            Notice::RecoveryCompleted => format!(
                "{app}: your account was recovered and two-step verification removed. Not you? \
                 Contact {app} now."
            ),
            _ => format!("{app}: your account changed. Check your email."),
        }
    }
}

/// Sends `notice` to every verified email address and phone of the account (an
/// account recovery: whoever opened it may hold one mailbox, not all of them).
pub async fn notify_everywhere(state: &AppState, user_id: &str, notice: Notice<'_>) {
    let idents = match store::identifications::list_for_user(&state.db, user_id).await {
        Ok(idents) => idents,
        Err(e) => {
            tracing::warn!(error = %e, user = user_id, "notice: addresses not read");
            return;
        }
    };
    let emails: Vec<String> = idents
        .iter()
        .filter(|i| i.kind == EMAIL && i.verified())
        .map(|i| i.value.clone())
        .collect();
    send(state, user_id, emails, &notice).await;
    let app = state.settings().application_name.clone();
    let text = notice.sms(&app);
    for phone in idents.iter().filter(|i| i.kind == PHONE && i.verified()) {
        if state.settings().test_mode_active() && is_test_phone(&phone.value) {
            continue;
        }
        let message = Message {
            kind: Kind::Notice,
            channel: Channel::Sms,
            to: phone.value.clone(),
            subject: String::new(),
            body: text.clone(),
            code: String::new(),
        };
        if let Err(e) = super::outgoing::send(state, &message).await {
            tracing::warn!(error = %e, user = user_id, "account notice not queued");
        }
    }
}

/// Sends `notice` to the account's primary email (and to the old address when the
/// primary one changed). Never fails the request that made the change.
pub async fn notify(state: &AppState, user_id: &str, notice: Notice<'_>) {
    let to = addressees(state, user_id, &notice).await;
    send(state, user_id, to, &notice).await;
}

/// Where `notice` goes: the account's primary email, and the old address when that
/// is what changed. Looked up before a change that takes the address away (the
/// account's deletion), then [`send`] once it is done.
pub async fn addressees(state: &AppState, user_id: &str, notice: &Notice<'_>) -> Vec<String> {
    let mut to: Vec<String> = Vec::new();
    match primary_email(state, user_id).await {
        Ok(Some(address)) => to.push(address),
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, user = user_id, "notice: no primary email"),
    }
    // The address that lost its place hears of it too.
    let old = match notice {
        Notice::PrimaryEmailChanged { from, .. } => Some(*from),
        Notice::IdentificationRemoved(v) if v.contains('@') => Some(*v),
        _ => None,
    };
    if let Some(old) = old {
        if !to.iter().any(|t| t == old) {
            to.push(old.to_owned());
        }
    }
    to
}

/// Sends `notice` about `user_id` to `to` (from [`addressees`]); a failure is logged.
pub async fn send(state: &AppState, user_id: &str, to: Vec<String>, notice: &Notice<'_>) {
    let (subject, body) = notice.text(&state.settings().application_name);
    for address in to {
        if state.settings().test_mode_active() && is_test_email(&address) {
            continue;
        }
        let message = Message {
            kind: Kind::Notice,
            channel: Channel::Email,
            to: address,
            subject: subject.clone(),
            body: body.clone(),
            code: String::new(),
        };
        if let Err(e) = super::outgoing::send(state, &message).await {
            tracing::warn!(error = %e, user = user_id, "account notice not queued");
        }
    }
}

async fn primary_email(state: &AppState, user_id: &str) -> Result<Option<String>, sqlx::Error> {
    let Some(user) = store::users::get(&state.db, user_id).await? else {
        return Ok(None);
    };
    let idents = store::identifications::list_for_user(&state.db, user_id).await?;
    Ok(idents
        .into_iter()
        .find(|i| i.kind == EMAIL && Some(&i.id) == user.primary_email_address_id.as_ref())
        .map(|i| i.value))
}
