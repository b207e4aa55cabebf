//! Access tokens and the header checks every API applies.

pub mod access_token;
pub mod guards;
pub mod tokens;
