//! `GET /sim/checkout/?token=…`: the Checkout frontend a shop embeds in an iframe (through the
//! frontend SDK) or opens directly (Checkout Direct). It shows the merchant, the amount and the
//! order lines, asks for contact details and address as `configuration.elements` says
//! (prefilled from `prefillCustomer`), offers shipping options, and has Pay and Cancel.

use super::html::{self, escape, money, parse_form};
use super::logistics::{self, ShipOption};
use crate::checkout::session_view;
use crate::payments::PaymentState;
use crate::state::Sim;
use crate::user_actions;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use serde_json::{json, Value};
use std::sync::Arc;

/// Which fields the page asks for (`configuration.elements`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Elements {
    /// Contact details and address.
    Full,
    /// Contact details only.
    PaymentAndContactInfo,
    /// Neither.
    PaymentOnly,
}

impl Elements {
    pub fn of(request: &Value) -> Elements {
        match request
            .pointer("/configuration/elements")
            .and_then(Value::as_str)
        {
            Some("PaymentAndContactInfo") => Elements::PaymentAndContactInfo,
            Some("PaymentOnly") => Elements::PaymentOnly,
            _ => Elements::Full,
        }
    }

    pub fn asks_contact(self) -> bool {
        self != Elements::PaymentOnly
    }

    pub fn asks_address(self) -> bool {
        self == Elements::Full
    }

    fn as_str(self) -> &'static str {
        match self {
            Elements::Full => "Full",
            Elements::PaymentAndContactInfo => "PaymentAndContactInfo",
            Elements::PaymentOnly => "PaymentOnly",
        }
    }
}

/// What the page and its actions need to know about a session, read in one transaction
/// (which also applies lazy expiry).
#[derive(Clone, Debug)]
pub struct SessionSnapshot {
    pub reference: String,
    pub msn: String,
    pub token: String,
    pub return_url: String,
    pub callback_token: String,
    pub description: String,
    pub order_summary: Option<Value>,
    pub request: Value,
    pub currency: String,
    pub amount: i64,
    pub payment_state: PaymentState,
    /// `ExternalSessionState` (`SessionCreated`, `PaymentInitiated`, …).
    pub session_state: &'static str,
}

impl SessionSnapshot {
    pub fn elements(&self) -> Elements {
        Elements::of(&self.request)
    }

    /// The shipping options the user may pick from now: those a dynamic callback offered, or
    /// else the fixed ones. None at all with `PaymentOnly` (no address to ship to).
    pub fn shipping_options(&self, offered: Option<&Vec<ShipOption>>) -> Vec<ShipOption> {
        if self.elements() == Elements::PaymentOnly {
            return Vec::new();
        }
        match offered {
            Some(list) if !list.is_empty() => list.clone(),
            _ => logistics::fixed_options(&self.request, &self.currency),
        }
    }
}

/// Why no session could be shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    Unknown,
    Expired,
}

/// Finds the session by its token. An expired session counts as missing.
pub fn snapshot(sim: &Arc<Sim>, token: &str) -> Result<SessionSnapshot, Missing> {
    let mut txn = sim.txn();
    let session = txn
        .store()
        .session_by_token(token)
        .cloned()
        .ok_or(Missing::Unknown)?;
    let payment = txn.payment(&session.reference).ok_or(Missing::Unknown)?;
    if payment.state == PaymentState::Expired {
        return Err(Missing::Expired);
    }
    Ok(SessionSnapshot {
        reference: session.reference.clone(),
        msn: session.msn.clone(),
        token: session.token.clone(),
        return_url: session.return_url.clone(),
        callback_token: session.callback_token.clone(),
        description: session.description.clone(),
        order_summary: session.order_summary.clone(),
        request: session.request.clone(),
        currency: payment.currency.clone(),
        amount: payment.amount,
        payment_state: payment.state,
        session_state: session_view::session_state(&session, payment),
    })
}

/// The page's words in English and Norwegian (`lang=no`).
pub struct Texts {
    pub lang: &'static str,
    title: &'static str,
    order: &'static str,
    item: &'static str,
    quantity: &'static str,
    line_amount: &'static str,
    total: &'static str,
    contact: &'static str,
    address: &'static str,
    shipping: &'static str,
    email: &'static str,
    phone: &'static str,
    first_name: &'static str,
    last_name: &'static str,
    street: &'static str,
    postal_code: &'static str,
    city: &'static str,
    country: &'static str,
    pay: &'static str,
    cancel: &'static str,
    enter_address: &'static str,
    completed: &'static str,
    back: &'static str,
}

