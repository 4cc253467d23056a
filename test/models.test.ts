import { Model } from 'objection';
import { describe, expect, it } from 'vitest';
import type { AppRegistry } from '../src/index.js';
import { useRegistry } from './support/use-registry.js';

const memory = () => ({ client: 'better-sqlite3', connection: { filename: ':memory:' } }) as const;

class Note extends Model {
  static override tableName = 'notes';
  declare id: number;
  declare body: string;
}

async function withNotes(registry: AppRegistry, name: string, models: Record<string, unknown>) {
  const conn = await registry.registerApp(name, { database: memory(), models: { definitions: models as never } });
  await conn.knex.schema.createTable('notes', (t) => {
    t.increments('id');
    t.string('body');
    t.integer('author_id');
  });
  await conn.knex.schema.createTable('authors', (t) => {
    t.increments('id');
    t.string('name');
  });
  return conn;
}

describe('models', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry;

  it('binds the same Model class per app, so each app queries its own database', async () => {
    registry = createRegistry();
    const a = await withNotes(registry, 'tenant_a', { Note });
    const b = await withNotes(registry, 'tenant_b', { Note });
    await a
      .getModel('Note')
      .query()
      .insert({ body: 'only in a' } as never);
    expect(await a.getModel('Note').query().resultSize()).toBe(1);
    expect(await b.getModel('Note').query().resultSize()).toBe(0);
    expect(a.getModel('Note')).not.toBe(b.getModel('Note'));
    expect(a.getModel('Note').prototype).toBeInstanceOf(Note);
  });

  it('builds Model subclasses from plain definitions, with relations by model name', async () => {
    registry = createRegistry();
    const conn = await withNotes(registry, 'plain', {
      // Author names Note before Note is defined: binding happens only after every class is built.
      Author: {
        tableName: 'authors',
        relationMappings: {
          notes: { relation: Model.HasManyRelation, modelClass: 'Note', join: { from: 'authors.id', to: 'notes.author_id' } },
        },
      },
      Note: {
        tableName: 'notes',
        relationMappings: {
          author: { relation: Model.BelongsToOneRelation, modelClass: 'Author', join: { from: 'notes.author_id', to: 'authors.id' } },
        },
      },
    });
    const Author = conn.getModel('Author');
    const NoteModel = conn.getModel('Note');
    const author = (await Author.query().insert({ name: 'Ada' } as never)) as unknown as { id: number };
    await NoteModel.query().insert({ body: 'hi', author_id: author.id } as never);
    const [note] = (await NoteModel.query().withGraphFetched('author')) as unknown as { author: { name: string } }[];
    expect(note!.author.name).toBe('Ada');
    const [ada] = (await Author.query().withGraphFetched('notes')) as unknown as { notes: { body: string }[] }[];
    expect(ada!.notes.map((n) => n.body)).toEqual(['hi']);
    expect(registry.getStatus().apps['plain']!.models).toEqual(['Author', 'Note']);
  });

  it('registerModel/registerModels at runtime and a coded error for unknown models', async () => {
    registry = createRegistry();
    const conn = await withNotes(registry, 'runtime', {});
    conn.registerModels({ Note });
    expect(conn.getModel('Note').tableName).toBe('notes');
    expect(() => conn.getModel('Nope')).toThrow(expect.objectContaining({ code: 'KNEXUS_ERR_MODEL_NOT_FOUND', appName: 'runtime' }));
    expect(() => conn.registerModel('Bad', { idColumn: 'id' } as never)).toThrow(
      expect.objectContaining({ code: 'KNEXUS_ERR_INVALID_MODEL' }),
    );
  });
});
