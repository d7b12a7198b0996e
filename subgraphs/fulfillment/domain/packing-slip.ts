import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import type { ShipTo } from '../entities';

export interface PackingSlip {
  fulfillmentId: string;
  orderId: string;
  warehouseId: string;
  shipTo: ShipTo;
  lines: { sku: string; quantity: number; picked: number; bin: string | null }[];
  trackingNumber: string | null;
  carrier: string | null;
}

/** The packing slip as a one-page A4 PDF (pdf-lib, standard Helvetica: no font files to ship). */
export async function renderPackingSlip(slip: PackingSlip): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Packing slip ${slip.fulfillmentId}`);
  pdf.setCreator('commerce fulfillment');
  const page = pdf.addPage([595.28, 841.89]);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  let y = 790;
  const write = (text: string, size = 11, useBold = false, x = 50) => {
    // Standard fonts carry WinAnsi only: anything else would throw, so it is replaced.
    page.drawText(text.replace(/[^\x20-\x7e\xa0-\xff]/g, '?'), {
      x,
      y,
      size,
      font: useBold ? bold : font,
      color: rgb(0, 0, 0),
    });
  };
  write('Packing slip', 20, true);
  y -= 30;
  write(`Order ${slip.orderId}`);
  y -= 16;
  write(`Fulfillment ${slip.fulfillmentId}`);
  y -= 16;
  if (slip.trackingNumber) {
    write(`${slip.carrier ?? 'Carrier'} tracking ${slip.trackingNumber}`);
    y -= 16;
  }
  y -= 14;
  write('Ship to', 12, true);
  y -= 16;
  const address = slip.shipTo;
  for (const line of [
    address.name,
    address.line1,
    address.line2,
    `${address.postalCode} ${address.city}`,
    [address.region, address.country].filter(Boolean).join(', '),
  ]) {
    if (!line) continue;
    write(line);
    y -= 14;
  }
  y -= 20;
  write('Bin', 11, true, 50);
  write('SKU', 11, true, 150);
  write('Ordered', 11, true, 380);
  write('Packed', 11, true, 460);
  y -= 16;
  for (const line of slip.lines) {
    if (y < 60) break;
    write(line.bin ?? '-', 11, false, 50);
    write(line.sku, 11, false, 150);
    write(String(line.quantity), 11, false, 380);
    write(String(line.picked), 11, false, 460);
    y -= 14;
  }
  return pdf.save();
}
