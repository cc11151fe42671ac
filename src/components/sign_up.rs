//! `<SignUp/>`: the fields the instance asks for, the password rules it reports,
//! what is still missing (after a provider, say), then the email (or phone) code,
//! then the new session is made active.

use std::collections::BTreeMap;

use fapi_types::{params, SignUp as SignUpResource, SignUpStatus, Strategy};
use yew::prelude::*;

use crate::{
    components::{
        flow_route::{use_flow_route, Routing, SSO_CALLBACK, TASK_RESET_PASSWORD, TASK_SETUP_MFA},
        lazy::chunk,
        modal::InModal,
        session_task::{task_card, task_step},
        social::{sso_urls, SocialButtons, SsoCallback},
        status::{activate, not_ready, use_leave_when_signed_in, LoadingCard},
        ui::{
            use_code_sender, use_focus_on_mount, use_form, Action, Alert, Card, CodeForm, Field,
            FieldKind, FormHandle, LinkButton, SubmitButton,
        },
    },
    context::{use_clerk_context, ClerkContext},
    localization::{bring_english, en_us},
    Modal,
};

#[derive(Properties, PartialEq, Clone)]
pub struct SignUpProps {
    /// Always go here after signing up (wins over `redirect_url`).
    #[prop_or_default]
    pub force_redirect_url: Option<AttrValue>,
    /// Go here after signing up when the URL has no `redirect_url`.
    #[prop_or_default]
    pub fallback_redirect_url: Option<AttrValue>,
    /// Where "Sign in" leads.
    #[prop_or_default]
    pub sign_in_url: Option<AttrValue>,
    /// How the step is kept in the URL (default: `Path` with a `path`, else `Hash`).
    #[prop_or_default]
    pub routing: Option<Routing>,
    /// The page's own path, under which the steps live (`/sign-up/verify-email-address`).
    #[prop_or_default]
    pub path: Option<AttrValue>,
}

#[derive(Clone, PartialEq)]
enum Step {
    Form,
    /// The sign-up goes on with only what it still misses (Clerk's `continue`).
    Continue,
    Verify(Strategy),
    /// Back from a provider: what it became is being found out.
    SsoCallback,
    Finishing,
}

/// What to do with a sign-up the server answered with, in Clerk's order
/// (`completeSignUpFlow`): the email code, the phone code, then what is missing.
fn next(sign_up: &SignUpResource) -> Step {
    let unverified = |field: &str| sign_up.unverified_fields.iter().any(|f| f == field);
    if sign_up.status == SignUpStatus::Complete {
        Step::Finishing
    } else if unverified("email_address") {
        Step::Verify(Strategy::EmailCode)
    } else if unverified("phone_number") {
        Step::Verify(Strategy::PhoneCode)
    } else if sign_up
        .missing_fields
        .iter()
        .any(|f| FIELDS.contains(&f.as_str()))
    {
        Step::Continue
    } else {
        Step::Form
    }
}

/// The URL step of a flow step, as Clerk names it (`None`: stays where the URL is).
fn url_step(step: &Step) -> Option<&'static str> {
    match step {
        Step::Form => Some(""),
        Step::Continue => Some("continue"),
        Step::Verify(Strategy::PhoneCode) => Some("verify-phone-number"),
        Step::Verify(_) => Some("verify-email-address"),
        Step::SsoCallback | Step::Finishing => None,
    }
}

/// The step to show at URL step `at`: the one the user reached when it belongs
/// there, else (a reload, Back or Forward) what the sign-up in progress needs there.
fn shown_step(at: &str, chosen: &Step, sign_up: Option<&SignUpResource>) -> Step {
    if *chosen == Step::Finishing {
        return Step::Finishing;
    }
    if at == SSO_CALLBACK {
        return Step::SsoCallback;
    }
    if at.is_empty() {
        return Step::Form;
    }
    if url_step(chosen) == Some(at) {
        return chosen.clone();
    }
    match sign_up.map(next) {
        Some(s) if url_step(&s) == Some(at) && s != Step::Finishing => s,
        _ => Step::Form,
    }
}

