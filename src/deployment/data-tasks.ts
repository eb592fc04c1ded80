import { FileBase, IResolver, Project } from 'projen';
import { DATA_SCRIPT, renderDataScript } from './data-script';
import type { StackModel } from '../model/deployment-model';

/** The task names; the Postgres guard's upgrade steps refer to them. */
export const DATA_TASKS = { backup: 'backup', restore: 'restore' } as const;

/** The generated, committed, executable backup/restore script. */
class DataScriptFile extends FileBase {
  constructor(project: Project, private readonly model: () => StackModel) {
    super(project, DATA_SCRIPT, { readonly: true, executable: true });
  }

  protected synthesizeContent(_resolver: IResolver): string | undefined {
    return [...renderDataScript(this.model(), this.marker), ''].join('\n');
  }
}

/**
 * `npx projen backup` and `npx projen restore -- <dump> [<media archive>]`, both running the
 * generated `scripts/netbox-data.sh` (one implementation, readable in the deployment repository).
 */
export function addDataTasks(project: Project, model: () => StackModel): void {
  new DataScriptFile(project, model);
  project.addTask(DATA_TASKS.backup, {
    description: 'Dump the NetBox database (pg_dump) and archive the media files into backups/, with a UTC timestamp',
    execArgs: ['bash', DATA_SCRIPT, 'backup'],
  });
  project.addTask(DATA_TASKS.restore, {
    description: 'Replace the NetBox database with a dump and restore the media files (npx projen restore -- backups/<file>.pgdump [<file>-media.tar.gz])',
    execArgs: ['bash', DATA_SCRIPT, 'restore'],
    receiveArgs: true,
  });
}
