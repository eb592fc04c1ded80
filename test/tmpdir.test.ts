import { realpathSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { isInside, safeTmpdir } from './setup-tmpdir';

const REPO = realpathSync(path.resolve(__dirname, '..'));

describe('tests never write into the checkout', () => {
  test('the temp dir a test sees does not contain this checkout (projen would synthesize into it and delete it)', () => {
    // Fails for a checkout under the system temp dir when the global setup has no effect on the workers.
    expect(isInside(REPO, realpathSync(tmpdir()))).toBe(false);
  });

  test('a checkout under the system temp dir gets another temp dir, outside the checkout', () => {
    const safe = safeTmpdir('/tmp/ci-clone/main', '/tmp');
    expect(safe).not.toBe('/tmp');
    expect(isInside('/tmp/ci-clone/main', safe)).toBe(false);
    expect(isInside(safe, '/tmp/ci-clone/main')).toBe(false);
  });

  test('a checkout elsewhere keeps the system temp dir', () => {
    expect(safeTmpdir('/work/main', '/tmp')).toBe('/tmp');
    expect(isInside('/tmpfoo/repo', '/tmp')).toBe(false);
  });
});
