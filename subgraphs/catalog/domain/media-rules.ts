import { DomainError } from '../../../platform/errors';
import type { MediaKind } from '../entities';
import { CatalogErrorCode } from '../errors';

export interface MediaInput {
  url: string;
  alt?: string | null;
  kind?: MediaKind | null;
  width?: number | null;
  height?: number | null;
}

const IMAGE_TYPES = ['jpg', 'jpeg', 'png', 'webp', 'avif', 'gif'];
/** Video links go to a host that streams them; files only in these types. */
const VIDEO_TYPES = ['mp4', 'webm'];
const VIDEO_HOSTS = ['youtube.com', 'www.youtube.com', 'youtu.be', 'vimeo.com', 'player.vimeo.com'];
const MAX_PIXELS = 20_000;

/**
 * An image is an https URL of an image type (by its extension: what the storefront's
 * <img> gets); a video a file of a video type or a link to a video host. Alt text is
 * what screen readers say, at most 300 characters.
 */
export interface CheckedMedia {
  url: string;
  alt: string;
  kind: MediaKind;
  width: number | null;
  height: number | null;
}

export function checkMedia(input: MediaInput): CheckedMedia {
  const kind = input.kind ?? 'IMAGE';
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw new DomainError(CatalogErrorCode.MEDIA_URL_INVALID, 'url is not a URL', ['url']);
  }
  if (url.protocol !== 'https:' || input.url.length > 2000)
    throw new DomainError(CatalogErrorCode.MEDIA_URL_INVALID, 'url is an https URL', ['url']);
  const extension = /\.([a-z0-9]+)$/i.exec(url.pathname)?.[1]?.toLowerCase() ?? '';
  const typeOk =
    kind === 'IMAGE'
      ? IMAGE_TYPES.includes(extension)
      : VIDEO_TYPES.includes(extension) || VIDEO_HOSTS.includes(url.hostname);
  if (!typeOk) {
    throw new DomainError(
      CatalogErrorCode.MEDIA_TYPE_INVALID,
      kind === 'IMAGE'
        ? `An image is one of ${IMAGE_TYPES.join(', ')}`
        : `A video is ${VIDEO_TYPES.join(' or ')}, or a link to ${VIDEO_HOSTS.join(', ')}`,
      ['url'],
    );
  }
  const alt = (input.alt ?? '').trim();
  // eslint-disable-next-line no-control-regex
  if (alt.length > 300 || /[\u0000-\u001f\u007f]/.test(alt))
    throw new DomainError(CatalogErrorCode.INVALID_TEXT, 'alt is at most 300 characters', ['alt']);
  for (const side of ['width', 'height'] as const) {
    const value = input[side];
    if (value != null && (!Number.isInteger(value) || value < 1 || value > MAX_PIXELS))
      throw new DomainError(
        CatalogErrorCode.MEDIA_TOO_LARGE,
        `${side} is 1 to ${MAX_PIXELS} pixels`,
        [side],
      );
  }
  return {
    url: url.toString(),
    alt,
    kind,
    width: input.width ?? null,
    height: input.height ?? null,
  };
}
