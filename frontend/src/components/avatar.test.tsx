import { fireEvent, render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Avatar } from '@/components/avatar';

describe('Avatar', () => {
  it('shows the initials alone when there is no picture', () => {
    const { container } = render(<Avatar name="Anna Schmidt" seed="a@s.whatsapp.net" size={36} />);
    const avatar = container.querySelector('.avatar') as HTMLElement;
    expect(avatar.textContent).toBe('AS');
    expect(avatar.querySelector('img')).toBeNull();
    expect([avatar.style.width, avatar.style.height]).toEqual(['36px', '36px']);
  });

  it('loads the picture lazily over the initials at the avatar size (nothing moves when it arrives)', () => {
    const { container } = render(<Avatar name="Family" seed="g@g.us" size={36} src="/api/pictures/g@g.us?v=17" />);
    const picture = container.querySelector('img') as HTMLImageElement;
    expect(picture.getAttribute('src')).toBe('/api/pictures/g@g.us?v=17');
    expect(picture.getAttribute('loading')).toBe('lazy');
    expect([picture.getAttribute('width'), picture.getAttribute('height')]).toEqual(['36', '36']);
    expect(picture.alt).toBe(''); // decorative: the name is said next to it
    expect(container.querySelector('.avatar')?.textContent).toBe('F');
  });

  it('falls back to the initials when the picture fails, and tries a new picture again', () => {
    const { container, rerender } = render(<Avatar name="Bob" seed="b" src="/api/pictures/b?v=1" />);
    fireEvent.error(container.querySelector('img') as HTMLImageElement);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('.avatar')?.textContent).toBe('B');
    rerender(<Avatar name="Bob" seed="b" src="/api/pictures/b?v=2" />);
    expect(container.querySelector('img')?.getAttribute('src')).toBe('/api/pictures/b?v=2');
  });
});
