//! The JSON edge: reading untrusted request fields with precise errors, building answers, and
//! RFC 3339 timestamps. No HTTP and no API knowledge here.

pub(crate) mod answer;
pub(crate) mod input;
pub(crate) mod rfc3339;
