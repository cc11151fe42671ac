use yew::prelude::*;

use crate::context::use_clerk_context;

#[derive(Properties, PartialEq)]
pub struct CardProps {
    pub title: AttrValue,
    #[prop_or_default]
    pub subtitle: Option<AttrValue>,
    /// A chip under the title, e.g. the identifier being signed in.
    #[prop_or_default]
    pub identity: Option<Html>,
    #[prop_or_default]
    pub footer: Html,
    #[prop_or_default]
    pub children: Html,
}

/// The card every flow step sits in.
#[component]
pub fn Card(props: &CardProps) -> Html {
    let ctx = use_clerk_context();
    html! {
        <div class={ctx.class("rootBox")} lang={ctx.localization.locale()}>
            <div class={ctx.class("card")}>
                <div class={ctx.class("header")}>
                    <h1 class={ctx.class("headerTitle")}>{ props.title.clone() }</h1>
                    if let Some(sub) = &props.subtitle {
                        <p class={ctx.class("headerSubtitle")}>{ sub.clone() }</p>
                    }
                    { props.identity.clone().unwrap_or_default() }
                </div>
                { props.children.clone() }
                <div class={ctx.class("footer")}>{ props.footer.clone() }</div>
            </div>
        </div>
    }
}
