/**
 * Encodes a tiny greyscale baseline JPEG (flat 8×8 blocks, so only DC coefficients), built
 * here byte by byte: the simulator's previews are real JPEGs without an image library or
 * a stored picture.
 */

const BLOCK = 8;
/** Standard luminance DC table (ITU T.81 K.3): code counts per length 1..16, then symbols. */
const DC_COUNTS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const DC_SYMBOLS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
/** One AC symbol only: end-of-block, code "0". */
const AC_COUNTS = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const AC_SYMBOLS = [0x00];

const DC_CODES = canonicalCodes(DC_COUNTS, DC_SYMBOLS);

/**
 * A JPEG `width`×`height` (multiples of 8) whose blocks take their grey level (0–255) from
 * `shade(blockX, blockY)`.
 */
export function encodeGreyJpeg(width: number, height: number, shade: (blockX: number, blockY: number) => number): Buffer {
  const bits = new BitWriter();
  let previousDc = 0;
  for (let by = 0; by < height / BLOCK; by++) {
    for (let bx = 0; bx < width / BLOCK; bx++) {
      const level = Math.max(0, Math.min(255, Math.round(shade(bx, by))));
      // A flat block's DCT has only F(0,0) = 8 × (level − 128) with a quantiser of 1.
      const dc = 8 * (level - 128);
      writeDcDifference(bits, dc - previousDc);
      previousDc = dc;
      bits.write(0, 1); // end of block: every AC coefficient is zero
    }
  }
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]),
    segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]),
    segment(0xc0, [0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x01, 0x01, 0x11, 0x00]),
    segment(0xc4, [0x00, ...DC_COUNTS, ...DC_SYMBOLS]),
    segment(0xc4, [0x10, ...AC_COUNTS, ...AC_SYMBOLS]),
    segment(0xda, [0x01, 0x01, 0x00, 0x00, 0x3f, 0x00]),
    bits.finish(),
    Buffer.from([0xff, 0xd9]),
  ]);
}

function writeDcDifference(bits: BitWriter, diff: number): void {
  const magnitude = Math.abs(diff);
  const category = magnitude === 0 ? 0 : Math.floor(Math.log2(magnitude)) + 1;
  const code = DC_CODES.get(category)!;
  bits.write(code.code, code.length);
  if (category > 0) bits.write(diff > 0 ? diff : diff + (1 << category) - 1, category);
}

function segment(marker: number, payload: number[]): Buffer {
  const length = payload.length + 2;
  return Buffer.from([0xff, marker, length >> 8, length & 0xff, ...payload]);
}

function canonicalCodes(counts: number[], symbols: number[]): Map<number, { code: number; length: number }> {
  const codes = new Map<number, { code: number; length: number }>();
  let code = 0;
  let next = 0;
  counts.forEach((count, index) => {
    for (let i = 0; i < count; i++) codes.set(symbols[next++], { code: code++, length: index + 1 });
    code <<= 1;
  });
  return codes;
}

class BitWriter {
  private readonly bytes: number[] = [];
  private current = 0;
  private used = 0;

  write(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.current = (this.current << 1) | ((value >> i) & 1);
      if (++this.used === 8) this.flushByte();
    }
  }

  finish(): Buffer {
    // Pad the last byte with 1 bits, as the standard asks.
    while (this.used !== 0) this.write(1, 1);
    return Buffer.from(this.bytes);
  }

  private flushByte(): void {
    this.bytes.push(this.current);
    if (this.current === 0xff) this.bytes.push(0x00); // byte stuffing
    this.current = 0;
    this.used = 0;
  }
}
