use yew::prelude::*;

use crate::context::use_clerk_context;

/// What kind of input a field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Email,
    Tel,
    /// A password the user types to sign in (`current-password`).
    CurrentPassword,
    /// A password being chosen (`new-password`).
    NewPassword,
}

#[derive(Properties, PartialEq)]
pub struct FieldProps {
    /// The FAPI param it fills: also the input's `name` and the key of its error.
    pub name: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    pub oninput: Callback<String>,
    #[prop_or(FieldKind::Text)]
    pub kind: FieldKind,
    /// `autocomplete` for text fields (`username`, `given-name`, ...).
    #[prop_or_default]
    pub autocomplete: Option<AttrValue>,
    #[prop_or_default]
    pub error: Option<String>,
    #[prop_or_default]
    pub hint: Option<String>,
    /// An example of what to type (never instead of the label).
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
    #[prop_or_default]
    pub required: bool,
    #[prop_or_default]
    pub node_ref: NodeRef,
}

/// A labelled input with its hint and its error (announced, and tied to the input by
/// `aria-describedby`). Password fields have a show/hide button.
#[component]
pub fn Field(props: &FieldProps) -> Html {
    let ctx = use_clerk_context();
    let shown = use_state(|| false);
    let id = format!("cl-field-{}", props.name);
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let is_password = matches!(
        props.kind,
        FieldKind::CurrentPassword | FieldKind::NewPassword
    );
    let input_type = match props.kind {
        FieldKind::Email => "email",
        FieldKind::Tel => "tel",
        _ if is_password && !*shown => "password",
        _ => "text",
    };
    let autocomplete = match props.kind {
        FieldKind::CurrentPassword => Some(AttrValue::Static("current-password")),
        FieldKind::NewPassword => Some(AttrValue::Static("new-password")),
        FieldKind::Email => props
            .autocomplete
            .clone()
            .or(Some(AttrValue::Static("email"))),
        FieldKind::Tel => props
            .autocomplete
            .clone()
            .or(Some(AttrValue::Static("tel"))),
        FieldKind::Text => props.autocomplete.clone(),
    };
    let described: Vec<&str> = [
        props.hint.as_ref().map(|_| hint_id.as_str()),
        props.error.as_ref().map(|_| error_id.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let oninput = {
        let cb = props.oninput.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            cb.emit(input.value());
        })
    };
    let toggle = {
        let shown = shown.clone();
        Callback::from(move |_| shown.set(!*shown))
    };
    let toggle_label = if *shown {
        ctx.t("formFieldAction__hidePassword")
    } else {
        ctx.t("formFieldAction__showPassword")
    };
    let input = html! {
        <input
            ref={props.node_ref.clone()}
            id={id.clone()}
            class={ctx.class("formFieldInput")}
            name={props.name.clone()}
            type={input_type}
            value={props.value.clone()}
            {oninput}
            autocomplete={autocomplete}
            placeholder={props.placeholder.clone()}
            required={props.required}
            aria-invalid={props.error.is_some().to_string()}
            aria-describedby={(!described.is_empty()).then(|| described.join(" "))}
            spellcheck="false"
        />
    };
    html! {
        <div class={ctx.class("formField")}>
            <div class={ctx.class("formFieldLabelRow")}>
                <label class={ctx.class("formFieldLabel")} for={id.clone()}>{ props.label.clone() }</label>
                if !props.required && !is_password {
                    <span class={ctx.class("formFieldHintText")}>{ ctx.t("formFieldHintText__optional") }</span>
                }
            </div>
            if is_password {
                <div class={ctx.class("formFieldInputGroup")}>
                    { input }
                    // An eye, named in words: a label of any length in any language
                    // would cover what is typed.
                    <button type="button" class={ctx.class("formFieldInputShowPasswordButton")}
                        onclick={toggle} aria-pressed={shown.to_string()} aria-controls={id.clone()}
                        aria-label={toggle_label.clone()} title={toggle_label}>
                        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false"
                            fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
                            <path d="M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z" />
                            <circle cx="12" cy="12" r="3" />
                            if *shown {
                                <path d="M3 3l18 18" />
                            }
                        </svg>
                    </button>
                </div>
            } else {
                { input }
            }
            if let Some(hint) = &props.hint {
                <p id={hint_id} class={ctx.class("formFieldHintText")}>{ hint.clone() }</p>
            }
            if let Some(error) = &props.error {
                <p id={error_id} class={ctx.class("formFieldErrorText")} role="alert">{ error.clone() }</p>
            }
        </div>
    }
}
