import type { Kysely, Selectable } from 'kysely';
import type { SecretBox } from '../secret-box.ts';
import type {
  DeliveryOutcome,
  DeliveryState,
  NewWebhookDelivery,
  WebhookDeliveryRecord,
  WebhookFilter,
  WebhookPatch,
  WebhookRecord,
  WebhookRows,
} from '../webhook-rows.ts';
import type { Database, WebhookDeliveriesTable, WebhooksTable } from './schema.ts';
import { sqlBool, whereText } from './sql-helpers.ts';

const now = () => new Date().toISOString();

export class SqlWebhookRows implements WebhookRows {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: 'sqlite' | 'postgres',
    private readonly box: SecretBox,
  ) {}

  async create(record: WebhookRecord) {
    await this.db
      .insertInto('webhooks')
      .values({
        ...record,
        event_types: JSON.stringify(record.event_types),
        is_active: sqlBool(this.dialect, record.is_active),
        secret: this.box.encrypt(record.secret),
      })
      .execute();
    return record;
  }

  async get(id: string) {
    const row = await this.db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
    return row && this.fromRow(row);
  }

  async list(f: WebhookFilter) {
    let q = this.db.selectFrom('webhooks').selectAll().where('environment_id', '=', f.environment_id);
    q = whereText(whereText(q, 'id', f.id), 'target_url', f.target_url);
    if (f.is_active !== undefined) q = q.where('is_active', '=', sqlBool(this.dialect, f.is_active));
    if (f.after) {
      const { created_at, id } = f.after;
      q = q.where((eb) => eb.or([eb('created_at', '>', created_at), eb.and([eb('created_at', '=', created_at), eb('id', '>', id)])]));
    }
    const rows = await q.orderBy('created_at').orderBy('id').limit(f.limit).execute();
    return rows.map((r) => this.fromRow(r));
  }

  async update(id: string, patch: WebhookPatch) {
    const changes: Partial<WebhooksTable> = { updated_at: now() };
    if (patch.target_url !== undefined) changes.target_url = patch.target_url;
    if (patch.event_types !== undefined) changes.event_types = JSON.stringify(patch.event_types);
    if (patch.is_active !== undefined) changes.is_active = sqlBool(this.dialect, patch.is_active);
    const res = await this.db.updateTable('webhooks').set(changes).where('id', '=', id).executeTakeFirst();
    return Number(res.numUpdatedRows) ? this.get(id) : undefined;
  }

  async delete(id: string) {
    // Deliveries first: SQLite enforces the cascade only with foreign_keys on, which a
    // rotation's or a tool's own connection may not set.
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('webhook_deliveries').where('webhook_id', '=', id).execute();
      const res = await trx.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    });
  }

  async enqueue(deliveries: NewWebhookDelivery[]) {
    if (!deliveries.length) return;
    const ts = now();
    await this.db
      .insertInto('webhook_deliveries')
      .values(
        deliveries.map((d) => ({
          ...d,
          state: 'pending',
          attempts: 0,
          claimed_by: null,
          claimed_until: null,
          last_status: null,
          last_error: null,
          delivered_at: null,
          created_at: ts,
          updated_at: ts,
        })),
      )
      .execute();
  }

  async claimDue(owner: string, at: string, until: string, limit: number) {
    const candidates = await this.db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', at)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', at)]))
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    const claimed: WebhookDeliveryRecord[] = [];
    for (const { id } of candidates) {
      // The same conditions again in the update: Postgres re-checks them on the row it locks, so
      // of two workers that read the same candidate, the second updates nothing.
      const res = await this.db
        .updateTable('webhook_deliveries')
        .set({ claimed_by: owner, claimed_until: until })
        .where('id', '=', id)
        .where('state', '=', 'pending')
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', at)]))
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) continue;
      const row = await this.getDelivery(id);
      if (row && row.claimed_by === owner) claimed.push(row);
    }
    return claimed;
  }

  async finish(id: string, owner: string, outcome: DeliveryOutcome) {
    const res = await this.db
      .updateTable('webhook_deliveries')
      .set({ ...outcome, claimed_by: null, claimed_until: null, updated_at: now() })
      .where('id', '=', id)
      .where('claimed_by', '=', owner)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async getDelivery(id: string) {
    const row = await this.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
    return row && deliveryFromRow(row);
  }

  async listDeliveries(webhookId: string) {
    const rows = await this.db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId).orderBy('created_at').orderBy('id').execute();
    return rows.map(deliveryFromRow);
  }

  private fromRow(row: Selectable<WebhooksTable>): WebhookRecord {
    return {
      ...row,
      event_types: JSON.parse(row.event_types) as string[],
      is_active: Boolean(row.is_active),
      secret: this.box.decrypt(row.secret),
    };
  }
}

function deliveryFromRow(row: Selectable<WebhookDeliveriesTable>): WebhookDeliveryRecord {
  return { ...row, state: row.state as DeliveryState, attempts: Number(row.attempts) };
}
