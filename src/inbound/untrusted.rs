//! Text from an unverified request (a reference, an orderId, the URL, the method) made safe to
//! put in a log line or a rejection reason (issue 15, defect 7): a body's reference with a line
//! break in it must not forge log lines.
//!
//! Control characters (C0, DEL, C1), the Unicode line and paragraph separators and the bidi
//! controls become visible escapes (`\n`, `\r`, `\t`, `\u{2028}`), and the text is cut to a
//! bounded length with a marker saying how long it was. Backslashes are left alone: an escape
//! can then be written literally by the sender, but never a line break, and escaping twice
//! changes nothing.

use std::borrow::Cow;
use std::fmt::Write;

/// How many characters of one untrusted text are shown. References and orderIds are at most
/// 64 characters in every API; paths of callback URLs rarely pass 200.
const SHOWN_CHARS: usize = 200;

/// `text`, escaped and cut to [`SHOWN_CHARS`] characters.
pub fn shown(text: &str) -> Cow<'_, str> {
    shown_at_most(text, SHOWN_CHARS)
}

/// `text`, escaped and cut to `max_chars` characters (the escapes not counted) followed by
/// `…(cut, N bytes in all)`. Borrowed when nothing needs changing.
pub fn shown_at_most(text: &str, max_chars: usize) -> Cow<'_, str> {
    let long = text.chars().nth(max_chars).is_some();
    if !long && !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len().min(max_chars * 2) + 32);
    for c in text.chars().take(max_chars) {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    if long {
        let _ = write!(out, "…(cut, {} bytes in all)", text.len());
    }
    Cow::Owned(out)
}

/// Characters that can break or disguise a line: C0 and C1 controls and DEL, U+2028/2029
/// (line breaks to JavaScript and some log viewers), the bidi controls (which reorder what a
/// reader sees) and the byte order mark.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_and_controls_become_visible_escapes() {
        assert!(matches!(
            shown("acme-order-1"),
            Cow::Borrowed("acme-order-1")
        ));
        assert_eq!(
            shown("a\nb\r\nc\td\u{0}e\u{7f}f\u{85}g\u{2028}h\u{2029}i\u{1b}[2K\u{202e}j\u{feff}"),
            "a\\nb\\r\\nc\\td\\u{0}e\\u{7f}f\\u{85}g\\u{2028}h\\u{2029}i\\u{1b}[2K\\u{202e}j\\u{feff}"
        );
        // Printable text, backslashes and non-ASCII letters are kept; escaping is idempotent.
        let kept = "Blåbær \\n ordre";
        assert_eq!(shown(kept), kept);
        let once = shown("x\ny").into_owned();
        assert_eq!(shown(&once), once);
    }

    #[test]
    fn long_text_is_cut_with_a_marker() {
        let long = "é".repeat(SHOWN_CHARS + 1);
        let cut = shown(&long);
        assert!(cut.starts_with(&"é".repeat(SHOWN_CHARS)));
        assert!(
            cut.ends_with(&format!("…(cut, {} bytes in all)", long.len())),
            "{cut}"
        );
        assert_eq!(shown(&"é".repeat(SHOWN_CHARS)), "é".repeat(SHOWN_CHARS));
        assert_eq!(shown_at_most("a\nbcdef", 3), "a\\nb…(cut, 7 bytes in all)");
    }
}
