#!/usr/bin/env node
// `npx unofficial-vipps-check`: runs vipps-check, the go-live check (README "Go-live check").
// The check is a native command built from the libvipps workspace; this script only finds it
// and runs it with the same arguments and exit code: VIPPS_CHECK (a path), then
// native/vipps-check in this package (where a packaged build puts it), then vipps-check on PATH.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

function findBinary() {
  if (process.env.VIPPS_CHECK) return process.env.VIPPS_CHECK;
  const packaged = path.join(__dirname, '..', 'native', 'vipps-check');
  try {
    fs.accessSync(packaged, fs.constants.X_OK);
    return packaged;
  } catch {
    return 'vipps-check'; // PATH; ENOENT below when it is not there either
  }
}

const run = spawnSync(findBinary(), process.argv.slice(2), { stdio: 'inherit' });
if (run.error) {
  process.stderr.write(
    'vipps-check was not found. Build it from the vipps repository with\n' +
      '  cargo build --release --bin vipps-check\n' +
      'then set VIPPS_CHECK=/path/to/target/release/vipps-check (or put it on PATH).\n',
  );
  process.exit(2);
}
process.exit(run.status === null ? 1 : run.status);
