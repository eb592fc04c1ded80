import { JsonFile, Project } from 'projen';
import type { DoctorFacts } from './doctor-facts';
import { FILES, libraryMain, TASKS } from '../model/stack-names';

/**
 * `.projen/doctor.json` (the facts, rendered lazily so `addApp` reaches it) and
 * `npx projen doctor`, which runs the checks from the package's compiled `lib/`.
 */
export function addDoctor(project: Project, facts: () => DoctorFacts): void {
  new JsonFile(project, FILES.doctorFacts, { obj: () => facts(), readonly: true, marker: true });
  project.addTask(TASKS.doctor, {
    description: 'Check the host against the declaration before (and after) the first start: Docker, Compose, Traefik, DNS, the IdP, .env, the running stack',
    exec: libraryMain('doctor/doctor'),
  });
}
