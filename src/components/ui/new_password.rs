use yew::prelude::*;

use super::field::{Field, FieldKind};
use crate::context::use_clerk_context;

#[derive(Properties, PartialEq)]
pub struct NewPasswordFieldsProps {
    /// The FAPI param the password fills (`password`, `new_password`).
    pub name: AttrValue,
    pub value: AttrValue,
    pub oninput: Callback<String>,
    #[prop_or_default]
    pub error: Option<String>,
    /// "Sign out of all other devices", ticked or not.
    pub sign_out_others: bool,
    pub on_sign_out_others: Callback<bool>,
    #[prop_or_default]
    pub node_ref: NodeRef,
}

/// A new password being chosen (the instance's minimum as its hint), and "Sign out of
/// all other devices": whoever knew the old one may still be signed in elsewhere.
#[component]
pub fn NewPasswordFields(props: &NewPasswordFieldsProps) -> Html {
    let ctx = use_clerk_context();
    let min = ctx
        .state
        .environment
        .as_deref()
        .map(|e| e.user_settings.password_settings.min_length)
        .unwrap_or(8);
    let toggle = {
        let (on, now) = (props.on_sign_out_others.clone(), props.sign_out_others);
        Callback::from(move |_| on.emit(!now))
    };
    html! {
        <>
            <Field name={props.name.clone()} label={ctx.t("formFieldLabel__newPassword")} required=true
                kind={FieldKind::NewPassword} node_ref={props.node_ref.clone()}
                hint={ctx.t_with("formFieldHintText__passwordLength", &[("min", &min.to_string())])}
                value={props.value.clone()} oninput={props.oninput.clone()}
                error={props.error.clone()} />
            <label class={ctx.class("formFieldCheckbox")}>
                <input type="checkbox" name="sign_out_of_other_sessions" checked={props.sign_out_others}
                    onchange={toggle} />
                { ctx.t("formFieldLabel__signOutOfOtherSessions") }
            </label>
        </>
    }
}
