//! The receipt builder against a table of real-world baskets: Norwegian VAT at 25 %, 15 % and
//! 12 %, 0 %, discounts, shipping lines, returns, 3 × 33.33, decimal quantities (1.5 kg), DKK and
//! EUR. For each basket: every line adds up (gross = net + tax), the tax of each line follows the
//! rounding rule (the expected figures below were worked out by hand), the lines add up to the
//! payment amount to the øre, and the simulator accepts the receipt for a payment of that amount.

mod common;

use common::{reference, Harness};
use serde_json::{json, Value};
use vipps::order_management::build_receipt;

struct Basket {
    name: &'static str,
    currency: &'static str,
    /// The payment's amount, in minor units.
    amount: i64,
    lines: Value,
    /// Per line, (totalAmount, totalTaxAmount), worked out by hand from the rounding rule.
    expected: &'static [(i64, i64)],
}

fn baskets() -> Vec<Basket> {
    vec![
        Basket {
            name: "one coat, 25 %",
            currency: "NOK",
            amount: 49900,
            lines: json!([{"name": "Winter coat", "id": "coat", "unit_price": 49900, "tax_rate": 2500}]),
            expected: &[(49900, 9980)],
        },
        Basket {
            name: "3 × 33.33 at 25 %",
            currency: "NOK",
            amount: 9999,
            // 9999 × 2500 / 12500 = 1999.8 → 2000
            lines: json!([{"name": "Pen", "id": "pen", "quantity": 3, "unit_price": 3333, "tax_rate": 2500}]),
            expected: &[(9999, 2000)],
        },
        Basket {
            name: "groceries at 15 %",
            currency: "NOK",
            amount: 8970,
            // 4980 × 1500 / 11500 = 649.57 → 650; 3990 → 520.43 → 520
            lines: json!([
                {"name": "Milk", "id": "milk", "quantity": "2", "unit_price": 2490, "tax_rate": 1500},
                {"name": "Bread", "id": "bread", "unit_price": 3990, "tax_rate": 1500}
            ]),
            expected: &[(4980, 650), (3990, 520)],
        },
        Basket {
            name: "1.5 kg of apples at 15 % and a bag at 25 %",
            currency: "NOK",
            amount: 7685,
            // 4990 × 1.5 = 7485, tax 976.30 → 976; 200 → 40
            lines: json!([
                {"name": "Apples", "id": "apples", "quantity": "1.5", "quantity_unit": "KG", "unit_price": 4990, "tax_rate": 1500},
                {"name": "Bag", "id": "bag", "unit_price": 200, "tax_rate": 2500}
            ]),
            expected: &[(7485, 976), (200, 40)],
        },
        Basket {
            name: "two cinema tickets at 12 %",
            currency: "NOK",
            amount: 25800,
            // 25800 × 1200 / 11200 = 2764.29 → 2764
            lines: json!([{"name": "Ticket", "id": "ticket", "quantity": 2, "unit_price": 12900, "tax_rate": 1200}]),
            expected: &[(25800, 2764)],
        },
        Basket {
            name: "books at 0 %",
            currency: "NOK",
            amount: 69800,
            lines: json!([{"name": "Novel", "id": "novel", "quantity": 2, "unit_price": 34900, "tax_rate": 0}]),
            expected: &[(69800, 0)],
        },
        Basket {
            name: "mixed 25, 15, 12 and 0 %",
            currency: "NOK",
            amount: 39996,
            // 19999 → 3999.8 → 4000; 4999 → 652.04 → 652; 9999 → 1071.32 → 1071; 4999 → 0
            lines: json!([
                {"name": "Lamp", "id": "lamp", "unit_price": 19999, "tax_rate": 2500},
                {"name": "Coffee", "id": "coffee", "unit_price": 4999, "tax_rate": 1500},
                {"name": "Bus ticket", "id": "bus", "unit_price": 9999, "tax_rate": 1200},
                {"name": "Newspaper", "id": "paper", "unit_price": 4999, "tax_rate": 0}
            ]),
            expected: &[(19999, 4000), (4999, 652), (9999, 1071), (4999, 0)],
        },
        Basket {
            name: "a discount of 200.00 on 1000.00",
            currency: "NOK",
            amount: 80000,
            lines: json!([{"name": "Bike", "id": "bike", "unit_price": 100000, "discount": 20000, "tax_rate": 2500}]),
            expected: &[(80000, 16000)],
        },
        Basket {
            name: "an item and a shipping line",
            currency: "NOK",
            amount: 34800,
            // 29900 → 5980; 4900 → 980
            lines: json!([
                {"name": "Boots", "id": "boots", "unit_price": 29900, "tax_rate": 2500},
                {"name": "Home delivery", "id": "shipping", "total_amount": 4900, "tax_rate": 2500, "is_shipping": true}
            ]),
            expected: &[(29900, 5980), (4900, 980)],
        },
        Basket {
            name: "free shipping",
            currency: "NOK",
            amount: 19900,
            lines: json!([
                {"name": "Scarf", "id": "scarf", "unit_price": 19900, "tax_rate": 2500},
                {"name": "Pick-up point", "id": "shipping", "total_amount": 0, "tax_rate": 2500, "is_shipping": true}
            ]),
            expected: &[(19900, 3980), (0, 0)],
        },
        Basket {
            name: "seven items of 0.99",
            currency: "NOK",
            amount: 693,
            // 693 × 2500 / 12500 = 138.6 → 139
            lines: json!([{"name": "Sticker", "id": "sticker", "quantity": 7, "unit_price": 99, "tax_rate": 2500}]),
            expected: &[(693, 139)],
        },
        Basket {
            name: "0.822 kg of cheese at 15 %",
            currency: "NOK",
            amount: 12330,
            // 15000 × 0.822 = 12330, tax 1608.26 → 1608
            lines: json!([{"name": "Cheese", "id": "cheese", "quantity": "0.822", "quantity_unit": "KG", "unit_price": 15000, "tax_rate": 1500}]),
            expected: &[(12330, 1608)],
        },
        Basket {
            name: "1.5 × 33.33: half an øre rounded away from zero",
            currency: "NOK",
            amount: 5000,
            // 4999.5 → 5000, tax 1000
            lines: json!([{"name": "Fabric", "id": "fabric", "quantity": "1.5", "unit_price": 3333, "tax_rate": 2500}]),
            expected: &[(5000, 1000)],
        },
        Basket {
            name: "2.5 kg of coffee less a discount, 15 %",
            currency: "NOK",
            amount: 20000,
            // 8990 × 2.5 = 22475 − 2475 = 20000, tax 2608.70 → 2609
            lines: json!([{"name": "Coffee beans", "id": "beans", "quantity": "2.5", "quantity_unit": "KG", "unit_price": 8990, "discount": 2475, "tax_rate": 1500}]),
            expected: &[(20000, 2609)],
        },
        Basket {
            name: "gift wrap given as a total with tax_percentage",
            currency: "NOK",
            amount: 53800,
            lines: json!([
                {"name": "Watch", "id": "watch", "unit_price": 49900, "tax_percentage": 25},
                {"name": "Gift wrap", "id": "wrap", "total_amount": 3900, "tax_percentage": 25}
            ]),
            expected: &[(49900, 9980), (3900, 780)],
        },
        Basket {
            name: "two bought, one returned",
            currency: "NOK",
            amount: 19900,
            lines: json!([
                {"name": "Shirt", "id": "shirt", "quantity": 2, "unit_price": 19900, "tax_rate": 2500},
                {"name": "Shirt (returned)", "id": "shirt-return", "unit_price": 19900, "tax_rate": 2500, "is_return": true}
            ]),
            expected: &[(39800, 7960), (19900, 3980)],
        },
        Basket {
            name: "a large order",
            currency: "NOK",
            amount: 4999000,
            lines: json!([{"name": "Laptop", "id": "laptop", "quantity": 10, "unit_price": 499900, "tax_rate": 2500}]),
            expected: &[(4999000, 999800)],
        },
        Basket {
            name: "Danish kroner at 25 %",
            currency: "DKK",
            amount: 29995,
            // 3 × 9999 = 29997 − 2 = 29995; tax 5999
            lines: json!([{"name": "Candles", "id": "candles", "quantity": 3, "unit_price": 9999, "discount": 2, "tax_rate": 2500}]),
            expected: &[(29995, 5999)],
        },
        Basket {
            name: "euro at Finland's 25.5 %",
            currency: "EUR",
            amount: 1000,
            // 1000 × 2550 / 12550 = 203.19 → 203
            lines: json!([{"name": "Sauna towel", "id": "towel", "unit_price": 1000, "tax_rate": 2550}]),
            expected: &[(1000, 203)],
        },
    ]
}

