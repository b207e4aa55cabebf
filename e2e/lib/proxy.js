'use strict';
// A forwarding proxy in front of a shop, used as the shop's public URL: everything passes
// through unchanged, except that while `tamper` is on, the proof on Vipps' requests to
// /vipps/callback and /vipps/webhook is forged (the Checkout callback token replaced; the
// webhook's HMAC signature replaced by another of the same form). The shop's answer is passed
// back as it is, so the simulator sees the shop's own verdict.

const http = require('node:http');
const crypto = require('node:crypto');

function forge(authorization) {
  if (!authorization) return 'forged-token';
  if (/Signature=/.test(authorization)) {
    return authorization.replace(/Signature=[^&\s]+/, `Signature=${crypto.randomBytes(32).toString('base64')}`);
  }
  return `forged-${crypto.randomBytes(16).toString('hex')}`;
}

async function startProxy() {
  const state = { target: null, tamper: true, forged: [] };
  const server = http.createServer((req, res) => {
    if (!state.target) {
      res.writeHead(503);
      return res.end('no target yet');
    }
    const headers = { ...req.headers };
    const inbound = /^\/vipps\/(callback|webhook)/.test(req.url);
    if (inbound && state.tamper) {
      headers.authorization = forge(headers.authorization);
      state.forged.push(req.url);
    }
    const target = new URL(state.target);
    // Host stays as Vipps sent it: webhook signatures cover it.
    const upstream = http.request(
      { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      (answer) => {
        if (inbound) (state.answers ||= []).push({ url: req.url, status: answer.statusCode, forged: state.tamper });
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (e) => {
      res.writeHead(502);
      res.end(String(e.message));
    });
    req.pipe(upstream);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    state,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(resolve);
      }),
  };
}

module.exports = { startProxy };
