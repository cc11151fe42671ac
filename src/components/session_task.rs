//! Which session task a pending session shows in place, and under which URL step:
//! Clerk's `reset-password` (a new password an administrator asked for) or
//! `setup-mfa` (a second factor MFA requires).

use yew::prelude::*;

use super::{
    flow_route::{TASK_RESET_PASSWORD, TASK_SETUP_MFA},
    lazy::chunk,
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
    let task = Task {
        reset_password: resetting_password(ctx),
        done: done.into(),
    };
    TASKS.render(task)
}

/// Starts loading the task cards in the background (in a split build).
pub(crate) fn prefetch_tasks() {
    TASKS.prefetch();
}

/// A task card in place: in a split build, its own chunk (the set-up-MFA card brings
/// the QR code encoder), loaded only for a pending session.
#[derive(Clone, PartialEq)]
pub(crate) struct Task {
    reset_password: bool,
    done: AttrValue,
}

fn draw_task(task: &Task) -> Html {
    let done = task.done.clone();
    if task.reset_password {
        html! { <TaskResetPassword redirect_url_complete={done} /> }
    } else {
        html! { <TaskSetupMfa redirect_url_complete={done} /> }
    }
}

chunk! {
    static TASKS: Task = session_tasks => draw_task
}
