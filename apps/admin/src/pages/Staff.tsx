import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Card, Select, Space, Table, Tag, Typography } from 'antd';
import { AdminStaffAssignRolesDocument, AdminStaffDocument } from '../../../../sdk';
import { problem } from '../format';
import { useSession } from '../session';

/** Staff users with their roles (changed here), and each role's permissions. */
export function StaffPage() {
  const { client } = useSession();
  const { message } = App.useApp();
  const cache = useQueryClient();
  const staff = useQuery({
    queryKey: ['staff'],
    queryFn: () => client.request(AdminStaffDocument),
  });
  const roles = staff.data?.roles ?? [];

  async function assign(staffId: string, names: string[]) {
    try {
      const { staffAssignRoles } = await client.request(AdminStaffAssignRolesDocument, {
        staffId,
        roles: names,
      });
      if (staffAssignRoles.userErrors.length)
        throw new Error(staffAssignRoles.userErrors[0]!.message);
      void message.success('Roles saved');
      await cache.invalidateQueries({ queryKey: ['staff'] });
    } catch (error) {
      void message.error(problem(error));
    }
  }

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ margin: 0, fontSize: 24 }}>
        Staff and roles
      </Typography.Title>
      {staff.error && <Alert type="error" title={problem(staff.error)} />}
      <Table
        rowKey="id"
        loading={staff.isLoading}
        dataSource={staff.data?.staffUsers.edges.map((e) => e.node) ?? []}
        pagination={false}
        scroll={{ x: true }}
        columns={[
          { title: 'Name', dataIndex: 'name' },
          { title: 'Email', dataIndex: 'email' },
          { title: 'MFA', render: (_, s) => (s.mfaEnabled ? 'on' : 'off') },
          { title: 'Active', render: (_, s) => (s.active ? 'yes' : 'no') },
          {
            title: 'Roles',
            render: (_, s) => (
              <Select
                aria-label={`Roles of ${s.email}`}
                mode="multiple"
                style={{ minWidth: 220 }}
                value={s.roles.map((r) => r.name)}
                options={roles.map((r) => ({ value: r.name, label: r.name }))}
                onChange={(names: string[]) => void assign(s.id, names)}
              />
            ),
          },
        ]}
      />
      <Card title="Roles">
        <Table
          rowKey="name"
          size="small"
          pagination={false}
          dataSource={roles}
          scroll={{ x: true }}
          columns={[
            { title: 'Role', dataIndex: 'name' },
            { title: 'Description', dataIndex: 'description' },
            {
              title: 'Permissions',
              render: (_, r) => r.permissions.map((p) => <Tag key={p}>{p}</Tag>),
            },
          ]}
        />
      </Card>
    </Space>
  );
}