const EN: Texts = Texts {
    lang: "en",
    title: "Checkout",
    order: "Order",
    item: "Item",
    quantity: "Quantity",
    line_amount: "Amount",
    total: "Total",
    contact: "Contact details",
    address: "Address",
    shipping: "Delivery",
    email: "Email",
    phone: "Phone number",
    first_name: "First name",
    last_name: "Last name",
    street: "Street address",
    postal_code: "Postal code",
    city: "City",
    country: "Country",
    pay: "Pay",
    cancel: "Cancel",
    enter_address: "Enter your address to see the delivery options.",
    completed: "This checkout is completed",
    back: "Back to the shop",
};

const NO: Texts = Texts {
    lang: "no",
    title: "Kasse",
    order: "Bestilling",
    item: "Vare",
    quantity: "Antall",
    line_amount: "Beløp",
    total: "Totalt",
    contact: "Kontaktinformasjon",
    address: "Adresse",
    shipping: "Levering",
    email: "E-post",
    phone: "Telefonnummer",
    first_name: "Fornavn",
    last_name: "Etternavn",
    street: "Gateadresse",
    postal_code: "Postnummer",
    city: "Sted",
    country: "Land",
    pay: "Betal",
    cancel: "Avbryt",
    enter_address: "Skriv inn adressen din for å se leveringsalternativene.",
    completed: "Denne betalingen er fullført",
    back: "Tilbake til butikken",
};

/// `lang` as the SDK passes it: `no` (also `nb`/`nn`) or anything else for English.
pub fn texts(lang: Option<&str>) -> &'static Texts {
    match lang.map(str::to_ascii_lowercase).as_deref() {
        Some("no" | "nb" | "nn" | "nb-no") => &NO,
        _ => &EN,
    }
}

pub async fn checkout_page(State(sim): State<Arc<Sim>>, RawQuery(query): RawQuery) -> Response {
    let params = parse_form(query.unwrap_or_default().as_bytes());
    let t = texts(params.get("lang").map(String::as_str));
    let Some(token) = params.get("token").filter(|t| !t.is_empty()) else {
        return html::error_page(
            400,
            "No session token",
            "Open this page with ?token=<the token from the session creation response>.",
        );
    };
    let snap = match snapshot(&sim, token) {
        Ok(s) => s,
        Err(missing) => return missing_page(missing),
    };
    let snap = if snap.payment_state == PaymentState::Created {
        // Opening the page starts the payment: the session reads `PaymentInitiated`.
        user_actions::mark_session_initiated(&sim, &snap.reference);
        SessionSnapshot {
            session_state: "PaymentInitiated",
            ..snap
        }
    } else {
        snap
    };
    let offered = sim.store().shipping_offers.get(&snap.reference).cloned();
    html::page(200, render(&snap, t, offered.as_ref()))
}

/// The 404 page for an unknown or expired token (the API's `Session-00100`).
pub fn missing_page(missing: Missing) -> Response {
    match missing {
        Missing::Unknown => html::error_page(
            404,
            "Session not found",
            "Session expired or not known. Start a new checkout from the shop.",
        ),
        Missing::Expired => html::error_page(
            404,
            "Session expired",
            "Session expired or not known: this checkout session has expired. Start a new \
             checkout from the shop.",
        ),
    }
}

/// The status the page reports to the SDK (`session_status_changed`) for a finished session.
fn sdk_final_status(state: PaymentState) -> &'static str {
    match state {
        PaymentState::Authorized => "PaymentSuccessful",
        PaymentState::Expired => "SessionExpired",
        _ => "SessionTerminated",
    }
}

/// What the user pays: the order amount plus the selected delivery option, as Checkout adds
/// a chosen option's price to the total (`total_amount_changed` fires when it changes). An
/// option in another currency is not added (Checkout has one currency per session).
fn total_with(amount: i64, currency: &str, option: Option<&ShipOption>) -> i64 {
    match option {
        Some(o) if o.currency == currency => amount.saturating_add(o.value),
        _ => amount,
    }
}

