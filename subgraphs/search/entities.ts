import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Search's tables are read and written in plain SQL (domain/sources.ts, domain/pg-*.ts):
 * every path is a hot one. The entity below describes the record of rebuilds, which
 * tests and operators read.
 */
@Entity({ name: 'reindex_run' })
export class ReindexRunRow {
  @PrimaryColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'started_at', type: 'timestamptz' }) startedAt: Date;
  @Column({ name: 'finished_at', type: 'timestamptz' }) finishedAt: Date;
  @Column({ type: 'int' }) documents: number;
}

export const searchEntities = [ReindexRunRow];
