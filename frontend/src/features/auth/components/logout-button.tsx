import { useAuthStore } from '@/stores/auth-store';
import { logout } from '@/features/auth/api/auth-api';

export function LogoutButton() {
  const setStatus = useAuthStore((state) => state.setStatus);
  async function signOut() {
    try {
      await logout();
    } finally {
      setStatus('anonymous');
    }
  }
  return (
    <button type="button" className="ghost" onClick={signOut}>
      Sign out
    </button>
  );
}
