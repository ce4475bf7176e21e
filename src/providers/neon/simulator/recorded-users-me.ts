/**
 * The real `GET /users/me` body recorded against the live API on 2024-01-25
 * (neondatabase/neon-api-python `tests/cassettes/test_integration/test_me.yaml`), personal values
 * anonymised, field order kept. It breaks Neon's own spec: `billing_account` lacks the required
 * `state`, `payment_method` and `name`, `subscription_type` "free" is outside the enum, and
 * `name` holds the full name while `last_name` is empty (docs/providers/neon.md §3.1). The simulator's
 * realistic mode serves this shape so clients are tested against what Neon really sends.
 */
export const RECORDED_USERS_ME_2024 = {
  active_seconds_limit: 360000,
  billing_account: {
    payment_source: { type: '' },
    subscription_type: 'free',
    quota_reset_at_last: '2024-01-01T00:00:00Z',
    email: 'jane@example.com',
    address_city: '',
    address_country: '',
    address_line1: '',
    address_line2: '',
    address_postal_code: '',
    address_state: '',
    orb_portal_url: 'https://portal.withorb.com/view?token=…',
  },
  auth_accounts: [
    {
      email: 'jane@example.com',
      image: 'https://avatars.githubusercontent.com/u/1?v=4',
      login: 'janedoe',
      name: 'Jane Doe',
      provider: 'github',
    },
  ],
  email: 'jane@example.com',
  id: '838386f6-b5f1-4c3b-89a2-4f5a130ef3de',
  image: 'https://avatars.githubusercontent.com/u/1?v=4',
  login: 'janedoe',
  name: 'Jane Doe',
  last_name: '',
  projects_limit: 1,
  branches_limit: 10,
  max_autoscaling_limit: 0.25,
  plan: 'free',
} as const;
