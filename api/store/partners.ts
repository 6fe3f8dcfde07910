/** Partner organisations (admin) and the referrals of people to them (partners' access). */
import type { ReferralLookup } from '../../application/ports';
import type { Db } from '../../prisma/db';
import { requeueFor } from '../../activities/delivery';

export interface PartnerView {
  id: string;
  name: string;
  /** taalschool | onderwijsinstelling | werkgever | maatschappelijke_begeleiding */
  kind: string;
  email: string | null;
  webhookUrl: string | null;
  /** The secret itself never leaves the store. */
  hasWebhookSecret: boolean;
}

export interface NewPartner {
  name: string;
  kind: string;
  email?: string | undefined;
  webhookUrl?: string | undefined;
  /** Signs the webhook calls; stored, never answered. */
  webhookSecret?: string | undefined;
}

export type PartnerChange = Partial<Omit<NewPartner, 'kind'>>;

export interface PartnerStore extends ReferralLookup {
  createPartner(partner: NewPartner): Promise<PartnerView>;
  /**
   * Changes a partner; its held and refused notifications become due again (the delivery workflow
   * sends them to the new address). Undefined when there is no such partner.
   */
  updatePartner(
    id: string,
    change: PartnerChange,
  ): Promise<{ partner: PartnerView; requeued: number } | undefined>;
  listPartners(): Promise<PartnerView[]>;
  getPartner(id: string): Promise<PartnerView | undefined>;
  /** People referred to this partner. */
  referralsOf(partnerId: string): Promise<string[]>;
}

type PartnerRow = {
  id: string;
  name: string;
  kind: string;
  email: string | null;
  webhookUrl: string | null;
  webhookSecret: string | null;
};
const partnerView = (p: PartnerRow): PartnerView => ({
  id: p.id,
  name: p.name,
  kind: p.kind,
  email: p.email,
  webhookUrl: p.webhookUrl,
  hasWebhookSecret: Boolean(p.webhookSecret),
});

export function prismaPartnerStore(db: Db): PartnerStore {
  return {
    async createPartner(partner) {
      return partnerView(
        await db.partner.create({
          data: {
            name: partner.name,
            kind: partner.kind,
            email: partner.email ?? null,
            webhookUrl: partner.webhookUrl ?? null,
            webhookSecret: partner.webhookSecret ?? null,
          },
        }),
      );
    },
    async updatePartner(id, change) {
      const found = await db.partner.findUnique({ where: { id }, select: { id: true } });
      if (!found) return undefined;
      const partner = partnerView(await db.partner.update({ where: { id }, data: change }));
      return { partner, requeued: await requeueFor(db, id) };
    },
    async listPartners() {
      return (await db.partner.findMany({ orderBy: { name: 'asc' } })).map(partnerView);
    },
    async getPartner(id) {
      const p = await db.partner.findUnique({ where: { id } });
      return p ? partnerView(p) : undefined;
    },
    async referredPartnerIds(inburgeraarId) {
      const rows = await db.referral.findMany({ where: { inburgeraarId }, select: { partnerId: true } });
      return [...new Set(rows.map((r) => r.partnerId))];
    },
    async referralsOf(partnerId) {
      const rows = await db.referral.findMany({ where: { partnerId }, select: { inburgeraarId: true } });
      return [...new Set(rows.map((r) => r.inburgeraarId))];
    },
  };
}
