import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Me } from './api/types';

export interface Session {
  me: Me;
  /** Change cameras, zones, sessions, reports, alert rules (operators and admins). */
  canOperate: boolean;
  /** Users, API keys, settings. */
  isAdmin: boolean;
  logout(): void;
}

export function sessionOf(me: Me, logout: () => void): Session {
  const admin = me.kind === 'user' ? me.role === 'admin' : me.scopes.includes('admin');
  return { me, isAdmin: admin, canOperate: admin || (me.kind === 'user' && me.role === 'operator'), logout };
}

export const SessionCtx = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const s = useContext(SessionCtx);
  if (!s) throw new Error('useSession outside a signed-in page');
  return s;
}
