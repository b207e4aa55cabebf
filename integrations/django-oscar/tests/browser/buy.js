'use strict';
// A customer buys in Debian's Chromium (playwright-core, the repository's e2e/lib/browser.js)
// through Oscar's own storefront: product page → Add to basket → checkout (shipping address
// form, preview) → Place order → the simulator's landing page → Approve → back in the shop on
// Oscar's confirmation page. Prints {"order": "<number>"} as its last line.
// Env: SHOP_URL (the Django live server), SESSION_COOKIE (a logged-in customer's session id),
// PRODUCT_URL (the product page's path), SIM_URL.
const path = require('node:path');
const root = path.resolve(__dirname, '../../../..');
const { launchBrowser, screenshot } = require(path.join(root, 'e2e/lib/browser.js'));

async function main() {
  const shop = process.env.SHOP_URL;
  const browser = await launchBrowser();
  const page = browser.context.pages()[0] || (await browser.context.newPage());
  try {
    await browser.context.addCookies([{ name: 'sessionid', value: process.env.SESSION_COOKIE, url: shop }]);
    await page.goto(shop + process.env.PRODUCT_URL);
    await page.locator('#add_to_basket_form button[type=submit]').click();
    await page.waitForLoadState();
    await page.goto(shop + '/checkout/');
    await page.waitForURL(/\/checkout\/shipping-address\//);
    await page.fill('#id_first_name', 'Kari');
    await page.fill('#id_last_name', 'Nordmann');
    await page.fill('#id_line1', 'Storgata 1');
    await page.fill('#id_line4', 'Oslo');
    await page.fill('#id_postcode', '0155');
    if (await page.locator('select#id_country').count()) await page.selectOption('select#id_country', 'NO');
    await page.locator('form#new_shipping_address button[type=submit], button:has-text("Continue")').first().click();
    await page.waitForURL(/\/checkout\/payment-details\//);
    await page.click('#view_preview');
    await page.waitForURL(/\/checkout\/preview\//);
    await screenshot(page, 'oscar-preview');
    await page.click('#place-order');
    await page.waitForURL((url) => url.href.startsWith(process.env.SIM_URL + '/sim/landing/'));
    await screenshot(page, 'oscar-landing');
    await page.click('#approve');
    await page.waitForURL(/\/checkout\/thank-you\//);
    await screenshot(page, 'oscar-thank-you');
    const heading = await page.locator('h1').first().innerText();
    const number = /Order (\S+): confirmation/.exec(heading);
    if (!number) throw new Error(`no order number on the confirmation page: ${heading}`);
    console.log(JSON.stringify({ order: number[1] }));
  } catch (error) {
    await screenshot(page, 'oscar-FAILED').catch(() => {});
    throw error;
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error.stack || String(error));
  process.exit(1);
});
