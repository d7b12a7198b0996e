import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Modal,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import {
  AdminCampaignCreateDocument,
  AdminCampaignsDocument,
  AdminCouponsGenerateDocument,
  AdminPromotionCreateDocument,
} from '../../../../sdk';
import { download, toCsv } from '../csv';
import { dateTime, problem } from '../format';
import { useSession } from '../session';

interface Target {
  id: string;
  name: string;
}

/** Campaigns and their promotions; coupon codes generated in bulk and saved as CSV. */
export function PromotionsPage() {
  const { client, can } = useSession();
  const { message } = App.useApp();
  const cache = useQueryClient();
  const [target, setTarget] = useState<Target | null>(null);
  const [generating, setGenerating] = useState(false);
  const [generated, setGenerated] = useState<number | null>(null);
  const campaigns = useQuery({
    queryKey: ['campaigns'],
    queryFn: () => client.request(AdminCampaignsDocument, { first: 50 }),
  });
  const writer = can('promotions:write');

  async function create(values: { name: string; percent: number }) {
    try {
      const { campaignCreate } = await client.request(AdminCampaignCreateDocument, {
        input: { name: values.name, startsAt: new Date().toISOString() },
      });
      if (campaignCreate.userErrors.length) throw new Error(campaignCreate.userErrors[0]!.message);
      const { promotionCreate } = await client.request(AdminPromotionCreateDocument, {
        input: {
          campaignId: campaignCreate.campaign!.id,
          name: `${values.percent} % off`,
          kind: 'PERCENTAGE_ORDER',
          value: Math.round(values.percent * 100),
          requiresCoupon: true,
        },
      });
      if (promotionCreate.userErrors.length)
        throw new Error(promotionCreate.userErrors[0]!.message);
      void message.success('Campaign created');
      await cache.invalidateQueries({ queryKey: ['campaigns'] });
    } catch (error) {
      void message.error(problem(error));
    }
  }

  async function generate(values: { count: number; prefix?: string }) {
    if (!target) return;
    setGenerating(true);
    try {
      const { couponsGenerate } = await client.request(AdminCouponsGenerateDocument, {
        input: { promotionId: target.id, count: values.count, prefix: values.prefix ?? '' },
        first: values.count,
      });
      if (couponsGenerate.userErrors.length)
        throw new Error(couponsGenerate.userErrors[0]!.message);
      setGenerated(couponsGenerate.count);
      download(
        `coupons-${target.name.replace(/\W+/g, '-').toLowerCase()}.csv`,
        toCsv(
          ['code', 'promotion'],
          couponsGenerate.codes.map((code) => [code, target.name]),
        ),
      );
    } catch (error) {
      void message.error(problem(error));
    } finally {
      setGenerating(false);
    }
  }

  const rows = campaigns.data?.campaigns.edges.map((e) => e.node) ?? [];
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ margin: 0, fontSize: 24 }}>
        Promotions
      </Typography.Title>
      {campaigns.error && <Alert type="error" title={problem(campaigns.error)} />}
      <Card title="New coupon campaign">
        <Form layout="inline" onFinish={create} disabled={!writer}>
          <Form.Item label="Campaign name" name="name" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item label="Percent off" name="percent" rules={[{ required: true }]}>
            <InputNumber min={1} max={100} />
          </Form.Item>
          <Button htmlType="submit" type="primary">
            Create
          </Button>
        </Form>
      </Card>
      <Table
        rowKey="id"
        loading={campaigns.isLoading}
        dataSource={rows}
        pagination={false}
        scroll={{ x: true }}
        columns={[
          { title: 'Campaign', dataIndex: 'name' },
          { title: 'Starts', render: (_, c) => dateTime(c.startsAt) },
          { title: 'Ends', render: (_, c) => dateTime(c.endsAt) },
          { title: 'Active', render: (_, c) => <Tag>{c.active ? 'active' : 'stopped'}</Tag> },
          {
            title: 'Promotions',
            render: (_, c) =>
              c.promotions.map((p) => (
                <Space key={p.id} wrap>
                  <span>
                    {p.name} ({p.kind})
                  </span>
                  {p.requiresCoupon && (
                    <Button
                      size="small"
                      disabled={!writer}
                      onClick={() => {
                        setGenerated(null);
                        setTarget({ id: p.id, name: p.name });
                      }}
                    >
                      Generate codes
                    </Button>
                  )}
                </Space>
              )),
          },
        ]}
      />
      <Modal
        title={`Generate codes for ${target?.name ?? ''}`}
        open={target !== null}
        onCancel={() => setTarget(null)}
        footer={null}
        destroyOnHidden
      >
        <Form layout="vertical" initialValues={{ count: 100 }} onFinish={generate}>
          <Form.Item label="How many (up to 10,000)" name="count" rules={[{ required: true }]}>
            <InputNumber min={1} max={10000} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item label="Prefix" name="prefix">
            <Input placeholder="SUMMER-" />
          </Form.Item>
          {generated !== null && (
            <Alert
              type="success"
              title={`${generated} codes generated and downloaded`}
              style={{ marginBottom: 16 }}
            />
          )}
          <Button htmlType="submit" type="primary" loading={generating}>
            Generate and download CSV
          </Button>
        </Form>
      </Modal>
    </Space>
  );
}