fn build(basket: &Basket) -> Value {
    build_receipt(&json!({
        "amount": {"value": basket.amount, "currency": basket.currency},
        "lines": basket.lines,
    }))
    .unwrap_or_else(|e| panic!("{}: {}", basket.name, e.message))
}

#[test]
fn every_basket_adds_up_per_line_and_to_the_payment_amount() {
    let baskets = baskets();
    assert!(baskets.len() >= 15);
    for basket in &baskets {
        let receipt = build(basket);
        let lines = receipt["orderLines"].as_array().unwrap();
        assert_eq!(lines.len(), basket.expected.len(), "{}", basket.name);
        let mut sum = 0;
        for (line, (gross, tax)) in lines.iter().zip(basket.expected) {
            let total = line["totalAmount"].as_i64().unwrap();
            let net = line["totalAmountExcludingTax"].as_i64().unwrap();
            let line_tax = line["totalTaxAmount"].as_i64().unwrap();
            assert_eq!((total, line_tax), (*gross, *tax), "{}: {line}", basket.name);
            assert_eq!(net + line_tax, total, "{}: {line}", basket.name);
            sum += if line["isReturn"] == true {
                -total
            } else {
                total
            };
        }
        assert_eq!(sum, basket.amount, "{}", basket.name);
        assert_eq!(receipt["bottomLine"]["currency"], basket.currency);
    }
}

