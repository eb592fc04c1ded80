import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { parse } from 'yaml';

/* eslint-disable @typescript-eslint/no-require-imports */
// The current compose-spec schema, copied into the repository (see test/schemas/README.md).
const composeSpecSchema = require('./schemas/compose-spec.json');

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

/** The docker CLI's Swarm stack loader: `docker stack config -c FILE` (no daemon needed). */
export function dockerStackConfig(dir: string, file: string, env: NodeJS.ProcessEnv = {}): ToolResult {
  return run('docker', ['stack', 'config', '-c', file], dir, env);
}

/**
 * The schema names draft-07 by an https address Ajv does not register (Ajv knows the http one);
 * its keywords are draft-07's, so drop `$schema` and let Ajv compile it as its default draft-07.
 */
function ajvReady(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _schema, ...rest } = schema;
  return rest;
}

let validateSchema: ReturnType<Ajv['compile']> | undefined;

/** Errors of the compose-spec JSON schema for a compose file's text (empty when valid). */
export function composeSpecErrors(yamlText: string): string[] {
  validateSchema ??= new Ajv({
    allErrors: true,
    strict: false,
    // The schema's custom formats: Go durations are checked, the port formats are left to Compose.
    formats: { duration: /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/, expose: true, ports: true, subnet_ip_address: true },
  }).compile(ajvReady(composeSpecSchema));
  const ok = validateSchema(parse(yamlText));
  return ok ? [] : (validateSchema.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
