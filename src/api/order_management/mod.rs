//! Order Management API v2 (`order-management-v2.openapi.yaml`): the receipt, the category link
//! and the images a payment shows in the customer's app (the eCom checklist's "add information to
//! the payment history"). `paymentType` is `ECOM` for ePayment, Checkout and eCom payments.
//!
//! Every call goes through `Client::call`, so it carries the `Vipps-System-*` headers and is
//! retried like the other calls. None of them has an idempotency key, so a POST or PUT is not
//! repeated once it may have reached the API; repeating `add_receipt` or `upload_image`
//! yourself is safe, since the API's 409 for a second one is answered as success here.

mod image;
pub(crate) mod receipt;
mod transaction;
pub(crate) mod validation;

pub use receipt::build_receipt;
pub(crate) use transaction::authorization_psp_reference;

use crate::api::checkout::validation::check_url;
use crate::client::Typed;
use crate::error::{Error, ErrorKind, Result};
use crate::http::call::{Auth, CallOptions, Expect, Operation};
use crate::json::answer::to_json;
use crate::json::input::request_object;
use crate::json::input::Fields;
use crate::model::amount::{read_amount, EPAYMENT_MAX_VALUE};
use crate::Client;
use serde::Serialize;
use serde_json::{json, Map, Value};
use validation::{
    check_path_id, validate_receipt, Expected, IMAGE_ID_MAX, ORDER_ID_MAX, ORDER_MANAGEMENT,
    RECEIPT_CURRENCIES,
};

// The operations of Order Management (paths under `{paymentType}`: see `Operation::call_under`).
const ADD_RECEIPT: Operation = Operation {
    method: "POST",
    path: "/order-management/v2/{}/receipts/{}",
    auth: Auth::Bearer,
    key: None,
    expect: Expect::Nothing,
    what: "adding the receipt of order {}",
};
const GET_ORDER: Operation = Operation {
    method: "GET",
    path: "/order-management/v2/{}/{}",
    auth: Auth::Bearer,
    key: None,
    expect: Expect::Object,
    what: "reading order {} from Order Management",
};
const SET_CATEGORY: Operation = Operation {
    method: "PUT",
    path: "/order-management/v2/{}/categories/{}",
    auth: Auth::Bearer,
    key: None,
    expect: Expect::Nothing,
    what: "setting the category of order {}",
};
const UPLOAD_IMAGE: Operation = Operation {
    method: "POST",
    path: "/order-management/v1/images",
    auth: Auth::Bearer,
    key: None,
    expect: Expect::Nothing,
    what: "uploading image {}",
};
/// The spec's `PaymentType`: ECOM for ePayment, Checkout and eCom; RECURRING for Recurring.
const PAYMENT_TYPES: &[&str] = &["ECOM", "RECURRING"];
/// The spec's `CategoryEnum`.
const CATEGORIES: &[&str] = &[
    "GENERAL",
    "RECEIPT",
    "ORDER_CONFIRMATION",
    "DELIVERY",
    "TICKET",
    "BOOKING",
];

/// A receipt added (`add_receipt`). JSON: `{"order_id", "payment_type", "created",
/// "already_existed"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReceiptAdded {
    /// The order (the payment's reference).
    pub order_id: String,
    /// `ECOM` or `RECURRING`.
    pub payment_type: String,
    /// True when this call added it.
    pub created: bool,
    /// True when the order had a receipt already (the API's 409): success all the same.
    pub already_existed: bool,
}

/// What Order Management stores for an order (`get_order`). JSON: the API's answer
/// (`category`, `receipt`) with `order_id` and `payment_type` beside its fields.
#[derive(Clone, Debug, Serialize)]
pub struct OrderRead {
    /// The API's answer, as it came.
    #[serde(flatten)]
    pub answer: Map<String, Value>,
    /// The order (the payment's reference).
    pub order_id: String,
    /// `ECOM` or `RECURRING`.
    pub payment_type: String,
}

/// A category set (`set_category`). JSON: `{"order_id", "payment_type", "category",
/// "orderDetailsUrl", "imageId", "set": true}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CategorySet {
    /// The order (the payment's reference).
    pub order_id: String,
    /// `ECOM` or `RECURRING`.
    pub payment_type: String,
    /// The category set (the spec's `CategoryEnum`).
    pub category: String,
    /// The link the app shows with the payment.
    #[serde(rename = "orderDetailsUrl")]
    pub order_details_url: String,
    /// The image shown with it, if any.
    #[serde(rename = "imageId")]
    pub image_id: Option<String>,
    /// Always true: a category that was not set is an error.
    pub set: bool,
}

/// An image uploaded (`upload_image`). JSON: `{"image_id", "bytes", "created",
/// "already_existed"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImageUploaded {
    /// The image's id, to name in `set_category`.
    pub image_id: String,
    /// The image's size in bytes.
    pub bytes: usize,
    /// True when this call uploaded it.
    pub created: bool,
    /// True when the API had it already (its 409): success all the same.
    pub already_existed: bool,
}

