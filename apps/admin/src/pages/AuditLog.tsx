import { useInfiniteQuery } from '@tanstack/react-query';
import { Alert, Button, Input, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { AdminAuditLogDocument } from '../../../../sdk';
import { dateTime, problem } from '../format';
import { useSession } from '../session';

/** Sign-ins and staff actions, newest first, optionally one event kind. */
export function AuditLogPage() {
  const { client } = useSession();
  const [event, setEvent] = useState('');
  const log = useInfiniteQuery({
    queryKey: ['audit', event],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      client.request(AdminAuditLogDocument, { first: 50, after: pageParam, event: event || null }),
    getNextPageParam: (last) =>
      last.auditLog.pageInfo.hasNextPage ? last.auditLog.pageInfo.endCursor : undefined,
  });
  const rows = (log.data?.pages ?? []).flatMap((p) => p.auditLog.edges.map((e) => e.node));
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ margin: 0, fontSize: 24 }}>
        Audit log
      </Typography.Title>
      <Input.Search
        aria-label="Event"
        placeholder="Event, e.g. login.failed"
        allowClear
        onSearch={setEvent}
        style={{ maxWidth: 320 }}
      />
      {log.error && <Alert type="error" title={problem(log.error)} />}
      <Table
        rowKey="id"
        size="small"
        loading={log.isLoading}
        dataSource={rows}
        pagination={false}
        scroll={{ x: true }}
        columns={[
          { title: 'When', render: (_, e) => dateTime(e.occurredAt) },
          { title: 'Event', dataIndex: 'event' },
          { title: 'Actor', render: (_, e) => [e.actorKind, e.actorId].filter(Boolean).join(':') },
          {
            title: 'Subject',
            render: (_, e) => [e.subjectKind, e.subjectId].filter(Boolean).join(':'),
          },
          { title: 'IP', dataIndex: 'ip' },
          { title: 'Details', dataIndex: 'details' },
        ]}
      />
      {log.hasNextPage && (
        <Button onClick={() => void log.fetchNextPage()} loading={log.isFetchingNextPage}>
          Load more
        </Button>
      )}
    </Space>
  );
}
