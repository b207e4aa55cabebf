//! The one request path: an [`call::ApiCall`] goes through `Client::call` to
//! [`transport::Transport::send`], with authentication, retries, idempotency keys, DNS caching
//! and the reading of problem answers. Knows HTTP; knows no single API's operations.

pub(crate) mod agents;
pub(crate) mod auth;
pub(crate) mod call;
pub(crate) mod idempotency;
pub(crate) mod problem;
pub(crate) mod resolver;
pub(crate) mod retry;
pub(crate) mod tls;
pub(crate) mod transport;
