use yew::prelude::*;

/// Moves focus to the element when the step appears, so keyboard users start typing
/// where the step begins (`autofocus` only works once per page).
#[hook]
pub fn use_focus_on_mount(node: NodeRef) {
    use_effect_with((), move |_| {
        if let Some(el) = node.cast::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    });
}
