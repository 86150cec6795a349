import { imageView, largestFallbackPath, shareVariant, type StoredImage } from '../../../src/common/web/image-view.js';
import { croppedSize, dimensionsProblem, fallbackFormat, LOGO_RULES, parseImageName, sizeProblem, variantWidths } from '../../../src/storage/image-rules.js';

const ID = '0b7f0c1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f';

describe('image rules', () => {
  it('writes the widths below the image and its own width, never enlarging it', () => {
    expect(variantWidths(1200, [128, 256, 512])).toEqual([128, 256, 512]);
    expect(variantWidths(300, [128, 256, 512])).toEqual([128, 256, 300]);
    expect(variantWidths(256, [128, 256, 512])).toEqual([128, 256]);
    expect(variantWidths(40, [128, 256, 512])).toEqual([40]);
  });

  it('refuses too heavy a file and too large a picture, naming the limit', () => {
    expect(sizeProblem(LOGO_RULES.maxBytes, LOGO_RULES)).toBeNull();
    expect(sizeProblem(LOGO_RULES.maxBytes + 1, LOGO_RULES)).toEqual({ key: 'validation.imageTooLarge', values: { maxMb: 2 } });
    expect(dimensionsProblem(6000, 4000, LOGO_RULES)).toBeNull();
    expect(dimensionsProblem(6001, 10, LOGO_RULES)).toEqual({ key: 'validation.imageDimensions', values: { maxSide: 6000 } });
    expect(dimensionsProblem(6000, 6000, LOGO_RULES)?.key).toBe('validation.imageDimensions');
    expect(dimensionsProblem(0, 10, LOGO_RULES)?.key).toBe('validation.image');
  });

  it('keeps PNG for what may be flat colours or transparent, JPEG for photographs', () => {
    expect(fallbackFormat('png', false)).toBe('png');
    expect(fallbackFormat('gif', false)).toBe('png');
    expect(fallbackFormat('jpeg', false)).toBe('jpeg');
    expect(fallbackFormat('webp', true)).toBe('png');
    expect(fallbackFormat('webp', false)).toBe('jpeg');
  });

  it('reads back only the names it writes', () => {
    expect(parseImageName(`${ID}.webp`)).toEqual({ fileId: ID, format: 'webp' });
    expect(parseImageName(`${ID}.jpg`)).toEqual({ fileId: ID, format: 'jpeg' });
    expect(parseImageName(`${ID}.svg`)).toBeNull();
    expect(parseImageName(`${ID.toUpperCase()}.png`)).toBeNull();
    expect(parseImageName('../etc/passwd.png')).toBeNull();
  });

  it('fits an image in a box and picks the fallback nearest twice the shown width', () => {
    const v = (format: 'webp' | 'png', width: number) => ({
      fileId: ID,
      path: `/images/${width}.${format}`,
      format,
      contentType: `image/${format}`,
      width,
      height: width / 4,
      bytes: 1,
    });
    const logo: StoredImage = {
      width: 1200,
      height: 300,
      variants: [v('webp', 128), v('png', 128), v('webp', 256), v('png', 256), v('webp', 512), v('png', 512)],
    };
    expect(imageView(logo, '/t/city', 40, 200)).toEqual({
      src: '/t/city/images/512.png',
      webpSrcset: '/t/city/images/128.webp 128w, /t/city/images/256.webp 256w, /t/city/images/512.webp 512w',
      fallbackSrcset: '/t/city/images/128.png 128w, /t/city/images/256.png 256w, /t/city/images/512.png 512w',
      sizes: '160px',
      width: 160,
      height: 40,
    });
    // A wide logo is held by the width.
    expect(imageView(logo, '', 80, 100)).toMatchObject({ width: 100, height: 25, src: '/images/256.png' });
    expect(imageView(null, '', 40, 200)).toBeNull();
    expect(imageView({ width: 10, height: 10, variants: [] }, '', 40, 200)).toBeNull();
    expect(largestFallbackPath(logo)).toBe('/images/512.png');
  });

  it('crops a cover to 16:9 around its centre, whatever its shape, and keeps a picture whole without a ratio', () => {
    expect(croppedSize(2000, 1500, 16 / 9)).toEqual({ width: 2000, height: 1125 });
    expect(croppedSize(4000, 1000, 16 / 9)).toEqual({ width: 1778, height: 1000 });
    expect(croppedSize(1600, 900, 16 / 9)).toEqual({ width: 1600, height: 900 });
    expect(croppedSize(1, 1, 16 / 9)).toEqual({ width: 1, height: 1 });
    expect(croppedSize(600, 800, undefined)).toEqual({ width: 600, height: 800 });
  });

  it('gives a share card the PNG/JPEG rendition at least 1200 px wide, else the largest', () => {
    const v = (format: 'webp' | 'jpeg', width: number) => ({
      fileId: ID,
      path: `/images/${width}.${format}`,
      format,
      contentType: '',
      width,
      height: Math.round((width * 9) / 16),
      bytes: 1,
    });
    const cover: StoredImage = { width: 1600, height: 900, variants: [v('webp', 1200), v('jpeg', 800), v('jpeg', 1200), v('jpeg', 1600)] };
    expect(shareVariant(cover, 1200)?.path).toBe('/images/1200.jpeg');
    expect(shareVariant({ ...cover, variants: [v('jpeg', 400), v('jpeg', 800)] }, 1200)?.path).toBe('/images/800.jpeg');
    expect(shareVariant(null, 1200)).toBeNull();
  });
});
