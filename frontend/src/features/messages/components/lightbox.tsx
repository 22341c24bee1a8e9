import { useCallback, useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { fitSize, type Size } from '@/features/messages/utils/fit-size';

interface LightboxProps {
  src: string;
  alt: string;
  onClose: () => void;
}

/** The part of the viewport the image may fill (as the CSS max-width / max-height). */
const viewportBox = (): Size => ({ width: window.innerWidth * 0.92, height: window.innerHeight * 0.84 });

export function Lightbox({ src, alt, onClose }: LightboxProps) {
  const closeRef = useRef<HTMLButtonElement>(null);
  const imageRef = useRef<HTMLImageElement>(null);
  const [size, setSize] = useState<Size | null>(null);
  /** Scales the image to fit the viewport, up as well as down, keeping its aspect ratio. */
  const fit = useCallback(() => {
    const image = imageRef.current;
    if (image) setSize(fitSize({ width: image.naturalWidth, height: image.naturalHeight }, viewportBox()));
  }, []);
  useEffect(() => {
    closeRef.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('resize', fit);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('resize', fit);
    };
  }, [onClose, fit]);
  return createPortal(
    <div className="lightbox" role="dialog" aria-modal="true" aria-label={alt} onClick={onClose}>
      <img
        ref={imageRef}
        src={src}
        alt={alt}
        onLoad={fit}
        style={size ? { width: size.width, height: size.height } : undefined}
        onClick={(event) => event.stopPropagation()}
      />
      <div className="lightbox-actions">
        <a href={src} target="_blank" rel="noopener noreferrer" onClick={(event) => event.stopPropagation()}>
          Open original
        </a>
        <button ref={closeRef} type="button" className="ghost" onClick={onClose}>
          Close
        </button>
      </div>
    </div>,
    document.body,
  );
}
