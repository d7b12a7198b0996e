import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import {
  AdminStaffLoginDocument,
  AdminStaffMeDocument,
  createCommerceClient,
  LogoutDocument,
  RefreshDocument,
  type AdminStaffFieldsFragment,
  type CommerceClient,
} from '../../../sdk';
import { graphqlUrl } from './config';

/**
 * The staff session: tokens in sessionStorage (this tab only, gone with it), the access
 * token renewed a minute before it expires and whenever the router says UNAUTHENTICATED.
 */
interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
}

const KEY = 'admin.session';
const anonymous = createCommerceClient({ url: graphqlUrl });

function stored(): Tokens | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Tokens) : null;
  } catch {
    return null;
  }
}

function store(tokens: Tokens | null): void {
  if (tokens) sessionStorage.setItem(KEY, JSON.stringify(tokens));
  else sessionStorage.removeItem(KEY);
}

let current: Tokens | null = stored();
let renewing: Promise<string | null> | null = null;

/** One renewal at a time; a refused refresh token ends the session. */
function renew(onExpired: () => void): Promise<string | null> {
  renewing ??= (async () => {
    try {
      if (!current) return null;
      const { refresh } = await anonymous.request(RefreshDocument, {
        refreshToken: current.refreshToken,
      });
      if (!refresh.accessToken || !refresh.refreshToken) throw new Error('refresh refused');
      current = {
        accessToken: refresh.accessToken,
        refreshToken: refresh.refreshToken,
        expiresAt: Date.now() + (refresh.expiresIn ?? 900) * 1000,
      };
      store(current);
      return current.accessToken;
    } catch {
      current = null;
      store(null);
      onExpired();
      return null;
    } finally {
      renewing = null;
    }
  })();
  return renewing;
}

export type LoginResult = { ok: true } | { ok: false; mfaRequired: boolean; message?: string };

interface Session {
  client: CommerceClient;
  staff: AdminStaffFieldsFragment | null;
  /** True until a stored session has been checked with the router. */
  loading: boolean;
  can(permission: string): boolean;
  login(email: string, password: string, mfaCode?: string): Promise<LoginResult>;
  logout(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [staff, setStaff] = useState<AdminStaffFieldsFragment | null>(null);
  const [loading, setLoading] = useState(current !== null);
  const expired = useCallback(() => setStaff(null), []);

  const client = useMemo(
    () =>
      createCommerceClient({
        url: graphqlUrl,
        getToken: () => current?.accessToken,
        refresh: () => renew(expired),
      }),
    [expired],
  );

  useEffect(() => {
    if (!current) return;
    client
      .request(AdminStaffMeDocument)
      .then(({ staffMe }) => setStaff(staffMe ?? null))
      .catch(() => setStaff(null))
      .finally(() => setLoading(false));
  }, [client]);

  // Renew ahead of expiry, so that a subscription's socket never meets an expired token.
  useEffect(() => {
    if (!staff || !current) return;
    const timer = setTimeout(
      () => void renew(expired),
      Math.max(5_000, current.expiresAt - Date.now() - 60_000),
    );
    return () => clearTimeout(timer);
  }, [staff, expired]);

  const session = useMemo<Session>(
    () => ({
      client,
      staff,
      loading,
      can: (permission) => staff?.permissions.includes(permission) ?? false,
      async login(email, password, mfaCode) {
        const { staffLogin } = await anonymous.request(AdminStaffLoginDocument, {
          email,
          password,
          mfaCode: mfaCode || null,
        });
        if (staffLogin.mfaRequired && !staffLogin.accessToken)
          return { ok: false, mfaRequired: true, message: staffLogin.userErrors[0]?.message };
        if (!staffLogin.accessToken || !staffLogin.refreshToken || !staffLogin.staffUser)
          return {
            ok: false,
            mfaRequired: false,
            message: staffLogin.userErrors[0]?.message ?? 'Sign-in failed',
          };
        current = {
          accessToken: staffLogin.accessToken,
          refreshToken: staffLogin.refreshToken,
          expiresAt: Date.now() + (staffLogin.expiresIn ?? 900) * 1000,
        };
        store(current);
        setStaff(staffLogin.staffUser);
        return { ok: true };
      },
      async logout() {
        const refreshToken = current?.refreshToken;
        current = null;
        store(null);
        setStaff(null);
        await client.close();
        if (refreshToken) await anonymous.request(LogoutDocument, { refreshToken }).catch(() => {});
      },
    }),
    [client, staff, loading],
  );
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
