import { join } from 'node:path'
import { z } from 'zod'
import {
  AlertCondition,
  AlertTarget,
  QuietHours,
  type AlertRule,
  type AlertRuleInput,
  type AlertRulePatch,
  AlertRuleInput as AlertRuleInputSchema,
} from '../../../shared/contract/alerts'
import { ApiError } from '../../../shared/errors'
import { JsonStore, type JsonDocument } from '../base/json-store'
import type { Logger } from '../base/logger'
import type { SecretCodec } from '../base/secret-box'
import { SecretVault } from '../base/secret-vault'

/**
 * A rule as the app uses it: like AlertRule, with the webhook token. In `<dataDir>/alerts.json`
 * the token is always null: it lives in the `alert` secret file (base/secret-box.ts). Files
 * written before that have it here in plain text, and it moves out on load.
 */
export const StoredRule = z.object({
  id: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  target: AlertTarget,
  condition: AlertCondition,
  forMinutes: z.number(),
  quietHours: QuietHours.nullable(),
  actions: z.object({
    notify: z.boolean(),
    mqtt: z.boolean(),
    webhook: z.object({ url: z.string(), token: z.string().nullable() }).nullable(),
  }),
  createdAt: z.number(),
  updatedAt: z.number(),
})
export type StoredRule = z.infer<typeof StoredRule>

const RulesFile = z.object({ rules: z.array(StoredRule) })

/** `alerts.json` (also checked by the backup before a restore). */
export const RULES_DOCUMENT: JsonDocument<typeof RulesFile> = {
  name: 'alerts.json',
  schema: RulesFile,
  version: 1,
}

export const MAX_RULES = 500

/** The UI's view: the token is replaced by whether one is set. */
export function toView(rule: StoredRule): AlertRule {
  const { webhook } = rule.actions
  return {
    ...rule,
    actions: {
      ...rule.actions,
      webhook: webhook === null ? null : { url: webhook.url, hasToken: webhook.token !== null },
    },
  }
}

