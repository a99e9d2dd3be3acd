import sharp from 'sharp';

export interface DemoPhotoOptions {
  label: string;
  /** Start and end colour of the diagonal gradient (CSS colours). */
  colours: readonly [string, string];
  /** Which photo of how many, e.g. 2 of 3: printed under the label and turning the gradient. */
  index: number;
  count: number;
  width?: number;
  height?: number;
}

const escapeXml = (text: string) =>
  text.replace(
    /[<>&'"]/g,
    (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[char]!,
  );

/**
 * A stand-in photo: a gradient with a label, as a JPEG the listings service accepts (its sides well above the
 * 320 px minimum). Drawn from SVG by sharp, so demo data needs no image files in the repository.
 */
export async function demoPhoto(options: DemoPhotoOptions): Promise<Buffer> {
  const { label, colours, index, count, width = 1200, height = 800 } = options;
  const [from, to] = colours;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <defs>
    <linearGradient id="g" gradientTransform="rotate(${(index * 55) % 360}, 0.5, 0.5)">
      <stop offset="0" stop-color="${escapeXml(from)}"/>
      <stop offset="1" stop-color="${escapeXml(to)}"/>
    </linearGradient>
  </defs>
  <rect width="100%" height="100%" fill="url(#g)"/>
  <text x="50%" y="47%" font-family="sans-serif" font-size="${Math.round(height / 11)}" font-weight="bold"
    fill="#ffffff" fill-opacity="0.92" text-anchor="middle">${escapeXml(label)}</text>
  <text x="50%" y="60%" font-family="sans-serif" font-size="${Math.round(height / 20)}"
    fill="#ffffff" fill-opacity="0.85" text-anchor="middle">${index} / ${count}</text>
</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}