/// The sign-up card. Put it on your sign-up page.
///
/// ```no_run
/// use yew::prelude::*;
/// use yew_clerk::prelude::*;
/// #[component]
/// fn SignUpPage() -> Html {
///     // The code step at /sign-up/verify-email-address survives a reload.
///     html! { <SignUp path="/sign-up" fallback_redirect_url="/welcome" /> }
/// }
/// ```
#[component]
pub fn SignUp(props: &SignUpProps) -> Html {
    SIGN_UP.render(props.clone())
}

chunk! {
    /// In a split build, its own chunk: a sign-in page carries no sign-up.
    static SIGN_UP: SignUpProps = sign_up => draw_sign_up
}

fn draw_sign_up(props: &SignUpProps) -> Html {
    bring_english(en_us::SIGN_UP);
    html! { <SignUpFlow ..props.clone() /> }
}

#[component]
fn SignUpFlow(props: &SignUpProps) -> Html {
    let ctx = use_clerk_context();
    let finish_error = use_state(|| None::<String>);
    // Why a sign-up with a provider did not work, shown on the form.
    let sso_error = use_state(|| None::<String>);
    let chosen = use_state(|| Step::Form);
    let route = use_flow_route(
        Routing::resolve(props.routing, props.path.as_deref()),
        props.path.clone(),
    );
    let in_modal = use_context::<InModal>().is_some();
    let task_done = {
        let force = props.force_redirect_url.clone();
        let fallback = props.fallback_redirect_url.clone();
        use_leave_when_signed_in(move |clerk| {
            if in_modal {
                clerk.after_modal_sign_up(force.as_deref(), fallback.as_deref())
            } else {
                clerk.forced_or_after_sign_up(force.as_deref(), fallback.as_deref())
            }
        })
    };
    let sign_up = ctx.state.sign_up().cloned();
    let step = shown_step(&route.step, &chosen, sign_up.as_ref());
    // The URL names the step shown: a stale or unknown one is corrected in place.
    let wanted = if task_done.is_some() {
        Some(task_step(&ctx))
    } else if !ctx.state.loaded || ctx.state.is_signed_in() && !ctx.state.is_multi_session() {
        None
    } else {
        url_step(&step)
    };
    {
        let route = route.clone();
        use_effect_with(
            (wanted, route.step.clone()),
            move |(wanted, _)| match *wanted {
                Some(w @ (TASK_SETUP_MFA | TASK_RESET_PASSWORD)) => route.push(w),
                Some(w) => route.replace(w),
                None => {}
            },
        );
    }
    if let Some(done) = task_done {
        return task_card(&ctx, done);
    }
    if let Some(card) = not_ready(&ctx) {
        return card;
    }
    let advance = {
        let (chosen, finish_error, ctx, route) = (
            chosen.clone(),
            finish_error.clone(),
            ctx.clone(),
            route.clone(),
        );
        Callback::from(move |su: SignUpResource| {
            let next = next(&su);
            if next == Step::Finishing {
                if let Some(session) = su.created_session_id.clone() {
                    activate(&ctx, session, &finish_error);
                }
            }
            if let Some(at) = url_step(&next) {
                route.push(at);
            }
            chosen.set(next);
        })
    };
    // The buttons start a sign-in with the provider (it signs in whoever already has
    // an account), which comes back here: someone new is signed up from it.
    let (sso_back, sso_complete) = sso_urls(
        &route,
        props
            .path
            .as_ref()
            .map(|p| p.to_string())
            .unwrap_or_else(|| ctx.clerk.sign_up_url()),
        in_modal.then(|| {
            ctx.clerk.after_modal_sign_up(
                props.force_redirect_url.as_deref(),
                props.fallback_redirect_url.as_deref(),
            )
        }),
    );
    match step {
        Step::Form => html! {
            <SignUpForm on_advance={advance} sign_in_url={props.sign_in_url.clone()}
                {sso_back} {sso_complete}
                sso_error={(*sso_error).clone()} />
        },
        Step::SsoCallback => {
            // An account that has two-step verification signs in with its code.
            let second_factor = {
                let (clerk, url) = (ctx.clerk.clone(), props.sign_in_url.clone());
                Callback::from(move |si: fapi_types::SignIn| {
                    let page = url
                        .as_ref()
                        .map(|u| u.to_string())
                        .unwrap_or_else(|| clerk.sign_in_url());
                    let step = if si.status == fapi_types::SignInStatus::NeedsClientTrust {
                        "client-trust"
                    } else if si.status == fapi_types::SignInStatus::NeedsFirstFactor {
                        "factor-one"
                    } else {
                        "factor-two"
                    };
                    clerk.navigate(&format!(
                        "{}#/{step}",
                        page.split('#').next().unwrap_or_default()
                    ));
                })
            };
            let resume = {
                let (chosen, route) = (chosen.clone(), route.clone());
                Callback::from(move |su: SignUpResource| {
                    let next = next(&su);
                    route.replace(url_step(&next).unwrap_or(""));
                    chosen.set(next);
                })
            };
            let done = {
                let (chosen, route, sso_error) = (chosen.clone(), route.clone(), sso_error.clone());
                Callback::from(move |error: Option<String>| {
                    sso_error.set(error);
                    route.replace("");
                    chosen.set(Step::Form);
                })
            };
            html! { <SsoCallback on_sign_in={second_factor} on_sign_up={resume} on_done={done} /> }
        }
        Step::Continue => match sign_up.filter(|su| su.status != SignUpStatus::Complete) {
            Some(su) => html! {
                <ContinueForm missing={su.missing_fields.clone()} on_advance={advance} />
            },
            None => html! {},
        },
        Step::Verify(strategy) => {
            let back = {
                let (chosen, route) = (chosen.clone(), route.clone());
                Callback::from(move |_| {
                    route.push("");
                    chosen.set(Step::Form)
                })
            };
            // A key per code: the phone's step after the email's is a new step, which
            // sends its own code, not the email's form kept with its typed code.
            let key = strategy.as_str().to_owned();
            html! { <VerifyStep {key} {strategy} on_advance={advance} on_back={back} /> }
        }
        Step::Finishing => html! { <LoadingCard error={(*finish_error).clone()} /> },
    }
}

