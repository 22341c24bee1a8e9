import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { Lightbox } from '@/features/messages/components/lightbox';
import { fitSize } from '@/features/messages/utils/fit-size';

describe('fitSize', () => {
  it('scales a small image up to the box, keeping its aspect ratio', () => {
    expect(fitSize({ width: 160, height: 100 }, { width: 920, height: 840 })).toEqual({ width: 920, height: 575 });
    expect(fitSize({ width: 100, height: 160 }, { width: 920, height: 800 })).toEqual({ width: 500, height: 800 });
  });

  it('scales a large image down to the box', () => {
    expect(fitSize({ width: 4000, height: 3000 }, { width: 800, height: 800 })).toEqual({ width: 800, height: 600 });
  });

  it('gives up on unknown sizes', () => {
    expect(fitSize({ width: 0, height: 0 }, { width: 800, height: 600 })).toBeNull();
  });
});

describe('Lightbox', () => {
  it('shows a 160×100 photo scaled up to fit the viewport once it has loaded', () => {
    vi.spyOn(window, 'innerWidth', 'get').mockReturnValue(1000);
    vi.spyOn(window, 'innerHeight', 'get').mockReturnValue(1000);
    render(<Lightbox src="/api/media/f1" alt="Photo" onClose={() => {}} />);
    const image = screen.getByRole('img', { name: 'Photo' });
    Object.defineProperty(image, 'naturalWidth', { value: 160 });
    Object.defineProperty(image, 'naturalHeight', { value: 100 });
    fireEvent.load(image);
    // 92 % of the width (920 px) limits it: 920 × 575, the photo's 16:10.
    expect(image.style.width).toBe('920px');
    expect(image.style.height).toBe('575px');
  });
});
