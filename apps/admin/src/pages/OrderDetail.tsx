import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Input,
  Popconfirm,
  Row,
  Space,
  Table,
  Timeline,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import {
  OrderCancelDocument,
  OrderCaptureDocument,
  OrderDocument,
  OrderFulfillDocument,
  OrderMarkDeliveredDocument,
  OrderRefundDocument,
  OrderUpdatedDocument,
  type OrderQuery,
  type OrderTrackingFragment,
} from '../../../../sdk';
import { dateTime, money, problem, toMinorUnits } from '../format';
import { useSession } from '../session';
import { StatusTag } from './Orders';

type Action = 'capture' | 'fulfil' | 'deliver' | 'cancel' | 'refund';

/** One order: lines, payments, history and the staff actions; live through orderUpdated. */
export function OrderDetailPage({ id }: { id: string }) {
  const { client, can } = useSession();
  const { message } = App.useApp();
  const cache = useQueryClient();
  const [refundText, setRefundText] = useState('');
  const [live, setLive] = useState(false);
  const order = useQuery({
    queryKey: ['order', id],
    queryFn: () => client.request(OrderDocument, { id }),
  });

  useEffect(() => {
    const events = client.subscribe(OrderUpdatedDocument, { id });
    let open = true;
    void (async () => {
      try {
        setLive(true);
        for await (const event of events) {
          if (!open) break;
          cache.setQueryData<OrderQuery>(['order', id], { order: event.orderUpdated });
        }
      } catch {
        // The page still works without live updates; a reload subscribes again.
      } finally {
        setLive(false);
      }
    })();
    return () => {
      open = false;
      void events.return?.();
    };
  }, [client, cache, id]);

  const act = useMutation({
    mutationFn: async (action: Action) => {
      const answer = await run(action);
      if (answer.userErrors.length) throw new Error(answer.userErrors[0]!.message);
      return answer.order;
    },
    onSuccess: (updated) => {
      if (updated) cache.setQueryData<OrderQuery>(['order', id], { order: updated });
      void message.success('Done');
    },
    onError: (error) => void message.error(problem(error)),
  });

  async function run(action: Action) {
    switch (action) {
      case 'capture':
        return (await client.request(OrderCaptureDocument, { id })).orderCapture;
      case 'fulfil':
        return (await client.request(OrderFulfillDocument, { id })).orderFulfill;
      case 'deliver':
        return (await client.request(OrderMarkDeliveredDocument, { id })).orderMarkDelivered;
      case 'cancel':
        return (await client.request(OrderCancelDocument, { id, reason: 'Cancelled by staff' }))
          .orderCancel;
      case 'refund': {
        const amount = refundText.trim() ? toMinorUnits(refundText) : null;
        if (refundText.trim() && amount === null) throw new Error('The amount is not a number');
        return (
          await client.request(OrderRefundDocument, {
            id,
            amount,
            reason: 'Refunded by staff',
            idempotencyKey: crypto.randomUUID(),
          })
        ).orderRefund;
      }
    }
  }

  if (order.error) return <Alert type="error" title={problem(order.error)} />;
  const o: OrderTrackingFragment | null | undefined = order.data?.order;
  if (order.isLoading) return <Card loading />;
  if (!o) return <Alert type="warning" title="No such order" />;
  const allowed = can('orders:manage');
  const button = (action: Action, label: string, enabled: boolean) => (
    <Button
      type={action === 'cancel' || action === 'refund' ? 'default' : 'primary'}
      danger={action === 'cancel'}
      disabled={!allowed || !enabled || act.isPending}
      loading={act.isPending && act.variables === action}
      onClick={action === 'cancel' ? undefined : () => act.mutate(action)}
    >
      {label}
    </Button>
  );
  const payments = o.payments ?? [];
  const captured = payments.reduce((n, p) => n + (p.capturedAmount?.amount ?? 0), 0);
  const refunded = payments.reduce((n, p) => n + (p.refundedAmount?.amount ?? 0), 0);

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={1} style={{ margin: 0, fontSize: 24 }}>
          Order #{o.number} <StatusTag status={o.status} />
        </Typography.Title>
        <Typography.Text data-testid="live">{live ? 'Live' : 'Not live'}</Typography.Text>
      </Space>
      <Space wrap>
        {button('capture', 'Capture payment', o.status === 'PENDING')}
        {button('fulfil', 'Fulfil', o.status === 'CONFIRMED')}
        {button('deliver', 'Mark delivered', o.status === 'FULFILLED')}
        <Popconfirm
          title="Cancel this order?"
          onConfirm={() => act.mutate('cancel')}
          disabled={!allowed || !['PENDING', 'CONFIRMED'].includes(o.status)}
        >
          {button('cancel', 'Cancel order', ['PENDING', 'CONFIRMED'].includes(o.status))}
        </Popconfirm>
        <Space.Compact>
          <Input
            aria-label="Refund amount"
            placeholder="Amount (all)"
            value={refundText}
            onChange={(e) => setRefundText(e.target.value)}
            style={{ width: 130 }}
            disabled={!allowed || captured <= refunded}
          />
          {button('refund', 'Refund', captured > refunded)}
        </Space.Compact>
      </Space>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={16}>
          <Card title="Lines">
            <Table
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={o.lines}
              scroll={{ x: true }}
              columns={[
                { title: 'Product', render: (_, l) => `${l.productName} · ${l.variantTitle}` },
                { title: 'SKU', dataIndex: 'sku' },
                { title: 'Qty', dataIndex: 'quantity', align: 'right' },
                { title: 'Price', align: 'right', render: (_, l) => money(l.unitPrice) },
                { title: 'Total', align: 'right', render: (_, l) => money(l.lineTotal) },
              ]}
            />
            <Descriptions size="small" column={1} style={{ marginTop: 16 }}>
              <Descriptions.Item label="Subtotal">{money(o.subtotal)}</Descriptions.Item>
              <Descriptions.Item label="Discounts">{money(o.discountTotal)}</Descriptions.Item>
              <Descriptions.Item label="Shipping">{money(o.shipping)}</Descriptions.Item>
              <Descriptions.Item label={o.taxInclusive ? 'Tax (included)' : 'Tax'}>
                {money(o.tax)}
              </Descriptions.Item>
              <Descriptions.Item label="Total">
                <strong>{money(o.total)}</strong>
              </Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card title="Customer">
            <div>{o.email}</div>
            <address style={{ fontStyle: 'normal', marginTop: 8 }}>
              {o.shippingAddress.name}
              <br />
              {o.shippingAddress.line1}
              <br />
              {o.shippingAddress.postalCode} {o.shippingAddress.city}, {o.shippingAddress.country}
            </address>
          </Card>
        </Col>
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={16}>
          <Card title="Payments">
            <Table
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={payments}
              scroll={{ x: true }}
              columns={[
                { title: 'Status', dataIndex: 'status' },
                {
                  title: 'Card',
                  render: (_, p) => (p.card ? `${p.card.brand} ${p.card.last4}` : '–'),
                },
                { title: 'Authorized', align: 'right', render: (_, p) => money(p.amount) },
                { title: 'Captured', align: 'right', render: (_, p) => money(p.capturedAmount) },
                { title: 'Refunded', align: 'right', render: (_, p) => money(p.refundedAmount) },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card title="History">
            <Timeline
              items={o.statusHistory.map((h) => ({
                content: (
                  <>
                    <strong>{h.status}</strong> {dateTime(h.at)}
                    {h.note && <div>{h.note}</div>}
                  </>
                ),
              }))}
            />
          </Card>
        </Col>
      </Row>
    </Space>
  );
}
