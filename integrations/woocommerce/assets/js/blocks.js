/* The gateway in WooCommerce's block checkout: plain JavaScript on the wc and wp globals. */
(function () {
  'use strict';
  var registry = window.wc && window.wc.wcBlocksRegistry;
  var wcSettings = window.wc && window.wc.wcSettings;
  if (!registry || !wcSettings || !window.wp || !window.wp.element) {
    return;
  }
  var el = window.wp.element.createElement;
  var decode = (window.wp.htmlEntities && window.wp.htmlEntities.decodeEntities) || function (s) { return s; };
  var data = wcSettings.getSetting('vipps_core_data', {});
  var title = decode(data.title || 'Vipps MobilePay');
  var Content = function () {
    return el('div', null, decode(data.description || ''));
  };
  registry.registerPaymentMethod({
    name: 'vipps_core',
    label: el('span', null, title),
    ariaLabel: title,
    content: el(Content, null),
    edit: el(Content, null),
    canMakePayment: function () { return true; },
    supports: { features: data.supports || ['products'] }
  });
})();
