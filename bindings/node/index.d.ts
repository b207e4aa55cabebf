// Type declarations of the `vipps` Node binding. The requests and answers are the APIs' own
// JSON plus the library's snake_case keys (see the repository README, "Requests and answers"):
// the main fields are typed, and every object allows extra fields, which pass through.

/// <reference types="node" />
import type { IncomingMessage, ServerResponse } from 'node:http';
export * as ApiTypes from './api-types'; // generated from the specs by scripts/gen-types.py

// ---------------------------------------------------------------------------------------------
// Configuration

export interface Timeouts {
  connect_ms?: number;
  request_ms?: number;
  total_ms?: number;
}

export interface RetryPolicy {
  max_attempts?: number;
  base_delay_ms?: number;
  max_delay_ms?: number;
}

/** The JSON configuration of `vipps_client_new`. Unknown settings are refused (ConfigError). */
export interface ClientConfig {
  environment?: 'test' | 'production' | 'sim';
  base_url?: string;
  client_id?: string;
  client_secret?: string;
  subscription_key?: string;
  merchant_serial_number?: string;
  /** Required, 1-30 characters each: the Vipps-System-* headers. */
  system_name: string;
  system_version: string;
  plugin_name: string;
  plugin_version: string;
  timeouts?: Timeouts;
  retry?: RetryPolicy;
  proxy?: string;
  /** Trusted certificate authorities: `webpki` (Mozilla's, built in; the default) or the OS store, plus a PEM bundle. */
  tls?: { roots?: 'webpki' | 'platform'; ca_file?: string };
  callback_secret?: string;
  webhook_secrets?: string[];
  webhook_max_age_secs?: number;
  polling?: { initial_delay_ms?: number; interval_ms?: number };
  log?: { level?: 'error' | 'warn' | 'info' | 'debug' | 'trace'; file?: string };
}

// ---------------------------------------------------------------------------------------------
// Common shapes

/** Money in minor units (øre, cents): an integer, never a decimal. */
export interface Amount {
  value: number;
  currency: 'NOK' | 'DKK' | 'EUR' | (string & {});
}

export type NormalizedStatus =
  | 'pending'
  | 'authorized'
  | 'partially_captured'
  | 'captured'
  | 'partially_refunded'
  | 'refunded'
  | 'cancelled'
  | 'expired'
  | 'aborted'
  | 'failed';

/** One status across the APIs, with the amounts a shop needs (minor units). */
export interface Normalized {
  status: NormalizedStatus;
  final: boolean;
  currency: string | null;
  amount: number | null;
  authorized: number;
  captured: number;
  refunded: number;
  cancelled: number;
  capturable: number;
  refundable: number;
  /** ePayment Express only: the customer's shipping choice (cost in minor units). */
  shipping_details?: ExpressShippingDetails;
  /** ePayment Express only: the profile the customer shared. */
  user_details?: ExpressUserDetails;
  [extra: string]: unknown;
}

export interface ExpressShippingDetails {
  option_id: string | null;
  option_name: string | null;
  cost: number | null;
  address: {
    line1: string | null;
    line2: string | null;
    city: string | null;
    postal_code: string | null;
    country: string | null;
  };
}

export interface ExpressUserDetails {
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone_number: string | null;
}

/** Keys every request may carry; the library reads and removes them. */
export interface CallOptions {
  idempotency_key?: string;
  merchant_serial_number?: string;
  system_name?: string;
  system_version?: string;
  plugin_name?: string;
  plugin_version?: string;
  [extra: string]: unknown;
}

export interface ReferenceRequest extends CallOptions {
  reference: string;
  /** "epayment" (the default) or "ecom" for a legacy eCom v2 order. */
  api?: 'epayment' | 'ecom';
}

// ---------------------------------------------------------------------------------------------
// Checkout v3

