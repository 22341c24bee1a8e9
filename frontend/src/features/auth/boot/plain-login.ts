import { errorMessage } from '@/lib/api-client';
import { login } from '@/features/auth/api/auth-api';

// The first screen of a signed-out visit, in plain DOM: it needs neither React nor react-dom, so the
// page is interactive after a few kilobytes of script. The same markup and classes as LoginScreen
// (which React shows after a sign-out). React starts when the visitor types, or once the page has
// been idle for WARM_UP_AFTER_MS; its start-up is then no part of the first paint.

export const WARM_UP_AFTER_MS = 1500;

export interface PlainLoginHooks {
  /** Called once: start loading the app (first keystroke, or the page idle for a while). */
  warmUp: () => void;
  /** The password was accepted. */
  signedIn: () => void;
}

function element(tag: string, className: string, text = ''): HTMLElement {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.textContent = text;
  return node;
}

/** Renders the login form into `root` (replacing what is there); returns a function removing its timer. */
export function showPlainLogin(root: HTMLElement, hooks: PlainLoginHooks): () => void {
  const title = element('h1', '', 'DeepLens-Connect');
  title.id = 'login-title';
  const intro = element('p', 'muted', 'Your WhatsApp archive. Sign in with the admin password.');
  const label = document.createElement('label');
  label.htmlFor = 'password';
  label.textContent = 'Password';
  const input = document.createElement('input');
  Object.assign(input, { id: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const alert = element('p', 'error-text');
  alert.setAttribute('role', 'alert');
  alert.hidden = true;
  const button = document.createElement('button');
  Object.assign(button, { type: 'submit', className: 'primary', textContent: 'Sign in', disabled: true });
  const form = element('form', 'login-card');
  form.setAttribute('aria-labelledby', 'login-title');
  form.append(title, intro, label, input, alert, button);
  const main = element('main', 'login');
  main.append(form);
  root.replaceChildren(main);
  input.focus();

  let warmed = false;
  const warmUp = () => {
    if (warmed) return;
    warmed = true;
    window.clearTimeout(timer);
    hooks.warmUp();
  };
  const timer = window.setTimeout(warmUp, WARM_UP_AFTER_MS);
  let busy = false;
  input.addEventListener('input', () => {
    warmUp();
    button.disabled = busy || input.value === '';
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (busy || input.value === '') return;
    busy = true;
    button.disabled = true;
    button.textContent = 'Signing in…';
    alert.hidden = true;
    warmUp();
    login(input.value).then(
      () => hooks.signedIn(),
      (error: unknown) => {
        busy = false;
        alert.textContent = errorMessage(error);
        alert.hidden = false;
        button.textContent = 'Sign in';
        button.disabled = input.value === '';
      },
    );
  });
  return () => window.clearTimeout(timer);
}
