// Type-checked with `tsc --noEmit -p test/types/tsconfig.api.json` (make check-types), never
// run: requests and answers written against the types generated from the official specs
// (api-types.d.ts, re-exported as ApiTypes). The @ts-expect-error lines prove they reject
// common mistakes. The binding's methods are typed by the hand-written index.d.ts, so an answer
// meets a generated type through `as unknown as` (both are the same parsed JSON).
import { Client, type ApiTypes } from 'vipps';

const client = new Client({
  base_url: 'http://127.0.0.1:7878',
  system_name: 'ts-shop', system_version: '1.0', plugin_name: 'vipps-ts', plugin_version: '1.0',
});

const create: ApiTypes.CreatePaymentRequest = {
  reference: 'acme-order-1001',
  amount: { value: 49900, currency: 'NOK' },
  paymentMethod: { type: 'WALLET' },
  userFlow: 'WEB_REDIRECT',
  returnUrl: 'https://shop.example/return',
  idempotency_key: 'create-1-acme-order-1001',
};

// @ts-expect-error userFlow is one of the spec's values
const badFlow: ApiTypes.CreatePaymentRequest = { ...create, userFlow: 'BROWSER' };
// @ts-expect-error the currency is one of the spec's values
const badCurrency: ApiTypes.EPaymentAmount = { value: 100, currency: 'USD' };
// @ts-expect-error a misspelt key is refused
const typo: ApiTypes.CaptureRequest = { reference: 'x', ammount: { value: 1, currency: 'NOK' } };
// @ts-expect-error the spec requires paymentMethod
const missing: ApiTypes.CreatePaymentRequest = { reference: 'x', amount: create.amount, userFlow: 'QR' };

// @ts-expect-error an update names its session, although every field of the session is optional
const noReference: ApiTypes.UpdateSessionRequest = { transaction: undefined };
const capture: ApiTypes.CaptureRequest = { reference: 'acme-order-1001', amount: { value: 100, currency: 'NOK' } };
const events: ApiTypes.WebhookEventName[] = ['epayments.payment.captured.v1'];
// @ts-expect-error only the ePayment payment events are accepted
const badEvents: ApiTypes.WebhookEventName[] = ['recurring.agreement-activated.v1'];

async function flow(): Promise<ApiTypes.NormalizedStatus> {
  const answer = (await client.createPayment(create)) as unknown as ApiTypes.CreatePaymentAnswer;
  const redirect: string | undefined = answer.redirectUrl;
  const key: string = answer.idempotency_key;
  const read = (await client.getPayment({ reference: create.reference })) as unknown as ApiTypes.GetPaymentAnswer;
  const state: ApiTypes.EPaymentState = read.state;
  const captured: number | undefined = read.normalized.captured;
  const money = (await client.capture(capture)) as unknown as ApiTypes.CaptureAnswer;
  const registered = (await client.registerWebhook({ url: 'https://shop.example/hook', events })) as unknown as
    ApiTypes.RegisterWebhookAnswer;
  const secret: string = registered.secret;
  const session: ApiTypes.CreateSessionRequest = {
    merchantInfo: { callbackUrl: 'https://shop.example/cb', returnUrl: 'https://shop.example/r', termsAndConditionsUrl: 'https://shop.example/t' },
    transaction: { amount: { value: 100, currency: 'NOK' }, reference: 'acme-order-1002', paymentDescription: 'Socks' },
  };
  const ecom: ApiTypes.EcomStatusAnswer | undefined = undefined;
  void [noReference, typo, redirect, key, state, captured, secret, session, ecom, badFlow, badCurrency, missing, badEvents];
  return money.normalized.status;
}

void flow;