fn render(snap: &SessionSnapshot, t: &Texts, offered: Option<&Vec<ShipOption>>) -> String {
    let options = snap.shipping_options(offered);
    let selected_option = options
        .iter()
        .find(|o| o.is_default)
        .or_else(|| options.first());
    let selected = selected_option.map(|o| o.id.clone());
    // The page script keeps this in step when the choice changes (checkout.js, updateTotal).
    let total = money(
        total_with(snap.amount, &snap.currency, selected_option),
        &snap.currency,
    );
    let mut main = String::new();
    main.push_str(&format!(
        "<header class=\"brand\"><p>Vipps MobilePay · {} <span class=\"sim\">(simulator)</span></p></header>\n\
         <h1 id=\"merchant\">Merchant {}</h1>\n<p id=\"description\">{}</p>\n",
        escape(t.title),
        escape(&snap.msn),
        escape(&snap.description),
    ));
    main.push_str(&order_lines(snap, t));
    main.push_str(&format!(
        "<p class=\"total\">{}: <strong id=\"amount\">{}</strong></p>\n",
        escape(t.total),
        escape(&total)
    ));
    let completed = snap.payment_state != PaymentState::Created;
    if completed {
        main.push_str(&format!(
            "<p id=\"status\" role=\"status\">{}: {}.</p>\n\
             <p><a id=\"return\" href=\"{}\" target=\"_top\">{}</a></p>\n",
            escape(t.completed),
            escape(snap.session_state),
            escape(&snap.return_url),
            escape(t.back),
        ));
    } else {
        main.push_str(&form(snap, t, &options, selected.as_deref(), &total));
    }
    let data = json!({
        "token": snap.token,
        "lang": t.lang,
        "returnUrl": snap.return_url,
        "elements": snap.elements().as_str(),
        "amount": {"fractionalDenomination": snap.amount, "currency": snap.currency},
        "dynamicOptions": logistics::dynamic_callback(&snap.request).is_some()
            && snap.elements().asks_address(),
        "options": options.iter().map(ShipOption::to_page_json).collect::<Vec<_>>(),
        "selected": selected,
        "finalStatus": completed.then(|| sdk_final_status(snap.payment_state)),
        "texts": {"enterAddress": t.enter_address},
    });
    main.push_str(&format!(
        "<script type=\"application/json\" id=\"checkout-data\">{}</script>\n\
         <script src=\"/sim/assets/checkout.js\"></script>",
        html::script_json(&data)
    ));
    html::document(&format!("{} – Vipps MobilePay", t.title), t.lang, &main)
}

fn order_lines(snap: &SessionSnapshot, t: &Texts) -> String {
    let lines = snap
        .order_summary
        .as_ref()
        .and_then(|s| s.get("orderLines"))
        .and_then(Value::as_array);
    let Some(lines) = lines.filter(|l| !l.is_empty()) else {
        return String::new();
    };
    let currency = snap
        .order_summary
        .as_ref()
        .and_then(|s| s.pointer("/orderBottomLine/currency"))
        .and_then(Value::as_str)
        .unwrap_or(&snap.currency);
    let mut rows = String::new();
    for line in lines {
        let name = line.get("name").and_then(Value::as_str).unwrap_or("");
        let quantity = line
            .pointer("/unitInfo/quantity")
            .map(|q| match q {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .unwrap_or_else(|| "1".into());
        let amount = line.get("totalAmount").and_then(Value::as_i64).unwrap_or(0);
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>\n",
            escape(name),
            escape(&quantity),
            escape(&money(amount, currency)),
        ));
    }
    format!(
        "<section id=\"order\" aria-labelledby=\"order-heading\">\n<h2 id=\"order-heading\">{}</h2>\n\
         <table>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
         <th scope=\"col\" class=\"num\">{}</th></tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n</section>\n",
        escape(t.order),
        escape(t.item),
        escape(t.quantity),
        escape(t.line_amount),
    )
}

fn prefill(snap: &SessionSnapshot, key: &str) -> String {
    snap.request
        .pointer(&format!("/prefillCustomer/{key}"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

struct Field<'a> {
    id: &'a str,
    label: &'a str,
    kind: &'a str,
    autocomplete: &'a str,
    value: String,
    extra: &'a str,
}

fn input(f: &Field) -> String {
    format!(
        "<div class=\"field\"><label for=\"{id}\">{label}</label>\
         <input id=\"{id}\" name=\"{id}\" type=\"{kind}\" autocomplete=\"{ac}\" value=\"{value}\" required{extra}></div>\n",
        id = f.id,
        label = escape(f.label),
        kind = f.kind,
        ac = f.autocomplete,
        value = escape(&f.value),
        extra = f.extra,
    )
}

fn country_field(snap: &SessionSnapshot, t: &Texts) -> String {
    let given = prefill(snap, "country").to_ascii_uppercase();
    let supported: Vec<String> = snap
        .request
        .pointer("/configuration/countries/supported")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_ascii_uppercase)
                .collect()
        })
        .unwrap_or_default();
    if supported.is_empty() {
        let value = if given.is_empty() { "NO".into() } else { given };
        return input(&Field {
            id: "country",
            label: t.country,
            kind: "text",
            autocomplete: "country",
            value,
            extra: " maxlength=\"2\" pattern=\"[A-Za-z]{2}\" title=\"Two-letter country code, e.g. NO\"",
        });
    }
    let mut options = String::new();
    for c in &supported {
        let sel = if *c == given { " selected" } else { "" };
        options.push_str(&format!(
            "<option value=\"{c}\"{sel}>{c}</option>",
            c = escape(c)
        ));
    }
    format!(
        "<div class=\"field\"><label for=\"country\">{}</label>\
         <select id=\"country\" name=\"country\" autocomplete=\"country\" required>{options}</select></div>\n",
        escape(t.country)
    )
}

