// Runs src/pages/assets/checkout.js (the checkout page script) in a minimal fake DOM and checks
// the events it posts to the parent window, its requests, and the top-window navigation.
// Run from the sim crate directory: node tests/js/checkout_page_test.js
"use strict";
const fs = require("fs");
const vm = require("vm");
const assert = require("assert");

const code = fs.readFileSync("src/pages/assets/checkout.js", "utf8");

class El {
  constructor(props) {
    this.listeners = {};
    this.children = [];
    this.style = {};
    this.hidden = false;
    this.value = "";
    this.textContent = "";
    this.parentNode = null;
    Object.assign(this, props || {});
  }
  addEventListener(type, fn) {
    (this.listeners[type] = this.listeners[type] || []).push(fn);
  }
  appendChild(c) {
    this.children.push(c);
    c.parentNode = this;
  }
  removeChild(c) {
    this.children = this.children.filter((x) => x !== c);
  }
  get firstChild() {
    return this.children[0] || null;
  }
  fire(type) {
    let prevented = false;
    const ev = { type, preventDefault: () => (prevented = true) };
    (this.listeners[type] || []).forEach((f) => f(ev));
    return prevented;
  }
}

function radioRow(id, checked) {
  const row = new El({ className: "option" });
  row.appendChild(new El({ type: "radio", name: "shipping", value: id, checked }));
  return row;
}

const OPTION = (id, value, isDefault) => ({
  id,
  label: "Option " + id,
  isDefault,
  sdk: { id, brand: "OTHER", description: null, product: id, price: { fractionalDenomination: value, currency: "NOK" } },
});

