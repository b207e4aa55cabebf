'use strict';
// Bridges between Node's http module and vipps_handle_callback: the request description the
// library needs (method, URL, headers with their original case and duplicates), the raw body
// bytes (signatures cover them), and writing the answer back.

/** Bodies over this size are refused by the library with 413 (VIPPS_MAX_BODY in include/vipps.h). */
const MAX_BODY = 1024 * 1024;

/**
 * Headers as the library wants them: the names as received (rawHeaders keeps their case),
 * a repeated header as an array of its values in order. Names that differ only in case are
 * one header, named as first seen.
 * @param {import('node:http').IncomingMessage} req
 */
function headersFrom(req) {
  const headers = {};
  const nameOf = new Map(); // lower-case name -> name as first seen
  const raw = req.rawHeaders || [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i];
    const value = raw[i + 1];
    const lower = name.toLowerCase();
    const key = nameOf.get(lower);
    if (key === undefined) {
      nameOf.set(lower, name);
      headers[name] = value;
    } else if (Array.isArray(headers[key])) {
      headers[key].push(value);
    } else {
      headers[key] = [headers[key], value];
    }
  }
  return headers;
}

/**
 * The request description for handleCallback from an IncomingMessage (method, path and query
 * as received, headers), merged with the optional keys (kind, expected_token, reference).
 * @param {import('node:http').IncomingMessage} req
 * @param {object} [extra]
 */
function callbackRequestFrom(req, extra = {}) {
  return { method: req.method, url: req.url, headers: headersFrom(req), ...extra };
}

/**
 * Collects the raw body of a request into one Buffer. At most `limit` + 1 bytes are kept (the
 * rest is read and dropped), so an oversized body reaches the library as "too large" (413)
 * without being held in memory.
 * @param {import('node:http').IncomingMessage} req
 * @param {number} [limit]
 * @returns {Promise<Buffer>}
 */
function readBody(req, limit = MAX_BODY) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let kept = 0;
    req.on('data', (chunk) => {
      if (kept > limit) return;
      const take = Math.min(chunk.length, limit + 1 - kept);
      chunks.push(take === chunk.length ? chunk : chunk.subarray(0, take));
      kept += take;
    });
    req.on('end', () => resolve(Buffer.concat(chunks, kept)));
    req.on('error', reject);
  });
}

/**
 * Writes the `response` of a handleCallback (or shippingOptionsResponse) answer:
 * `{status, headers, body}`; a null body is sent as an empty one.
 * @param {import('node:http').ServerResponse} res
 * @param {{status: number, headers?: Record<string, string>, body?: string | null}} response
 */
function sendCallbackResponse(res, response) {
  const body = response.body == null ? '' : String(response.body);
  const headers = {};
  for (const [name, value] of Object.entries(response.headers || {})) {
    if (name.toLowerCase() !== 'content-length') headers[name] = value;
  }
  headers['Content-Length'] = Buffer.byteLength(body);
  res.writeHead(response.status, headers);
  res.end(body);
}

module.exports = { MAX_BODY, headersFrom, callbackRequestFrom, readBody, sendCallbackResponse };