fn form(
    snap: &SessionSnapshot,
    t: &Texts,
    options: &[ShipOption],
    selected: Option<&str>,
    total: &str,
) -> String {
    let elements = snap.elements();
    let mut f = format!(
        "<form id=\"checkout-form\" method=\"post\" action=\"/sim/checkout/pay\" target=\"_top\">\n\
         <input type=\"hidden\" name=\"token\" value=\"{}\">\n<input type=\"hidden\" name=\"lang\" value=\"{}\">\n",
        escape(&snap.token),
        t.lang
    );
    if elements.asks_contact() {
        f.push_str(&format!(
            "<fieldset id=\"contact\"><legend>{}</legend>\n",
            escape(t.contact)
        ));
        let fields = [
            ("email", t.email, "email", "email", "email", ""),
            (
                "phone",
                t.phone,
                "tel",
                "tel",
                "phoneNumber",
                " pattern=\"\\+?[0-9 ]{8,20}\"",
            ),
            (
                "firstName",
                t.first_name,
                "text",
                "given-name",
                "firstName",
                "",
            ),
            (
                "lastName",
                t.last_name,
                "text",
                "family-name",
                "lastName",
                "",
            ),
        ];
        for (id, label, kind, autocomplete, key, extra) in fields {
            f.push_str(&input(&Field {
                id,
                label,
                kind,
                autocomplete,
                value: prefill(snap, key),
                extra,
            }));
        }
        f.push_str("</fieldset>\n");
    }
    if elements.asks_address() {
        f.push_str(&format!(
            "<fieldset id=\"address\"><legend>{}</legend>\n",
            escape(t.address)
        ));
        let fields = [
            ("streetAddress", t.street, "street-address"),
            ("postalCode", t.postal_code, "postal-code"),
            ("city", t.city, "address-level2"),
        ];
        for (id, label, autocomplete) in fields {
            f.push_str(&input(&Field {
                id,
                label,
                kind: "text",
                autocomplete,
                value: prefill(snap, id),
                extra: "",
            }));
        }
        f.push_str(&country_field(snap, t));
        f.push_str("</fieldset>\n");
    }
    let dynamic = logistics::dynamic_callback(&snap.request).is_some() && elements.asks_address();
    if !options.is_empty() || dynamic {
        f.push_str(&format!(
            "<fieldset id=\"shipping-options\"><legend>{}</legend>\n",
            escape(t.shipping)
        ));
        if dynamic {
            f.push_str(&format!(
                "<p id=\"shipping-status\" role=\"status\" aria-live=\"polite\">{}</p>\n",
                escape(t.enter_address)
            ));
        }
        f.push_str("<div id=\"shipping-list\">\n");
        for (i, o) in options.iter().enumerate() {
            let checked = if Some(o.id.as_str()) == selected {
                " checked"
            } else {
                ""
            };
            f.push_str(&format!(
                "<div class=\"option\"><input type=\"radio\" id=\"shipping-{i}\" name=\"shipping\" \
                 value=\"{}\" required{checked}><label for=\"shipping-{i}\">{} \
                 <span class=\"price\">{}</span></label></div>\n",
                escape(&o.id),
                escape(&o.label()),
                escape(&money(o.value, &o.currency)),
            ));
        }
        f.push_str("</div>\n</fieldset>\n");
    }
    f.push_str(&format!(
        "<p id=\"form-error\" role=\"alert\" hidden></p>\n<div class=\"actions\">\n\
         <button id=\"pay\" type=\"submit\">{} <span id=\"pay-amount\">{}</span></button>\n\
         <button id=\"cancel\" class=\"secondary\" type=\"submit\" formaction=\"/sim/checkout/cancel\" \
         formnovalidate>{}</button>\n</div>\n</form>\n",
        escape(t.pay),
        escape(total),
        escape(t.cancel)
    ));
    f
}
