#!/usr/bin/env bash
# test-dist part (scripts/test-dist.sh runs it in an empty folder outside the repository): a fresh
# npm project, `npm install` of the main package, platform package and simulator tarballs (koffi,
# typescript and @types/node come from the registry), a full payment against the simulator
# package, and `tsc --noEmit` on a small typed example.
set -euo pipefail
mkdir project
cd project
echo '{ "name": "dist-test-shop", "version": "1.0.0", "private": true }' >package.json
npm install --no-audit --no-fund --loglevel=error \
    "$ARTIFACTS/unofficial-vipps-$VERSION.tgz" "$ARTIFACTS/unofficial-vipps-linux-x64-gnu-$VERSION.tgz"
npm install --no-audit --no-fund --loglevel=error --save-dev \
    "$ARTIFACTS/unofficial-vipps-sim-$VERSION.tgz" typescript@5.9.3 @types/node@20.19.43
for p in unofficial-vipps unofficial-vipps-linux-x64-gnu unofficial-vipps-sim; do
    [ ! -L "node_modules/$p" ] || { echo "node_modules/$p is a link, not an installed copy" >&2; exit 1; }
done
node -e 'const p = require("unofficial-vipps/package.json");
  if (p.private || !p.optionalDependencies["unofficial-vipps-linux-x64-gnu"] || p.scripts) process.exit(1)' ||
    { echo "the main package is private, has an install script, or lacks its optionalDependency" >&2; exit 1; }
case "$(npx --no-install vipps-sim --help)" in *"usage: vipps-sim"*) ;; *) echo "the vipps-sim bin does not run" >&2; exit 1 ;; esac

cat >pay.js <<'JS'
'use strict';
const assert = require('node:assert/strict');
const path = require('node:path');
const vipps = require('unofficial-vipps');
const { start } = require('unofficial-vipps-sim');

(async () => {
  const sim = await start();
  const client = new vipps.Client({ base_url: sim.url, system_name: 'dist-test', system_version: '1',
    plugin_name: 'dist-test', plugin_version: '1' });
  try {
    const lib = vipps.findLibrary();
    assert.equal(lib, path.join(process.cwd(), 'node_modules', 'unofficial-vipps-linux-x64-gnu', 'libvipps.so'));
    assert.equal(vipps.version(), process.argv[2]);
    const reference = `dist-node-${Date.now()}`;
    const amount = { value: 49900, currency: 'NOK' };
    await client.createPayment({ reference, amount, paymentMethod: { type: 'WALLET' }, userFlow: 'WEB_REDIRECT',
      returnUrl: 'https://shop.example/return', paymentDescription: 'dist test' });
    await client.forceApprove({ reference, customer: { phoneNumber: '4791234567' } });
    assert.equal((await client.capture({ reference, amount })).normalized.status, 'captured');
    const refunded = await client.refund({ reference, amount: { value: 9900, currency: 'NOK' } });
    assert.equal(refunded.normalized.status, 'partially_refunded');
    console.log(`   libvipps ${vipps.version()} from ${path.relative(process.cwd(), lib)}: created, approved, ` +
      `captured, refunded (${refunded.normalized.status})`);
  } finally {
    await client.close();
    await sim.stop();
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
JS
node pay.js "$VERSION"

cat >shop.ts <<'TS'
// Never run: type-checked against the installed packages' typings.
import { Client, ConflictError, type NormalizedStatus } from 'unofficial-vipps';
import { start, type Simulator } from 'unofficial-vipps-sim';

export async function pay(reference: string): Promise<NormalizedStatus> {
  const sim: Simulator = await start();
  const client = new Client({ base_url: sim.url, system_name: 'ts', system_version: '1', plugin_name: 'p', plugin_version: '1' });
  try {
    await client.forceApprove({ reference, customer: { phoneNumber: '4791234567' } });
    const captured = await client.capture({ reference, amount: { value: 100, currency: 'NOK' } });
    return captured.normalized.status;
  } catch (e) {
    if (e instanceof ConflictError) return 'pending';
    throw e;
  } finally {
    await client.close();
    await sim.stop();
  }
}
TS
echo '{ "compilerOptions": { "strict": true, "noEmit": true, "target": "es2022", "module": "commonjs",
  "moduleResolution": "node", "types": ["node"] }, "files": ["shop.ts"] }' >tsconfig.json
npx --no-install tsc --noEmit -p .
echo "   tsc --noEmit: the typings of unofficial-vipps and unofficial-vipps-sim check a typed shop"
