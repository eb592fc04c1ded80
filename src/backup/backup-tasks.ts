import { Project } from 'projen';
import { dataScriptFacts, renderDataScript } from './backup-script';
import { backupUnitName, renderBackupService, renderBackupTimer, UNITS_DIR } from './backup-units';
import { composeCommand } from '../deployment/deployment-tasks';
import type { StackModel } from '../model/deployment-model';
import { FILES, TASKS } from '../model/stack-names';
import { addScriptTasks, CommentedTextFile, ExecutableScriptFile } from '../projen/generated-files';

/**
 * `npx projen backup`, `restore -- <set>` and `verify-backup -- <set>`, all running the generated
 * `scripts/netbox-data.sh`; with `backups` declared, the systemd service and timer that run the
 * backup on the host. Model and compose object are read lazily, so apps added later reach them.
 */
export function addBackupTasks(project: Project, model: () => StackModel, compose: () => Record<string, any>): void {
  new ExecutableScriptFile(project, FILES.dataScript,
    (marker) => renderDataScript(dataScriptFacts(model(), compose(), composeCommand(model())), marker));
  addScriptTasks(project, FILES.dataScript, [
    {
      name: TASKS.backup,
      description: 'Write a backup set to backups/<UTC time>/: database dump, every NetBox data volume, a manifest with checksums and row counts',
      args: ['backup'],
    },
    {
      name: TASKS.restore,
      description: 'Check a backup set, then replace the database and the NetBox volumes with it (npx projen restore -- backups/<set>|latest)',
      args: ['restore'],
      receiveArgs: true,
    },
    {
      name: TASKS.verifyBackup,
      description: 'Restore a backup set into a scratch database and scratch volumes, compare with its manifest, remove them (-- backups/<set>|latest)',
      args: ['verify'],
      receiveArgs: true,
    },
  ]);
  const m = model();
  if (m.backups.scheduled) {
    new CommentedTextFile(project, `${UNITS_DIR}/${backupUnitName(m.projectName, 'service')}`, () => renderBackupService(model().projectName));
    new CommentedTextFile(project, `${UNITS_DIR}/${backupUnitName(m.projectName, 'timer')}`,
      () => renderBackupTimer(model().projectName, model().backups));
  }
}
