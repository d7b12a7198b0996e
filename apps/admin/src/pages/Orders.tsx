import { useInfiniteQuery } from '@tanstack/react-query';
import { Alert, Button, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { AdminOrdersDocument, type OrderStatus } from '../../../../sdk';
import { dateTime, money, problem } from '../format';
import { navigate } from '../route';
import { useSession } from '../session';

export const STATUSES: OrderStatus[] = [
  'PENDING',
  'CONFIRMED',
  'FULFILLED',
  'DELIVERED',
  'CANCELLED',
  'REFUNDED',
];

/** Antd's coloured tags are below AA contrast: the status is in words, in the default tag. */
export function StatusTag({ status }: { status: OrderStatus }) {
  return <Tag data-testid="order-status">{status}</Tag>;
}

/** Newest first, in one status or all, searched by order number or the start of the email. */
export function OrdersPage() {
  const { client } = useSession();
  const [status, setStatus] = useState<OrderStatus | null>(null);
  const [search, setSearch] = useState('');
  const orders = useInfiniteQuery({
    queryKey: ['orders', status, search],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      client.request(AdminOrdersDocument, {
        first: 50,
        after: pageParam,
        status,
        search: search.trim() || null,
      }),
    getNextPageParam: (last) =>
      last.orders.pageInfo.hasNextPage ? last.orders.pageInfo.endCursor : undefined,
  });
  const rows = (orders.data?.pages ?? []).flatMap((p) => p.orders.edges.map((e) => e.node));
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ margin: 0, fontSize: 24 }}>
        Orders
      </Typography.Title>
      <Space wrap>
        <Select
          aria-label="Status"
          allowClear
          placeholder="Every status"
          style={{ width: 180 }}
          value={status}
          onChange={(v) => setStatus(v ?? null)}
          options={STATUSES.map((s) => ({ value: s, label: s }))}
        />
        <Input.Search
          aria-label="Search orders"
          placeholder="Order number or email"
          allowClear
          onSearch={setSearch}
          style={{ width: 260 }}
        />
        <Typography.Text>{orders.data?.pages[0]?.orders.totalCount ?? 0} orders</Typography.Text>
      </Space>
      {orders.error && <Alert type="error" title={problem(orders.error)} />}
      <Table
        rowKey="id"
        loading={orders.isLoading}
        dataSource={rows}
        pagination={false}
        scroll={{ x: true }}
        onRow={(order) => ({ onClick: () => navigate(`orders/${order.id}`) })}
        columns={[
          {
            title: 'Order',
            render: (_, o) => <a href={`#/orders/${o.id}`}>#{o.number}</a>,
          },
          { title: 'Placed', render: (_, o) => dateTime(o.createdAt) },
          { title: 'Customer', dataIndex: 'email' },
          {
            title: 'Status',
            render: (_, o) => <StatusTag status={o.status} />,
          },
          { title: 'Total', align: 'right', render: (_, o) => money(o.total) },
        ]}
      />
      {orders.hasNextPage && (
        <Button onClick={() => void orders.fetchNextPage()} loading={orders.isFetchingNextPage}>
          Load more
        </Button>
      )}
    </Space>
  );
}
