//! OpenAPI's `pattern` is an ECMA-262 regular expression; the `jsonschema` crate runs it with
//! the Rust `regex` crate (configured in [`super::Specs::validator`]). The two syntaxes agree on
//! everything the specs use except what is translated here, each translation named:
//!
//! - **T1 `\d`** is ASCII `[0-9]` in ECMA-262 but any Unicode decimal digit in Rust
//!   (`"١٢٣٤٥٦٧٨"` would pass `^\d{8}$`): written as `[0-9]` (inside a class: `0-9`).
//! - **T2 `\w`** is ASCII `[A-Za-z0-9_]` in ECMA-262 but Unicode word characters in Rust:
//!   written out the same way.
//! - **T3 a literal `-` in a class** after a completed range (`[0-9A-Za-z-_\.]`: the `-` after
//!   `a-z` is a literal in ECMA-262, Annex B), at a class's start or end, or after a class
//!   escape: escaped as `\-` so Rust cannot read a range (or its `--` set difference) into it.
//! - **T4 `.`** excludes `\n`, `\r`, U+2028 and U+2029 in ECMA-262 but only `\n` in Rust:
//!   written as `[^\n\r\u{2028}\u{2029}]`.
//! - **T5 identity escapes** of punctuation (`\/`, `\.`, `\-`, `\[`…) mean the character itself
//!   in both; `\/` is written as `/`, the others are kept.
//!
//! Anything else that is ECMA-specific (look-arounds, back-references, `\s`, `\b`, `\c`, `\u`,
//! `\x`, `\0`, named groups, flags) is refused with a panic naming the pattern, so a new spec
//! pattern cannot be mistranslated silently: the test fails and a translation is added here.
//! Groups `(…)` and `(?:…)`, `|`, `^`, `$` (no multiline flag: end of input in both),
//! quantifiers `* + ? {n} {n,} {n,m}` and plain classes mean the same in both. A JSON Schema
//! `pattern` is unanchored in both, like ECMA-262 `RegExp.prototype.test`.

/// The Rust `regex` spelling of an ECMA-262 `pattern` (see the module doc for each change).
pub fn ecma_to_rust(pattern: &str) -> String {
    let refuse = |what: &str| -> ! {
        panic!(
            "spec pattern {pattern:?} uses {what}, which has no translation to the Rust regex \
             syntax yet (sim/tests/schema/ecma_pattern.rs)"
        )
    };
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut i = 0;
    // Inside a class: whether the previous item was a single character that a `-` may turn
    // into a range (not a completed range, not a class escape, not the class start).
    let mut in_class = false;
    let mut can_start_range = false;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                let Some(&e) = chars.get(i + 1) else {
                    refuse("a trailing backslash")
                };
                i += 2;
                match e {
                    // T1, T2.
                    'd' | 'w' => {
                        let class = if e == 'd' { "0-9" } else { "A-Za-z0-9_" };
                        if in_class {
                            out.push_str(class);
                            can_start_range = false;
                        } else {
                            out.push('[');
                            out.push_str(class);
                            out.push(']');
                        }
                    }
                    // T5.
                    '/' => {
                        out.push('/');
                        can_start_range = in_class;
                    }
                    e if e.is_ascii_punctuation() => {
                        out.push('\\');
                        out.push(e);
                        can_start_range = in_class;
                    }
                    'n' | 'r' | 't' => {
                        out.push('\\');
                        out.push(e);
                        can_start_range = in_class;
                    }
                    other => refuse(&format!("the escape \\{other}")),
                }
                continue;
            }
            '[' if !in_class => {
                in_class = true;
                can_start_range = false;
                out.push('[');
                if chars.get(i + 1) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
            }
            '[' => {
                // A literal `[` inside an ECMA class; Rust would read a nested class.
                out.push_str("\\[");
                can_start_range = true;
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '-' if in_class => {
                let next = chars.get(i + 1).copied();
                let is_range = can_start_range && next.is_some_and(|n| n != ']');
                if is_range {
                    // A range `x-y`: copy the end point (an escape is refused if it is a class).
                    out.push('-');
                    i += 1;
                    let end = chars[i];
                    if end == '\\' {
                        match chars.get(i + 1) {
                            Some(&p) if p.is_ascii_punctuation() => {
                                out.push('\\');
                                out.push(p);
                                i += 1;
                            }
                            _ => refuse("a range ending in an escape"),
                        }
                    } else {
                        out.push(end);
                    }
                    can_start_range = false;
                } else {
                    // T3.
                    out.push_str("\\-");
                    can_start_range = true;
                }
            }
            '.' if !in_class => out.push_str("[^\\n\\r\\x{2028}\\x{2029}]"), // T4
            '(' if !in_class => {
                if chars.get(i + 1) == Some(&'?') {
                    if chars.get(i + 2) != Some(&':') {
                        refuse("a look-around, named group or flag");
                    }
                    out.push_str("(?:");
                    i += 3;
                    continue;
                }
                out.push('(');
            }
            c if in_class => {
                if c == '&' || c == '~' {
                    // Rust's class set operators `&&`, `~~`; literal in ECMA-262.
                    out.push('\\');
                }
                out.push(c);
                can_start_range = true;
            }
            c => out.push(c),
        }
        i += 1;
    }
    if in_class {
        refuse("an unclosed class");
    }
    out
}
