import type { Account } from '@/stores/account-store';

export type DotTone = 'ok' | 'busy' | 'link' | 'error' | 'off';

const TONES: Record<string, DotTone> = {
  connected: 'ok',
  starting: 'busy',
  paired: 'busy',
  connecting: 'busy',
  reconnecting: 'busy',
  waiting_for_qr: 'link',
  logged_out: 'link',
  offline: 'error',
  failed: 'error',
  replaced: 'error',
  outdated: 'error',
};

const LABELS: Record<string, string> = {
  connected: 'connected',
  starting: 'starting',
  paired: 'paired, connecting',
  connecting: 'connecting',
  reconnecting: 'reconnecting',
  waiting_for_qr: 'not linked',
  logged_out: 'logged out',
  offline: 'offline',
  failed: 'failed',
  replaced: 'replaced by another connector',
  outdated: 'client outdated',
  unknown: 'no report yet',
};

type AccountState = Pick<Account, 'state' | 'connection'>;

/** An account's state in a word or two: paused, else its connector's. */
export function stateLabel(account: AccountState): string {
  if (account.state === 'paused') return 'paused';
  return LABELS[account.connection] ?? account.connection;
}

export function stateTone(account: AccountState): DotTone {
  if (account.state === 'paused') return 'off';
  return TONES[account.connection] ?? 'off';
}

/** The coloured dot of an account's state, its words for screen readers and as a tooltip. */
export function StateDot({ account }: { account: AccountState }) {
  const label = stateLabel(account);
  return <span className="state-dot" data-tone={stateTone(account)} role="img" aria-label={label} title={label} />;
}
