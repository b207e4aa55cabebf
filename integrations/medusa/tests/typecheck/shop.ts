// Never run: type-checked by scripts/test-medusa.sh against the installed Medusa and this
// package (index.d.ts), the way a Medusa app written in TypeScript uses it.
import { defineMiddlewares } from '@medusajs/framework/http';
import vipps, { reconcileVippsPayments, vippsWebhookMiddlewares, VippsProviderService, type VippsProviderOptions } from 'unofficial-vipps-medusa';

const options: VippsProviderOptions = { client: { environment: 'test' }, returnUrl: 'https://shop.example/return' };
export const provider = vipps.services[0] === VippsProviderService ? options : null;
export default defineMiddlewares({ routes: [...vippsWebhookMiddlewares('vipps_vipps')] });
export async function job(container: { resolve(name: string): any }) {
  const lines = await reconcileVippsPayments(container, { maxAgeHours: 24 });
  return lines.map((l) => l.reference);
}
