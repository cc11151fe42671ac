use yew::{platform::spawn_local, prelude::*};

use super::{use_focus_on_mount, Action, Alert, Card, FormErrors, LinkButton, SubmitButton};
use crate::{browser::now_ms, context::use_clerk_context};

/// What a code looks like: what the field keeps of what is typed or pasted, and
/// at which length it submits by itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CodeShape {
    /// Six digits: codes sent by email or SMS, and authenticator apps.
    #[default]
    Digits,
    /// A backup code: eight lowercase letters and digits.
    Backup,
}

impl CodeShape {
    /// Length at which the code is complete.
    pub fn length(self) -> usize {
        match self {
            CodeShape::Digits => 6,
            CodeShape::Backup => 8,
        }
    }

    /// What the field keeps of a typed or pasted value (spaces, dashes and other
    /// separators go; letters are lowercased for backup codes).
    pub fn clean(self, raw: &str) -> String {
        match self {
            CodeShape::Digits => raw.chars().filter(char::is_ascii_digit).take(6).collect(),
            CodeShape::Backup => raw
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase())
                .take(8)
                .collect(),
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct CodeFormProps {
    pub title: AttrValue,
    #[prop_or_default]
    pub subtitle: Option<AttrValue>,
    #[prop_or_default]
    pub identity: Option<Html>,
    /// Checks a complete code.
    pub submit: Action<String>,
    /// Sends a new code; absent for codes nobody sends (authenticator apps).
    #[prop_or_default]
    pub resend: Option<Action<()>>,
    /// Seconds before "resend" is offered (a code was just sent: 30).
    #[prop_or_default]
    pub cooldown_seconds: u32,
    #[prop_or_default]
    pub footer: Html,
    /// More of the form, under the code (a choice to make before it is sent).
    #[prop_or_default]
    pub children: Html,
    /// Inside another card (the user profile): no card of its own.
    #[prop_or_default]
    pub inline: bool,
    /// False while the code is still being sent: a code typed or pasted meanwhile is
    /// kept and submitted once it is, never raced ahead of the send.
    #[prop_or(true)]
    pub ready: bool,
    #[prop_or_default]
    pub shape: CodeShape,
}

/// A code step: one input that takes typing or a pasted code (spaces and dashes are
/// dropped), submits by itself once complete (six digits, or a backup code's eight), shows the error under the field, and
/// offers resend after a visible countdown.
#[component]
pub fn CodeForm(props: &CodeFormProps) -> Html {
    let ctx = use_clerk_context();
    let code = use_state(String::new);
    let busy = use_state(|| false);
    let errors = use_state(FormErrors::default);
    let info = use_state(|| None::<String>);
    let resend_at = use_state(|| now_ms() + props.cooldown_seconds as f64 * 1000.0);
    let now = use_state(now_ms);
    let input = use_node_ref();
    use_focus_on_mount(input.clone());

    {
        let now = now.clone();
        use_effect_with((), move |_| {
            let tick = gloo_timers::callback::Interval::new(1000, move || now.set(now_ms()));
            move || drop(tick)
        });
    }
    let remaining = ((*resend_at - *now) / 1000.0).ceil().max(0.0) as u64;

    let run = {
        let (busy, errors, code, submit, ctx, input) = (
            busy.clone(),
            errors.clone(),
            code.clone(),
            props.submit.clone(),
            ctx.clone(),
            input.clone(),
        );
        Callback::from(move |value: String| {
            if *busy {
                return;
            }
            busy.set(true);
            errors.set(FormErrors::default());
            let (busy, errors, code, submit, ctx, input) = (
                busy.clone(),
                errors.clone(),
                code.clone(),
                submit.clone(),
                ctx.clone(),
                input.clone(),
            );
            spawn_local(async move {
                if let Err(e) = submit.run(value).await {
                    errors.set(FormErrors::from_error(&ctx, &e, &["code"]));
                    code.set(String::new());
                    if let Some(el) = input.cast::<web_sys::HtmlElement>() {
                        let _ = el.focus();
                    }
                }
                busy.set(false);
            });
        })
    };
    // A complete code that arrived before the send finished goes in once it has.
    {
        let (code, run) = (code.clone(), run.clone());
        let complete = props.shape.length();
        use_effect_with(props.ready, move |ready| {
            if *ready && code.len() == complete {
                run.emit((*code).clone());
            }
        });
    }
    let ready = props.ready;
    let shape = props.shape;
    let oninput = {
        let (code, run) = (code.clone(), run.clone());
        Callback::from(move |e: InputEvent| {
            let el: web_sys::HtmlInputElement = e.target_unchecked_into();
            let cleaned = shape.clean(&el.value());
            el.set_value(&cleaned);
            code.set(cleaned.clone());
            if cleaned.len() == shape.length() && ready {
                run.emit(cleaned);
            }
        })
    };
    let onsubmit = {
        let (code, run) = (code.clone(), run.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if ready {
                run.emit((*code).clone());
            }
        })
    };
    let resend = props.resend.clone().map(|action| {
        let (errors, info, resend_at, ctx) =
            (errors.clone(), info.clone(), resend_at.clone(), ctx.clone());
        Callback::from(move |_| {
            let (action, errors, info, resend_at, ctx) = (
                action.clone(),
                errors.clone(),
                info.clone(),
                resend_at.clone(),
                ctx.clone(),
            );
            resend_at.set(now_ms() + 30_000.0);
            spawn_local(async move {
                match action.run(()).await {
                    Ok(()) => {
                        errors.set(FormErrors::default());
                        info.set(Some(ctx.t("codeSent")));
                    }
                    Err(e) => {
                        if let Some(wait) = e.retry_after() {
                            resend_at.set(now_ms() + wait as f64 * 1000.0);
                        }
                        // Not "A new code is on its way" beside the error.
                        info.set(None);
                        errors.set(FormErrors::from_error(&ctx, &e, &[]));
                    }
                }
            });
        })
    });

    let error = errors.field("code");
    let label = ctx.t("formFieldLabel__code");
    let footer = html! {
        <>
            if let Some(onclick) = resend {
                if remaining > 0 {
                    <span class={ctx.class("formResendCodeLink")} aria-live="polite">
                        { ctx.t_with("resendCodeIn", &[("seconds", &remaining.to_string())]) }
                    </span>
                } else {
                    <LinkButton element="formResendCodeLink" label={ctx.t("resendCode")} {onclick} />
                }
            }
            { props.footer.clone() }
        </>
    };
    let body = html! {
        <>
            <Alert message={errors.global.clone()} />
            <Alert message={(*info).clone()} kind="info" />
            <form class={ctx.class("form")} {onsubmit} novalidate=true>
                <div class={ctx.class("otpCodeField")}>
                    <label class={ctx.class("formFieldLabel")} for="cl-field-code">{ label }</label>
                    <input
                        ref={input}
                        id="cl-field-code"
                        name="code"
                        class={classes!(ctx.class("formFieldInput"), ctx.class("otpCodeFieldInput"))}
                        type="text"
                        inputmode={if shape == CodeShape::Digits { "numeric" } else { "text" }}
                        autocomplete={if shape == CodeShape::Digits { "one-time-code" } else { "off" }}
                        autocapitalize="none"
                        spellcheck="false"
                        pattern={if shape == CodeShape::Digits { "[0-9]*" } else { "[a-z0-9]*" }}
                        value={(*code).clone()}
                        {oninput}
                        disabled={*busy}
                        aria-invalid={error.is_some().to_string()}
                        aria-describedby={error.as_ref().map(|_| "cl-field-code-error")}
                    />
                    if let Some(error) = error {
                        <p id="cl-field-code-error" class={ctx.class("formFieldErrorText")} role="alert">{ error }</p>
                    }
                </div>
                { props.children.clone() }
                <SubmitButton label={ctx.t("formButtonPrimary")} busy={*busy || !props.ready} disabled={code.len() != shape.length()} />
            </form>
        </>
    };
    if props.inline {
        return html! {
            <div class={ctx.class("verificationInline")}>
                <p class={ctx.class("headerSubtitle")}>{ props.subtitle.clone().unwrap_or_else(|| props.title.clone()) }</p>
                { body }
                <div class={ctx.class("footer")}>{ footer }</div>
            </div>
        };
    }
    html! {
        <Card title={props.title.clone()} subtitle={props.subtitle.clone()} identity={props.identity.clone()} {footer}>
            { body }
        </Card>
    }
}

#[cfg(test)]
mod tests {
    use super::CodeShape;

    #[test]
    fn pasted_codes_keep_only_what_the_shape_allows() {
        assert_eq!(CodeShape::Digits.clean("123 456-7"), "123456");
        assert_eq!(CodeShape::Backup.clean("AB12-cd34 ef"), "ab12cd34");
        assert_eq!(CodeShape::Backup.length(), 8);
    }
}
