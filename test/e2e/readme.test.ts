import { readFileSync } from 'fs';
import * as path from 'path';
import { readmeWithOptions, renderOptionsTable } from '../../scripts/readme-options';

const ROOT = path.resolve(__dirname, '..', '..');
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf-8');

describe('the README tells the truth', () => {
  test('the options table is the one the jsii assembly gives (run `npx projen readme-options` after a change)', () => {
    expect(readmeWithOptions(readme, renderOptionsTable())).toBe(readme);
  });

  test('every option has a documented default or is required', () => {
    const assembly = JSON.parse(readFileSync(path.join(ROOT, '.jsii'), 'utf-8'));
    for (const p of assembly.types['projen-netbox-pomerium.NetboxPomeriumProjectOptions'].properties) {
      expect({ option: p.name, documented: p.optional ? Boolean(p.docs?.default) : true }).toEqual({ option: p.name, documented: true });
    }
  });

  test('the two commands it names exist and the test command runs the suite', () => {
    expect(readme).toContain('bash scripts/create-example.sh');
    expect(readme).toContain('bash .ci/run');
    expect(readFileSync(path.join(ROOT, '.ci', 'run'), 'utf-8')).toMatch(/^npx projen test$/m);
  });
});
