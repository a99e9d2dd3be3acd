import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { badRequest } from '@kvartirnsk/lib/problem';

/**
 * Where photo files live. Local disk for development and single-host deployments; an S3 adapter implements
 * the same three calls (keys are flat file names).
 */
export interface PhotoStorage {
  save(name: string, data: Buffer): Promise<void>;
  /** The file's bytes, or undefined when there is no such file. */
  read(name: string): Promise<Buffer | undefined>;
  remove(name: string): Promise<void>;
}

/** Names photo files get; nothing else is read or written, so a name cannot walk out of the directory. */
export const PHOTO_FILE_PATTERN = /^[0-9a-f-]{36}(-thumb)?\.webp$/;

export class LocalPhotoStorage implements PhotoStorage {
  constructor(private readonly dir: string) {}

  private pathOf(name: string): string {
    if (!PHOTO_FILE_PATTERN.test(name)) throw new Error(`Not a photo file name: ${name}`);
    return path.join(this.dir, name);
  }

  async save(name: string, data: Buffer): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFile(this.pathOf(name), data);
  }

  async read(name: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.pathOf(name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async remove(name: string): Promise<void> {
    await rm(this.pathOf(name), { force: true });
  }
}

export const PHOTO_FIELD = 'photo';
const ACCEPTED_FORMATS = ['jpeg', 'png', 'webp'];
const MIN_SIDE = 320;
/** Decoding a small file can still claim a huge canvas (a decompression bomb); refuse those up front. */
const MAX_INPUT_PIXELS = 40_000_000;
const FULL_SIZE = 2048;
const THUMBNAIL = { width: 480, height: 360 };

export const photoProblem = (detail: string) =>
  badRequest(`${PHOTO_FIELD}: ${detail}`, [{ field: PHOTO_FIELD, pointer: `/${PHOTO_FIELD}`, detail }]);

export interface ProcessedPhoto {
  full: Buffer;
  thumbnail: Buffer;
  width: number;
  height: number;
}

/**
 * Decodes the upload to prove it is an image (whatever its declared type), then re-encodes it as WebP: a
 * bounded full size and a thumbnail, upright, with metadata such as the camera's GPS position stripped.
 */
export async function processPhoto(data: Buffer): Promise<ProcessedPhoto> {
  const decode = () => sharp(data, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }).rotate();
  let metadata: Metadata;
  try {
    metadata = await sharp(data, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
  } catch {
    throw photoProblem('is not an image; upload a JPEG, PNG or WebP photo');
  }
  if (!ACCEPTED_FORMATS.includes(metadata.format)) {
    throw photoProblem(`is ${metadata.format}; upload a JPEG, PNG or WebP photo`);
  }
  if (Math.min(metadata.width, metadata.height) < MIN_SIDE) {
    throw photoProblem(
      `is ${metadata.width}×${metadata.height} pixels; each side needs at least ${MIN_SIDE}`,
    );
  }
  try {
    const full = await decode()
      .resize({ width: FULL_SIZE, height: FULL_SIZE, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 82 })
      .toBuffer({ resolveWithObject: true });
    const thumbnail = await decode()
      .resize({ ...THUMBNAIL, fit: 'cover' })
      .webp({ quality: 75 })
      .toBuffer();
    return { full: full.data, thumbnail, width: full.info.width, height: full.info.height };
  } catch {
    throw photoProblem('could not be decoded; the file may be damaged or cut short');
  }
}
