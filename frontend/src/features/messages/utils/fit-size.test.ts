import { describe, expect, it } from 'vitest';
import { fitSize } from '@/features/messages/utils/fit-size';

describe('fitSize', () => {
  it('scales a small image up until one side meets the box, keeping its aspect ratio', () => {
    expect(fitSize({ width: 160, height: 100 }, { width: 920, height: 840 })).toEqual({ width: 920, height: 575 });
  });

  it('scales a large image down to the tighter side', () => {
    expect(fitSize({ width: 4000, height: 3000 }, { width: 800, height: 800 })).toEqual({ width: 800, height: 600 });
    expect(fitSize({ width: 1000, height: 4000 }, { width: 800, height: 800 })).toEqual({ width: 200, height: 800 });
  });

  it('rounds down, never past the box', () => {
    const fitted = fitSize({ width: 3, height: 7 }, { width: 100, height: 100 });
    expect(fitted).toEqual({ width: 42, height: 100 });
  });

  it('is null when either size is unknown (zero or negative)', () => {
    expect(fitSize({ width: 0, height: 100 }, { width: 100, height: 100 })).toBeNull();
    expect(fitSize({ width: 100, height: 100 }, { width: 100, height: -1 })).toBeNull();
  });
});
