// Types of unofficial-vipps-medusa (the implementation is CommonJS JavaScript: index.js, lib/).
import type { AbstractPaymentProvider, MedusaError } from '@medusajs/framework/utils';
import type { MiddlewareRoute } from '@medusajs/framework/http';
import type {
  AuthorizePaymentInput, AuthorizePaymentOutput, CancelPaymentInput, CancelPaymentOutput, CapturePaymentInput,
  CapturePaymentOutput, DeletePaymentInput, DeletePaymentOutput, GetPaymentStatusInput, GetPaymentStatusOutput,
  InitiatePaymentInput, InitiatePaymentOutput, ProviderWebhookPayload, RefundPaymentInput, RefundPaymentOutput,
  RetrievePaymentInput, RetrievePaymentOutput, UpdatePaymentInput, UpdatePaymentOutput, WebhookActionResult,
} from '@medusajs/framework/types';
import type { ClientConfig } from 'unofficial-vipps';

/** The provider's options in medusa-config (README.md, "Configure"). */
export interface VippsProviderOptions {
  /** The binding's client configuration, without the Vipps-System-* names (set by the provider). */
  client?: Omit<ClientConfig, 'system_name' | 'system_version' | 'plugin_name' | 'plugin_version'>;
  /** The storefront page the customer comes back to; `{reference}` and `{session_id}` are filled in. */
  returnUrl: string;
  /** The webhook URL as registered (unofficial-vipps-medusa-webhook). */
  webhookUrl?: string;
  webhookSecrets?: string[];
  webhookSecret?: string;
  /** Default "medusa-". */
  referencePrefix?: string;
  paymentDescription?: string;
}

export class VippsProviderService extends AbstractPaymentProvider<VippsProviderOptions> {
  static identifier: string;
  static validateOptions(options: Record<string, unknown>): void;
  initiatePayment(input: InitiatePaymentInput): Promise<InitiatePaymentOutput>;
  updatePayment(input: UpdatePaymentInput): Promise<UpdatePaymentOutput>;
  deletePayment(input: DeletePaymentInput): Promise<DeletePaymentOutput>;
  authorizePayment(input: AuthorizePaymentInput): Promise<AuthorizePaymentOutput>;
  getPaymentStatus(input: GetPaymentStatusInput): Promise<GetPaymentStatusOutput>;
  retrievePayment(input: RetrievePaymentInput): Promise<RetrievePaymentOutput>;
  capturePayment(input: CapturePaymentInput): Promise<CapturePaymentOutput>;
  refundPayment(input: RefundPaymentInput): Promise<RefundPaymentOutput>;
  cancelPayment(input: CancelPaymentInput): Promise<CancelPaymentOutput>;
  getWebhookActionAndData(payload: ProviderWebhookPayload['payload']): Promise<WebhookActionResult>;
  /** The action a webhook would give, from the API's current state (the reconcile job). */
  actionFromApi(reference: string): Promise<WebhookActionResult>;
  /** Frees the client. */
  close(): Promise<void>;
}

export class WebhookRefusedError extends MedusaError {
  readonly vippsWebhookStatus: number;
}

/** The guard as an Express-style middleware for `/hooks/payment/<providerRoute>`. */
export function vippsWebhookGuard(providerRoute: string): (req: any, res: any, next: (error?: unknown) => void) => Promise<void>;

/** Route entries for `defineMiddlewares({ routes })`; providerRoute defaults to "vipps_vipps". */
export function vippsWebhookMiddlewares(providerRoute?: string): MiddlewareRoute[];

export interface ReconcileLine {
  session_id: string;
  reference: string;
  action?: string;
  error?: string;
}

/** The reconcile job's work: every pending session of the provider checked against the API. */
export function reconcileVippsPayments(
  container: { resolve(name: string): any },
  options?: { maxAgeHours?: number; providerId?: string },
): Promise<ReconcileLine[]>;

declare const provider: { services: Array<typeof VippsProviderService> };
export default provider;
