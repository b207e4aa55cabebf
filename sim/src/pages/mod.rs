//! The pages a person (or a browser test) clicks through:
//!
//! - `GET /sim/checkout/?token=…`: the Checkout frontend (`checkoutFrontendUrl`), embeddable in
//!   an iframe, with `POST /sim/checkout/pay|cancel|shipping-options` behind its buttons;
//! - `GET /sim/landing/{reference}`: the ePayment landing page (`redirectUrl`), with
//!   `POST /sim/landing/{reference}/approve|reject`;
//! - `GET /sim/vippsCheckoutSDK.js`: a stand-in for the official frontend SDK
//!   (`VippsCheckout`, `VippsCheckoutDirect`), so shop pages work unchanged but for the
//!   script's origin;
//! - `GET /sim/app/{phoneNumber}`: the customer's app, the payment history with receipts and
//!   the pending `PUSH_MESSAGE` payments with Approve and Reject;
//! - `GET /sim/qr/{reference}`: the QR image of a `userFlow: QR` payment;
//! - `/sim/assets/…`: the pages' own script and stylesheet (nothing is loaded from elsewhere).
//!
//! The pages act as the user through [`crate::user_actions`], so callbacks and webhooks follow
//! exactly as with `/_sim/payments/{reference}/approve`.

pub mod app;
pub mod app_pending;
pub mod card_form;
pub mod checkout_actions;
pub mod checkout_page;
pub mod express_landing;
pub mod html;
pub mod landing;
pub mod logistics;

use crate::state::Sim;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;

const SDK_JS: &str = include_str!("assets/vippsCheckoutSDK.js");
const CHECKOUT_JS: &str = include_str!("assets/checkout.js");
const PAGES_CSS: &str = include_str!("assets/pages.css");
const JS: &str = "text/javascript; charset=utf-8";

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/sim/checkout", get(checkout_page::checkout_page))
        .route("/sim/checkout/", get(checkout_page::checkout_page))
        .route("/sim/checkout/pay", post(checkout_actions::pay))
        .route("/sim/checkout/cancel", post(checkout_actions::cancel))
        .route(
            "/sim/checkout/shipping-options",
            post(checkout_actions::shipping_options),
        )
        .route("/sim/landing/{reference}", get(landing::landing_page))
        .route("/sim/landing/{reference}/approve", post(landing::approve))
        .route("/sim/landing/{reference}/reject", post(landing::reject))
        .route(
            "/sim/landing/{reference}/express/options",
            post(express_landing::options),
        )
        .route(
            "/sim/landing/{reference}/express/approve",
            post(express_landing::approve),
        )
        .route("/sim/app/{phone}", get(app::history_page))
        .route("/sim/app/images/{msn}/{image_id}", get(app::image))
        .route(
            "/sim/app/{phone}/pending/{reference}/approve",
            post(app_pending::approve),
        )
        .route(
            "/sim/app/{phone}/pending/{reference}/reject",
            post(app_pending::reject),
        )
        .route("/sim/qr/{reference}", get(crate::epayment::qr::image))
        .route("/sim/vippsCheckoutSDK.js", get(sdk))
        .route("/sim/assets/checkout.js", get(checkout_js))
        .route("/sim/assets/pages.css", get(pages_css))
}

async fn sdk() -> Response {
    html::asset(JS, SDK_JS)
}

async fn checkout_js() -> Response {
    html::asset(JS, CHECKOUT_JS)
}

async fn pages_css() -> Response {
    html::asset("text/css; charset=utf-8", PAGES_CSS)
}
