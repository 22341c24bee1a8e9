import { useState } from 'react';
import { scopedUrl } from '@/lib/api-client';
import type { MediaInfo, Message } from '@/lib/api-types';
import { formatBytes, formatDuration } from '@/lib/format';
import { Lightbox } from '@/features/messages/components/lightbox';

const STATUS_TEXT: Record<string, string> = {
  pending: 'Downloading media…',
  failed: 'Media download failed',
  unavailable: 'Media no longer available on WhatsApp',
  skipped: 'Media not downloaded (auto-download is off)',
};

export function MediaNotice({ media }: { media: MediaInfo | null }) {
  const status = media?.status ?? 'unavailable';
  return (
    <div className={`media-notice media-${status}`} role="note">
      {status === 'failed' ? '⚠ ' : ''}
      {STATUS_TEXT[status] ?? 'Media not stored'}
    </div>
  );
}

/** The media's URLs for the account shown (the API's own URLs name no account). */
function scopedMedia(media: MediaInfo | null): MediaInfo | null {
  return media && { ...media, url: scopedUrl(media.url), thumbnail_url: scopedUrl(media.thumbnail_url) };
}

/** Fits the image into a fixed box so the virtualized list can size the row before it loads. */
function boxOf(media: MediaInfo, max = 280): { width: number; height: number } {
  const width = media.width ?? 4;
  const height = media.height ?? 3;
  const scale = Math.min(max / width, max / height, 1.5);
  return { width: Math.max(120, Math.round(width * scale)), height: Math.max(80, Math.round(height * scale)) };
}

export function ImageContent({ message }: { message: Message }) {
  const media = scopedMedia(message.media);
  const [loaded, setLoaded] = useState(false);
  const [open, setOpen] = useState(false);
  if (!media || (!media.url && !media.thumbnail_url)) return <MediaNotice media={media} />;
  const box = boxOf(media);
  const alt = message.text ?? 'Photo';
  return (
    <>
      <button
        type="button"
        className="media-frame"
        style={box}
        onClick={() => media.url && setOpen(true)}
        aria-label="Open photo"
        disabled={!media.url}
      >
        {media.thumbnail_url && !loaded && <img className="media-thumb" src={media.thumbnail_url} alt="" />}
        {media.url && (
          <img
            className={loaded ? 'media-full' : 'media-full loading'}
            src={media.url}
            alt={alt}
            loading="lazy"
            onLoad={() => setLoaded(true)}
          />
        )}
      </button>
      {!media.url && <MediaNotice media={media} />}
      {open && media.url && <Lightbox src={media.url} alt={alt} onClose={() => setOpen(false)} />}
    </>
  );
}

export function VideoContent({ media: raw }: { media: MediaInfo | null }) {
  const media = scopedMedia(raw);
  if (!media?.url) return <MediaNotice media={media} />;
  return (
    <video
      className="media-video"
      controls
      preload="none"
      poster={media.thumbnail_url ?? undefined}
      src={media.url}
      style={boxOf(media)}
    >
      <track kind="captions" />
    </video>
  );
}

export function AudioContent({ media: raw, voice }: { media: MediaInfo | null; voice: boolean }) {
  const media = scopedMedia(raw);
  if (!media?.url) return <MediaNotice media={media} />;
  return (
    <div className="media-audio">
      <span aria-hidden="true">{voice ? '🎤' : '🎵'}</span>
      <audio controls preload="none" src={media.url} aria-label={voice ? 'Voice message' : 'Audio'} />
      <span className="muted small">{formatDuration(media.duration_s)}</span>
    </div>
  );
}

export function DocumentContent({ media: raw }: { media: MediaInfo | null }) {
  const media = scopedMedia(raw);
  const name = media?.file_name ?? 'Document';
  const details = [media?.mime, formatBytes(media?.size ?? null)].filter(Boolean).join(' · ');
  return (
    <div className="media-document">
      <span className="doc-icon" aria-hidden="true">
        📄
      </span>
      <div className="doc-body">
        {media?.url ? (
          // A new tab: PDFs show in the browser's viewer; the API sends any other type as a download.
          <a
            className="doc-name"
            href={media.url}
            target="_blank"
            rel="noopener noreferrer"
            aria-label={`Open ${name}`}
          >
            {name}
          </a>
        ) : (
          <span className="doc-name">{name}</span>
        )}
        <span className="muted small">{details}</span>
      </div>
      {media?.url ? (
        <a className="doc-download" href={media.url} download={name} aria-label={`Download ${name}`}>
          ⬇
        </a>
      ) : (
        <MediaNotice media={media} />
      )}
    </div>
  );
}

export function StickerContent({ media: raw }: { media: MediaInfo | null }) {
  const media = scopedMedia(raw);
  const src = media?.url ?? media?.thumbnail_url;
  if (!src) return <MediaNotice media={media} />;
  return <img className="sticker" src={src} alt="Sticker" width={160} height={160} loading="lazy" />;
}
