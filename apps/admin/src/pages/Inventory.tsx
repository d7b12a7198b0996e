import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Col,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Table,
  Typography,
} from 'antd';
import { useState } from 'react';
import {
  AdminStockMovementsDocument,
  StockAdjustDocument,
  StockLevelsDocument,
  StockReceiveDocument,
  WarehouseCreateDocument,
  WarehousesDocument,
} from '../../../../sdk';
import { dateTime, problem } from '../format';
import { useSession } from '../session';

/** Warehouses, goods received, manual corrections, and a SKU's stock and ledger. */
export function InventoryPage() {
  const { client } = useSession();
  const { message } = App.useApp();
  const cache = useQueryClient();
  const [sku, setSku] = useState('');
  const warehouses = useQuery({
    queryKey: ['warehouses'],
    queryFn: () => client.request(WarehousesDocument),
  });
  const levels = useQuery({
    queryKey: ['stock', sku],
    queryFn: () => client.request(StockLevelsDocument, { sku }),
    enabled: sku !== '',
  });
  const ledger = useQuery({
    queryKey: ['ledger', sku],
    queryFn: () => client.request(AdminStockMovementsDocument, { sku, first: 50 }),
    enabled: sku !== '',
  });
  const options = (warehouses.data?.warehouses ?? []).map((w) => ({ value: w.id, label: w.code }));

  async function done(answer: { userErrors: { message: string }[] }, what: string) {
    if (answer.userErrors.length) throw new Error(answer.userErrors[0]!.message);
    void message.success(what);
    await cache.invalidateQueries({ queryKey: ['stock'] });
    await cache.invalidateQueries({ queryKey: ['ledger'] });
    await cache.invalidateQueries({ queryKey: ['warehouses'] });
  }
  const guarded =
    <T,>(body: (values: T) => Promise<void>) =>
    (values: T) =>
      body(values).catch((error) => void message.error(problem(error)));

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ margin: 0, fontSize: 24 }}>
        Inventory
      </Typography.Title>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={8}>
          <Card title="Warehouses">
            <Table
              size="small"
              rowKey="id"
              pagination={false}
              loading={warehouses.isLoading}
              dataSource={warehouses.data?.warehouses ?? []}
              columns={[
                { title: 'Code', dataIndex: 'code' },
                { title: 'Name', dataIndex: 'name' },
                { title: 'Country', dataIndex: 'countryCode' },
              ]}
            />
            <Form
              layout="vertical"
              style={{ marginTop: 16 }}
              onFinish={guarded(
                async (input: { code: string; name: string; countryCode: string }) =>
                  done(
                    (await client.request(WarehouseCreateDocument, { input })).warehouseCreate,
                    'Warehouse created',
                  ),
              )}
            >
              <Form.Item label="Code" name="code" rules={[{ required: true }]}>
                <Input />
              </Form.Item>
              <Form.Item label="Name" name="name" rules={[{ required: true }]}>
                <Input />
              </Form.Item>
              <Form.Item label="Country" name="countryCode" rules={[{ required: true, len: 2 }]}>
                <Input placeholder="DE" />
              </Form.Item>
              <Button htmlType="submit">Add warehouse</Button>
            </Form>
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card title="Receive goods">
            <Form
              layout="vertical"
              onFinish={guarded(
                async (v: {
                  sku: string;
                  warehouseId: string;
                  quantity: number;
                  reference?: string;
                }) =>
                  done(
                    (
                      await client.request(StockReceiveDocument, {
                        input: { ...v, idempotencyKey: crypto.randomUUID() },
                      })
                    ).stockReceive,
                    'Received',
                  ),
              )}
            >
              <Form.Item label="SKU" name="sku" rules={[{ required: true }]}>
                <Input />
              </Form.Item>
              <Form.Item label="Warehouse" name="warehouseId" rules={[{ required: true }]}>
                <Select options={options} />
              </Form.Item>
              <Form.Item label="Quantity" name="quantity" rules={[{ required: true }]}>
                <InputNumber min={1} style={{ width: '100%' }} />
              </Form.Item>
              <Form.Item label="Reference (purchase order)" name="reference">
                <Input />
              </Form.Item>
              <Button htmlType="submit" type="primary">
                Receive
              </Button>
            </Form>
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card title="Adjust stock">
            <Form
              layout="vertical"
              onFinish={guarded(
                async (v: { sku: string; warehouseId: string; delta: number; reason: string }) =>
                  done(
                    (
                      await client.request(StockAdjustDocument, {
                        input: { ...v, idempotencyKey: crypto.randomUUID() },
                      })
                    ).stockAdjust,
                    'Adjusted',
                  ),
              )}
            >
              <Form.Item label="SKU" name="sku" rules={[{ required: true }]}>
                <Input />
              </Form.Item>
              <Form.Item label="Warehouse" name="warehouseId" rules={[{ required: true }]}>
                <Select options={options} />
              </Form.Item>
              <Form.Item label="Change (+/-)" name="delta" rules={[{ required: true }]}>
                <InputNumber style={{ width: '100%' }} />
              </Form.Item>
              <Form.Item label="Reason" name="reason" rules={[{ required: true }]}>
                <Input placeholder="Stock count" />
              </Form.Item>
              <Button htmlType="submit">Adjust</Button>
            </Form>
          </Card>
        </Col>
      </Row>
      <Card title="Stock and ledger of a SKU">
        <Input.Search
          aria-label="SKU"
          placeholder="SKU"
          enterButton="Show"
          onSearch={(v) => setSku(v.trim())}
          style={{ maxWidth: 320, marginBottom: 16 }}
        />
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={levels.data?.inventoryItems ?? []}
          columns={[
            { title: 'Warehouse', render: (_, i) => i.warehouse.code },
            { title: 'On hand', dataIndex: 'onHand', align: 'right' },
            { title: 'Reserved', dataIndex: 'reserved', align: 'right' },
            { title: 'Available', dataIndex: 'available', align: 'right' },
          ]}
        />
        <Table
          style={{ marginTop: 16 }}
          size="small"
          rowKey="id"
          pagination={false}
          scroll={{ x: true }}
          dataSource={ledger.data?.stockMovements.edges.map((e) => e.node) ?? []}
          columns={[
            { title: 'When', render: (_, m) => dateTime(m.createdAt) },
            { title: 'Kind', dataIndex: 'kind' },
            { title: 'Warehouse', render: (_, m) => m.inventoryItem.warehouse.code },
            { title: 'On hand', dataIndex: 'onHandDelta', align: 'right' },
            { title: 'Reserved', dataIndex: 'reservedDelta', align: 'right' },
            { title: 'Reason / reference', render: (_, m) => m.reason ?? m.reference ?? '' },
          ]}
        />
      </Card>
    </Space>
  );
}
