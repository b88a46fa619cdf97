import { LatheError } from '../core/base/errors';
import type { Database } from './db';
import { ALIAS_PATTERN, parseAliasRecord, parseModelRecord, type AliasRecord } from './models';

export interface AliasMethods {
  /** Points `alias` at a model, remembering where it pointed before (for rollback). */
  setAlias(alias: string, modelId: string): Promise<AliasRecord>;
  /** Moves the alias back to its previous model. */
  rollbackAlias(alias: string): Promise<AliasRecord>;
  removeAlias(alias: string): Promise<void>;
  listAliases(): Promise<AliasRecord[]>;
}

export function aliasMethods(database: Database): AliasMethods {
  const { db, withLock, changed } = database;

  return {
    async setAlias(alias, modelId) {
      if (!ALIAS_PATTERN.test(alias)) {
        throw new LatheError(
          'INVALID_ALIAS',
          `"${alias}" is not a usable alias: use 1–40 lowercase letters, digits, - or _, starting with a letter.`
        );
      }
      const record = await withLock(async () => {
        if (!parseModelRecord(await db.get('models', modelId)).ok) {
          throw new LatheError('MODEL_NOT_FOUND', `There is no saved model ${modelId}.`, {
            modelId
          });
        }
        const current = parseAliasRecord(await db.get('aliases', alias));
        const now = Date.now();
        const next: AliasRecord = current.ok
          ? current.record.modelId === modelId
            ? current.record
            : {
                alias,
                modelId,
                history: [
                  ...current.record.history,
                  { modelId: current.record.modelId, at: current.record.movedAt }
                ].slice(-50),
                movedAt: now
              }
          : { alias, modelId, history: [], movedAt: now };
        await db.put('aliases', next);
        return next;
      });
      changed();
      return record;
    },

    async rollbackAlias(alias) {
      const record = await withLock(async () => {
        const current = parseAliasRecord(await db.get('aliases', alias));
        const history = current.ok ? [...current.record.history] : [];
        const previous = history.pop();
        if (!previous) {
          throw new LatheError(
            'NOTHING_TO_ROLL_BACK',
            `"${alias}" has no earlier version to move back to.`
          );
        }
        const next: AliasRecord = {
          alias,
          modelId: previous.modelId,
          history,
          movedAt: Date.now()
        };
        await db.put('aliases', next);
        return next;
      });
      changed();
      return record;
    },

    async removeAlias(alias) {
      await withLock(() => db.delete('aliases', alias));
      changed();
    },

    async listAliases() {
      return (await db.getAll('aliases'))
        .map(parseAliasRecord)
        .flatMap((a) => (a.ok ? [a.record] : []))
        .sort((a, b) => a.alias.localeCompare(b.alias));
    }
  };
}
