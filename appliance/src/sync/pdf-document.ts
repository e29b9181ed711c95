/**
 * The one place pdfkit is imported: an A4 document drawn with a few primitives (text, filled
 * rectangles, polylines, PNG images, pages), in points from the top-left corner. Text is set in
 * DejaVu Sans when the system has it (Cyrillic included), else in the built-in Helvetica.
 */
import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';

const FONT_DIRS = ['/usr/share/fonts/truetype/dejavu'];

function systemFont(file: string): string | undefined {
  for (const d of FONT_DIRS) if (existsSync(`${d}/${file}`)) return `${d}/${file}`;
  return undefined;
}

export interface TextOptions {
  size?: number;
  bold?: boolean;
  /** #rrggbb. */
  color?: string;
  /** Wrap within this width (points); default: to the right margin. */
  width?: number;
  align?: 'left' | 'center' | 'right';
}

export class PdfDocument {
  /** A4 in points. */
  readonly width = 595.28;
  readonly height = 841.89;
  readonly margin = 40;
  private readonly doc: PDFKit.PDFDocument;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;
  private readonly regular: string;
  private readonly bold: string;

  constructor(meta: { title: string; author?: string }) {
    this.doc = new PDFDocument({ size: 'A4', margin: this.margin, info: { Title: meta.title, Author: meta.author ?? 'Vantage' } });
    this.done = new Promise((resolve, reject) => {
      this.doc.on('data', (c: Buffer) => this.chunks.push(c));
      this.doc.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.doc.on('error', reject);
    });
    const regular = systemFont('DejaVuSans.ttf');
    const bold = systemFont('DejaVuSans-Bold.ttf');
    if (regular) this.doc.registerFont('body', regular);
    if (bold) this.doc.registerFont('body-bold', bold);
    this.regular = regular ? 'body' : 'Helvetica';
    this.bold = bold ? 'body-bold' : regular ? 'body' : 'Helvetica-Bold';
  }

  /** Whether the text font covers Cyrillic (a system DejaVu Sans was found). */
  get unicodeFont(): boolean {
    return this.regular === 'body';
  }

  /** Writes text with its top-left at (x, y); returns the height it took. */
  text(s: string, x: number, y: number, o: TextOptions = {}): number {
    const width = o.width ?? this.width - this.margin - x;
    this.doc.font(o.bold ? this.bold : this.regular).fontSize(o.size ?? 10).fillColor(o.color ?? '#000000');
    const h = this.doc.heightOfString(s, { width, align: o.align ?? 'left' });
    this.doc.text(s, x, y, { width, align: o.align ?? 'left', lineBreak: true });
    return h;
  }

  /** Width of `s` at a size (for labels placed by hand). */
  textWidth(s: string, size = 10, bold = false): number {
    return this.doc.font(bold ? this.bold : this.regular).fontSize(size).widthOfString(s);
  }

  rect(x: number, y: number, w: number, h: number, fill: string, stroke?: string): void {
    this.doc.save().rect(x, y, w, h);
    if (stroke) this.doc.lineWidth(0.5).fillAndStroke(fill, stroke);
    else this.doc.fill(fill);
    this.doc.restore();
  }

  polyline(points: Array<[number, number]>, color: string, width = 1): void {
    if (points.length < 2) return;
    this.doc.save().lineWidth(width).strokeColor(color).moveTo(points[0]![0], points[0]![1]);
    for (const [x, y] of points.slice(1)) this.doc.lineTo(x, y);
    this.doc.stroke().restore();
  }

  /** A PNG or JPEG fitted into w×h at (x, y). */
  image(bytes: Buffer, x: number, y: number, w: number, h: number): void {
    this.doc.image(bytes, x, y, { fit: [w, h] });
  }

  addPage(): void {
    this.doc.addPage({ size: 'A4', margin: this.margin });
  }

  /** Ends the document: its bytes. */
  end(): Promise<Buffer> {
    this.doc.end();
    return this.done;
  }
}
