use yew::prelude::*;

use crate::context::{use_clerk_context, ClerkContext};

#[derive(Properties, PartialEq)]
pub struct SubmitButtonProps {
    pub label: AttrValue,
    #[prop_or_default]
    pub busy: bool,
    #[prop_or_default]
    pub disabled: bool,
}

/// The form's primary button: disabled with a spinner while the request is in flight.
#[component]
pub fn SubmitButton(props: &SubmitButtonProps) -> Html {
    let ctx = use_clerk_context();
    html! {
        <button
            type="submit"
            class={ctx.class("formButtonPrimary")}
            disabled={props.busy || props.disabled}
            aria-busy={props.busy.to_string()}
        >
            if props.busy {
                <span class={ctx.class("spinner")} aria-hidden="true"></span>
            }
            { props.label.clone() }
        </button>
    }
}

#[derive(Properties, PartialEq)]
pub struct LinkButtonProps {
    pub label: AttrValue,
    pub onclick: Callback<MouseEvent>,
    #[prop_or(AttrValue::Static("footerActionLink"))]
    pub element: AttrValue,
    #[prop_or_default]
    pub disabled: bool,
}

/// A text button (switch method, resend, sign up instead).
#[component]
pub fn LinkButton(props: &LinkButtonProps) -> Html {
    let ctx = use_clerk_context();
    html! {
        <button type="button" class={ctx.class(&props.element)} onclick={props.onclick.clone()} disabled={props.disabled}>
            { props.label.clone() }
        </button>
    }
}

/// One choice in a list of methods ("Use another method"): a wide button. A plain
/// function, not a component: it keeps no state.
pub fn block_button(ctx: &ClerkContext, label: String, onclick: Callback<MouseEvent>) -> Html {
    html! {
        <button type="button" class={classes!(ctx.class("button"), ctx.class("alternativeMethodsBlockButton"))} {onclick}>
            { label }
        </button>
    }
}
