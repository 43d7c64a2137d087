// Who is signed in (GET /api/me), loaded once per page.

import { api } from '../shared/api';

export interface Me {
  id: string;
  displayName: string | null;
  kind: 'Person' | 'Client' | string;
  roles: string[];
  groups: string[];
  tenants: string[];
  tenant: string;
}

let me: Promise<Me> | null = null;

export function loadMe(): Promise<Me> {
  me ??= api.get<Me>('/api/me');
  return me;
}

export function displayName(user: Me): string {
  return user.displayName || user.id;
}
