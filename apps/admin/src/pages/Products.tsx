import { useInfiniteQuery } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Modal, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { AdminProductsDocument, ProductCreateDocument } from '../../../../sdk';
import { money, problem } from '../format';
import { navigate } from '../route';
import { useSession } from '../session';

/** The catalog with each variant's EUR price and sellable stock; new products start here. */
export function ProductsPage() {
  const { client, can } = useSession();
  const { message } = App.useApp();
  const [search, setSearch] = useState('');
  const [creating, setCreating] = useState(false);
  // 25 a page: each product with its variants' prices and stock is worth ~150 of the
  // router's cost budget (10,000 a request).
  const products = useInfiniteQuery({
    queryKey: ['products', search],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      client.request(AdminProductsDocument, {
        first: 25,
        after: pageParam,
        search: search || null,
        currency: 'EUR',
      }),
    getNextPageParam: (last) =>
      last.products.pageInfo.hasNextPage ? last.products.pageInfo.endCursor : undefined,
  });

  async function create(values: { name: string; sku: string; title: string }) {
    try {
      const { productCreate } = await client.request(ProductCreateDocument, {
        input: { name: values.name, variants: [{ sku: values.sku, title: values.title }] },
      });
      if (productCreate.userErrors.length) throw new Error(productCreate.userErrors[0]!.message);
      setCreating(false);
      navigate(`products/${productCreate.product!.id}`);
    } catch (error) {
      void message.error(problem(error));
    }
  }

  const rows = (products.data?.pages ?? []).flatMap((p) => p.products.edges.map((e) => e.node));
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ margin: 0, fontSize: 24 }}>
        Products
      </Typography.Title>
      <Space wrap>
        <Input.Search
          aria-label="Search products"
          placeholder="Name"
          allowClear
          onSearch={setSearch}
          style={{ width: 260 }}
        />
        <Button type="primary" disabled={!can('catalog:write')} onClick={() => setCreating(true)}>
          New product
        </Button>
      </Space>
      {products.error && <Alert type="error" title={problem(products.error)} />}
      <Table
        rowKey="id"
        loading={products.isLoading}
        dataSource={rows}
        pagination={false}
        scroll={{ x: true }}
        columns={[
          { title: 'Product', render: (_, p) => <a href={`#/products/${p.id}`}>{p.name}</a> },
          { title: 'Status', render: (_, p) => <Tag>{p.status}</Tag> },
          {
            title: 'Variants',
            render: (_, p) =>
              p.variants.map((v) => (
                <div key={v.id}>
                  {v.sku} · {money(v.price)} · {v.availableQuantity ?? '–'} in stock
                </div>
              )),
          },
        ]}
      />
      {products.hasNextPage && (
        <Button onClick={() => void products.fetchNextPage()} loading={products.isFetchingNextPage}>
          Load more
        </Button>
      )}
      <Modal
        title="New product"
        open={creating}
        onCancel={() => setCreating(false)}
        footer={null}
        destroyOnHidden
      >
        <Form layout="vertical" onFinish={create}>
          <Form.Item label="Name" name="name" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item label="First variant's SKU" name="sku" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item label="Variant title" name="title" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            Create
          </Button>
        </Form>
      </Modal>
    </Space>
  );
}
