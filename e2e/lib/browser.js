'use strict';
// Debian's Chromium driven by playwright-core. Never downloads a browser: the executable is
// /usr/bin/chromium (CHROMIUM_PATH to override), with a fresh, empty user data directory.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { ROOT } = require('./sim');

const EXECUTABLE = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOTS = process.env.E2E_SCREENSHOTS || path.join(ROOT, 'target', 'e2e-screenshots');

async function launchBrowser() {
  if (!fs.existsSync(EXECUTABLE)) {
    throw new Error(`no Chromium at ${EXECUTABLE}: apt-get install -y chromium (make test-e2e does)`);
  }
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vipps-e2e-chromium-'));
  // launchPersistentContext passes --user-data-dir=<the fresh directory>
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: EXECUTABLE,
    headless: true,
    args: ARGS,
    viewport: { width: 1000, height: 900 },
  });
  context.setDefaultTimeout(15000);
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

module.exports = { launchBrowser, screenshot, SCREENSHOTS };
