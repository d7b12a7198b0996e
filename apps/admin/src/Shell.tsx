import {
  AuditOutlined,
  DashboardOutlined,
  DatabaseOutlined,
  GiftOutlined,
  LogoutOutlined,
  ShoppingCartOutlined,
  ShoppingOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Button, Grid, Layout, Menu, Result, Spin, Typography } from 'antd';
import type { ReactNode } from 'react';
import { AuditLogPage } from './pages/AuditLog';
import { CustomersPage } from './pages/Customers';
import { DashboardPage } from './pages/Dashboard';
import { InventoryPage } from './pages/Inventory';
import { LoginPage } from './pages/Login';
import { OrderDetailPage } from './pages/OrderDetail';
import { OrdersPage } from './pages/Orders';
import { ProductEditPage } from './pages/ProductEdit';
import { ProductsPage } from './pages/Products';
import { PromotionsPage } from './pages/Promotions';
import { StaffPage } from './pages/Staff';
import { navigate, useRoute } from './route';
import { useSession } from './session';

/** Each section and the permission it needs: a staff member sees only what they may use. */
const SECTIONS: { key: string; label: string; icon: ReactNode; permission: string }[] = [
  {
    key: 'dashboard',
    label: 'Dashboard',
    icon: <DashboardOutlined />,
    permission: 'orders:manage',
  },
  { key: 'orders', label: 'Orders', icon: <ShoppingCartOutlined />, permission: 'orders:manage' },
  { key: 'products', label: 'Products', icon: <ShoppingOutlined />, permission: 'catalog:write' },
  {
    key: 'inventory',
    label: 'Inventory',
    icon: <DatabaseOutlined />,
    permission: 'inventory:write',
  },
  { key: 'promotions', label: 'Promotions', icon: <GiftOutlined />, permission: 'promotions:read' },
  { key: 'customers', label: 'Customers', icon: <UserOutlined />, permission: 'customers:read' },
  { key: 'staff', label: 'Staff & roles', icon: <TeamOutlined />, permission: 'identity:manage' },
  { key: 'audit', label: 'Audit log', icon: <AuditOutlined />, permission: 'identity:manage' },
];

function page(route: string[]): ReactNode {
  const [section, id] = route;
  switch (section) {
    case 'dashboard':
      return <DashboardPage />;
    case 'orders':
      return id ? <OrderDetailPage id={id} /> : <OrdersPage />;
    case 'products':
      return id ? <ProductEditPage id={id} /> : <ProductsPage />;
    case 'inventory':
      return <InventoryPage />;
    case 'promotions':
      return <PromotionsPage />;
    case 'customers':
      return <CustomersPage />;
    case 'staff':
      return <StaffPage />;
    case 'audit':
      return <AuditLogPage />;
    default:
      return <Result status="404" title="No such page" />;
  }
}

export function Shell() {
  const session = useSession();
  const route = useRoute();
  const screens = Grid.useBreakpoint();
  if (session.loading)
    return <Spin size="large" fullscreen aria-label="Loading" description="Loading" />;
  if (!session.staff) return <LoginPage />;
  const allowed = SECTIONS.filter((s) => session.can(s.permission));
  const section = route[0] ?? allowed[0]?.key ?? 'none';
  const current = SECTIONS.find((s) => s.key === section);
  const narrow = !screens.md;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header
        style={{ display: 'flex', alignItems: 'center', gap: 16, paddingInline: narrow ? 12 : 24 }}
      >
        <Typography.Text strong style={{ color: '#fff', whiteSpace: 'nowrap' }}>
          Shop admin
        </Typography.Text>
        <nav aria-label="Sections" style={{ flex: 1, minWidth: 0 }}>
          <Menu
            theme="dark"
            mode="horizontal"
            selectedKeys={[section]}
            items={allowed.map((s) => ({ key: s.key, icon: s.icon, label: s.label }))}
            onClick={({ key }) => navigate(key)}
          />
        </nav>
        {!narrow && (
          <Typography.Text style={{ color: '#fff' }}>{session.staff.name}</Typography.Text>
        )}
        <Button icon={<LogoutOutlined />} onClick={() => void session.logout()}>
          {narrow ? null : 'Sign out'}
          {narrow && <span className="sr-only">Sign out</span>}
        </Button>
      </Layout.Header>
      <Layout.Content style={{ padding: narrow ? 12 : 24 }}>
        <main>
          {current && !session.can(current.permission) ? (
            <Result status="403" title="Not allowed" subTitle={`Needs ${current.permission}`} />
          ) : allowed.length === 0 ? (
            <Result status="403" title="Your roles give no admin permission" />
          ) : (
            page(route.length ? route : [section])
          )}
        </main>
      </Layout.Content>
    </Layout>
  );
}
