//! A code step sends its code once: a remount, Back and Forward, a reload or a second
//! component showing the same step sends nothing more, since a second code would only
//! make the one already in the inbox useless (the duplicate-code bug of Clerk's UI).
//! "Resend" goes around this, straight to the `prepare` call.

use std::{cell::RefCell, future::Future};

use fapi_types::{Strategy, Verification, VerificationStatus};

use super::{state::ClerkState, Clerk};
use crate::ClerkError;

/// The codes this page has sent, and the one send in flight.
#[derive(Default)]
pub(super) struct SentCodes {
    /// `(step, target)`: the step is one sign-in's first or second factor, or one
    /// sign-up; the target is where that code went (a phone, an email, a strategy).
    sent: RefCell<Vec<(String, String)>>,
    /// One send at a time: a step drawn again while its code is on its way waits for
    /// it, so its form is not answered before the code exists.
    sending: futures::lock::Mutex<()>,
}

impl SentCodes {
    pub(super) fn record(&self, step: &str, target: &str) {
        self.sent
            .borrow_mut()
            .push((step.to_owned(), target.to_owned()));
    }

    fn forget(&self, step: &str, target: &str) {
        self.sent
            .borrow_mut()
            .retain(|(s, t)| !(s == step && t == target));
    }

    /// This page sent this code (`Some(true)`), another code of the step
    /// (`Some(false)`), or nothing for the step yet (`None`).
    fn sent_here(&self, step: &str, target: &str) -> Option<bool> {
        let sent = self.sent.borrow();
        let mut of_step = sent.iter().filter(|(s, _)| s == step).peekable();
        of_step.peek()?;
        Some(of_step.any(|(_, t)| t == target))
    }
}

impl Clerk {
    /// Sends a step's code unless it is already out: sent by this page, or (when this
    /// page sent none for the step) still waiting unexpired on the server, as
    /// `pending` reads it from the state, from before a reload. Returns whether a code
    /// went out now. A call made while a code is on its way returns once it has gone,
    /// or tries again if that send failed.
    pub(super) async fn send_code_once<T, Fut>(
        &self,
        step: &str,
        target: &str,
        pending: impl FnOnce(&ClerkState) -> bool,
        send: impl FnOnce() -> Fut,
    ) -> Result<bool, ClerkError>
    where
        Fut: Future<Output = Result<T, ClerkError>>,
    {
        let codes = &self.0.sent_codes;
        let _one_at_a_time = codes.sending.lock().await;
        let already = match codes.sent_here(step, target) {
            Some(this_one) => this_one,
            None => pending(&self.state()),
        };
        if already {
            return Ok(false);
        }
        codes.record(step, target);
        match send().await {
            Ok(_) => Ok(true),
            Err(e) => {
                // A cooldown means a code is on its way; anything else may be retried.
                if !e.is("verification_code_too_many_requests") {
                    codes.forget(step, target);
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
