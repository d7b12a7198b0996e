import { randomUUID } from 'node:crypto';
import { type DataSource, type EntityManager, In, IsNull } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { recordEvent } from '../../../platform/outbox';
import { parseInput, text } from '../../../platform/validation';
import { z } from 'zod';
import { LocationRow, type LocationKind } from '../entities';
import { LocationErrorCode } from '../errors';

export interface LocationCreateInput {
  parentId: string;
  kind: LocationKind;
  name: string;
  code?: string | null;
}

export interface LocationUpdateInput {
  name?: string | null;
  code?: string | null;
}

const CODE = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;
const fields = z.object({
  name: text(200),
  code: z
    .string()
    .trim()
    .transform((v) => v.toUpperCase())
    .pipe(z.string().regex(CODE, { message: '1-32 letters, digits, dashes or underscores' }))
    .nullish(),
});

function parseFields<T extends { name?: string | null; code?: string | null }>(value: T) {
  try {
    return parseInput(fields.partial(), value, ['input']);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const code =
      error.field?.[1] === 'code' ? LocationErrorCode.INVALID_CODE : LocationErrorCode.INVALID_TEXT;
    throw new DomainError(code, error.message, error.field);
  }
}

/**
 * The location tree. Countries and regions come from the data packages and are fixed;
 * staff add cities and zones under any node, rename them and remove the ones nothing is
 * under. Every change is announced on `location.changed.<id>` through the outbox.
 */
export class LocationTree {
  constructor(private readonly db: DataSource) {}

  byIds(ids: readonly string[]): Promise<LocationRow[]> {
    return this.db.getRepository(LocationRow).findBy({ id: In([...ids]) });
  }

  childrenOf(parentIds: readonly string[]): Promise<LocationRow[]> {
    return this.db.getRepository(LocationRow).find({
      where: { parentId: In([...parentIds]) },
      order: { name: 'ASC', id: 'ASC' },
    });
  }

  countries(): Promise<LocationRow[]> {
    return this.db
      .getRepository(LocationRow)
      .find({ where: { parentId: IsNull() }, order: { code: 'ASC' } });
  }

  async create(input: LocationCreateInput): Promise<LocationRow> {
    if (input.kind !== 'CITY' && input.kind !== 'ZONE') {
      throw new DomainError(
        LocationErrorCode.INVALID_KIND,
        'Staff add cities and zones; countries and regions come from ISO 3166',
        ['input', 'kind'],
      );
    }
    const { name, code } = parseFields({ name: input.name, code: input.code });
    return this.db.transaction(async (tx) => {
      const parent = await tx.getRepository(LocationRow).findOneBy({ id: input.parentId });
      if (!parent) {
        throw new DomainError(LocationErrorCode.NOT_FOUND, 'No such parent location', [
          'input',
          'parentId',
        ]);
      }
      const row = tx.getRepository(LocationRow).create({
        id: randomUUID(),
        kind: input.kind,
        name: name!,
        code: code ?? null,
        countryCode: parent.countryCode,
        parentId: parent.id,
        seeded: false,
      });
      await this.save(tx, row);
      await announce(tx, row, 'CREATED');
      return row;
    });
  }

  async update(id: string, input: LocationUpdateInput): Promise<LocationRow> {
    const changes = parseFields(input);
    return this.db.transaction(async (tx) => {
      const row = await this.mustFindEditable(tx, id);
      if (changes.name !== undefined && changes.name !== null) row.name = changes.name;
      if (changes.code !== undefined) row.code = changes.code ?? null;
      row.updatedAt = new Date();
      await this.save(tx, row);
      await announce(tx, row, 'UPDATED');
      return row;
    });
  }

  async delete(id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const row = await this.mustFindEditable(tx, id);
      const child = await tx.getRepository(LocationRow).findOneBy({ parentId: id });
      if (child) {
        throw new DomainError(
          LocationErrorCode.HAS_CHILDREN,
          'Remove the locations under it first',
          ['id'],
        );
      }
      await tx.getRepository(LocationRow).delete({ id });
      await announce(tx, row, 'DELETED');
    });
  }

  private async mustFindEditable(tx: EntityManager, id: string): Promise<LocationRow> {
    const row = await tx
      .getRepository(LocationRow)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!row) throw new DomainError(LocationErrorCode.NOT_FOUND, 'Location not found', ['id']);
    if (row.seeded) {
      throw new DomainError(
        LocationErrorCode.LOCATION_FIXED,
        'Countries and regions come from ISO 3166 and cannot be changed',
        ['id'],
      );
    }
    return row;
  }

  private async save(tx: EntityManager, row: LocationRow): Promise<void> {
    try {
      await tx.getRepository(LocationRow).save(row);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new DomainError(
          LocationErrorCode.CODE_TAKEN,
          'Another location under this parent has this code',
          ['input', 'code'],
        );
      }
      throw error;
    }
  }
}

async function announce(tx: EntityManager, row: LocationRow, change: string): Promise<void> {
  await recordEvent(tx, 'location', `location.changed.${row.id}`, {
    change,
    id: row.id,
    kind: row.kind,
    code: row.code,
    name: row.name,
    countryCode: row.countryCode,
    parentId: row.parentId,
  });
}
