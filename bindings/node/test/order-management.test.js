'use strict';
// Order Management through the Node binding: the receipt builder, receipts (a second one is an
// idempotent success), categories, images named by their content, and the transaction
// information beside a payment's events.

const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const zlib = require('node:zlib');
const { startSim, reference, paymentRequest } = require('./support/sim');
const vipps = require('..');

let sim;
let client;

test.before(async () => {
  sim = await startSim();
  client = new vipps.Client(sim.config());
});

test.after(async () => {
  if (client) await client.close();
  if (sim) await sim.stop();
});

/** CRC-32 (the PNG chunk checksum); zlib.crc32 is missing before Node 20.15. */
function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A real PNG of side × side grey pixels (shade makes the bytes differ). */
function png(side, shade) {
  const chunk = (kind, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(kind), data])));
    return Buffer.concat([length, Buffer.from(kind), data, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 8;
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(side, shade)]);
  const rows = Buffer.concat(Array.from({ length: side }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const basket = {
  amount: { value: 12478, currency: 'NOK' },
  lines: [
    { name: 'Apples', id: 'apples', quantity: '1.5', quantity_unit: 'KG', unit_price: 4990, tax_rate: 1500 },
    { name: 'Home delivery', id: 'shipping', total_amount: 4993, tax_rate: 2500, is_shipping: true },
  ],
};

test('buildReceipt does the tax arithmetic in minor units', () => {
  const receipt = vipps.buildReceipt(basket);
  const [apples, shipping] = receipt.orderLines;
  // 4990 × 1.5 = 7485; tax 7485 × 1500 / 11500 = 976.30 → 976
  assert.deepEqual([apples.totalAmount, apples.totalTaxAmount, apples.totalAmountExcludingTax], [7485, 976, 6509]);
  assert.deepEqual(apples.unitInfo, { quantity: '1.5', quantityUnit: 'KG', unitPrice: 4990 });
  // 4993 × 2500 / 12500 = 998.6 → 999
  assert.deepEqual([shipping.totalAmount, shipping.totalTaxAmount, shipping.isShipping], [4993, 999, true]);
  assert.deepEqual(receipt.bottomLine, { currency: 'NOK' });
  assert.deepEqual(vipps.buildReceipt(JSON.stringify(basket)), receipt);
});

test('buildReceipt refuses a mismatch, naming the lines and the difference', () => {
  assert.throws(
    () => vipps.buildReceipt({ ...basket, amount: { value: 12978, currency: 'NOK' } }),
    (error) => error instanceof vipps.InvalidInputError
      && error.message.includes('the receipt is 5.00 NOK short of the payment')
      && error.message.includes('[0] "Apples" (id "apples") 74.85 NOK'),
  );
  assert.throws(() => vipps.buildReceipt({ ...basket, lines: [{ ...basket.lines[0], quantity: 1.5 }] }), /quantity/);
});

test('receipt, category and image against the simulator', async () => {
  const ref = reference('node-om');
  await client.createPayment(paymentRequest(ref, 12478));
  await sim.approve(ref);
  const receipt = vipps.buildReceipt(basket);
  const added = await client.addReceipt({ reference: ref, payment_amount: basket.amount, ...receipt });
  assert.deepEqual(added, { already_existed: false, created: true, order_id: ref, payment_type: 'ECOM' });
  const again = await client.addReceipt({ reference: ref, ...receipt });
  assert.deepEqual([again.created, again.already_existed], [false, true]);

  const image = png(170, 0x24);
  const uploaded = await client.uploadImage({ src: image.toString('base64') });
  assert.equal(uploaded.image_id, crypto.createHash('sha256').update(image).digest('hex'));
  assert.equal(uploaded.created, true);
  assert.equal((await client.uploadImage({ src: image.toString('base64') })).already_existed, true);

  const url = `https://shop.example/orders/${ref}`;
  await client.setCategory({ reference: ref, category: 'ORDER_CONFIRMATION', orderDetailsUrl: url, imageId: uploaded.image_id });
  const order = await client.getOrder({ reference: ref });
  assert.deepEqual(order.receipt.orderLines.map((l) => l.totalAmount), [7485, 4993]);
  assert.equal(order.category.orderDetailsUrl, url);
  assert.equal(order.category.imageId, uploaded.image_id);
});

test('refusals reject with the kinds classes', async () => {
  await assert.rejects(
    client.addReceipt({ reference: reference('node-om'), payment_amount: { value: 99999, currency: 'NOK' }, ...vipps.buildReceipt(basket) }),
    (error) => error instanceof vipps.InvalidInputError && /short of the payment/.test(error.message),
  );
  await assert.rejects(
    client.setCategory({ reference: 'acme-1', category: 'SHIPPING_INFO', orderDetailsUrl: 'https://shop.example/' }),
    vipps.InvalidInputError,
  );
  await assert.rejects(client.uploadImage({ src: Buffer.from('GIF89a').toString('base64') }), /PNG or JPEG/);
  await assert.rejects(client.getOrder({ reference: reference('node-unknown') }), vipps.NotFoundError);
});

test("the authorization's PSP reference is beside the events", async () => {
  const ref = reference('node-psp');
  await client.createPayment(paymentRequest(ref, 10000));
  assert.equal((await client.getPaymentEvents({ reference: ref })).psp_reference, null);
  await sim.approve(ref);
  const answer = await client.getPaymentEvents({ reference: ref });
  const authorized = answer.events.find((e) => e.name === 'AUTHORIZED');
  assert.equal(answer.psp_reference, authorized.pspReference);
});
