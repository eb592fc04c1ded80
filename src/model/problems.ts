/**
 * Collects everything wrong with a declaration so that all of it is reported at once, before any
 * file is written. Every message follows one template:
 *
 *   `<option path>: <what is wrong> (got <value>). <how to fix>`
 */
export class DeclarationProblems {
  private readonly problems: string[] = [];

  /** Records one problem. `value` is shown as JSON so strings with spaces or newlines stay visible. */
  public add(optionPath: string, whatIsWrong: string, value: unknown, fix: string): void {
    this.problems.push(`${optionPath}: ${whatIsWrong} (got ${showValue(value)}). ${fix}`);
  }

  public get isEmpty(): boolean {
    return this.problems.length === 0;
  }

  public get messages(): readonly string[] {
    return this.problems;
  }

  /** Throws one error listing every problem, if there are any. */
  public throwIfAny(): void {
    if (this.isEmpty) return;
    const count = this.problems.length;
    throw new Error(
      `netbox-pomerium: the declaration has ${count} problem${count === 1 ? '' : 's'}; nothing was written.\n`
      + this.problems.map((p) => `  - ${p}`).join('\n'),
    );
  }
}

export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json;
}
