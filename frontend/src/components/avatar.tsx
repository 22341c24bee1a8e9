import { useState } from 'react';
import { scopedUrl } from '@/lib/api-client';
import { initials } from '@/lib/format';

const HUES = 12;

function hueOf(seed: string): number {
  let hash = 0;
  for (const char of seed) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return (hash % HUES) * (360 / HUES);
}

interface AvatarProps {
  name: string;
  seed: string;
  size?: number;
  /** The profile picture (`avatar_url` of the API); none, or one that fails to load: the initials. */
  src?: string | null;
}

/** A round avatar of a fixed size: the initials on a colour of the seed, the picture (when there is
 * one) loaded lazily over them, so nothing moves when it arrives or fails. */
export function Avatar({ name, seed, size = 40, src }: AvatarProps) {
  const [failed, setFailed] = useState<string | null>(null);
  const picture = src && failed !== src ? scopedUrl(src) : null; // the account shown: its URL names none
  return (
    <span
      className="avatar"
      aria-hidden="true"
      style={{ width: size, height: size, fontSize: size * 0.38, backgroundColor: `hsl(${hueOf(seed)} 45% 45%)` }}
    >
      {initials(name)}
      {picture && (
        <img
          className="avatar-picture"
          src={picture}
          alt=""
          width={size}
          height={size}
          loading="lazy"
          decoding="async"
          onError={() => setFailed(src ?? null)}
        />
      )}
    </span>
  );
}
