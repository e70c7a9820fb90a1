/**
 * The admin domain over the Auth HTTP API (CONTRACT.md): accounts (admin only) and sessions
 * (an admin sees everyone's, others their own). Every call rejects with ApiError only.
 */
import type { ApiClient } from './auth/api.ts';
import type { Role } from './auth/stored-session.ts';

/** GET /api/users, per user (bridge/src/auth/accounts.ts UserInfo). Times in ms since epoch. */
export interface UserInfo {
  user: string;
  role: Role;
  /** false for npm start's local user, who logs in by one-time link only. */
  hasPassword: boolean;
  createdAt: number;
  updatedAt: number;
}

/** GET /api/sessions, per session. Times in ms since epoch. */
export interface SessionInfo {
  id: string;
  user: string;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
  /** The session making this request. */
  current: boolean;
}

export interface AdminApi {
  users(): Promise<UserInfo[]>;
  addUser(user: string, password: string, role: Role): Promise<void>;
  /** Sets a new password and/or role; either ends that user's other sessions on the bridge. */
  changeUser(user: string, changes: { password?: string; role?: Role }): Promise<void>;
  deleteUser(user: string): Promise<void>;
  sessions(): Promise<SessionInfo[]>;
  revokeSession(id: string): Promise<void>;
}

export function makeAdminApi(api: ApiClient): AdminApi {
  const u = (name: string) => `/api/users/${encodeURIComponent(name)}`;
  return {
    users: () => api.request<UserInfo[]>('GET', '/api/users'),
    addUser: async (user, password, role) => {
      await api.request('POST', '/api/users', { user, password, role });
    },
    changeUser: async (user, changes) => {
      await api.request('PATCH', u(user), changes);
    },
    deleteUser: async (user) => {
      await api.request('DELETE', u(user));
    },
    sessions: () => api.request<SessionInfo[]>('GET', '/api/sessions'),
    revokeSession: async (id) => {
      await api.request('DELETE', `/api/sessions/${encodeURIComponent(id)}`);
    },
  };
}
