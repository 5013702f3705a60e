import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DatabaseLocation } from '../config.js';
import { settingMadeOnce } from '../store/instance-settings.js';
import type { Db } from '../store/schema.js';

/**
 * The key that signs cookies. Taken from PAPERBOY_SECRET when set (several servers must share it);
 * otherwise made once and kept in the data folder, so a single machine needs no set-up and
 * sessions survive restarts.
 */
export function serverSecret(dataDir: string, configured: string | null): string {
  if (configured) return configured;
  const file = secretFile(dataDir);
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(dataDir, { recursive: true });
    const secret = newSecret();
    // 'wx' so two processes starting at once never overwrite each other's key.
    try {
      fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
      return secret;
    } catch {
      return fs.readFileSync(file, 'utf8').trim();
    }
  }
}

/**
 * The secret every process of an instance signs with, when PAPERBOY_SECRET is not set: on SQLite
 * null (serverSecret keeps it beside the database file, on the one machine); on PostgreSQL the
 * one stored in the database, since the processes may run on machines that share no folder. The
 * first process makes it: from its data folder's secret.key if it has one (an instance moved from
 * SQLite keeps its sessions and the links in mails it sent), else at random.
 */
export async function sharedSecret(db: Db, location: DatabaseLocation, dataDir: string): Promise<string | null> {
  if (location.kind !== 'postgres') return null;
  return settingMadeOnce(db, 'secret', () => {
    try {
      return fs.readFileSync(secretFile(dataDir), 'utf8').trim() || newSecret();
    } catch {
      return newSecret();
    }
  });
}

function secretFile(dataDir: string): string {
  return path.join(dataDir, 'secret.key');
}

function newSecret(): string {
  return crypto.randomBytes(32).toString('base64url');
}
