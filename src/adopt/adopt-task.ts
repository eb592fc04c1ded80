import type { Project } from 'projen';
// The command module (and what it imports) loads only when the task runs, never during a synthesis.
import { DOTENV_BACKUP, libraryMain } from '../model/stack-names';

/** The `adopt` task of a deployment, and the git-ignored copies of `.env` it keeps. */
export function addAdoptTask(project: Project): void {
  project.gitignore.exclude(`/${DOTENV_BACKUP}*`);
  project.addTask('adopt', {
    description: 'Take over an existing NetBox (project name, volumes, secrets, Postgres, user claim): npx projen adopt -- <old compose file>',
    exec: `${libraryMain('adopt/adopt-command')} --`,
    receiveArgs: true,
  });
}