export interface CreateSessionRequest extends CallOptions {
  merchantInfo: {
    callbackUrl: string;
    returnUrl: string;
    callbackAuthorizationToken?: string;
    termsAndConditionsUrl?: string;
    [extra: string]: unknown;
  };
  transaction: {
    amount: Amount;
    reference: string;
    paymentDescription: string;
    [extra: string]: unknown;
  };
  type?: 'PAYMENT' | 'SUBSCRIPTION' | (string & {});
  logistics?: Record<string, unknown>;
  configuration?: Record<string, unknown>;
  prefillCustomer?: Record<string, unknown>;
}

export interface CreateSessionAnswer {
  token: string;
  checkoutFrontendUrl: string;
  pollingUrl: string;
  reference: string;
  callback_authorization_token: string;
  idempotency_key: string;
  [extra: string]: unknown;
}

export interface SessionAnswer {
  sessionId: string;
  reference: string;
  sessionState: string;
  merchantSerialNumber?: string;
  paymentMethod?: string;
  paymentDetails?: Record<string, unknown>;
  userInfo?: Record<string, unknown>;
  shippingDetails?: Record<string, unknown>;
  billingDetails?: Record<string, unknown>;
  normalized: Normalized;
  [extra: string]: unknown;
}

export interface UpdateSessionRequest extends ReferenceRequest {
  transaction?: { amount?: Amount; paymentDescription?: string; [extra: string]: unknown };
}

// ---------------------------------------------------------------------------------------------
// ePayment v1

export interface CreatePaymentRequest extends CallOptions {
  amount: Amount;
  reference: string;
  paymentMethod: { type: 'WALLET' | 'CARD' | (string & {}); [extra: string]: unknown };
  userFlow: 'WEB_REDIRECT' | 'NATIVE_REDIRECT' | 'PUSH_MESSAGE' | 'QR' | (string & {});
  returnUrl?: string;
  paymentDescription?: string;
  customer?: { phoneNumber?: string; [extra: string]: unknown };
  /** Express: exactly "name address email phoneNumber" (any order). */
  profile?: { scope?: string; [extra: string]: unknown };
  /** Express: fixed shipping groups, or dynamic ones from the shop's callback. */
  shipping?: ExpressShipping | Record<string, unknown>;
}

/** A shipping group of ePayment Express: one per brand and type. */
export interface ExpressShippingGroup {
  brand: string;
  type: 'HOME_DELIVERY' | 'PICKUP_POINT' | 'MAILBOX' | 'IN_STORE' | 'OTHER';
  isDefault: boolean;
  priority: number;
  options: Array<{
    id: string;
    name: string;
    amount: Amount;
    isDefault: boolean;
    priority: number;
    meta?: string;
    estimatedDelivery?: string;
  }>;
}

export interface ExpressShipping {
  fixedOptions?: ExpressShippingGroup[];
  /** callbackAuthorizationToken is filled (derived from callback_secret) when left out. */
  dynamicOptions?: { callbackUrl: string; callbackAuthorizationToken?: string };
  allowedCountries?: string[];
  [extra: string]: unknown;
}

export interface CreatePaymentAnswer {
  reference: string;
  redirectUrl?: string;
  idempotency_key: string;
  /** Express with dynamic options: the token the shipping callbacks carry. */
  shipping_callback_token?: string;
  [extra: string]: unknown;
}

export interface PaymentAnswer {
  reference: string;
  state?: string;
  amount?: Amount;
  aggregate?: {
    authorizedAmount: Amount;
    capturedAmount: Amount;
    refundedAmount: Amount;
    cancelledAmount: Amount;
  };
  pspReference?: string;
  normalized: Normalized;
  [extra: string]: unknown;
}

/** The answer of capture, refund and cancel: the payment plus the key used. */
export interface MoneyAnswer extends PaymentAnswer {
  idempotency_key: string;
}

export interface PaymentEvent {
  reference: string;
  pspReference: string;
  name: string;
  amount: Amount;
  timestamp: string;
  idempotencyKey: string | null;
  success: boolean;
  [extra: string]: unknown;
}

