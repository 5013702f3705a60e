import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../../src/store/db.js';

export interface TempDb {
  db: Db;
  dir: string;
  file: string;
  cleanup(): Promise<void>;
}

/** A real SQLite file in a fresh temporary folder, migrated to the latest schema. */
export async function tempDb(): Promise<TempDb> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-test-'));
  const file = path.join(dir, 'paperboy.sqlite');
  const db = await openDatabase(file);
  return {
    db,
    dir,
    file,
    async cleanup() {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
