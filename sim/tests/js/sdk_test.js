// Runs src/pages/assets/vippsCheckoutSDK.js in a minimal fake DOM (node, no dependencies).
// Run from the sim crate directory: node tests/js/sdk_test.js
"use strict";
const fs = require("fs");
const vm = require("vm");
const assert = require("assert");

const code = fs.readFileSync("src/pages/assets/vippsCheckoutSDK.js", "utf8");

function container() {
  return {
    children: [],
    appendChild(c) {
      this.children.push(c);
      c.parentNode = this;
    },
    removeChild(c) {
      this.children = this.children.filter((x) => x !== c);
      c.parentNode = null;
    },
  };
}

function load(search, preset) {
  const listeners = {};
  const elements = { "vipps-checkout-frame-container": container() };
  const win = {
    location: { search: search || "", href: "https://shop.example/cart" + (search || "") },
    addEventListener(type, fn) {
      (listeners[type] = listeners[type] || []).push(fn);
    },
    removeEventListener(type, fn) {
      listeners[type] = (listeners[type] || []).filter((f) => f !== fn);
    },
    document: {
      readyState: "complete",
      getElementById: (id) => elements[id] || null,
      createElement: (tag) => ({
        tagName: tag.toUpperCase(),
        style: {},
        attrs: {},
        setAttribute(k, v) {
          this.attrs[k] = v;
        },
        contentWindow: { frame: true },
        parentNode: null,
      }),
      addEventListener() {},
    },
    top: { location: { href: "https://shop.example/cart" } },
  };
  if (preset) win.VippsCheckout = preset;
  vm.runInNewContext(code, { window: win });
  const dispatch = (ev) => (listeners.message || []).forEach((fn) => fn(ev));
  return { win, elements, listeners, dispatch };
}

const FRONTEND = "http://127.0.0.1:4567/sim/checkout/";
const ORIGIN = "http://127.0.0.1:4567";

// VippsCheckout: iframe, parameters, events.
{
  const { win, elements, dispatch } = load("");
  assert.strictEqual(typeof win.VippsCheckout, "function");
  assert.strictEqual(typeof win.VippsCheckoutDirect, "function");
  const seen = [];
  const checkout = win.VippsCheckout({
    checkoutFrontendUrl: FRONTEND,
    iFrameContainerId: "vipps-checkout-frame-container",
    language: "no",
    token: "tok en/1",
    on: {
      session_status_changed: (d) => seen.push(["status", d]),
      shipping_option_selected: (d) => seen.push(["shipping", d]),
      total_amount_changed: (d) => seen.push(["total", d]),
      shipping_address_changed: (d) => seen.push(["address", d]),
      customer_information_changed: (d) => seen.push(["customer", d]),
    },
  });
  const box = elements["vipps-checkout-frame-container"];
  assert.strictEqual(box.children.length, 1);
  const iframe = box.children[0];
  assert.strictEqual(iframe.tagName, "IFRAME");
  assert.strictEqual(iframe.src, FRONTEND + "?token=tok%20en%2F1&lang=no");
  assert.strictEqual(checkout.iframe, iframe);
  const from = (data, source, origin) =>
    dispatch({ source: source || iframe.contentWindow, origin: origin || ORIGIN, data });
  from({ source: "vipps-checkout-sim", type: "session_status_changed", data: "SessionStarted" });
  from({ source: "vipps-checkout-sim", type: "total_amount_changed", data: { fractionalDenomination: 25000, currency: "NOK" } });
  from({ source: "vipps-checkout-sim", type: "shipping_option_selected", data: { id: "x" } });
  from({ source: "vipps-checkout-sim", type: "shipping_address_changed", data: { city: "Oslo" } });
  from({ source: "vipps-checkout-sim", type: "customer_information_changed", data: { email: "a@b" } });
  // Ignored: another window, another origin, another sender, unknown types.
  from({ source: "vipps-checkout-sim", type: "session_status_changed", data: "X" }, { other: true });
  from({ source: "vipps-checkout-sim", type: "session_status_changed", data: "Y" }, null, "https://evil.example");
  from({ source: "someone-else", type: "session_status_changed", data: "Z" });
  from({ source: "vipps-checkout-sim", type: "toString", data: 1 });
  from("a string");
  from(null);
  assert.deepStrictEqual(seen, [
    ["status", "SessionStarted"],
    ["total", { fractionalDenomination: 25000, currency: "NOK" }],
    ["shipping", { id: "x" }],
    ["address", { city: "Oslo" }],
    ["customer", { email: "a@b" }],
  ]);
  from({ source: "vipps-checkout-sim", type: "resize", data: 812.5 });
  assert.strictEqual(iframe.style.height, "813px");
  checkout.destroy();
  assert.strictEqual(box.children.length, 0);
  from({ source: "vipps-checkout-sim", type: "session_status_changed", data: "after" });
  assert.strictEqual(seen.length, 5);
}

// Sticky session: the token comes from ?token= when not given; the helper redirects.
{
  const { win, elements } = load("?x=1&token=sticky-1");
  const checkout = win.VippsCheckout({
    checkoutFrontendUrl: FRONTEND,
    iFrameContainerId: "vipps-checkout-frame-container",
  });
  assert.strictEqual(elements["vipps-checkout-frame-container"].children[0].src, FRONTEND + "?token=sticky-1");
  checkout.redirectToCurrentPageWithToken("new-2");
  assert.strictEqual(win.location.href, "https://shop.example/cart?x=1&token=new-2");
}
{
  const { win, elements } = load("");
  const checkout = win.VippsCheckout({
    checkoutFrontendUrl: FRONTEND,
    iFrameContainerId: "vipps-checkout-frame-container",
  });
  assert.strictEqual(checkout.iframe, null);
  assert.strictEqual(elements["vipps-checkout-frame-container"].children.length, 0);
  checkout.redirectToCurrentPageWithToken("t3");
  assert.strictEqual(win.location.href, "https://shop.example/cart?token=t3");
  assert.throws(() => win.VippsCheckout({ checkoutFrontendUrl: FRONTEND, iFrameContainerId: "nope", token: "t" }), /no element/);
  assert.throws(
    () => win.VippsCheckout({ iFrameContainerId: "vipps-checkout-frame-container", token: "t" }),
    /checkoutFrontendUrl/
  );
}

// Checkout Direct: the top window goes to the checkout.
{
  const { win } = load("");
  const url = win.VippsCheckoutDirect({ checkoutFrontendUrl: FRONTEND, token: "direct-1", language: "en" });
  assert.strictEqual(url, FRONTEND + "?token=direct-1&lang=en");
  assert.strictEqual(win.top.location.href, url);
  assert.throws(() => win.VippsCheckoutDirect({ checkoutFrontendUrl: FRONTEND }), /token/);
}

// window.VippsCheckout = {...} set before the script (the guide's event example) starts it.
{
  const { elements } = load("", {
    checkoutFrontendUrl: FRONTEND,
    iFrameContainerId: "vipps-checkout-frame-container",
    token: "preset-1",
  });
  assert.strictEqual(elements["vipps-checkout-frame-container"].children[0].src, FRONTEND + "?token=preset-1");
}

console.log("sdk_test.js: ok");
