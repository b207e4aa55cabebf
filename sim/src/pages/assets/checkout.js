/* vipps-sim checkout page script.
 *
 * Reports the frontend SDK's events to the embedding page with window.parent.postMessage
 * ({source: "vipps-checkout-sim", type: <event>, data: <payload>}), asks the server for dynamic
 * shipping options when the address is complete, keeps the shown total (#amount, #pay-amount) at
 * the order amount plus the selected delivery option, and sends Pay/Cancel as JSON, then moves the
 * TOP window to the shop's returnUrl. Without this script the form still works (plain post,
 * target _top, answered 303 to the returnUrl).
 */
(function () {
  "use strict";

  var SOURCE = "vipps-checkout-sim";
  var dataEl = document.getElementById("checkout-data");
  if (!dataEl) return;
  var data;
  try {
    data = JSON.parse(dataEl.textContent);
  } catch (e) {
    return;
  }
  var embedded = window.parent && window.parent !== window;

  function emit(type, payload) {
    if (!embedded) return;
    try {
      window.parent.postMessage({ source: SOURCE, type: type, data: payload }, "*");
    } catch (e) {
      /* a parent that cannot be reached simply gets no events */
    }
  }

  function reportHeight() {
    emit("resize", document.documentElement.scrollHeight);
  }

  function goTop(url) {
    try {
      window.top.location.href = url;
    } catch (e) {
      window.location.href = url;
    }
  }

  function byId(id) {
    return document.getElementById(id);
  }

  function value(id) {
    var el = byId(id);
    return el ? String(el.value || "").trim() : "";
  }

  if (data.finalStatus) {
    emit("session_status_changed", data.finalStatus);
    reportHeight();
    return;
  }

  var form = byId("checkout-form");
  var errorBox = byId("form-error");
  var payButton = byId("pay");
  var cancelButton = byId("cancel");
  var options = data.options || [];

  function showError(text) {
    if (!errorBox) return;
    errorBox.textContent = text || "";
    errorBox.hidden = !text;
    reportHeight();
  }

  /* The SDK's Address type: address, city, country, email, firstName, lastName, phone, zip. */
  function addressPayload() {
    return {
      address: value("streetAddress"),
      city: value("city"),
      country: value("country"),
      email: value("email"),
      firstName: value("firstName"),
      lastName: value("lastName"),
      phone: value("phone"),
      zip: value("postalCode")
    };
  }

  function findOption(id) {
    for (var i = 0; i < options.length; i++) {
      if (options[i].id === id) return options[i];
    }
    return null;
  }

  function selectedShipping() {
    var radios = document.querySelectorAll("input[name=shipping]");
    for (var i = 0; i < radios.length; i++) {
      if (radios[i].checked) return radios[i].value;
    }
    return null;
  }

  /* Minor units as the server's money(): 29900, "NOK" -> "299.00 NOK" (integers, no float). */
  function money(minor, currency) {
    var abs = Math.abs(minor);
    var cents = String(abs % 100);
    return (minor < 0 ? "-" : "") + Math.floor(abs / 100) + "." + (cents.length < 2 ? "0" : "") + cents + " " + currency;
  }

  /* The order amount plus the selected delivery option in the same currency (as rendered). */
  function currentTotal() {
    var base = data.amount || { fractionalDenomination: 0, currency: "" };
    var value = base.fractionalDenomination;
    var o = findOption(selectedShipping());
    var price = o && o.sdk && o.sdk.price;
    if (price && price.currency === base.currency) value += price.fractionalDenomination;
    return { fractionalDenomination: value, currency: base.currency };
  }

  var shownTotal = null;

  /* Shows the total, and tells the SDK when it changed (total_amount_changed). */
  function updateTotal() {
    var total = currentTotal();
    var text = money(total.fractionalDenomination, total.currency);
    ["amount", "pay-amount"].forEach(function (id) {
      var el = byId(id);
      if (el) el.textContent = text;
    });
    if (shownTotal !== total.fractionalDenomination) {
      shownTotal = total.fractionalDenomination;
      emit("total_amount_changed", total);
    }
  }

  function emitShipping() {
    var o = findOption(selectedShipping());
    emit("shipping_option_selected", o ? o.sdk : undefined);
    updateTotal();
  }

  function renderOptions(list) {
    var container = byId("shipping-list");
    if (!container) return;
    options = list;
    while (container.firstChild) container.removeChild(container.firstChild);
    var chosen = null;
    for (var i = 0; i < list.length; i++) {
      if (list[i].isDefault && chosen === null) chosen = list[i].id;
    }
    if (chosen === null && list.length) chosen = list[0].id;
    list.forEach(function (o, i) {
      var row = document.createElement("div");
      row.className = "option";
      var input = document.createElement("input");
      input.type = "radio";
      input.name = "shipping";
      input.id = "shipping-" + i;
      input.value = o.id;
      input.required = true;
      input.checked = o.id === chosen;
      input.addEventListener("change", emitShipping);
      var label = document.createElement("label");
      label.htmlFor = input.id;
      label.textContent = o.label + " ";
      var price = document.createElement("span");
      price.className = "price";
      var p = o.sdk.price;
      price.textContent = money(p.fractionalDenomination, p.currency);
      label.appendChild(price);
      row.appendChild(input);
      row.appendChild(label);
      container.appendChild(row);
    });
    emitShipping();
    reportHeight();
  }

  var contactIds = ["email", "phone", "firstName", "lastName"];
  var addressIds = ["streetAddress", "postalCode", "city", "country"];

  function complete(ids) {
    return ids.every(function (id) {
      return !byId(id) || value(id) !== "";
    });
  }

  var lastAddressKey = null;
  var shippingRequest = 0;

  function fetchShippingOptions() {
    if (!data.dynamicOptions || !complete(addressIds)) return;
    var key = addressIds.map(value).join("\u0000");
    if (key === lastAddressKey) return;
    lastAddressKey = key;
    var mine = ++shippingRequest;
    var status = byId("shipping-status");
    if (status) status.textContent = "…";
    fetch("/sim/checkout/shipping-options", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        token: data.token,
        streetAddress: value("streetAddress"),
        postalCode: value("postalCode"),
        city: value("city"),
        country: value("country")
      })
    })
      .then(function (r) {
        return r.json();
      })
      .then(function (answer) {
        if (mine !== shippingRequest) return;
        var list = answer.options || [];
        if (status) {
          status.textContent = list.length
            ? ""
            : "No delivery options are available for this address.";
        }
        renderOptions(list);
      })
      .catch(function () {
        if (status) status.textContent = "Could not load the delivery options.";
      });
  }

  contactIds.forEach(function (id) {
    var el = byId(id);
    if (el) {
      el.addEventListener("change", function () {
        emit("customer_information_changed", addressPayload());
      });
    }
  });
  addressIds.forEach(function (id) {
    var el = byId(id);
    if (el) {
      el.addEventListener("change", function () {
        if (complete(addressIds)) emit("shipping_address_changed", addressPayload());
        fetchShippingOptions();
      });
    }
  });
  Array.prototype.forEach.call(document.querySelectorAll("input[name=shipping]"), function (r) {
    r.addEventListener("change", emitShipping);
  });

  function collect() {
    var body = { token: data.token };
    contactIds.concat(addressIds).forEach(function (id) {
      if (byId(id)) body[id] = value(id);
    });
    var s = selectedShipping();
    if (s !== null) body.shipping = s;
    return body;
  }

  function busy(on) {
    if (payButton) payButton.disabled = on;
    if (cancelButton) cancelButton.disabled = on;
  }

  function send(path, body) {
    return fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (answer) {
        return { ok: r.ok, status: r.status, answer: answer };
      });
    });
  }

  if (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      showError("");
      busy(true);
      emit("session_status_changed", "PaymentInitiated");
      send("/sim/checkout/pay", collect())
        .then(function (res) {
          if (res.ok) {
            emit("session_status_changed", "PaymentSuccessful");
            goTop(res.answer.returnUrl || data.returnUrl);
            return;
          }
          busy(false);
          var fields = res.answer.fields && res.answer.fields.length ? " (" + res.answer.fields.join(", ") + ")" : "";
          showError((res.answer.error || "The payment failed.") + fields);
          if (res.status === 404) {
            emit("session_status_changed", "SessionExpired");
          } else if (res.status !== 400) {
            emit("session_status_changed", "PaymentFailed");
          }
        })
        .catch(function () {
          busy(false);
          showError("The payment could not be sent. Try again.");
          emit("session_status_changed", "PaymentFailed");
        });
    });
  }

  if (cancelButton) {
    cancelButton.addEventListener("click", function (ev) {
      ev.preventDefault();
      busy(true);
      send("/sim/checkout/cancel", { token: data.token })
        .then(function (res) {
          if (res.ok) {
            emit("session_status_changed", "SessionTerminated");
            goTop(res.answer.returnUrl || data.returnUrl);
            return;
          }
          busy(false);
          showError(res.answer.error || "The checkout could not be cancelled.");
        })
        .catch(function () {
          busy(false);
          showError("The checkout could not be cancelled. Try again.");
        });
    });
  }

  emit("session_status_changed", "SessionStarted");
  updateTotal();
  if (selectedShipping() !== null) emitShipping();
  if (complete(contactIds) && byId("email")) emit("customer_information_changed", addressPayload());
  if (byId("streetAddress") && complete(addressIds)) {
    emit("shipping_address_changed", addressPayload());
    fetchShippingOptions();
  }
  reportHeight();
  window.addEventListener("resize", reportHeight);
})();
