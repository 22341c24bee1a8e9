import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { resetAccountStore } from '@/stores/account-store';
import { resetAuthStore } from '@/stores/auth-store';
import { resetNavigationStore } from '@/stores/navigation-store';
import { resetAdminFilterStore } from '@/features/admin/stores/admin-filter-store';
import { resetChatFilterStore } from '@/features/chats/stores/chat-filter-store';
import { resetSearchStore } from '@/features/search/stores/search-store';

// Stores are module singletons: reset every one after each test so tests do not leak UI state.
afterEach(() => {
  cleanup();
  resetAccountStore();
  resetAuthStore();
  resetNavigationStore();
  resetAdminFilterStore();
  resetChatFilterStore();
  resetSearchStore();
});
