// Type-checked with `tsc --noEmit -p test/types` (never run): a shop written against the
// typings. The @ts-expect-error lines prove that the typings reject common mistakes.
import * as http from 'node:http';
import {
  Client,
  ConflictError,
  VippsError,
  VippsTimeoutError,
  buildReceipt,
  makeOrderId,
  sendCallbackResponse,
  type CallbackEvent,
  type EventRecord,
  type NormalizedStatus,
} from 'vipps';

const client = new Client({
  base_url: 'http://127.0.0.1:7878',
  system_name: 'ts-shop',
  system_version: '1.0',
  plugin_name: 'vipps-ts',
  plugin_version: '1.0',
  timeouts: { total_ms: 20000 },
});

async function pay(orderNumber: number): Promise<string> {
  const reference: string = makeOrderId({ prefix: 'ts', order_number: orderNumber });
  const created = await client.createPayment({
    reference,
    amount: { value: 49900, currency: 'NOK' },
    paymentMethod: { type: 'WALLET' },
    userFlow: 'WEB_REDIRECT',
    returnUrl: 'https://shop.example/return',
    paymentDescription: 'Socks',
    idempotency_key: `create-${reference}`,
  });
  const key: string = created.idempotency_key;
  void key;
  return created.redirectUrl ?? '';
}

async function captureAll(reference: string): Promise<NormalizedStatus> {
  const payment = await client.getPayment({ reference });
  const capturable: number = payment.normalized.capturable;
  try {
    const captured = await client.capture({ reference, amount: { value: capturable, currency: 'NOK' } });
    return captured.normalized.status;
  } catch (e) {
    if (e instanceof ConflictError) console.log('key reused with another body', e.idempotencyKey);
    else if (e instanceof VippsTimeoutError && e.retryable) console.log('retry with', e.idempotencyKey);
    else if (e instanceof VippsError) console.log(e.kind, e.httpStatus, e.traceId, e.errorCode, e.problem);
    throw e;
  }
}

async function receipt(reference: string): Promise<boolean> {
  const built = buildReceipt({
    amount: { value: 12478, currency: 'NOK' },
    lines: [
      { name: 'Apples', id: 'apples', quantity: '1.5', quantity_unit: 'KG', unit_price: 4990, tax_rate: 1500 },
      { name: 'Home delivery', id: 'shipping', total_amount: 4993, tax_rate: 2500, is_shipping: true },
    ],
  });
  const tax: number = built.orderLines[0].totalTaxAmount;
  void tax;
  const added = await client.addReceipt({ reference, payment_amount: { value: 12478, currency: 'NOK' }, ...built });
  await client.setCategory({ reference, category: 'ORDER_CONFIRMATION', orderDetailsUrl: 'https://shop.example/orders/1' });
  // @ts-expect-error: not a category of the spec
  await client.setCategory({ reference, category: 'SHIPPING_INFO', orderDetailsUrl: 'https://shop.example/' });
  const image = await client.uploadImage({ src: 'iVBORw0KGgo=' });
  const order = await client.getOrder({ reference });
  const events = await client.getPaymentEvents({ reference });
  const psp: string | null | undefined = events.psp_reference;
  void psp;
  void order.receipt?.orderLines.length;
  return added.created || added.already_existed || image.already_existed;
}
void receipt;

const records = new Map<string, EventRecord | null>();

const server = http.createServer(async (req, res) => {
  const answer = await client.handleIncoming(req, { kind: 'epayment_webhook' });
  sendCallbackResponse(res, answer.response);
  const event: CallbackEvent = answer.event;
  if (event.verified && event.reference) {
    const folded = client.applyEventSync({ record: records.get(event.reference) ?? null, event });
    records.set(event.reference, folded.record);
    const status: NormalizedStatus = folded.record.status;
    console.log(folded.applied, folded.reason, status);
  }
});

async function session(): Promise<void> {
  const s = await client.createSession({
    merchantInfo: { callbackUrl: 'https://shop.example/cb', returnUrl: 'https://shop.example/return' },
    transaction: { amount: { value: 1000, currency: 'NOK' }, reference: 'ts-1', paymentDescription: 'Hat' },
  });
  const token: string = s.token;
  const url: string = s.checkoutFrontendUrl;
  const waited = await client.waitForFinalStatus({ reference: s.reference, timeout_ms: 5000 });
  const timedOut: boolean = waited.timed_out;
  const hooks = await client.listWebhooks();
  const ids: string[] = hooks.webhooks.map((w) => w.id);
  console.log(token, url, timedOut, ids);
}

async function mistakes(): Promise<void> {
  // @ts-expect-error: the amount is minor units as a number, not a string
  await client.capture({ reference: 'x', amount: { value: '10.50', currency: 'NOK' } });
  // @ts-expect-error: a reference is required
  await client.getPayment({});
  // @ts-expect-error: system_name and the other Vipps-System-* settings are required
  new Client({ base_url: 'http://127.0.0.1:7878' });
  // @ts-expect-error: makeOrderId is synchronous and returns a string
  const id: Promise<string> = makeOrderId({ prefix: 'a', order_number: 1 });
  void id;
}

void pay;
void captureAll;
void session;
void mistakes;
void server;
client.close().then(() => undefined);
