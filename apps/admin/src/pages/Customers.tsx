import { useQuery } from '@tanstack/react-query';
import { Alert, Input, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { AdminCustomersDocument } from '../../../../sdk';
import { dateTime, problem } from '../format';
import { useSession } from '../session';

/** Customer accounts and their segments; the search matches the start of the email. */
export function CustomersPage() {
  const { client } = useSession();
  const [search, setSearch] = useState('');
  const customers = useQuery({
    queryKey: ['customers', search],
    queryFn: () => client.request(AdminCustomersDocument, { first: 50, search: search || null }),
  });
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ margin: 0, fontSize: 24 }}>
        Customers
      </Typography.Title>
      <Input.Search
        aria-label="Search customers"
        placeholder="Email starts with"
        allowClear
        onSearch={setSearch}
        style={{ maxWidth: 320 }}
      />
      {customers.error && <Alert type="error" title={problem(customers.error)} />}
      <Table
        rowKey="id"
        loading={customers.isLoading}
        dataSource={customers.data?.customers.edges.map((e) => e.node) ?? []}
        scroll={{ x: true }}
        columns={[
          { title: 'Email', dataIndex: 'email' },
          { title: 'Name', render: (_, c) => `${c.firstName} ${c.lastName}` },
          { title: 'Verified', render: (_, c) => (c.emailVerified ? 'yes' : 'no') },
          { title: 'Segments', render: (_, c) => c.segments.map((s) => <Tag key={s}>{s}</Tag>) },
          { title: 'Since', render: (_, c) => dateTime(c.createdAt) },
        ]}
      />
    </Space>
  );
}