#[derive(Properties, PartialEq)]
struct ContinueProps {
    /// The sign-up's `missing_fields`.
    missing: Vec<String>,
    on_advance: Callback<SignUpResource>,
}

/// What the sign-up in progress still misses, and only that (a username the
/// instance requires of someone who came from a provider), sent to the same
/// sign-up.
#[component]
fn ContinueForm(props: &ContinueProps) -> Html {
    let ctx = use_clerk_context();
    let values = use_state(BTreeMap::<&'static str, String>::new);
    let form = use_form(&FIELDS);
    let first = use_node_ref();
    use_focus_on_mount(first.clone());
    let missing = |name: &str| props.missing.iter().any(|m| m == name);
    let onsubmit = send_on_submit(&ctx, &values, &form, &props.on_advance, Send::ToCurrent);
    let mut fields = Vec::new();
    for (name, ..) in FIELD_KINDS {
        if !missing(name) {
            continue;
        }
        let node = if fields.is_empty() {
            first.clone()
        } else {
            NodeRef::default()
        };
        fields.push(value_field(&ctx, &values, &form, name, node, true, None));
    }
    html! {
        <Card title={ctx.t("signUp.continue.title")} subtitle={ctx.t("signUp.continue.subtitle")}>
            <Alert message={form.errors.global.clone()} />
            <form class={ctx.class("form")} {onsubmit} novalidate=true>
                { for fields }
                <SubmitButton label={ctx.t("formButtonPrimary")} busy={form.busy} />
            </form>
        </Card>
    }
}

/// Each field: its label's key, its kind and its autocomplete token.
const FIELD_KINDS: [(&str, &str, FieldKind, Option<&str>); 6] = [
    (
        "first_name",
        "formFieldLabel__firstName",
        FieldKind::Text,
        Some("given-name"),
    ),
    (
        "last_name",
        "formFieldLabel__lastName",
        FieldKind::Text,
        Some("family-name"),
    ),
    (
        "username",
        "formFieldLabel__username",
        FieldKind::Text,
        Some("username"),
    ),
    (
        "email_address",
        "formFieldLabel__emailAddress",
        FieldKind::Email,
        Some("email"),
    ),
    (
        "phone_number",
        "formFieldLabel__phoneNumber",
        FieldKind::Tel,
        Some("tel"),
    ),
    (
        "password",
        "formFieldLabel__password",
        FieldKind::NewPassword,
        None,
    ),
];

/// The form's values as sign-up parameters: trimmed, empty ones left out (a
/// password as typed).
fn filled(values: &BTreeMap<&'static str, String>) -> params::CreateSignUp {
    let get = |k: &str| {
        values
            .get(k)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    params::CreateSignUp {
        email_address: get("email_address"),
        phone_number: get("phone_number"),
        username: get("username"),
        first_name: get("first_name"),
        last_name: get("last_name"),
        password: values.get("password").cloned().filter(|v| !v.is_empty()),
        ..Default::default()
    }
}

/// The form's values, by field name.
type Values = UseStateHandle<BTreeMap<&'static str, String>>;

/// Where a sign-up form's values go.
#[derive(Clone, Copy)]
enum Send {
    /// A new sign-up.
    New,
    /// The sign-up in progress (what it still misses).
    ToCurrent,
}

/// Sends the form's values on submit, and hands the sign-up the server answers on.
fn send_on_submit(
    ctx: &ClerkContext,
    values: &Values,
    form: &FormHandle,
    advance: &Callback<SignUpResource>,
    to: Send,
) -> Callback<SubmitEvent> {
    let (values, form, ctx, advance) = (values.clone(), form.clone(), ctx.clone(), advance.clone());
    Callback::from(move |e: SubmitEvent| {
        e.prevent_default();
        let p = filled(&values);
        let (clerk, advance) = (ctx.clerk.clone(), advance.clone());
        form.submit(&ctx, async move {
            let sign_up = match to {
                Send::New => clerk.create_sign_up(&p).await?,
                Send::ToCurrent => clerk.update_sign_up(&p).await?,
            };
            advance.emit(sign_up);
            Ok(())
        });
    })
}

/// One of [`FIELD_KINDS`]' fields, its value kept in `values`.
fn value_field(
    ctx: &ClerkContext,
    values: &Values,
    form: &FormHandle,
    name: &'static str,
    node: NodeRef,
    required: bool,
    hint: Option<String>,
) -> Html {
    let Some(&(_, label, kind, autocomplete)) = FIELD_KINDS.iter().find(|f| f.0 == name) else {
        return html! {};
    };
    let values = values.clone();
    html! {
        <Field name={name} label={ctx.t(label)} {kind} node_ref={node}
            autocomplete={autocomplete.map(AttrValue::Static)} {required} {hint}
            value={values.get(name).cloned().unwrap_or_default()}
            oninput={Callback::from(move |v: String| { let mut m = (*values).clone(); m.insert(name, v); values.set(m); })}
            error={form.errors.field(name)} />
    }
}

#[derive(Properties, PartialEq)]
struct FormProps {
    on_advance: Callback<SignUpResource>,
    sign_in_url: Option<AttrValue>,
    sso_back: AttrValue,
    sso_complete: AttrValue,
    sso_error: Option<String>,
}

const FIELDS: [&str; 6] = [
    "first_name",
    "last_name",
    "email_address",
    "phone_number",
    "username",
    "password",
];

#[component]
fn SignUpForm(props: &FormProps) -> Html {
    let ctx = use_clerk_context();
    let values = use_state(BTreeMap::<&'static str, String>::new);
    let form = use_form(&FIELDS);
    let first = use_node_ref();
    use_focus_on_mount(first.clone());

    let env = ctx.state.environment.clone();
    let attr = |name: &str| {
        env.as_deref()
            .and_then(|e| e.user_settings.enabled(name).cloned())
    };
    let shown = |name: &str| match name {
        "phone_number" => attr(name).is_some_and(|a| a.used_for_first_factor),
        "password" => true,
        _ => attr(name).is_some(),
    };
    let required = |name: &str| name == "password" || attr(name).is_some_and(|a| a.required);
    let min_length = env
        .as_deref()
        .map(|e| e.user_settings.password_settings.min_length)
        .unwrap_or(8);

    let onsubmit = send_on_submit(&ctx, &values, &form, &props.on_advance, Send::New);
    let field = |name: &'static str, node: NodeRef| {
        if !shown(name) {
            return html! {};
        }
        let hint = (name == "password").then(|| {
            ctx.t_with(
                "formFieldHintText__passwordLength",
                &[("min", &min_length.to_string())],
            )
        });
        value_field(&ctx, &values, &form, name, node, required(name), hint)
    };
    let names_first = shown("first_name") || shown("last_name");
    let sign_in = {
        let (clerk, url, modals) = (
            ctx.clerk.clone(),
            props.sign_in_url.clone(),
            ctx.modals.clone(),
        );
        Callback::from(move |_| {
            // In a modal, the sign-in takes its place, with the same redirect options.
            if let Some(Modal::SignUp(o)) = clerk.state().modal {
                if modals.get(&Modal::SignIn(o.clone())).is_some() {
                    return clerk.open_sign_in(o);
                }
                clerk.close_modal();
            }
            let target = url
                .as_ref()
                .map(|u| u.to_string())
                .unwrap_or_else(|| clerk.sign_in_url());
            clerk.navigate(&target);
        })
    };
    let footer = html! {
        <span>
            { ctx.t("signUp.start.actionText") }{ " " }
            <LinkButton label={ctx.t("signUp.start.actionLink")} onclick={sign_in} />
        </span>
    };
    html! {
        <Card title={ctx.t("signUp.start.title")} subtitle={ctx.t("signUp.start.subtitle")} {footer}>
            <Alert message={form.errors.global.clone().or_else(|| props.sso_error.clone())} />
            <SocialButtons redirect_url={props.sso_back.clone()}
                redirect_url_complete={props.sso_complete.clone()} />
            <form class={ctx.class("form")} {onsubmit} novalidate=true>
                if names_first {
                    <div class={ctx.class("formFieldRow")}>
                        { field("first_name", first.clone()) }
                        { field("last_name", NodeRef::default()) }
                    </div>
                }
                { field("username", if names_first { NodeRef::default() } else { first.clone() }) }
                { field("email_address", if names_first { NodeRef::default() } else { first.clone() }) }
                { field("phone_number", NodeRef::default()) }
                { field("password", NodeRef::default()) }
                <SubmitButton label={ctx.t("formButtonPrimary")} busy={form.busy} />
            </form>
        </Card>
    }
}

#[derive(Properties, PartialEq)]
struct VerifyProps {
    strategy: Strategy,
    on_advance: Callback<SignUpResource>,
    on_back: Callback<MouseEvent>,
}

/// The sign-up's email or phone code: sent once when the step opens; "Resend" sends
/// a new one.
#[component]
fn VerifyStep(props: &VerifyProps) -> Html {
    let ctx = use_clerk_context();
    let send_once = {
        let (clerk, strategy) = (ctx.clerk.clone(), props.strategy.clone());
        Action::new(move |_: ()| {
            let (clerk, strategy) = (clerk.clone(), strategy.clone());
            async move { clerk.send_sign_up_code_once(strategy).await.map(|_| ()) }
        })
    };
    let resend = {
        let (clerk, strategy) = (ctx.clerk.clone(), props.strategy.clone());
        Action::new(move |_: ()| {
            let (clerk, strategy) = (clerk.clone(), strategy.clone());
            async move {
                clerk
                    .prepare_sign_up_verification(strategy)
                    .await
                    .map(|_| ())
            }
        })
    };
    let sender = use_code_sender((), true, send_once);
    let submit = {
        let (clerk, advance, strategy) = (
            ctx.clerk.clone(),
            props.on_advance.clone(),
            props.strategy.clone(),
        );
        Action::new(move |code: String| {
            let (clerk, advance, strategy) = (clerk.clone(), advance.clone(), strategy.clone());
            async move {
                let su = clerk.attempt_sign_up_verification(strategy, &code).await?;
                advance.emit(su);
                Ok(())
            }
        })
    };
    let su = ctx.state.sign_up().cloned();
    let (title_key, subtitle_key, who) = match props.strategy {
        Strategy::PhoneCode => (
            "signUp.phoneCode.title",
            "signUp.phoneCode.subtitle",
            su.and_then(|s| s.phone_number),
        ),
        _ => (
            "signUp.emailCode.title",
            "signUp.emailCode.subtitle",
            su.and_then(|s| s.email_address),
        ),
    };
    let footer = html! {
        <>
            <Alert message={sender.error.clone()} />
            <LinkButton label={ctx.t("backButton")} onclick={props.on_back.clone()} />
        </>
    };
    html! {
        <CodeForm
            title={ctx.t(title_key)}
            subtitle={ctx.t_with(subtitle_key, &[("identifier", &who.unwrap_or_default())])}
            {submit}
            resend={Some(resend)}
            cooldown_seconds={30}
            ready={sender.sent}
            {footer}
        />
    }
}
