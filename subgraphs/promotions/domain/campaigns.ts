import { type DataSource, In, type Repository } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { type Connection, type PageRequest, toConnection } from '../../../platform/pagination';
import { CampaignRow } from '../entities';
import { PromotionsErrorCode } from '../errors';
import { parseTime, requireName } from './input';
import type { CampaignInput } from './types';

/** Campaigns: the time windows promotions run in. */
export class Campaigns {
  private readonly campaigns: Repository<CampaignRow>;

  constructor(db: DataSource) {
    this.campaigns = db.getRepository(CampaignRow);
  }

  byIds(ids: readonly string[]): Promise<CampaignRow[]> {
    return this.campaigns.findBy({ id: In([...ids]) });
  }

  exists(id: string): Promise<boolean> {
    return this.campaigns.existsBy({ id });
  }

  /** Campaigns by window start, latest first, then id. */
  async list(page: PageRequest): Promise<Connection<CampaignRow>> {
    const query = this.campaigns.createQueryBuilder('c');
    const totalCount = await query.clone().getCount();
    if (page.after) {
      const [startsAt, id] = page.after;
      query.where('(c.starts_at, c.id) < (CAST(:startsAt AS timestamptz), CAST(:id AS uuid))', {
        startsAt,
        id,
      });
    }
    const rows = await query
      .orderBy('c.starts_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .limit(page.limit + 1)
      .getMany();
    return toConnection(rows, page, (row) => [row.startsAt.toISOString(), row.id], totalCount);
  }

  async create(input: CampaignInput): Promise<CampaignRow> {
    const name = requireName(input.name, 'name');
    const startsAt = parseTime(input.startsAt, 'startsAt');
    const endsAt = input.endsAt ? parseTime(input.endsAt, 'endsAt') : null;
    if (endsAt && endsAt <= startsAt) {
      throw new DomainError(PromotionsErrorCode.INVALID_WINDOW, 'endsAt must be after startsAt', [
        'endsAt',
      ]);
    }
    return this.campaigns.save(
      this.campaigns.create({ name, startsAt, endsAt, active: input.active ?? true }),
    );
  }
}