export interface PaymentEventsAnswer {
  reference?: string;
  events: PaymentEvent[];
  /** The PSP reference of the authorization event (the transaction id to show), null before it. */
  psp_reference?: string | null;
  [extra: string]: unknown;
}

export interface MoneyRequest extends ReferenceRequest {
  amount?: Amount;
  modificationAmount?: Amount;
}

export interface CancelRequest extends ReferenceRequest {
  shouldReleaseRemainingFunds?: boolean;
}

export interface ForceApproveRequest extends ReferenceRequest {
  customer?: { phoneNumber?: string; [extra: string]: unknown };
}

export interface ForceApproveAnswer {
  reference: string;
  approved?: boolean;
  [extra: string]: unknown;
}

/** Userinfo API: a payment's `profile.sub` (present once it is authorized). */
export interface UserinfoRequest extends CallOptions {
  sub: string;
}

/** The claims of the scopes the customer granted (OpenID Connect names); personal data. */
export interface UserinfoAnswer {
  sub: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  email?: string;
  email_verified?: boolean;
  phone_number?: string;
  address?: { street_address?: string; postal_code?: string; region?: string; country?: string; formatted?: string; address_type?: string; [extra: string]: unknown };
  other_addresses?: Array<Record<string, unknown>>;
  birthdate?: string;
  nin?: string;
  [extra: string]: unknown;
}

export interface ReconcileAnswer extends Normalized {
  reference?: string;
  /** The PSP reference of the authorization (the transaction id to show), when known. */
  psp_reference?: string | null;
  /** The status as an event for applyEvent: polling folds into the webhooks' record. */
  event?: CallbackEvent;
}

export interface WaitRequest extends ReferenceRequest {
  timeout_ms: number;
  initial_delay_ms?: number;
  interval_ms?: number;
}

export interface WaitAnswer extends Normalized {
  reference: string;
  polls: number;
  timed_out: boolean;
}

// ---------------------------------------------------------------------------------------------
// eCom v2 (legacy)

export interface EcomInitiateRequest extends CallOptions {
  merchantInfo: Record<string, unknown>;
  transaction: { orderId: string; amount: number; transactionText: string; [extra: string]: unknown };
  customerInfo?: Record<string, unknown>;
}

export interface EcomInitiateAnswer {
  orderId: string;
  url: string;
  auth_token: string;
  idempotency_key: string;
  [extra: string]: unknown;
}

export interface EcomStatusAnswer {
  orderId?: string;
  transactionInfo?: Record<string, unknown>;
  normalized_status: NormalizedStatus | null;
  [extra: string]: unknown;
}

// ---------------------------------------------------------------------------------------------
// Webhooks API

export interface RegisterWebhookRequest extends CallOptions {
  url: string;
  events: string[];
}

export interface Webhook {
  id: string;
  url: string;
  events: string[];
  [extra: string]: unknown;
}

export interface RegisteredWebhook extends Webhook {
  /** Shown only once: put it in `webhook_secrets`. */
  secret: string;
}

// ---------------------------------------------------------------------------------------------
// Callbacks and webhooks

export type CallbackKind =
  | 'checkout_callback'
  | 'checkout_shipping'
  | 'epayment_webhook'
  | 'ecom_callback'
  | 'ecom_shipping_details'
  | 'ecom_consent_removal'
  | 'epayment_shipping';

export interface CallbackOptions {
  kind?: CallbackKind;
  expected_token?: string;
  reference?: string;
  /** The host the webhook is registered for: the only host its signature is checked against. */
  host?: string;
  /** Webhook secrets tried besides the client's (e.g. one just registered with ensureWebhook). */
  webhook_secrets?: string[];
}

export interface CallbackRequest extends CallbackOptions {
  method: string;
  /** Path and query as received, or an absolute URL. */
  url: string;
  headers: Record<string, string | string[]>;
}

export interface EventAmounts {
  basis: 'operation' | 'total';
  authorized: number;
  captured: number;
  refunded: number;
  cancelled: number;
  [extra: string]: unknown;
}

