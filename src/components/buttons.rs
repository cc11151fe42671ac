//! `<SignInButton>`, `<SignUpButton>` and `<SignOutButton>`: Clerk's buttons that
//! start a flow from anywhere, to its page or in a modal.

use yew::{platform::spawn_local, prelude::*};

use crate::{components::modal::ButtonMode, context::use_clerk_context, RedirectOptions};

/// Props of [`SignInButton`] and [`SignUpButton`].
#[derive(Properties, PartialEq)]
pub struct FlowButtonProps {
    /// To the page (default), or [`ButtonMode::modal`].
    #[prop_or_default]
    pub mode: ButtonMode,
    /// After signing in, always go here (Clerk's `forceRedirectUrl`).
    #[prop_or_default]
    pub force_redirect_url: Option<AttrValue>,
    /// After signing in, when nothing else says where (Clerk's `fallbackRedirectUrl`).
    /// Without one, a modal leaves the user on this page; a redirect brings them back.
    #[prop_or_default]
    pub fallback_redirect_url: Option<AttrValue>,
    /// For a sign-up reached from it (or, on `<SignUpButton>`, the sign-in).
    #[prop_or_default]
    pub sign_up_force_redirect_url: Option<AttrValue>,
    #[prop_or_default]
    pub sign_up_fallback_redirect_url: Option<AttrValue>,
    #[prop_or_default]
    pub sign_in_force_redirect_url: Option<AttrValue>,
    #[prop_or_default]
    pub sign_in_fallback_redirect_url: Option<AttrValue>,
    /// Extra classes for the `<button>`.
    #[prop_or_default]
    pub class: Classes,
    /// The button's content (default: "Sign in" / "Sign up", localized).
    #[prop_or_default]
    pub children: Html,
}

#[derive(Clone, Copy, PartialEq)]
enum Flow {
    SignIn,
    SignUp,
}

fn options(props: &FlowButtonProps, flow: Flow) -> RedirectOptions {
    let s = |v: &Option<AttrValue>| v.as_ref().map(|v| v.to_string());
    let own = |a: &Option<AttrValue>, b: &Option<AttrValue>| s(a).or(s(b));
    match flow {
        Flow::SignIn => RedirectOptions {
            redirect_url: None,
            sign_in_force_redirect_url: own(
                &props.force_redirect_url,
                &props.sign_in_force_redirect_url,
            ),
            sign_in_fallback_redirect_url: own(
                &props.fallback_redirect_url,
                &props.sign_in_fallback_redirect_url,
            ),
            sign_up_force_redirect_url: s(&props.sign_up_force_redirect_url),
            sign_up_fallback_redirect_url: s(&props.sign_up_fallback_redirect_url),
        },
        Flow::SignUp => RedirectOptions {
            redirect_url: None,
            sign_up_force_redirect_url: own(
                &props.force_redirect_url,
                &props.sign_up_force_redirect_url,
            ),
            sign_up_fallback_redirect_url: own(
                &props.fallback_redirect_url,
                &props.sign_up_fallback_redirect_url,
            ),
            sign_in_force_redirect_url: s(&props.sign_in_force_redirect_url),
            sign_in_fallback_redirect_url: s(&props.sign_in_fallback_redirect_url),
        },
    }
}

/// Opens sign-in: the sign-in page, coming back here after, or a modal over this page.
///
/// ```no_run
/// use yew::prelude::*;
/// use yew_clerk::prelude::*;
/// #[component]
/// fn Header() -> Html {
///     html! {
///         <Show when="signed-out">
///             <SignInButton mode={ButtonMode::modal()} fallback_redirect_url="/dashboard" />
///             <SignUpButton>{ "Create an account" }</SignUpButton>
///         </Show>
///     }
/// }
/// ```
#[component]
pub fn SignInButton(props: &FlowButtonProps) -> Html {
    render(props, Flow::SignIn)
}

/// Opens sign-up: its page or a modal, as [`SignInButton`].
#[component]
pub fn SignUpButton(props: &FlowButtonProps) -> Html {
    render(props, Flow::SignUp)
}

fn render(props: &FlowButtonProps, flow: Flow) -> Html {
    html! { <FlowButtonBody {flow} mode={props.mode} options={options(props, flow)}
    class={props.class.clone()} children={props.children.clone()} /> }
}

