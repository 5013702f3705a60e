import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './paths.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts the real `paperboy` command (from source, through tsx) with the given environment. It
 * does not read arXiv by itself unless the test says so (PAPERBOY_ARXIV_CATEGORIES).
 */
export function startCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src/cli/main.ts'), ...args], {
    cwd: repoRoot,
    env: { ...process.env, PAPERBOY_LOG_LEVEL: 'warn', PAPERBOY_ARXIV_CATEGORIES: 'none', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function finished(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return finished(startCli(args, env));
}
