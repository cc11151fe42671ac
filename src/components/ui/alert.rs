use yew::prelude::*;

use crate::context::use_clerk_context;

#[derive(Properties, PartialEq)]
pub struct AlertProps {
    pub message: Option<String>,
    /// `danger` (default, announced at once), `info`, `warning`, `success`.
    #[prop_or(AttrValue::Static("danger"))]
    pub kind: AttrValue,
}

/// A message above a form; errors are `role="alert"` so screen readers announce them.
#[component]
pub fn Alert(props: &AlertProps) -> Html {
    let ctx = use_clerk_context();
    let Some(message) = props.message.clone() else {
        return html! {};
    };
    let mut class = ctx.class("alert");
    if props.kind != "danger" {
        class.push(format!("cl-alert__{}", props.kind));
    }
    let role = if props.kind == "danger" {
        "alert"
    } else {
        "status"
    };
    html! { <div {class} {role}>{ message }</div> }
}
