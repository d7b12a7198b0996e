import bwipjs from 'bwip-js';
import { PDFDict, PDFDocument, PDFName, PDFString, StandardFonts } from 'pdf-lib';
import type { ShippingAddress } from '../entities';

function lines(address: ShippingAddress): string[] {
  return [
    address.name,
    address.line1,
    ...(address.line2 ? [address.line2] : []),
    `${address.postalCode} ${address.city}${address.region ? ` (${address.region})` : ''}`,
    address.country,
  ];
}

/** A 4x6 inch shipping label: sender, recipient, tracking number and its Code 128 barcode. */
export async function renderLabel(input: {
  carrier: string;
  trackingNumber: string;
  from: ShippingAddress;
  to: ShippingAddress;
  title: string;
}): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`${input.title} ${input.trackingNumber}`);
  // pdf-lib writes page text and standard metadata hex-encoded; a plain literal entry
  // lets a warehouse tool (and a test) find the tracking number in the bytes.
  pdf.context
    .lookup(pdf.context.trailerInfo.Info, PDFDict)
    .set(PDFName.of('TrackingNumber'), PDFString.of(input.trackingNumber));
  const page = pdf.addPage([288, 432]);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  let y = 405;
  page.drawText(`${input.carrier} · ${input.title}`.replace('·', '-'), {
    x: 16,
    y,
    size: 12,
    font: bold,
  });
  y -= 24;
  page.drawText('FROM', { x: 16, y, size: 8, font: bold });
  for (const line of lines(input.from)) page.drawText(line, { x: 16, y: (y -= 11), size: 9, font });
  y -= 20;
  page.drawText('TO', { x: 16, y, size: 10, font: bold });
  for (const line of lines(input.to)) page.drawText(line, { x: 16, y: (y -= 15), size: 13, font });
  const png = await bwipjs.toBuffer({
    bcid: 'code128',
    text: input.trackingNumber,
    scale: 2,
    height: 14,
    includetext: false,
  });
  const image = await pdf.embedPng(png);
  const width = 256;
  const height = (image.height / image.width) * width;
  page.drawImage(image, { x: 16, y: 60, width, height: Math.min(height, 90) });
  page.drawText(input.trackingNumber, { x: 16, y: 40, size: 14, font: bold });
  return Buffer.from(await pdf.save({ useObjectStreams: false }));
}
