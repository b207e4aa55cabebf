#!/usr/bin/env node
'use strict';
// The `vipps-sim` command: runs the executable shipped in this package with the same arguments,
// passes signals on, and exits with its status.
const { spawn } = require('node:child_process');
const { binary } = require('..');

const child = spawn(binary(), process.argv.slice(2), { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