function load(data, values, answers) {
  const els = {};
  els["checkout-data"] = new El({ textContent: JSON.stringify(data) });
  for (const id of ["checkout-form", "form-error", "pay", "cancel", "shipping-list", "shipping-status", "amount", "pay-amount"]) {
    els[id] = new El();
  }
  els["form-error"].hidden = true;
  for (const o of data.options || []) {
    els["shipping-list"].appendChild(radioRow(o.id, o.id === data.selected));
  }
  for (const [id, v] of Object.entries(values)) els[id] = new El({ value: v });
  const posted = [];
  const requests = [];
  const win = {
    addEventListener() {},
    parent: {
      postMessage(msg, target) {
        assert.strictEqual(target, "*");
        posted.push(msg);
      },
    },
    top: { location: { href: "https://shop.example/checkout" } },
    location: { href: "http://sim/sim/checkout/?token=T" },
  };
  const document = {
    getElementById: (id) => els[id] || null,
    querySelectorAll: (sel) => {
      assert.strictEqual(sel, "input[name=shipping]");
      return els["shipping-list"].children.map((row) => row.children[0]);
    },
    createElement: () => new El(),
    documentElement: { scrollHeight: 640 },
  };
  const fetch = (path, init) => {
    requests.push({ path, body: JSON.parse(init.body) });
    const [status, answer] = answers[path] || [500, {}];
    return Promise.resolve({ ok: status < 300, status, json: () => Promise.resolve(answer) });
  };
  vm.runInNewContext(code, { window: win, document, fetch, JSON, Array, String, Number });
  // Objects made inside the vm context have its prototypes: compare plain JSON copies.
  const events = () =>
    JSON.parse(JSON.stringify(posted.filter((m) => m.type !== "resize").map((m) => [m.type, m.data === undefined ? null : m.data])));
  for (const m of posted) assert.strictEqual(m.source, "vipps-checkout-sim");
  return { els, posted, requests, win, events };
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

const BASE = {
  token: "T",
  lang: "en",
  returnUrl: "https://shop.example/return",
  elements: "Full",
  amount: { fractionalDenomination: 25000, currency: "NOK" },
  dynamicOptions: false,
  options: [OPTION("a", 4900, true), OPTION("b", 0, false)],
  selected: "a",
  finalStatus: null,
};
const EMPTY = { email: "k@example.com", phone: "", firstName: "", lastName: "", streetAddress: "", postalCode: "", city: "", country: "NO" };

(async () => {
  // Load, choose shipping, enter details, pay.
  {
    const p = load(BASE, EMPTY, { "/sim/checkout/pay": [200, { returnUrl: "https://shop.example/return", sessionState: "PaymentSuccessful" }] });
    // The total includes the selected delivery (option a, 49.00 NOK).
    assert.deepStrictEqual(p.events(), [
      ["session_status_changed", "SessionStarted"],
      ["total_amount_changed", { fractionalDenomination: 29900, currency: "NOK" }],
      ["shipping_option_selected", BASE.options[0].sdk],
    ]);
    assert.strictEqual(p.els.amount.textContent, "299.00 NOK");
    assert.strictEqual(p.els["pay-amount"].textContent, "299.00 NOK");
    assert.ok(p.posted.some((m) => m.type === "resize" && m.data === 640));
    const radios = p.els["shipping-list"].children.map((r) => r.children[0]);
    radios[0].checked = false;
    radios[1].checked = true;
    radios[1].fire("change");
    // Choosing the free option brings the total down to the order amount, and says so.
    assert.deepStrictEqual(p.events().slice(-2), [
      ["shipping_option_selected", BASE.options[1].sdk],
      ["total_amount_changed", { fractionalDenomination: 25000, currency: "NOK" }],
    ]);
    assert.strictEqual(p.els.amount.textContent, "250.00 NOK");
    assert.strictEqual(p.els["pay-amount"].textContent, "250.00 NOK");
    // Choosing it again changes nothing, so no second total event.
    radios[1].fire("change");
    assert.deepStrictEqual(p.events().pop(), ["shipping_option_selected", BASE.options[1].sdk]);
    Object.assign(p.els.phone, { value: "4791234567" });
    Object.assign(p.els.firstName, { value: "Kari" });
    Object.assign(p.els.lastName, { value: "Nordmann" });
    p.els.lastName.fire("change");
    const person = { address: "", city: "", country: "NO", email: "k@example.com", firstName: "Kari", lastName: "Nordmann", phone: "4791234567", zip: "" };
    assert.deepStrictEqual(p.events().pop(), ["customer_information_changed", person]);
    p.els.streetAddress.value = "Storgata 1";
    p.els.postalCode.value = "0155";
    p.els.city.value = " Oslo ";
    p.els.city.fire("change");
    assert.deepStrictEqual(p.events().pop(), [
      "shipping_address_changed",
      Object.assign({}, person, { address: "Storgata 1", zip: "0155", city: "Oslo" }),
    ]);
    assert.strictEqual(p.requests.length, 0, "no dynamic callback configured");
    assert.ok(p.els["checkout-form"].fire("submit"), "the script handles the submit");
    await settle();
    assert.deepStrictEqual(p.requests, [
      {
        path: "/sim/checkout/pay",
        body: { token: "T", email: "k@example.com", phone: "4791234567", firstName: "Kari", lastName: "Nordmann", streetAddress: "Storgata 1", postalCode: "0155", city: "Oslo", country: "NO", shipping: "b" },
      },
    ]);
    const ev = p.events();
    assert.deepStrictEqual(ev.slice(-2), [
      ["session_status_changed", "PaymentInitiated"],
      ["session_status_changed", "PaymentSuccessful"],
    ]);
    assert.strictEqual(p.win.top.location.href, "https://shop.example/return");
  }

  // A refused payment shows the error and stays.
  {
    const p = load(BASE, EMPTY, { "/sim/checkout/pay": [400, { error: "Some fields are missing or invalid.", fields: ["phone"] }] });
    p.els["checkout-form"].fire("submit");
    await settle();
    assert.strictEqual(p.els["form-error"].hidden, false);
    assert.match(p.els["form-error"].textContent, /missing or invalid\. \(phone\)/);
    assert.strictEqual(p.win.top.location.href, "https://shop.example/checkout");
    assert.ok(!p.events().some((e) => e[1] === "PaymentSuccessful" || e[1] === "PaymentFailed"));
    assert.strictEqual(p.els.pay.disabled, false);
  }

  // Cancel.
  {
    const p = load(BASE, EMPTY, { "/sim/checkout/cancel": [200, { returnUrl: "https://shop.example/return", sessionState: "PaymentTerminated" }] });
    assert.ok(p.els.cancel.fire("click"));
    await settle();
    assert.deepStrictEqual(p.requests, [{ path: "/sim/checkout/cancel", body: { token: "T" } }]);
    assert.deepStrictEqual(p.events().pop(), ["session_status_changed", "SessionTerminated"]);
    assert.strictEqual(p.win.top.location.href, "https://shop.example/return");
  }

  // Dynamic options for a prefilled address are fetched on load and replace the list.
  {
    const data = Object.assign({}, BASE, { dynamicOptions: true });
    const full = Object.assign({}, EMPTY, { streetAddress: "Robert Levins gate 5", postalCode: "0154", city: "Oslo" });
    const dyn = [OPTION("d1", 9900, false), OPTION("d2", 3900, true)];
    const p = load(data, full, { "/sim/checkout/shipping-options": [200, { source: "dynamic", options: dyn }] });
    await settle();
    assert.deepStrictEqual(p.requests, [
      { path: "/sim/checkout/shipping-options", body: { token: "T", streetAddress: "Robert Levins gate 5", postalCode: "0154", city: "Oslo", country: "NO" } },
    ]);
    const radios = p.els["shipping-list"].children.map((r) => r.children[0]);
    assert.deepStrictEqual(radios.map((r) => [r.value, r.checked, r.name]), [["d1", false, "shipping"], ["d2", true, "shipping"]]);
    assert.deepStrictEqual(p.events().slice(-2), [
      ["shipping_option_selected", dyn[1].sdk],
      ["total_amount_changed", { fractionalDenomination: 28900, currency: "NOK" }],
    ]);
    assert.strictEqual(p.els["pay-amount"].textContent, "289.00 NOK");
    // The same address again does not ask again.
    p.els.city.fire("change");
    await settle();
    assert.strictEqual(p.requests.length, 1);
  }

  // A finished session only reports its status.
  {
    const p = load(Object.assign({}, BASE, { finalStatus: "PaymentSuccessful" }), {}, {});
    assert.deepStrictEqual(p.events(), [["session_status_changed", "PaymentSuccessful"]]);
  }

  console.log("checkout_page_test.js: ok");
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
