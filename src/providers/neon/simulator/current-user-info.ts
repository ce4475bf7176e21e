import { RECORDED_USERS_ME_2024 } from './recorded-users-me.ts';
import type { NeonUser } from './seed-schema.ts';

/** The `login` Neon derives when a seed leaves it out: the email's local part. */
export function loginOf(user: NeonUser): string {
  return user.login ?? user.email.split('@')[0];
}

function fullName(user: NeonUser): string {
  return [user.name, user.last_name].filter((part) => part !== '').join(' ');
}

/** A spec-complete `CurrentUserInfoResponse` (every field 2.7.3 marks required, plus billing). */
export function currentUserInfo(user: NeonUser, spendingLimitCents: number | null): Record<string, unknown> {
  const login = loginOf(user);
  return {
    active_seconds_limit: 0,
    billing_account: {
      state: 'active',
      payment_source: { type: 'card', card: { last4: '4242', brand: 'visa', exp_month: 12, exp_year: 2030 } },
      subscription_type: 'scale_v3',
      payment_method: 'stripe',
      quota_reset_at_last: '2024-02-01T00:00:00Z',
      name: fullName(user),
      email: user.email,
      address_city: '',
      address_country: '',
      address_line1: '',
      address_line2: '',
      address_postal_code: '',
      address_state: '',
      plan_details: { name: user.plan, version: { major: 3, minor: 0 } },
      spending_limit_cents: spendingLimitCents,
    },
    auth_accounts: [{ email: user.email, image: user.image, login, name: fullName(user), provider: user.provider }],
    email: user.email,
    id: user.id,
    image: user.image,
    login,
    name: user.name,
    last_name: user.last_name,
    projects_limit: 1000,
    branches_limit: 5000,
    max_autoscaling_limit: 16,
    compute_seconds_limit: 0,
    plan: user.plan,
  };
}

/**
 * The recorded 2024 body with the caller's identity substituted: same fields, same order, same
 * spec violations (full name in `name`, empty `last_name`, billing fields missing).
 */
export function realisticCurrentUserInfo(user: NeonUser): Record<string, unknown> {
  const body = structuredClone(RECORDED_USERS_ME_2024) as unknown as {
    billing_account: { email: string };
    auth_accounts: { email: string; image: string; login: string; name: string; provider: string }[];
    email: string;
    id: string;
    image: string;
    login: string;
    name: string;
    last_name: string;
  };
  const login = loginOf(user);
  const name = fullName(user);
  body.billing_account.email = user.email;
  body.auth_accounts = [{ email: user.email, image: user.image, login, name, provider: user.provider }];
  body.email = user.email;
  body.id = user.id;
  body.image = user.image;
  body.login = login;
  body.name = name;
  body.last_name = '';
  return body as unknown as Record<string, unknown>;
}