export interface CallbackEvent {
  kind: CallbackKind | null;
  api: 'checkout' | 'epayment' | 'ecom' | null;
  reference: string | null;
  verified: boolean;
  /** Why a request was refused (verified: false); never contains a secret. */
  rejection?: string;
  id?: string;
  name?: string | null;
  state?: string | null;
  status?: NormalizedStatus | null;
  final?: boolean;
  rank?: number;
  progress?: number | null;
  timestamp?: string | null;
  success?: boolean;
  currency?: string | null;
  amount?: number | null;
  amounts?: EventAmounts;
  raw?: unknown;
  [extra: string]: unknown;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  /** null for shipping callbacks: answer them with shippingOptionsResponse. */
  body: string | null;
}

export interface CallbackAnswer {
  event: CallbackEvent;
  response: HttpAnswer;
}

export interface ShippingOption {
  id: string;
  brand: string;
  amount: Amount;
  priority: number;
  isDefault: boolean;
  title?: string;
  description?: string;
  type?: string;
  [extra: string]: unknown;
}

export interface ShippingOptionsRequest {
  kind: 'checkout_shipping' | 'ecom_shipping_details' | 'epayment_shipping';
  /** Checkout and eCom. */
  options?: ShippingOption[];
  order_id?: string;
  address_id?: string | number;
  /** ePayment Express: the groups for the callback's address. */
  groups?: ExpressShippingGroup[];
  /** ePayment Express: the payment's currency, which every option must use. */
  currency?: string;
  /** ePayment Express: false answers 400 (cannot ship to this address). */
  deliverable?: boolean;
}

/** The record a shop stores per payment and passes back to applyEvent. */
export interface EventRecord {
  status: NormalizedStatus;
  rank: number;
  progress: number | null;
  authorized: number;
  captured: number;
  refunded: number;
  cancelled: number;
  capturable: number;
  refundable: number;
  [extra: string]: unknown;
}

export interface ApplyEventRequest {
  record: EventRecord | null;
  event: CallbackEvent;
}

export interface ApplyEventAnswer {
  applied: boolean;
  reason: string;
  record: EventRecord;
}

export interface OrderIdRequest {
  prefix: string;
  order_number: number | string;
  msn?: string;
  attempt?: number;
}

// ---------------------------------------------------------------------------------------------
// Order Management v2

/** Names the order: `reference` (the payment's reference) or the API's `orderId`. */
export interface OrderRequest extends CallOptions {
  reference?: string;
  orderId?: string;
  /** "ECOM" (the default: ePayment, Checkout and eCom payments) or "RECURRING". */
  paymentType?: 'ECOM' | 'RECURRING';
}

/** One line of Order Management's receipt (amounts in minor units; totalAmount = excl. tax + tax). */
export interface ReceiptOrderLine {
  name: string;
  id: string;
  totalAmount: number;
  totalAmountExcludingTax: number;
  totalTaxAmount: number;
  /** Basis points: 2500 = 25 %. This or taxPercentage. */
  taxRate?: number;
  /** Deprecated: whole percent. */
  taxPercentage?: number;
  unitInfo?: { unitPrice: number; quantity: string; quantityUnit?: 'PCS' | 'KG' | 'KM' | 'MINUTE' | 'LITRE' | 'KWH' };
  discount?: number;
  productUrl?: string;
  isReturn?: boolean;
  isShipping?: boolean;
  [extra: string]: unknown;
}

export interface ReceiptBottomLine {
  currency: 'NOK' | 'DKK' | 'EUR';
  tipAmount?: number;
  giftCardAmount?: number;
  posId?: string;
  receiptNumber?: string;
  [extra: string]: unknown;
}

export interface Receipt {
  orderLines: ReceiptOrderLine[];
  bottomLine: ReceiptBottomLine;
}

export interface AddReceiptRequest extends OrderRequest, Receipt {
  /** When given, the lines (returns negative) + tipAmount - giftCardAmount must equal it. */
  payment_amount?: Amount;
}

