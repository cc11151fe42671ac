use qrcodegen::{QrCode as Qr, QrCodeEcc};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct QrCodeProps {
    /// What the code carries (an `otpauth://` URI).
    pub value: AttrValue,
    /// Read out to screen readers in place of the picture.
    pub label: AttrValue,
}

/// A QR code drawn as one SVG path: crisp at any size, no image request, no canvas.
/// Medium error correction, as authenticator apps scan it off a screen.
#[component]
pub fn QrCode(props: &QrCodeProps) -> Html {
    let Ok(qr) = Qr::encode_text(&props.value, QrCodeEcc::Medium) else {
        return html! {};
    };
    let (d, size) = svg_path(&qr);
    // The quiet zone of four modules that scanners need around the code.
    let view = format!("-4 -4 {0} {0}", size + 8);
    html! {
        <svg class="cl-qrCode" xmlns="http://www.w3.org/2000/svg" viewBox={view}
            role="img" aria-label={props.label.clone()} shape-rendering="crispEdges">
            <rect x="-4" y="-4" width="100%" height="100%" fill="#fff" />
            <path {d} fill="#000" />
        </svg>
    }
}

/// One `M x y h1 v1 h-1 z` square per dark module, runs merged along each row.
fn svg_path(qr: &Qr) -> (String, i32) {
    let size = qr.size();
    let mut d = String::new();
    for y in 0..size {
        let mut x = 0;
        while x < size {
            if qr.get_module(x, y) {
                let start = x;
                while x < size && qr.get_module(x, y) {
                    x += 1;
                }
                d.push_str(&format!("M{start} {y}h{}v1h-{}z", x - start, x - start));
            } else {
                x += 1;
            }
        }
    }
    (d, size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_otpauth_uri_fits_and_draws_its_finder_patterns() {
        let uri = "otpauth://totp/yew-clerk%20demo:ada%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=yew-clerk%20demo&algorithm=SHA1&digits=6&period=30";
        let qr = Qr::encode_text(uri, QrCodeEcc::Medium).unwrap();
        let (d, size) = svg_path(&qr);
        assert_eq!(size, qr.size());
        // The top-left finder pattern starts with a run of seven dark modules.
        assert!(d.starts_with("M0 0h7v1h-7z"));
    }
}
