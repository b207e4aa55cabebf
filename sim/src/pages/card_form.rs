//! The card form of the landing page for `paymentMethod.type: CARD` (freestanding card
//! payments, web redirect only): card number, expiry and CVC instead of the app's Approve.
//! Only the BIN (the first six digits, `paymentMethod.cardBin` in get payment) is kept: the
//! number only has to be plausible (13 to 19 digits, Luhn check), the expiry `MM/YY` and the
//! CVC 3 or 4 digits; there is no 3-D Secure step.
//!
//! Stable hooks: `form#card-form` with `#card-number`, `#card-expiry`, `#card-cvc` and
//! `button#pay-card`; a refused card answers 400 with `#card-error`.

use super::html::escape;
use std::collections::HashMap;

/// The form, posting to `{action}/approve`.
pub fn form_html(action: &str) -> String {
    format!(
        "<form id=\"card-form\" method=\"post\" action=\"{a}/approve\">\n\
         <p><label for=\"card-number\">Card number</label> <input id=\"card-number\" name=\"cardNumber\" inputmode=\"numeric\" autocomplete=\"off\" required></p>\n\
         <p><label for=\"card-expiry\">Expiry (MM/YY)</label> <input id=\"card-expiry\" name=\"expiry\" autocomplete=\"off\" required></p>\n\
         <p><label for=\"card-cvc\">CVC</label> <input id=\"card-cvc\" name=\"cvc\" inputmode=\"numeric\" autocomplete=\"off\" required></p>\n\
         <button id=\"pay-card\" type=\"submit\">Pay</button>\n</form>\n",
        a = escape(action)
    )
}

/// The card's BIN (its first six digits) for a plausible card, else what is wrong (for the
/// person at the form).
pub fn check(form: &HashMap<String, String>) -> Result<String, &'static str> {
    let field = |k: &str| {
        form.get(k)
            .map(|v| v.trim().replace(' ', ""))
            .unwrap_or_default()
    };
    let number = field("cardNumber");
    if !(13..=19).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err("The card number must be 13 to 19 digits.");
    }
    if !luhn(&number) {
        return Err("The card number is not valid (check digit).");
    }
    let expiry = field("expiry");
    let month = expiry
        .split_once('/')
        .filter(|(m, y)| m.len() == 2 && y.len() == 2 && y.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|(m, _)| m.parse::<u8>().ok());
    if !month.is_some_and(|m| (1..=12).contains(&m)) {
        return Err("The expiry must be MM/YY.");
    }
    let cvc = field("cvc");
    if !(3..=4).contains(&cvc.len()) || !cvc.bytes().all(|b| b.is_ascii_digit()) {
        return Err("The CVC must be 3 or 4 digits.");
    }
    Ok(number[..6].to_string())
}

fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            match i % 2 {
                1 if d * 2 > 9 => d * 2 - 9,
                1 => d * 2,
                _ => d,
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(number: &str, expiry: &str, cvc: &str) -> HashMap<String, String> {
        [("cardNumber", number), ("expiry", expiry), ("cvc", cvc)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn plausible_cards_pass_and_others_say_why() {
        assert_eq!(
            check(&form("4925 0000 0000 0004", "12/30", "123")),
            Ok("492500".to_string())
        );
        assert!(check(&form("4925000000000005", "12/30", "123")).is_err());
        assert!(check(&form("4925000000000004", "13/30", "123")).is_err());
        assert!(check(&form("4925000000000004", "12/30", "12")).is_err());
        assert!(check(&HashMap::new()).is_err());
    }
}