export interface CreatedOnce {
  created: boolean;
  /** True when the API answered 409: it was already there (success, not an error). */
  already_existed: boolean;
}

export interface AddReceiptAnswer extends CreatedOnce {
  order_id: string;
  payment_type: 'ECOM' | 'RECURRING';
}

export interface OrderAnswer {
  order_id: string;
  payment_type: 'ECOM' | 'RECURRING';
  category?: { category: OrderCategory; orderDetailsUrl: string; imageId?: string | null; [extra: string]: unknown } | null;
  receipt?: Receipt | null;
  [extra: string]: unknown;
}

export type OrderCategory = 'GENERAL' | 'RECEIPT' | 'ORDER_CONFIRMATION' | 'DELIVERY' | 'TICKET' | 'BOOKING';

export interface SetCategoryRequest extends OrderRequest {
  category: OrderCategory;
  orderDetailsUrl: string;
  imageId?: string;
}

export interface SetCategoryAnswer {
  order_id: string;
  payment_type: 'ECOM' | 'RECURRING';
  category: OrderCategory;
  orderDetailsUrl: string;
  imageId: string | null;
  set: boolean;
}

export interface UploadImageRequest extends CallOptions {
  /** The PNG or JPEG as base64 (at most 2,000,000 bytes, at least 167 pixels high). */
  src: string;
  /** Defaults to the hex SHA-256 of the image's bytes. */
  imageId?: string;
}

export interface UploadImageAnswer extends CreatedOnce {
  image_id: string;
  bytes: number;
}

/** A shop's order line for buildReceipt (amounts in minor units). */
export interface BuildReceiptLine {
  name: string;
  id: string;
  /** A whole number, or a decimal as a string ("1.5"); 1 when left out. */
  quantity?: number | string;
  quantity_unit?: 'PCS' | 'KG' | 'KM' | 'MINUTE' | 'LITRE' | 'KWH';
  /** Price per unit including tax; or total_amount. */
  unit_price?: number;
  /** The line's total including tax, after its discount; or unit_price. */
  total_amount?: number;
  /** Basis points: 2500 = 25 %; or tax_percentage (whole percent). */
  tax_rate?: number;
  tax_percentage?: number;
  discount?: number;
  is_shipping?: boolean;
  is_return?: boolean;
  product_url?: string;
}

export interface BuildReceiptRequest {
  /** The amount the payment was created with. */
  amount: Amount;
  lines: BuildReceiptLine[];
  /** Other bottom line fields (receiptNumber, tipAmount, ...), passed through. */
  bottom_line?: Partial<ReceiptBottomLine>;
}

// ---------------------------------------------------------------------------------------------
// The client

/** A request given as an object (JSON-encoded by the binding) or as JSON text. */
type Req<T> = T | string;

export class Client {
  constructor(config: ClientConfig);
  /** The library version. */
  static version(): string;
  /** True once close() was called. */
  readonly closed: boolean;
  /** Asynchronous calls running on this client now. */
  readonly inFlight: number;

  createSession(request: Req<CreateSessionRequest>): Promise<CreateSessionAnswer>;
  getSession(request: Req<ReferenceRequest>): Promise<SessionAnswer>;
  updateSession(request: Req<UpdateSessionRequest>): Promise<SessionAnswer>;
  expireSession(request: Req<ReferenceRequest>): Promise<SessionAnswer>;

  createPayment(request: Req<CreatePaymentRequest>): Promise<CreatePaymentAnswer>;
  getPayment(request: Req<ReferenceRequest>): Promise<PaymentAnswer>;
  getPaymentEvents(request: Req<ReferenceRequest>): Promise<PaymentEventsAnswer>;
  capture(request: Req<MoneyRequest>): Promise<MoneyAnswer>;
  refund(request: Req<MoneyRequest>): Promise<MoneyAnswer>;
  cancel(request: Req<CancelRequest>): Promise<MoneyAnswer>;
  forceApprove(request: Req<ForceApproveRequest>): Promise<ForceApproveAnswer>;
  getUserinfo(request: Req<UserinfoRequest>): Promise<UserinfoAnswer>;
  reconcile(request: Req<ReferenceRequest>): Promise<ReconcileAnswer>;
  /** Holds one libuv worker thread while it polls. */
  waitForFinalStatus(request: Req<WaitRequest>): Promise<WaitAnswer>;

