//! Cards for the moments between steps.

use yew::{platform::spawn_local, prelude::*};

use crate::{
    components::modal::InModal,
    context::{use_clerk_context, ClerkContext},
    Clerk,
};

/// Sends the user on once signed in (now, or already when the page opened), so a
/// signed-in visitor never meets a dead form. `target` picks where.
///
/// A pending session (MFA required, none set up) goes to the app's task page when it
/// has one; otherwise this returns where to go once the task is done, and the card
/// shows `<TaskSetupMfa/>` in its place (until its backup codes are put away).
#[hook]
pub(crate) fn use_leave_when_signed_in(
    target: impl Fn(&Clerk) -> String + 'static,
) -> Option<String> {
    let ctx = use_clerk_context();
    let pending = ctx.state.is_pending();
    let task_url = ctx.state.current_task().and_then(|t| ctx.clerk.task_url(t));
    let in_task = use_state(|| false);
    // Multi-session mode: a signed-in visitor is here to add an account, so only a
    // new active session (theirs, just made) sends them on.
    let current = ctx.state.session().map(|s| s.id.clone());
    let first_seen = use_mut_ref(|| None::<Option<String>>);
    if ctx.state.loaded && first_seen.borrow().is_none() {
        *first_seen.borrow_mut() = Some(current.clone());
    }
    let new_session = first_seen.borrow().as_ref().is_some_and(|f| *f != current);
    let leave = ctx.state.is_signed_in()
        && !pending
        && !*in_task
        && (!ctx.state.is_multi_session() || new_session);
    {
        let in_task = in_task.clone();
        let local = pending && task_url.is_none();
        use_effect_with(local, move |local| {
            if *local {
                in_task.set(true);
            }
        });
    }
    let done = (pending && task_url.is_none() || *in_task).then(|| target(&ctx.clerk));
    let clerk = ctx.clerk.clone();
    // In a modal, leaving also closes it (the page under it may be the target).
    let in_modal = use_context::<InModal>().is_some();
    use_effect_with((leave, task_url), move |(leave, task_url)| {
        if let Some(url) = task_url {
            // The task page sends the user on to where this page would have.
            clerk.navigate(&crate::navigation::with_redirect_url(url, &target(&clerk)));
        } else if *leave {
            clerk.navigate(&target(&clerk));
        }
        if in_modal && (task_url.is_some() || *leave) {
            clerk.close_modal();
        }
    });
    done
}

/// What a flow card shows instead of its form: why loading failed, a spinner while
/// loading, or the signed-in notice. `None`: show the form (also to a signed-in
/// visitor in multi-session mode, who is adding an account).
pub(crate) fn not_ready(ctx: &ClerkContext) -> Option<Html> {
    if let Some(e) = &ctx.state.error {
        return Some(html! { <LoadingCard error={ctx.error_text(e)} /> });
    }
    if !ctx.state.loaded {
        return Some(html! { <LoadingCard /> });
    }
    let adding_account = ctx.state.is_multi_session() && !ctx.state.is_pending();
    (ctx.state.is_signed_in() && !adding_account).then(|| {
        if ctx.state.is_pending() {
            html! { <LoadingCard /> }
        } else {
            html! { <SignedInNotice /> }
        }
    })
}

/// Makes a just-created session the active one; a failure is shown, not swallowed
/// (the session exists on the server, so a retry or reload recovers).
pub(crate) fn activate(
    ctx: &ClerkContext,
    session: String,
    failed: &UseStateHandle<Option<String>>,
) {
    let (clerk, ctx, failed) = (ctx.clerk.clone(), ctx.clone(), failed.clone());
    spawn_local(async move {
        if let Err(e) = clerk.set_active(&session).await {
            failed.set(Some(ctx.error_text(&e)));
        }
    });
}

#[derive(Properties, PartialEq)]
pub struct LoadingCardProps {
    /// Loading failed: say why instead of spinning forever.
    #[prop_or_default]
    pub error: Option<String>,
}

/// Shown while the provider loads, or when it could not.
#[component]
pub fn LoadingCard(props: &LoadingCardProps) -> Html {
    let ctx = use_clerk_context();
    html! {
        <div class={ctx.class("rootBox")} lang={ctx.localization.locale()}>
            <div class={ctx.class("card")} aria-busy={props.error.is_none().to_string()}>
                if let Some(e) = &props.error {
                    <div class={ctx.class("alert")} role="alert">{ e.clone() }</div>
                } else {
                    <div class={ctx.class("loading")} role="status">
                        <span class={ctx.class("spinner")} aria-hidden="true"></span>
                        <span class={ctx.class("visuallyHidden")}>{ ctx.t("loading") }</span>
                    </div>
                }
            </div>
        </div>
    }
}

/// Shown for the instant between signing in and the redirect.
#[component]
pub fn SignedInNotice() -> Html {
    let ctx = use_clerk_context();
    html! {
        <div class={ctx.class("rootBox")} lang={ctx.localization.locale()}>
            <div class={ctx.class("card")}>
                <p class={ctx.class("headerSubtitle")} role="status">{ ctx.t("signIn.signedIn") }</p>
            </div>
        </div>
    }
}
