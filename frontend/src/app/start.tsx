import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from '@/app/app';
import { useAuthStore, type AuthStatus } from '@/stores/auth-store';

export { preloadWhileIdle } from '@/app/app';

/** React's part of the start (src/main.ts loads this chunk when it is needed): the app, rendered
 * into `root` in place of the plain login screen, with the status the start already knows. */
export function startApp(root: HTMLElement, status: AuthStatus): void {
  useAuthStore.getState().setStatus(status);
  root.replaceChildren();
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