#[test]
fn a_basket_one_ore_off_is_refused_with_the_difference() {
    for basket in baskets() {
        for off in [-1, 1] {
            let error = build_receipt(&json!({
                "amount": {"value": basket.amount + off, "currency": basket.currency},
                "lines": basket.lines,
            }))
            .unwrap_err();
            let how = if off > 0 { "short of" } else { "over" };
            let expected = format!("the receipt is 0.01 {} {how} the payment", basket.currency);
            assert!(
                error.message.contains(&expected),
                "{}: {}",
                basket.name,
                error.message
            );
        }
    }
}

/// Needs the simulator's Order Management endpoints (branch om-sim).
#[test]
fn the_simulator_accepts_every_built_receipt() {
    let h = Harness::start();
    let client = h.client();
    for basket in baskets() {
        let reference = reference("basket");
        client
            .create_payment(&json!({
                "amount": {"value": basket.amount, "currency": basket.currency},
                "paymentMethod": {"type": "WALLET"},
                "reference": reference,
                "userFlow": "WEB_REDIRECT",
                "returnUrl": "https://shop.example/return",
                "paymentDescription": "A basket of the rounding table",
            }))
            .unwrap_or_else(|e| panic!("{}: {}", basket.name, e.message));
        h.approve(&reference);
        let mut request = build(&basket);
        request["reference"] = json!(reference);
        request["payment_amount"] = json!({"value": basket.amount, "currency": basket.currency});
        let added = client
            .add_receipt(&request)
            .unwrap_or_else(|e| panic!("{}: {}", basket.name, e.message));
        assert_eq!(added["created"], true, "{}: {added}", basket.name);
        let stored = client.get_order(&json!({"reference": reference})).unwrap();
        let lines = stored["receipt"]["orderLines"].as_array().unwrap();
        let totals: Vec<i64> = lines
            .iter()
            .map(|l| l["totalAmount"].as_i64().unwrap())
            .collect();
        let expected: Vec<i64> = basket.expected.iter().map(|(gross, _)| *gross).collect();
        assert_eq!(totals, expected, "{}", basket.name);
    }
}
