import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import {
  AdminPriceListsDocument,
  AdminProductDocument,
  AdminProductUpdateDocument,
  AdminVariantCreateDocument,
  PriceSetDocument,
  type ProductStatus,
} from '../../../../sdk';
import { dateTime, money, problem, toMinorUnits } from '../format';
import { useSession } from '../session';

const CURRENCIES = ['EUR', 'USD', 'GBP'];

/** A product's name and status, its variants, their prices per list and stock per warehouse. */
export function ProductEditPage({ id }: { id: string }) {
  const { client, can } = useSession();
  const { message } = App.useApp();
  const cache = useQueryClient();
  const [currency, setCurrency] = useState('EUR');
  const product = useQuery({
    queryKey: ['product', id, currency],
    queryFn: () => client.request(AdminProductDocument, { id, currency }),
  });
  const lists = useQuery({
    queryKey: ['priceLists'],
    queryFn: () => client.request(AdminPriceListsDocument),
    enabled: can('pricing:write'),
  });
  const reload = () => cache.invalidateQueries({ queryKey: ['product', id] });

  async function saved(answer: { userErrors: { message: string }[] }) {
    if (answer.userErrors.length) throw new Error(answer.userErrors[0]!.message);
    void message.success('Saved');
    await reload();
  }

  async function update(values: { name: string; status: ProductStatus }) {
    try {
      await saved(
        (await client.request(AdminProductUpdateDocument, { id, input: values })).productUpdate,
      );
    } catch (error) {
      void message.error(problem(error));
    }
  }

  async function setPrice(variant: { id: string; sku: string }, text: string, list?: string) {
    const amount = toMinorUnits(text);
    if (amount === null) return void message.error('The price is not an amount');
    try {
      await saved(
        (
          await client.request(PriceSetDocument, {
            input: {
              variantId: variant.id,
              sku: variant.sku,
              currency,
              amount,
              priceList: list ?? null,
            },
          })
        ).priceSet,
      );
    } catch (error) {
      void message.error(problem(error));
    }
  }

  async function addVariant(values: { sku: string; title: string }) {
    try {
      await saved(
        (await client.request(AdminVariantCreateDocument, { productId: id, input: values }))
          .productVariantCreate,
      );
    } catch (error) {
      void message.error(problem(error));
    }
  }

  if (product.error) return <Alert type="error" title={problem(product.error)} />;
  const p = product.data?.product;
  if (product.isLoading) return <Card loading />;
  if (!p) return <Alert type="warning" title="No such product" />;
  const listOptions = (lists.data?.priceLists ?? [])
    .filter((l) => l.currency === currency)
    .map((l) => ({ value: l.code, label: l.code }));

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ margin: 0, fontSize: 24 }}>
        {p.name}
      </Typography.Title>
      <Card title="Product">
        <Form
          layout="inline"
          initialValues={{ name: p.name, status: p.status }}
          onFinish={update}
          disabled={!can('catalog:write')}
        >
          <Form.Item label="Name" name="name" rules={[{ required: true }]}>
            <Input style={{ width: 240 }} />
          </Form.Item>
          <Form.Item label="Status" name="status">
            <Select
              style={{ width: 140 }}
              options={['DRAFT', 'ACTIVE', 'ARCHIVED'].map((s) => ({ value: s, label: s }))}
            />
          </Form.Item>
          <Button htmlType="submit" type="primary">
            Save
          </Button>
        </Form>
      </Card>
      <Card
        title="Variants and prices"
        extra={
          <Select
            aria-label="Price currency"
            value={currency}
            onChange={setCurrency}
            options={CURRENCIES.map((c) => ({ value: c, label: c }))}
          />
        }
      >
        <Table
          rowKey="id"
          pagination={false}
          dataSource={p.variants}
          scroll={{ x: true }}
          expandable={{
            expandedRowRender: (v) => (
              <Table
                size="small"
                rowKey="id"
                pagination={false}
                dataSource={v.priceHistory ?? []}
                columns={[
                  { title: 'List', dataIndex: 'priceList' },
                  { title: 'Price', render: (_, r) => money(r.amount) },
                  { title: 'From qty', dataIndex: 'minQuantity' },
                  { title: 'Valid from', render: (_, r) => dateTime(r.validFrom) },
                  { title: 'Valid to', render: (_, r) => dateTime(r.validTo) },
                ]}
              />
            ),
          }}
          columns={[
            { title: 'SKU', dataIndex: 'sku' },
            { title: 'Title', dataIndex: 'title' },
            {
              title: `Price (${currency})`,
              render: (_, v) => <span data-testid={`price-${v.sku}`}>{money(v.price)}</span>,
            },
            {
              title: 'Stock',
              render: (_, v) =>
                (v.inventoryItems ?? []).map((i) => (
                  <div key={i.id}>
                    {i.warehouse.code}: {i.available} of {i.onHand}
                  </div>
                )),
            },
            {
              title: 'New price',
              render: (_, v) => (
                <Form
                  layout="inline"
                  disabled={!can('pricing:write')}
                  onFinish={(values: { amount: string; list?: string }) =>
                    setPrice(v, values.amount, values.list)
                  }
                >
                  <Form.Item name="amount" rules={[{ required: true, message: 'An amount' }]}>
                    <Input
                      aria-label={`New price for ${v.sku}`}
                      placeholder="12.90"
                      style={{ width: 90 }}
                    />
                  </Form.Item>
                  <Form.Item name="list">
                    <Select
                      aria-label={`Price list for ${v.sku}`}
                      placeholder="Default list"
                      allowClear
                      options={listOptions}
                      style={{ width: 130 }}
                    />
                  </Form.Item>
                  <Button htmlType="submit">Set price</Button>
                </Form>
              ),
            },
          ]}
        />
      </Card>
      <Card title="Add a variant">
        <Form layout="inline" onFinish={addVariant} disabled={!can('catalog:write')}>
          <Form.Item label="SKU" name="sku" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item label="Title" name="title" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Button htmlType="submit">Add variant</Button>
        </Form>
      </Card>
    </Space>
  );
}
