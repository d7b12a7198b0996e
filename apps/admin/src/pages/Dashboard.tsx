import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Card,
  Col,
  Row,
  Segmented,
  Select,
  Space,
  Statistic,
  Table,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { AdminDashboardDocument, AdminLowStockDocument } from '../../../../sdk';
import { money, problem } from '../format';
import { useSession } from '../session';

const RANGES = { '7 days': 7, '30 days': 30, '90 days': 90 } as const;
type Range = keyof typeof RANGES;

/** Sales of the range from orders' salesReport, low stock from inventory. */
export function DashboardPage() {
  const { client, can } = useSession();
  const [range, setRange] = useState<Range>('30 days');
  const [currency, setCurrency] = useState('EUR');
  const window = useMemo(() => {
    const to = new Date(Date.now() + 60_000);
    const from = new Date(to.getTime() - RANGES[range] * 86_400_000);
    return { from: from.toISOString(), to: to.toISOString() };
  }, [range]);
  const report = useQuery({
    queryKey: ['salesReport', window, currency],
    queryFn: () => client.request(AdminDashboardDocument, { ...window, currency }),
  });
  const lowStock = useQuery({
    queryKey: ['lowStock'],
    queryFn: () => client.request(AdminLowStockDocument, { first: 20 }),
    enabled: can('inventory:write'),
  });
  const sales = report.data?.salesReport;
  // Every day of the range, the ones without sales at 0, so the line shows the quiet days too.
  const byDay = new Map((sales?.byDay ?? []).map((d) => [d.day, d]));
  const days = Array.from({ length: RANGES[range] + 1 }, (_, i) => {
    const day = new Date(Date.parse(window.from) + i * 86_400_000).toISOString().slice(0, 10);
    const sold = byDay.get(day);
    return {
      day: day.slice(5),
      revenue: (sold?.revenue.amount ?? 0) / 100,
      orders: sold?.orders ?? 0,
    };
  });

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={1} style={{ margin: 0, fontSize: 24 }}>
          Dashboard
        </Typography.Title>
        <Space wrap>
          <Segmented
            aria-label="Range"
            options={Object.keys(RANGES)}
            value={range}
            onChange={(v) => setRange(v as Range)}
          />
          <Select
            aria-label="Currency"
            value={currency}
            onChange={setCurrency}
            options={['EUR', 'USD', 'GBP'].map((c) => ({ value: c, label: c }))}
            style={{ width: 90 }}
          />
        </Space>
      </Space>
      {report.error && <Alert type="error" title={problem(report.error)} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} md={8}>
          <Card>
            <Statistic
              title="Sales"
              value={money(sales?.revenue)}
              loading={report.isLoading}
              data-testid="sales-revenue"
            />
          </Card>
        </Col>
        <Col xs={12} md={8}>
          <Card>
            <Statistic
              title="Orders"
              value={sales?.salesCount ?? 0}
              loading={report.isLoading}
              data-testid="sales-count"
            />
          </Card>
        </Col>
        <Col xs={12} md={8}>
          <Card>
            <Statistic
              title="Average order value"
              value={money(sales?.averageOrderValue)}
              loading={report.isLoading}
              data-testid="sales-aov"
            />
          </Card>
        </Col>
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card title="Sales by day">
            <div style={{ height: 260 }} role="img" aria-label="Sales by day">
              <ResponsiveContainer>
                <LineChart data={days}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="day" />
                  <YAxis />
                  <Tooltip />
                  <Line type="monotone" dataKey="revenue" stroke="#1554c0" name={currency} />
                </LineChart>
              </ResponsiveContainer>
            </div>
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title="Orders by status">
            <div style={{ height: 260 }} role="img" aria-label="Orders by status">
              <ResponsiveContainer>
                <BarChart data={sales?.byStatus ?? []}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="status" />
                  <YAxis allowDecimals={false} />
                  <Tooltip />
                  <Bar dataKey="count" fill="#1554c0" name="Orders" />
                </BarChart>
              </ResponsiveContainer>
            </div>
            <ul className="sr-only" data-testid="status-counts">
              {(sales?.byStatus ?? []).map((s) => (
                <li key={s.status}>{`${s.status}: ${s.count}`}</li>
              ))}
            </ul>
          </Card>
        </Col>
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card title="Top products">
            <Table
              size="small"
              rowKey="sku"
              pagination={false}
              loading={report.isLoading}
              dataSource={sales?.topProducts ?? []}
              scroll={{ x: true }}
              columns={[
                { title: 'Product', dataIndex: 'productName' },
                { title: 'SKU', dataIndex: 'sku' },
                { title: 'Units', dataIndex: 'quantity', align: 'right' },
                { title: 'Sales', render: (_, p) => money(p.revenue), align: 'right' },
              ]}
            />
          </Card>
        </Col>
        {can('inventory:write') && (
          <Col xs={24} lg={12}>
            <Card title="Low stock">
              <Table
                size="small"
                rowKey="id"
                pagination={false}
                loading={lowStock.isLoading}
                dataSource={lowStock.data?.lowStockItems.edges.map((e) => e.node) ?? []}
                scroll={{ x: true }}
                columns={[
                  { title: 'SKU', dataIndex: 'sku' },
                  { title: 'Warehouse', render: (_, i) => i.warehouse.code },
                  { title: 'Available', dataIndex: 'available', align: 'right' },
                  { title: 'Threshold', dataIndex: 'lowStockThreshold', align: 'right' },
                ]}
              />
            </Card>
          </Col>
        )}
      </Row>
    </Space>
  );
}
