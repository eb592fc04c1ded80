import { parse } from 'yaml';
import { synth, Synthesized } from './util';
import type { NetboxPomeriumProjectOptions } from '../src';
import { K8S_FILES } from '../src/kubernetes/k8s-names';

/** A synthesis with kubernetes on: every manifest under k8s/ parsed, by path. */
export interface K8sSynth {
  readonly out: Synthesized;
  readonly manifests: Record<string, any>;
  readonly objects: any[];
  readonly kustomization: any;
  find(kind: string, name: string): any;
}

export function synthK8s(overrides: Partial<NetboxPomeriumProjectOptions> = {}): K8sSynth {
  const out = synth({ kubernetes: true, ...overrides });
  const kustomization = parse(out.files[K8S_FILES.kustomization]);
  const manifests: Record<string, any> = {};
  for (const resource of kustomization.resources as string[]) manifests[`k8s/${resource}`] = parse(out.files[`k8s/${resource}`]);
  const objects = Object.values(manifests);
  return {
    out,
    manifests,
    objects,
    kustomization,
    find: (kind, name) => {
      const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
      if (!found) throw new Error(`no ${kind} ${name}`);
      return found;
    },
  };
}

/** The env file's `NAME=value` lines as a map (comments skipped). */
export function envFile(content: string): Record<string, string> {
  return Object.fromEntries(content.split('\n').filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}