/** `Too hot (living room)!` → `too-hot-living-room`; unique among `taken`. */
export function slugFor(name: string, taken: ReadonlySet<string>): string {
  const base =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/, '') || 'rule'
  if (!taken.has(base)) return base
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`
}

type Listener = (rules: readonly StoredRule[]) => void

/** The rule as alerts.json keeps it: no token. */
function withoutToken(rule: StoredRule): StoredRule {
  const webhook = rule.actions.webhook
  if (webhook === null || webhook.token === null) return rule
  return { ...rule, actions: { ...rule.actions, webhook: { ...webhook, token: null } } }
}

function withToken(rule: StoredRule, token: string | undefined): StoredRule {
  const webhook = rule.actions.webhook
  if (webhook === null || token === undefined) return rule
  return { ...rule, actions: { ...rule.actions, webhook: { ...webhook, token } } }
}

/**
 * Alert rules in lowdb (atomic writes, versioned, a corrupt file is set aside); their webhook
 * tokens in the `alert` secret file, under the rule's id.
 */
export class RuleStore {
  private readonly store: JsonStore<typeof RulesFile>
  private readonly vault: SecretVault
  private readonly listeners = new Set<Listener>()
  /** The rules with their tokens (what list() answers; rebuilt on every change). */
  private rules: StoredRule[] = []

  constructor(
    dataDir: string,
    private readonly logger: Logger,
    private readonly now: () => number,
    codec?: SecretCodec,
  ) {
    this.vault = new SecretVault({
      dataDir,
      domain: 'alert',
      logger,
      codec,
      now,
      lostHint: 'The alert rules are kept; enter their webhook tokens again.',
    })
    this.store = new JsonStore({
      ...RULES_DOCUMENT,
      file: join(dataDir, RULES_DOCUMENT.name),
      defaults: () => ({ rules: [] }),
      logger,
      now,
    })
  }

  get warnings(): readonly string[] {
    return [...this.store.warnings, ...this.vault.warnings]
  }

  async load(): Promise<void> {
    await this.store.load()
    await this.vault.load()
    const rules = this.store.data.rules.map((r) => withToken(r, this.vault.get(r.id).webhookToken))
    const plain = this.store.data.rules.filter((r) => (r.actions.webhook?.token ?? null) !== null)
    this.rules = rules
    if (plain.length === 0) return
    await this.vault.migrate('Webhook tokens in alerts.json', async () => {
      // Secret file first (inside write): a crash in between leaves the tokens in both files.
      await this.write(rules)
      this.logger.info('webhook tokens moved out of alerts.json', {
        rules: plain.length,
        to: this.vault.codecName,
      })
    })
  }

  list(): readonly StoredRule[] {
    return this.rules
  }

  get(id: string): StoredRule {
    const rule = this.rules.find((r) => r.id === id)
    if (!rule) throw new ApiError('NOT_FOUND', `No alert rule "${id}".`)
    return rule
  }

  async create(input: AlertRuleInput): Promise<StoredRule> {
    const rules = this.rules
    if (rules.length >= MAX_RULES) throw new ApiError('CONFLICT', `At most ${MAX_RULES} rules.`)
    const parsed = AlertRuleInputSchema.parse(input)
    const now = this.now()
    const webhook = parsed.actions.webhook
    const rule: StoredRule = {
      id: slugFor(parsed.name, new Set(rules.map((r) => r.id))),
      name: parsed.name,
      enabled: parsed.enabled,
      target: parsed.target,
      condition: parsed.condition,
      forMinutes: parsed.forMinutes,
      quietHours: parsed.quietHours,
      actions: {
        notify: parsed.actions.notify,
        mqtt: parsed.actions.mqtt,
        webhook: webhook === null ? null : { url: webhook.url, token: webhook.token ?? null },
      },
      createdAt: now,
      updatedAt: now,
    }
    await this.save([...rules, rule])
    return rule
  }

  /** Applies a patch; a webhook token left out is kept, null removes it. */
  async update(patch: AlertRulePatch): Promise<{ before: StoredRule; after: StoredRule }> {
    const before = this.get(patch.id)
    const actions = patch.actions
    let webhook = before.actions.webhook
    if (actions) {
      const next = actions.webhook
      webhook =
        next === null
          ? null
          : {
              url: next.url,
              token:
                next.token === undefined ? (before.actions.webhook?.token ?? null) : next.token,
            }
    }
    const after: StoredRule = {
      ...before,
      name: patch.name ?? before.name,
      enabled: patch.enabled ?? before.enabled,
      target: patch.target ?? before.target,
      condition: patch.condition ?? before.condition,
      forMinutes: patch.forMinutes ?? before.forMinutes,
      quietHours: patch.quietHours === undefined ? before.quietHours : patch.quietHours,
      actions: actions ? { notify: actions.notify, mqtt: actions.mqtt, webhook } : before.actions,
      updatedAt: this.now(),
    }
    await this.save(this.rules.map((r) => (r.id === patch.id ? after : r)))
    return { before, after }
  }

  async delete(id: string): Promise<StoredRule> {
    const rule = this.get(id)
    await this.save(this.rules.filter((r) => r.id !== id))
    return rule
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private async save(rules: StoredRule[]): Promise<void> {
    await this.write(rules)
    this.rules = rules
    for (const listener of this.listeners) listener(rules)
  }

  /** Tokens to the secret file, then the rules without them to alerts.json. */
  private async write(rules: StoredRule[]): Promise<void> {
    for (const rule of rules) {
      const token = rule.actions.webhook?.token ?? null
      this.vault.set(rule.id, token === null ? {} : { webhookToken: token })
    }
    this.vault.retain(new Set(rules.map((r) => r.id)))
    await this.vault.save()
    await this.store.replace({ rules: rules.map(withoutToken) })
  }
}