  ecomInitiate(request: Req<EcomInitiateRequest>): Promise<EcomInitiateAnswer>;
  ecomStatus(request: Req<ReferenceRequest>): Promise<EcomStatusAnswer>;

  registerWebhook(request: Req<RegisterWebhookRequest>): Promise<RegisteredWebhook>;
  listWebhooks(request?: Req<CallOptions>): Promise<{ webhooks: Webhook[]; [extra: string]: unknown }>;
  deleteWebhook(request: Req<{ id: string } & CallOptions>): Promise<{ id: string; deleted: boolean }>;
  /**
   * One registration for `url`, kept in step with `current` (the answer stored last time):
   * registers only when needed, then deletes the registrations for the same URL whose secret is
   * unknown. Store the answer (it holds the secret); hold your own lock around the call.
   */
  ensureWebhook(request: Req<EnsureWebhookRequest>): Promise<EnsuredWebhook>;

  /** A receipt the order already has (409) resolves with `created: false, already_existed: true`. */
  addReceipt(request: Req<AddReceiptRequest>): Promise<AddReceiptAnswer>;
  getOrder(request: Req<OrderRequest>): Promise<OrderAnswer>;
  setCategory(request: Req<SetCategoryRequest>): Promise<SetCategoryAnswer>;
  /** The id defaults to the hex SHA-256 of the image, so a repeated upload succeeds. */
  uploadImage(request: Req<UploadImageRequest>): Promise<UploadImageAnswer>;

  handleCallback(request: Req<CallbackRequest>, body: Buffer | Uint8Array | string | null): Promise<CallbackAnswer>;
  handleCallbackSync(request: Req<CallbackRequest>, body: Buffer | Uint8Array | string | null): CallbackAnswer;
  /** Reads a Node request (rawHeaders, raw body) and verifies it with handleCallback. */
  handleIncoming(req: IncomingMessage, options?: CallbackOptions): Promise<CallbackAnswer>;
  shippingOptionsResponse(request: Req<ShippingOptionsRequest>): Promise<HttpAnswer>;
  shippingOptionsResponseSync(request: Req<ShippingOptionsRequest>): HttpAnswer;
  applyEvent(request: Req<ApplyEventRequest>): Promise<ApplyEventAnswer>;
  applyEventSync(request: Req<ApplyEventRequest>): ApplyEventAnswer;

  /** An order id per the orderId recommendations (synchronous). */
  makeOrderId(request: Req<OrderIdRequest>): string;

  /** Frees the client once calls in flight settle; later calls reject with ClientClosedError. */
  close(): Promise<void>;
}

export function makeOrderId(request: Req<OrderIdRequest>): string;
/** A receipt whose lines add up (README "Receipts"); throws InvalidInputError naming the lines and the difference. Synchronous. */
export function buildReceipt(request: Req<BuildReceiptRequest>): Receipt;
/** The webhook state a plugin stores, as ensureWebhook answered it. */
export interface WebhookState {
  id: string;
  secret: string;
  url: string;
  events: string[];
}
export interface EnsureWebhookRequest extends CallOptions {
  url: string;
  events: string[];
  current?: WebhookState | null;
}
export interface EnsuredWebhook extends WebhookState {
  /** False when the stored registration was still right and nothing was registered. */
  changed: boolean;
  /** Registrations deleted: the stored one, and others for the same URL whose secret is unknown. */
  removed: string[];
  /** Deletes that failed (the next call retries them). */
  remove_errors: Array<{ id: string; error: unknown }>;
  [extra: string]: unknown;
}

