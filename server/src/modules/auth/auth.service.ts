import type pg from 'pg';
import type { CurrentUser } from '@registry/shared/schemas/auth';
import { AppError, NotFoundError, UnauthenticatedError } from '../../errors';
import { forgetAuth, randomToken, sha256, TOKEN_PREFIX } from '../../plugins/auth';
import { hashPassword, verifyPassword } from './password';

export interface AuthServiceDeps {
  pool: pg.Pool;
  sessionTtlHours: number;
  maxFailures: number;
  lockMinutes: number;
}

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: CurrentUser['role'];
  carrier_id: number | null;
  carrier_code: string | null;
  locale: 'vi' | 'en';
  password_hash: string;
  disabled: boolean;
  failed_logins: number;
  locked_until: Date | null;
}

const toCurrentUser = (u: UserRow): CurrentUser => ({
  id: u.id,
  username: u.username,
  displayName: u.display_name,
  role: u.role,
  carrierId: u.carrier_id,
  carrierCode: u.carrier_code,
  locale: u.locale,
});

// A hash to verify against when the user does not exist, so that timing does
// not tell which usernames exist.
const dummyHash = hashPassword('not-a-real-password-0');

export function createAuthService(deps: AuthServiceDeps) {
  const { pool } = deps;

  async function findUser(where: string, value: string | number): Promise<UserRow | undefined> {
    const r = await pool.query<UserRow>(
      `SELECT u.id, u.username, u.display_name, u.role, u.carrier_id, c.code AS carrier_code, u.locale,
              u.password_hash, u.disabled, u.failed_logins, u.locked_until
         FROM users u LEFT JOIN carriers c ON c.id = u.carrier_id WHERE ${where}`,
      [value],
    );
    return r.rows[0];
  }

  return {
    /** Checks the password; locks the account after repeated failures. */
    async login(username: string, password: string): Promise<{ user: CurrentUser; sessionId: string; csrfToken: string; maxAgeSeconds: number }> {
      const user = await findUser('lower(u.username) = lower($1)', username);
      if (!user) {
        await verifyPassword(await dummyHash, password);
        throw new UnauthenticatedError('Wrong username or password');
      }
      if (user.locked_until && user.locked_until > new Date()) {
        throw new AppError('UNAUTHENTICATED', 401, `Account locked after repeated failed logins; try again after ${user.locked_until.toISOString()}`, [
          { path: 'username', message: 'locked', reason: 'locked' },
        ], { lockedUntil: user.locked_until.toISOString() }, {
          vi: 'Tài khoản tạm khóa do đăng nhập sai nhiều lần; vui lòng thử lại sau',
          en: 'Account locked after repeated failed logins; try again later',
        });
      }
      const ok = !user.disabled && (await verifyPassword(user.password_hash, password));
      if (!ok) {
        await pool.query(
          `UPDATE users SET failed_logins = failed_logins + 1,
                 locked_until = CASE WHEN failed_logins + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END
           WHERE id = $1`,
          [user.id, deps.maxFailures, deps.lockMinutes],
        );
        throw new UnauthenticatedError('Wrong username or password');
      }
      const sessionId = randomToken();
      const csrfToken = randomToken(24);
      const maxAgeSeconds = Math.round(deps.sessionTtlHours * 3600);
      await pool.query('UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1', [user.id]);
      await pool.query(
        `INSERT INTO sessions (id_hash, user_id, csrf_token, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
        [sha256(sessionId), user.id, csrfToken, maxAgeSeconds],
      );
      // Expired sessions are cleared opportunistically.
      await pool.query('DELETE FROM sessions WHERE expires_at < now()');
      return { user: toCurrentUser(user), sessionId, csrfToken, maxAgeSeconds };
    },

    async logout(sessionId: string | undefined): Promise<void> {
      if (!sessionId) return;
      await pool.query('DELETE FROM sessions WHERE id_hash = $1', [sha256(sessionId)]);
      forgetAuth({ sessionId });
    },

    async currentUser(userId: number): Promise<CurrentUser> {
      const user = await findUser('u.id = $1', userId);
      if (!user) throw new NotFoundError('User', userId);
      return toCurrentUser(user);
    },

    async listTokens(userId: number) {
      const r = await pool.query(
        `SELECT id, name, prefix, created_at, expires_at, revoked_at, last_used_at FROM api_tokens WHERE user_id = $1 ORDER BY id`,
        [userId],
      );
      return r.rows.map(tokenRow);
    },

    async createToken(userId: number, name: string, expiresInDays: number) {
      const token = TOKEN_PREFIX + randomToken();
      const r = await pool.query(
        `INSERT INTO api_tokens (user_id, name, prefix, token_hash, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(days => $5))
         RETURNING id, name, prefix, created_at, expires_at, revoked_at, last_used_at`,
        [userId, name, token.slice(0, 10), sha256(token), expiresInDays],
      );
      return { ...tokenRow(r.rows[0]), token };
    },

    async revokeToken(userId: number, tokenId: number) {
      const r = await pool.query(
        `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 AND user_id = $2
         RETURNING id, name, prefix, created_at, expires_at, revoked_at, last_used_at, token_hash`,
        [tokenId, userId],
      );
      if (!r.rows[0]) throw new NotFoundError('API token', tokenId);
      forgetAuth({ tokenHash: r.rows[0].token_hash as string });
      return tokenRow(r.rows[0]);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;

function iso(v: Date | null): string | null {
  return v ? v.toISOString() : null;
}

function tokenRow(r: Record<string, unknown>) {
  return {
    id: r.id as number,
    name: r.name as string,
    prefix: r.prefix as string,
    createdAt: (r.created_at as Date).toISOString(),
    expiresAt: (r.expires_at as Date).toISOString(),
    revokedAt: iso(r.revoked_at as Date | null),
    lastUsedAt: iso(r.last_used_at as Date | null),
  };
}
