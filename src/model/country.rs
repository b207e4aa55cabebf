//! Country codes as the APIs take them: ISO 3166-1 alpha-2, upper case ("NO", "DK", "FI").

use crate::error::Result;
use crate::json::input::Fields;
use serde_json::Value;

/// Checks that every item of the array `name` in `fields` is a two-letter upper-case country
/// code; the error names the first item that is not (`name[i]`).
pub(crate) fn check_codes(fields: &Fields, name: &str, codes: &[Value]) -> Result<()> {
    for (i, code) in codes.iter().enumerate() {
        let ok = code
            .as_str()
            .is_some_and(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()));
        if !ok {
            return Err(fields.error(
                &format!("{name}[{i}]"),
                format!("must be an ISO 3166-1 alpha-2 country code such as \"NO\", got {code}"),
            ));
        }
    }
    Ok(())
}
