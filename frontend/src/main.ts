import '@/app/styles.css';
import { sessionStatus } from '@/features/auth/api/session';
import { showPlainLogin } from '@/features/auth/boot/plain-login';

// The start needs no React: the session check, then either the plain login screen (React loads
// while the visitor types) or, for a signed-in visit, the app at once. React's start-up is never in
// the first paint of a signed-out visit (issue #17 item 5: no long task over 50 ms at app load).
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
const page: HTMLElement = root;
const loadApp = () => import('@/app/start');

void sessionStatus().then((status) => {
  if (status === 'authenticated') {
    void loadApp().then((app) => app.startApp(page, status));
    return;
  }
  showPlainLogin(page, {
    warmUp: () => void loadApp().then((app) => app.preloadWhileIdle()),
    // The cookie is set: if the app's chunks cannot be loaded now (a new release replaced them), a
    // reload starts the signed-in app from the new index.html.
    signedIn: () =>
      void loadApp().then(
        (app) => app.startApp(page, 'authenticated'),
        () => window.location.reload(),
      ),
  });
});
