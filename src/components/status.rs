//! Cards for the moments between steps.

use yew::{platform::spawn_local, prelude::*};

use crate::{
    context::{use_clerk_context, ClerkContext},
    Clerk,
};

/// Sends the user on once signed in (now, or already when the page opened), so a
/// signed-in visitor never meets a dead form. `target` picks where.
#[hook]
pub(crate) fn use_leave_when_signed_in(target: impl Fn(&Clerk) -> String + 'static) {
    let ctx = use_clerk_context();
    let signed_in = ctx.state.is_signed_in();
    use_effect_with(signed_in, move |signed_in| {
        if *signed_in {
            ctx.clerk.navigate(&target(&ctx.clerk));
        }
    });
}

/// What a flow card shows instead of its form: why loading failed, a spinner while
/// loading, or the signed-in notice. `None`: show the form.
pub(crate) fn not_ready(ctx: &ClerkContext) -> Option<Html> {
    if let Some(e) = &ctx.state.error {
        return Some(html! { <LoadingCard error={ctx.error_text(e)} /> });
    }
    if !ctx.state.loaded {
        return Some(html! { <LoadingCard /> });
    }
    ctx.state
        .is_signed_in()
        .then(|| html! { <SignedInNotice /> })
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
        <div class={ctx.class("rootBox")}>
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
        <div class={ctx.class("rootBox")}>
            <div class={ctx.class("card")}>
                <p class={ctx.class("headerSubtitle")} role="status">{ ctx.t("signIn.signedIn") }</p>
            </div>
        </div>
    }
}