/** The inputs of a derived idempotency key. */
export interface IdempotencyKeyRequest {
  reference: string;
  operation: 'create' | 'session' | 'initiate' | 'capture' | 'refund' | 'cancel';
  /** Deliberate repeats of the operation on one order (the 2nd partial capture is 2); default 1. */
  attempt?: number;
  /** "ecom" keeps the key within X-Request-Id's 40 characters; default "epayment" (50). */
  api?: 'epayment' | 'ecom';
}
/** A stable idempotency key: the same input gives the same key, within the API's limit. */
export function idempotencyKey(request: IdempotencyKeyRequest): string;
/** The currencies the money helpers know, and their decimals. */
export type MoneyCurrency = 'NOK' | 'DKK' | 'EUR';
/**
 * A decimal amount ("15.50", 15.5, 15, 15n) to integer minor units (1550), through its shortest
 * decimal form, never by multiplying. More decimals than the currency has: InvalidInputError.
 */
export function toMinorUnits(amount: string | number | bigint, currency: MoneyCurrency): number;
/** Integer minor units (1550) to the decimal string "15.50". */
export function fromMinorUnits(value: number, currency: MoneyCurrency): string;
export function version(): string;
export function abiVersion(): number;
export const ABI_VERSION: 1;
export const MAX_BODY: number;
/** The path of libvipps.so this binding loads: setLibraryPath(), VIPPS_LIB, the platform package, this package, the checkout's target/{release,debug}. */
export function findLibrary(): string;
/** Loads the library from this absolute path (before VIPPS_LIB and the packaged library); call it before the first client. */
export function setLibraryPath(path: string): void;

// ---------------------------------------------------------------------------------------------
// HTTP helpers

export function headersFrom(req: IncomingMessage): Record<string, string | string[]>;
export function callbackRequestFrom(req: IncomingMessage, extra?: CallbackOptions): CallbackRequest;
export function readBody(req: IncomingMessage, limit?: number): Promise<Buffer>;
export function sendCallbackResponse(res: ServerResponse, response: HttpAnswer): void;

// ---------------------------------------------------------------------------------------------
// Errors

export type ErrorKind =
  | 'invalid_input'
  | 'config'
  | 'unauthorized'
  | 'api'
  | 'conflict'
  | 'not_found'
  | 'rate_limited'
  | 'timeout'
  | 'network'
  | 'signature_invalid'
  | 'internal'
  | 'unknown_outcome';

/** The `error` object of a failed envelope. */
export interface ErrorEnvelope {
  kind: ErrorKind | (string & {});
  message: string;
  retryable?: boolean;
  http_status?: number | null;
  problem?: unknown;
  trace_id?: string | null;
  error_code?: string | null;
  idempotency_key?: string | null;
}

export class VippsError extends Error {
  constructor(error?: Partial<ErrorEnvelope>);
  readonly kind: ErrorKind | (string & {});
  readonly retryable: boolean;
  readonly problem: unknown;
  readonly traceId: string | null;
  readonly httpStatus: number | null;
  readonly errorCode: string | null;
  readonly idempotencyKey: string | null;
  toJSON(): Record<string, unknown>;
}
export class InvalidInputError extends VippsError {}
export class ConfigError extends VippsError {}
export class UnauthorizedError extends VippsError {}
export class ApiError extends VippsError {}
export class ConflictError extends ApiError {}
export class NotFoundError extends ApiError {}
export class RateLimitedError extends ApiError {}
export class VippsTimeoutError extends VippsError {}
export class NetworkError extends VippsError {}
/** A money call's success answer could not be read: retry with the same idempotency key. */
export class UnknownOutcomeError extends NetworkError {}
export class SignatureInvalidError extends VippsError {}
export class InternalError extends VippsError {}
export class ClientClosedError extends InvalidInputError {
  constructor(operation: string);
}
export const ERROR_CLASSES: Record<ErrorKind, typeof VippsError>;
/** The error of an envelope's `error` object, as the class of its kind. */
export function errorFromEnvelope(error: Partial<ErrorEnvelope>): VippsError;
