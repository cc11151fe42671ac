//! Which session task a pending session shows in place, and under which URL step:
//! Clerk's `reset-password` (a new password an administrator asked for) or
//! `setup-mfa` (a second factor MFA requires).

use yew::prelude::*;

use super::{
    flow_route::{TASK_RESET_PASSWORD, TASK_SETUP_MFA},
    task_reset_password::TaskResetPassword,
    task_setup_mfa::TaskSetupMfa,
};
use crate::context::ClerkContext;

fn resetting_password(ctx: &ClerkContext) -> bool {
    ctx.state
        .current_task()
        .is_some_and(|t| t.key == "reset-password")
}

/// The URL step of the task shown (`tasks/reset-password`, `tasks/setup-mfa`).
pub(crate) fn task_step(ctx: &ClerkContext) -> &'static str {
    if resetting_password(ctx) {
        TASK_RESET_PASSWORD
    } else {
        TASK_SETUP_MFA
    }
}

/// The card of the task shown; `done`: where to go once it is done.
pub(crate) fn task_card(ctx: &ClerkContext, done: String) -> Html {
    if resetting_password(ctx) {
        html! { <TaskResetPassword redirect_url_complete={done} /> }
    } else {
        html! { <TaskSetupMfa redirect_url_complete={done} /> }
    }
}
