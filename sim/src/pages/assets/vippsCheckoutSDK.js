/* vipps-sim stand-in for the Vipps MobilePay Checkout frontend SDK (vippsCheckoutSDK.js).
 *
 * Same global functions and parameters as the documented SDK:
 *
 *   var checkout = VippsCheckout({
 *     checkoutFrontendUrl,   // from the session creation response (required)
 *     iFrameContainerId,     // id of the element that gets the iframe (required)
 *     token,                 // from the session creation response; else ?token= of this page
 *     language,              // "no" or "en" (default "en")
 *     on: { session_status_changed, shipping_option_selected, total_amount_changed,
 *           shipping_address_changed, customer_information_changed }
 *   });
 *   checkout.redirectToCurrentPageWithToken(token); // "sticky" session via ?token=
 *
 *   VippsCheckoutDirect({ checkoutFrontendUrl, token, language }); // top window → checkout
 *
 * The iframe is checkoutFrontendUrl + "?token=" + token (+ "&lang=" + language). The checkout
 * page posts {source: "vipps-checkout-sim", type, data} messages; only those from this iframe
 * (window and origin) reach the `on` handlers.
 */
(function (global) {
  "use strict";

  var SOURCE = "vipps-checkout-sim";
  var EVENTS = [
    "session_status_changed",
    "shipping_option_selected",
    "total_amount_changed",
    "shipping_address_changed",
    "customer_information_changed"
  ];

  function frontendUrl(options, token) {
    if (!options || !options.checkoutFrontendUrl) {
      throw new Error("Vipps Checkout: checkoutFrontendUrl is required");
    }
    if (!token) {
      throw new Error("Vipps Checkout: token is required");
    }
    var base = String(options.checkoutFrontendUrl);
    var url = base + (base.indexOf("?") === -1 ? "?" : "&") + "token=" + encodeURIComponent(token);
    if (options.language) {
      url += "&lang=" + encodeURIComponent(options.language);
    }
    return url;
  }

  function originOf(url) {
    var m = /^([a-z][a-z0-9+.-]*:\/\/[^\/?#]+)/i.exec(url);
    return m ? m[1].toLowerCase() : null;
  }

  function tokenFromQuery() {
    var search = (global.location && global.location.search) || "";
    var m = /[?&]token=([^&#]*)/.exec(search);
    if (!m) return undefined;
    try {
      return decodeURIComponent(m[1].replace(/\+/g, " "));
    } catch (e) {
      return undefined;
    }
  }

  function VippsCheckout(options) {
    options = options || {};
    var on = options.on || {};
    var container = global.document.getElementById(options.iFrameContainerId);
    if (!container) {
      throw new Error("Vipps Checkout: no element with id " + options.iFrameContainerId);
    }
    var token = options.token || tokenFromQuery();
    var iframe = null;
    var expectedOrigin = null;

    function onMessage(ev) {
      if (!iframe || ev.source !== iframe.contentWindow) return;
      if (expectedOrigin && ev.origin && String(ev.origin).toLowerCase() !== expectedOrigin) return;
      var msg = ev.data;
      if (!msg || msg.source !== SOURCE || typeof msg.type !== "string") return;
      if (msg.type === "resize") {
        var h = Number(msg.data);
        if (h > 0) iframe.style.height = Math.ceil(h) + "px";
        return;
      }
      if (EVENTS.indexOf(msg.type) === -1) return;
      var handler = on[msg.type];
      if (typeof handler === "function") handler(msg.data);
    }

    if (token) {
      var src = frontendUrl(options, token);
      expectedOrigin = originOf(src);
      iframe = global.document.createElement("iframe");
      iframe.src = src;
      iframe.title = "Vipps MobilePay Checkout";
      iframe.setAttribute("allow", "payment");
      iframe.style.width = "100%";
      iframe.style.minHeight = "40rem";
      iframe.style.border = "0";
      container.appendChild(iframe);
      global.addEventListener("message", onMessage);
    }

    return {
      iframe: iframe,
      redirectToCurrentPageWithToken: function (newToken) {
        var href = String(global.location.href);
        var hash = "";
        var i = href.indexOf("#");
        if (i !== -1) {
          hash = href.slice(i);
          href = href.slice(0, i);
        }
        href = href.replace(/([?&])token=[^&]*(&|$)/, function (_, pre, post) {
          return post ? pre : "";
        });
        href += (href.indexOf("?") === -1 ? "?" : "&") + "token=" + encodeURIComponent(newToken);
        global.location.href = href + hash;
      },
      destroy: function () {
        global.removeEventListener("message", onMessage);
        if (iframe && iframe.parentNode) iframe.parentNode.removeChild(iframe);
        iframe = null;
      }
    };
  }

  function VippsCheckoutDirect(options) {
    options = options || {};
    var url = frontendUrl(options, options.token || tokenFromQuery());
    var target = global.top || global;
    target.location.href = url;
    return url;
  }

  /* A page may have set window.VippsCheckout = {…options…} before loading the script (the
   * guide's event example does): start it. */
  var preset = global.VippsCheckout;
  global.VippsCheckout = VippsCheckout;
  global.VippsCheckoutDirect = VippsCheckoutDirect;
  if (preset && typeof preset === "object" && preset.checkoutFrontendUrl) {
    var start = function () {
      VippsCheckout(preset);
    };
    if (global.document.readyState === "loading") {
      global.document.addEventListener("DOMContentLoaded", start);
    } else {
      start();
    }
  }
})(window);
