import { screen, waitFor } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, json, mockFetch } from '@/testing/mock-fetch';
import { showPlainLogin, WARM_UP_AFTER_MS } from '@/features/auth/boot/plain-login';

function mount() {
  const root = document.createElement('div');
  root.textContent = 'Connecting…';
  document.body.append(root);
  const hooks = { warmUp: vi.fn(), signedIn: vi.fn() };
  const dispose = showPlainLogin(root, hooks);
  return { root, hooks, dispose };
}

afterEach(() => {
  document.body.replaceChildren();
  vi.useRealTimers();
});

describe('plain login screen', () => {
  it('replaces the start screen with a focused password form whose button waits for a password', () => {
    const { root } = mount();
    expect(root.textContent).not.toContain('Connecting…');
    const input = screen.getByLabelText('Password');
    expect(document.activeElement).toBe(input);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Sign in' }).disabled).toBe(true);
    expect(screen.getByRole('form', { name: 'DeepLens-Connect' }).contains(input)).toBe(true);
  });

  it('signs in with the typed password and warms the app up once, at the first keystroke', async () => {
    const { calls } = mockFetch({ 'POST /api/auth/login': () => json({ ok: true }) });
    const { hooks } = mount();
    await userEvent.type(screen.getByLabelText('Password'), 'secret');
    expect(hooks.warmUp).toHaveBeenCalledTimes(1);
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(hooks.signedIn).toHaveBeenCalledTimes(1));
    expect(calls.map((call) => [call.method, call.url.pathname, call.body])).toEqual([
      ['POST', '/api/auth/login', { password: 'secret' }],
    ]);
    expect(hooks.warmUp).toHaveBeenCalledTimes(1);
  });

  it('shows the reason and lets the visitor try again when the password is refused', async () => {
    mockFetch({ 'POST /api/auth/login': () => apiError(401, 'unauthorized', 'Wrong password.') });
    const { hooks } = mount();
    await userEvent.type(screen.getByLabelText('Password'), 'nope');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Wrong password.');
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Sign in' }).disabled).toBe(false);
    expect(hooks.signedIn).not.toHaveBeenCalled();
  });

  it('warms the app up when the page has been idle a while, even without a keystroke', () => {
    vi.useFakeTimers();
    const { hooks } = mount();
    vi.advanceTimersByTime(WARM_UP_AFTER_MS - 1);
    expect(hooks.warmUp).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(hooks.warmUp).toHaveBeenCalledTimes(1);
  });
});