/// Order Management, typed: the same requests as the JSON methods of the same names.
impl Typed<'_> {
    /// Adds the receipt of a payment (see [`Client::add_receipt`]).
    ///
    /// ```no_run
    /// # let client = vipps::Client::new(r#"{"system_name":"acme","system_version":"1.0",
    /// #     "plugin_name":"acme-vipps","plugin_version":"1.0"}"#)?;
    /// # let receipt = serde_json::json!({});
    /// let mut request = vipps::order_management::build_receipt(&receipt)?;
    /// request["reference"] = "acme-order-10001".into();
    /// let added = client.typed().add_receipt(&request)?;
    /// assert!(added.created || added.already_existed);
    /// # Ok::<(), vipps::Error>(())
    /// ```
    pub fn add_receipt(&self, request: &Value) -> Result<ReceiptAdded> {
        self.client.om_add_receipt(request)
    }

    /// Reads what Order Management stores for an order (see [`Client::get_order`]).
    pub fn get_order(&self, request: &Value) -> Result<OrderRead> {
        self.client.om_get_order(request)
    }

    /// Sets the order's category (see [`Client::set_category`]).
    pub fn set_category(&self, request: &Value) -> Result<CategorySet> {
        self.client.om_set_category(request)
    }

    /// Uploads an image for categories (see [`Client::upload_image`]).
    pub fn upload_image(&self, request: &Value) -> Result<ImageUploaded> {
        self.client.om_upload_image(request)
    }
}

/// The order a call acts on, the call's options, and the remaining fields (the body).
struct OrderTarget {
    order_id: String,
    payment_type: &'static str,
    options: CallOptions,
    body: Map<String, Value>,
}

impl Client {
    /// Adds the receipt of a payment: `{"reference" (or "orderId"), "paymentType"?: "ECOM" |
    /// "RECURRING", "orderLines", "bottomLine", "payment_amount"?: {"value", "currency"}}` (build
    /// the lines with `build_receipt`). Checked before sending; with `payment_amount` the lines
    /// must also add up to it. A receipt the order already has (the API's 409) is success:
    /// `{"created": false, "already_existed": true}`.
    pub fn add_receipt(&self, request: &Value) -> Result<Value> {
        to_json(&self.typed().add_receipt(request)?)
    }

    fn om_add_receipt(&self, request: &Value) -> Result<ReceiptAdded> {
        let mut target = self.om_target(request)?;
        let holder: Map<String, Value> = target
            .body
            .remove_entry("payment_amount")
            .into_iter()
            .collect();
        let holder_fields = Fields::new(&holder, "", ErrorKind::InvalidInput);
        let expected = match holder_fields.opt_object("payment_amount")? {
            Some(_) => Some(read_amount(
                &holder_fields,
                "payment_amount",
                Some(RECEIPT_CURRENCIES),
                EPAYMENT_MAX_VALUE,
            )?),
            None => None,
        };
        validate_receipt(
            &Fields::new(&target.body, "", ErrorKind::InvalidInput),
            ORDER_MANAGEMENT,
            expected.map(|payment| Expected {
                payment,
                from: "payment_amount",
            }),
        )?;
        let OrderTarget {
            order_id,
            payment_type,
            options,
            body,
        } = target;
        let outcome = self.call(&ADD_RECEIPT.call_under(
            payment_type,
            &order_id,
            &options,
            Some(Value::Object(body)),
        )?);
        let created = created_or_already_there(outcome)?;
        Ok(ReceiptAdded {
            order_id,
            payment_type: payment_type.to_owned(),
            created,
            already_existed: !created,
        })
    }

    /// Reads what Order Management stores for an order: `{"reference" (or "orderId"),
    /// "paymentType"?}` → the API's `{"category", "receipt"}` plus `order_id` and `payment_type`.
    pub fn get_order(&self, request: &Value) -> Result<Value> {
        to_json(&self.typed().get_order(request)?)
    }

    fn om_get_order(&self, request: &Value) -> Result<OrderRead> {
        let target = self.om_target(request)?;
        let answer = self.call(&GET_ORDER.call_under(
            target.payment_type,
            &target.order_id,
            &target.options,
            None,
        )?)?;
        Ok(OrderRead {
            answer: crate::json::input::object_or_empty(answer.body),
            order_id: target.order_id,
            payment_type: target.payment_type.to_owned(),
        })
    }

    /// Sets the order's category, the link the app shows with the payment: `{"reference" (or
    /// "orderId"), "paymentType"?, "category", "orderDetailsUrl", "imageId"?}`. `category` is
    /// one of the spec's `CategoryEnum`: `GENERAL`, `RECEIPT`, `ORDER_CONFIRMATION`, `DELIVERY`
    /// (shipping information), `TICKET`, `BOOKING`. The latest category wins.
    pub fn set_category(&self, request: &Value) -> Result<Value> {
        to_json(&self.typed().set_category(request)?)
    }

