import { badInput, DomainError } from '../../../platform/errors';
import { parseSalesRange, type SalesReport } from '../domain/analytics';
import type { OrderStatus } from '../entities';
import type { Resolvers } from '../generated/resolvers-types';
import { money } from './models';

function toSalesReport(report: SalesReport) {
  const cash = (amount: number) => money(amount, report.currency);
  return {
    from: report.from.toISOString(),
    to: report.to.toISOString(),
    currency: report.currency,
    orderCount: report.orderCount,
    salesCount: report.salesCount,
    revenue: cash(report.revenue),
    averageOrderValue: cash(report.averageOrderValue),
    byStatus: report.byStatus.map((s) => ({
      status: s.status as OrderStatus,
      count: s.count,
      total: cash(s.total),
    })),
    byDay: report.byDay.map((d) => ({ day: d.day, orders: d.orders, revenue: cash(d.revenue) })),
    topProducts: report.topProducts.map((p) => ({ ...p, revenue: cash(p.revenue) })),
  };
}

/** The staff dashboard's numbers; who may ask is in the SDL (@requiresPermission). */
export const analyticsResolvers = {
  Query: {
    async salesReport(_, args, ctx) {
      let range;
      try {
        range = parseSalesRange(args.from, args.to, args.currency);
      } catch (error) {
        if (error instanceof DomainError) throw badInput(error.message, error.field?.[0]);
        throw error;
      }
      return toSalesReport(await ctx.services.analytics.report(range));
    },
  },
} satisfies Resolvers;
