//! A code step sends its code once: a remount, Back and Forward, a reload or a second
//! component showing the same step sends nothing more while the code already sent
//! still works, since a second code would only make that one useless (the
//! duplicate-code bug of Clerk's UI). The server keeps one code per step (a sign-in's
//! first factor, its second factor, a sign-up's email or phone): once another code of
//! the step went out, or this one expired or was used up, the step sends again.
//! "Resend" goes around this, straight to the `prepare` call.

use std::cell::RefCell;

use futures::future::LocalBoxFuture;

use fapi_types::{Strategy, Verification, VerificationStatus};

use super::{state::ClerkState, Clerk};
use crate::ClerkError;

/// The last code this page sent for each step, and the one send in flight.
#[derive(Default)]
pub(super) struct SentCodes {
    /// `(step, target)`: the step is one sign-in's first or second factor, or one
    /// sign-up's email or phone; the target is where its last code went.
    last: RefCell<Vec<(String, String)>>,
    /// One send at a time: a step drawn again while its code is on its way waits for
    /// it, so its form is not answered before the code exists.
    sending: futures::lock::Mutex<()>,
}

impl SentCodes {
    /// The step's code went to `target`, replacing any code it sent before.
    pub(super) fn record(&self, step: &str, target: &str) {
        let mut last = self.last.borrow_mut();
        last.retain(|(s, _)| s != step);
        last.push((step.to_owned(), target.to_owned()));
    }

    fn forget(&self, step: &str, target: &str) {
        self.last
            .borrow_mut()
            .retain(|(s, t)| !(s == step && t == target));
    }

    /// Where the step's last code from this page went.
    fn last_to(&self, step: &str) -> Option<String> {
        let last = self.last.borrow();
        last.iter().find(|(s, _)| s == step).map(|(_, t)| t.clone())
    }
}

impl Clerk {
    /// Sends a step's code to `target` unless a working one is already out: `pending`
    /// reads from the state whether the server still waits, unexpired, on a code of
    /// this kind for the step. Returns whether a code went out now. A call made while
    /// a code is on its way returns once it has gone, or tries again if that send
    /// failed. (One copy for every step: `pending` and `send` are not generic.)
    pub(super) async fn send_code_once(
        &self,
        step: &str,
        target: &str,
        pending: &dyn Fn(&ClerkState) -> bool,
        send: LocalBoxFuture<'_, Result<(), ClerkError>>,
    ) -> Result<bool, ClerkError> {
        let codes = &self.0.sent_codes;
        let _one_at_a_time = codes.sending.lock().await;
        // From this page: its last code of the step went here and still works. Sent
        // by none (a reload): the server holds a working code of this kind.
        let already = match codes.last_to(step) {
            Some(to) => to == target && pending(&self.state()),
            None => pending(&self.state()),
        };
        if already {
            return Ok(false);
        }
        let before = codes.last_to(step);
        codes.record(step, target);
        match send.await {
            Ok(()) => Ok(true),
            Err(e) => {
                // Nothing went: the server holds the step's code from before, if any.
                // Even a cooldown answer (the step went back, within 30 s, to a code
                // another replaced) sent nothing, and the user is told so.
                match before {
                    Some(to) => codes.record(step, &to),
                    None => codes.forget(step, target),
                }
                Err(e)
            }
        }
    }
}

/// A verification waiting for its code, sent within its lifetime: a second code now
/// would make that one useless.
pub(super) fn awaits_code(v: Option<&Verification>) -> bool {
    v.is_some_and(|v| {
        v.status == VerificationStatus::Unverified
            && v.expire_at
                .is_some_and(|at| at as f64 > crate::browser::now_ms())
    })
}

/// The strategies that send a code by email or SMS.
pub(super) fn is_code(strategy: &Strategy) -> bool {
    matches!(
        strategy,
        Strategy::EmailCode
            | Strategy::PhoneCode
            | Strategy::ResetPasswordEmailCode
            | Strategy::ResetPasswordPhoneCode
            | Strategy::RecoveryEmailCode
    )
}

#[cfg(test)]
mod tests {
    use fapi_types::{NextAction, SignIn, SignUp, Strategy, Verification};

    use super::awaits_code;

    fn recorded<T: serde::de::DeserializeOwned>(json: &str) -> T {
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        serde_json::from_value(v["response"].clone()).unwrap()
    }

    /// Moved to a time that has not come yet: the recordings' codes expired long ago.
    fn unexpired(v: &Verification) -> Verification {
        let mut v = v.clone();
        v.expire_at = Some((crate::browser::now_ms() + 60_000.0) as _);
        v
    }

    /// Real Clerk's answer to a second factor's `prepare`: the guard reads from it
    /// that the code waits, until it expires.
    #[test]
    fn a_code_real_clerk_sent_counts_until_it_expires() {
        let si: SignIn = recorded(include_str!(
            "../../types/tests/clerk-json/fixtures/rec-sign-in-prepare-second-factor.json"
        ));
        let v = si.second_factor_verification.expect("the prepared code");
        assert_eq!(v.strategy, Strategy::EmailCode);
        assert!(awaits_code(Some(&unexpired(&v))));
        assert!(!awaits_code(Some(&v)), "as recorded: its time is past");
        assert!(!awaits_code(None));
    }

    /// Real Clerk's sign-up whose email code went out: `needs_attempt`, unverified.
    #[test]
    fn a_sign_up_code_real_clerk_sent_counts_until_it_expires() {
        let su: SignUp = recorded(include_str!(
            "../../types/tests/clerk-json/fixtures/rec-sign-up-missing-requirements.json"
        ));
        let v = su.verifications.email_address.expect("the email's code");
        assert_eq!(v.next_action, NextAction::NeedsAttempt);
        assert!(awaits_code(Some(&unexpired(&v.verification))));
    }
}