#[derive(Properties, PartialEq)]
struct BodyProps {
    flow: Flow,
    mode: ButtonMode,
    options: RedirectOptions,
    class: Classes,
    children: Html,
}

#[component]
fn FlowButtonBody(props: &BodyProps) -> Html {
    let ctx = use_clerk_context();
    if let ButtonMode::Modal(components) = props.mode {
        components.offer(&ctx.modals);
    }
    let onclick = {
        let (clerk, flow, mode, options) = (
            ctx.clerk.clone(),
            props.flow,
            props.mode,
            props.options.clone(),
        );
        Callback::from(move |_: MouseEvent| match (mode, flow) {
            (ButtonMode::Modal(_), Flow::SignIn) => clerk.open_sign_in(options.clone()),
            (ButtonMode::Modal(_), Flow::SignUp) => clerk.open_sign_up(options.clone()),
            (ButtonMode::Redirect, Flow::SignIn) => clerk.redirect_to_sign_in_with(&options),
            (ButtonMode::Redirect, Flow::SignUp) => clerk.redirect_to_sign_up_with(&options),
        })
    };
    let (key, label) = match props.flow {
        // Clerk's own words for "Sign in" and "Sign up" (the links between the flows).
        Flow::SignIn => ("signInButton", "signUp.start.actionLink"),
        Flow::SignUp => ("signUpButton", "signIn.start.actionLink"),
    };
    let content = if props.children == Html::default() {
        html! { { ctx.t(label) } }
    } else {
        props.children.clone()
    };
    html! {
        <button type="button" class={classes!(ctx.class("button"), ctx.class(key), props.class.clone())}
            aria-haspopup={matches!(props.mode, ButtonMode::Modal(_)).then_some("dialog")} {onclick}>
            { content }
        </button>
    }
}

/// Props of [`SignOutButton`].
#[derive(Properties, PartialEq)]
pub struct SignOutButtonProps {
    /// Where to go after (default: the provider's after-sign-out URL).
    #[prop_or_default]
    pub redirect_url: Option<AttrValue>,
    /// Sign out of this session only (multi-session apps); default: every session
    /// on this device.
    #[prop_or_default]
    pub session_id: Option<AttrValue>,
    #[prop_or_default]
    pub class: Classes,
    /// The button's content (default: "Sign out", localized).
    #[prop_or_default]
    pub children: Html,
}

/// Signs out, then goes to `redirect_url` (Clerk's `<SignOutButton>`). With a
/// `session_id` other than the active one, only that session ends and nothing moves.
///
/// ```no_run
/// use yew::prelude::*;
/// use yew_clerk::prelude::*;
/// #[component]
/// fn Menu() -> Html {
///     html! { <SignOutButton redirect_url="/goodbye" /> }
/// }
/// ```
#[component]
pub fn SignOutButton(props: &SignOutButtonProps) -> Html {
    let ctx = use_clerk_context();
    let onclick = {
        let (clerk, url, session) = (
            ctx.clerk.clone(),
            props.redirect_url.clone(),
            props.session_id.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (clerk, url, session) = (clerk.clone(), url.clone(), session.clone());
            spawn_local(async move {
                // As Clerk's `signOut({ sessionId })`: ending another account's session
                // keeps this one, and the page.
                let current = clerk.state().session().map(|s| s.id.clone());
                let ends_current = session
                    .as_deref()
                    .is_none_or(|id| Some(id) == current.as_deref());
                let done = match &session {
                    Some(id) => clerk.sign_out_session(id).await,
                    None => clerk.sign_out().await,
                };
                if done.is_ok() && ends_current {
                    let target = url
                        .map(|u| u.to_string())
                        .unwrap_or_else(|| clerk.after_sign_out_url());
                    clerk.navigate(&target);
                }
            });
        })
    };
    let content = if props.children == Html::default() {
        html! { { ctx.t("userButton.action__signOut") } }
    } else {
        props.children.clone()
    };
    html! {
        <button type="button" class={classes!(ctx.class("button"), ctx.class("signOutButton"), props.class.clone())} {onclick}>
            { content }
        </button>
    }
}