    fn om_set_category(&self, request: &Value) -> Result<CategorySet> {
        let target = self.om_target(request)?;
        let fields = Fields::new(&target.body, "", ErrorKind::InvalidInput);
        let category = fields.req_str("category")?;
        fields.check_enum("category", CATEGORIES)?;
        let url = fields.req_str("orderDetailsUrl")?;
        check_url(&fields, "orderDetailsUrl", url)?;
        let image_id = fields.opt_str("imageId")?;
        if let Some(image_id) = image_id {
            check_path_id(&fields, "imageId", image_id, IMAGE_ID_MAX)?;
        }
        let data = CategorySet {
            order_id: target.order_id.clone(),
            payment_type: target.payment_type.to_owned(),
            category: category.to_owned(),
            order_details_url: url.to_owned(),
            image_id: image_id.map(str::to_owned),
            set: true,
        };
        self.call(&SET_CATEGORY.call_under(
            target.payment_type,
            &target.order_id,
            &target.options,
            Some(Value::Object(target.body.clone())),
        )?)?;
        Ok(data)
    }

    /// Uploads an image for categories: `{"src": "<base64 PNG or JPEG>", "imageId"?}` →
    /// `{"image_id", "created", "already_existed"}`. Without `imageId` the id is the hex SHA-256
    /// of the image's bytes, so uploading the same image again is answered by the API's 409,
    /// which is success here.
    pub fn upload_image(&self, request: &Value) -> Result<Value> {
        to_json(&self.typed().upload_image(request)?)
    }

    fn om_upload_image(&self, request: &Value) -> Result<ImageUploaded> {
        let mut body = request_object(request)?;
        let options = CallOptions::take(self, &mut body)?;
        let fields = Fields::new(&body, "", ErrorKind::InvalidInput);
        let src = fields.req_str("src")?;
        let bytes = image::decode(&fields, "src", src)?;
        let image_id = match fields.opt_str("imageId")? {
            Some(given) => {
                check_path_id(&fields, "imageId", given, IMAGE_ID_MAX)?;
                given.to_owned()
            }
            None => image::content_id(&bytes),
        };
        fields.check_enum("type", &["base64"])?;
        body.insert("imageId".into(), json!(image_id));
        body.insert("type".into(), json!("base64"));
        let outcome =
            self.call(&UPLOAD_IMAGE.call(&image_id, &options, Some(Value::Object(body)))?);
        let created = created_or_already_there(outcome)?;
        Ok(ImageUploaded {
            image_id,
            bytes: bytes.len(),
            created,
            already_existed: !created,
        })
    }

    /// Splits an Order Management request into its order id (`reference`, the library's name
    /// for it everywhere, or the API's `orderId`), `paymentType` (default `ECOM`), the call
    /// options, and the remaining fields.
    fn om_target(&self, request: &Value) -> Result<OrderTarget> {
        let mut body = request_object(request)?;
        let options = CallOptions::take(self, &mut body)?;
        let reference = body.remove("reference");
        let order_id = body.remove("orderId");
        let payment_type = body.remove("paymentType");
        let given: Map<String, Value> = [
            ("reference", reference),
            ("orderId", order_id),
            ("paymentType", payment_type),
        ]
        .into_iter()
        .filter_map(|(name, value)| Some((name.to_owned(), value?)))
        .collect();
        let fields = Fields::new(&given, "", ErrorKind::InvalidInput);
        let (name, order_id) = match (fields.opt_str("reference")?, fields.opt_str("orderId")?) {
            (Some(a), Some(b)) if a != b => {
                return Err(Error::invalid_input(format!(
                    "reference ({a:?}) and orderId ({b:?}) name different orders: give one"
                )))
            }
            (Some(a), _) => ("reference", a),
            (None, Some(b)) => ("orderId", b),
            (None, None) => {
                return Err(fields.error(
                    "reference",
                    "is required: the payment's reference (the API's orderId)",
                ))
            }
        };
        check_path_id(&fields, name, order_id, ORDER_ID_MAX)?;
        let payment_type = match fields.check_enum("paymentType", PAYMENT_TYPES)? {
            Some("RECURRING") => "RECURRING",
            _ => "ECOM",
        };
        Ok(OrderTarget {
            order_id: order_id.to_owned(),
            payment_type,
            options,
            body,
        })
    }
}

/// A call that creates something once: success is `true`, the API's 409 (it is already there)
/// is `false`, and any other error stays an error.
fn created_or_already_there(outcome: Result<crate::http::call::ApiAnswer>) -> Result<bool> {
    match outcome {
        Ok(_) => Ok(true),
        Err(error) if error.kind == ErrorKind::Conflict && error.http_status == Some(409) => {
            Ok(false)
        }
        Err(error) => Err(error),
    }
}
