import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { describeRunCommands } from '../../src/run/execute-run.js';
import { describeRunSetting, recordRunSetting } from '../../src/run/run-setting.js';
import { planWorkspace, sharedVolumeFlag, sharedVolumeOf } from '../../src/run/workspace.js';
import { planTask } from '../../src/plan/plan.js';
import { buildStep, cmdStep, makeTask } from './make-task.js';

const HOME_KEY = 'c0ffee0000000000';

const podman: Engine = { name: 'podman', binary: 'podman', env: {} };
const docker: Engine = { name: 'docker', binary: 'docker', env: { DOCKER_HOST: 'tcp://127.0.0.1:2375' } };

describe('the workspace plan', () => {
  it('names the volume (copy) or the folder (bind) that .Run.SharedVolume shows', () => {
    expect(sharedVolumeOf(planWorkspace({ mode: 'copy', runId: 'r1', homeKey: HOME_KEY, contextDir: '/ctx' }))).toBe('taskrun-c0ffee-r1-workspace');
    expect(sharedVolumeOf(planWorkspace({ mode: 'bind', runId: 'r1', homeKey: HOME_KEY, contextDir: '/ctx' }))).toBe('/ctx');
    expect(sharedVolumeFlag('copy', { runId: 'r1', homeKey: HOME_KEY })).toBe('taskrun-c0ffee-r1-workspace');
    expect(sharedVolumeFlag('bind', { runId: 'r1', homeKey: HOME_KEY })).toBeUndefined();
  });

  it('creates and fills the workspace volume through the engine, mounts it, and removes it', () => {
    const task = makeTask([cmdStep({ id: 'a', cmd: 'busybox ls' }), buildStep({ id: 'b', build: '-t x .' })]);
    const commands = describeRunCommands({ task, plan: planTask(task), runId: 'r1', homeKey: HOME_KEY, engine: podman, contextDir: '/ctx', scratchDir: '/s', hasDockerignore: true });
    expect(commands.setup.slice(2)).toEqual([
      { argv: ['podman', 'volume', 'create', '--label', 'taskrun.run=r1', '--label', 'taskrun.home=c0ffee0000000000', 'taskrun-c0ffee-r1-workspace'] },
      { inputFrom: ['tar', '-c', '--null', '--no-recursion', '-C', '/ctx', '-T', '-'], argv: ['podman', 'volume', 'import', 'taskrun-c0ffee-r1-workspace', '-'] },
    ]);
    // docker (and podman over a connection) have no volume import: a busybox helper extracts the stream.
    const viaDocker = describeRunCommands({ task, plan: planTask(task), runId: 'r1', homeKey: HOME_KEY, engine: docker, contextDir: '/ctx', scratchDir: '/s' });
    expect(viaDocker.setup.slice(-2)).toEqual([
      {
        inputFrom: ['tar', '-c', '-C', '/ctx', '.'],
        argv: ['docker', 'run', '--interactive', '--network', 'none', '--name', 'taskrun-c0ffee-r1-workspace-fill', '--label', 'taskrun.run=r1', '--label', 'taskrun.home=c0ffee0000000000', '--volume', 'taskrun-c0ffee-r1-workspace:/workspace', 'busybox', 'tar', '-x', '-C', '/workspace'],
      },
      { argv: ['docker', 'rm', '--force', 'taskrun-c0ffee-r1-workspace-fill'] },
    ]);
    const remotePodman: Engine = { ...podman, env: { CONTAINER_HOST: 'ssh://core@vm/run/podman.sock' } };
    const viaConnection = describeRunCommands({ task, plan: planTask(task), runId: 'r1', homeKey: HOME_KEY, engine: remotePodman, contextDir: '/ctx', scratchDir: '/s' });
    expect(viaConnection.setup.at(-1)?.argv.slice(0, 4)).toEqual(['podman', 'run', '--interactive', '--rm']);
    const [cmd, build] = commands.steps;
    expect(cmd?.commands[0]?.argv).toContain('taskrun-c0ffee-r1-workspace:/workspace');
    expect(cmd?.commands[0]?.argv).not.toContain('--mount');
    expect(build?.commands).toEqual([{ argv: ['podman', 'build', '-t', 'x', '.'], cwd: '/s/workspace' }]);
    expect(commands.cleanup.at(-1)).toEqual({ argv: ['podman', 'volume', 'rm', '--force', 'taskrun-c0ffee-r1-home', 'taskrun-c0ffee-r1-workspace'] });
  });

  it('makes no volume for builds alone, nor with --bind', () => {
    const builds = makeTask([buildStep({ id: 'b', build: '-t x .' })]);
    expect(describeRunCommands({ task: builds, plan: planTask(builds), runId: 'r1', homeKey: HOME_KEY, engine: podman, contextDir: '/ctx', scratchDir: '/s' }).setup).toEqual([]);
    const cmd = makeTask([cmdStep({ id: 'a', cmd: 'busybox ls' })]);
    const bound = describeRunCommands({ task: cmd, plan: planTask(cmd), runId: 'r1', homeKey: HOME_KEY, engine: podman, contextDir: '/ctx', scratchDir: '/s', workspaceMode: 'bind' });
    expect(bound.setup.map((c) => c.argv.join(' '))).not.toContain('workspace');
    expect(bound.steps[0]?.commands[0]?.argv).toContain('type=bind,source=/ctx,target=/workspace');
  });

  it('says the mode and the endpoint in the first lines and the record', () => {
    const copy = { workspace: planWorkspace({ mode: 'copy', runId: 'r1', homeKey: HOME_KEY, contextDir: '/ctx' }), engine: docker, usesEngine: true };
    expect(describeRunSetting(copy, {})).toEqual([
      'Workspace: a copy of /ctx (volume taskrun-c0ffee-r1-workspace)',
      'Engine: docker at tcp://127.0.0.1:2375',
    ]);
    expect(recordRunSetting(copy, {})).toEqual({ workspace: { mode: 'copy', contextDir: '/ctx', volume: 'taskrun-c0ffee-r1-workspace' }, endpoint: 'tcp://127.0.0.1:2375' });
    const bind = { workspace: planWorkspace({ mode: 'bind', runId: 'r1', homeKey: HOME_KEY, contextDir: '/ctx' }), engine: podman, usesEngine: true };
    expect(describeRunSetting(bind, {})[0]).toBe('Workspace: /ctx, bind-mounted: steps write it (--bind)');
  });

  it('copies secret volumes into engine volumes with the copy, and binds their folders with --bind', () => {
    const task = makeTask([cmdStep({ id: 'a', cmd: 'busybox ls', volumeMounts: [{ name: 'creds', mountPath: '/run/creds' }] })], {
      volumes: [{ name: 'creds', secret: { 'token.txt': 'czNjcmV0' } }],
    });
    const copy = describeRunCommands({ task, plan: planTask(task), runId: 'r1', homeKey: HOME_KEY, engine: podman, contextDir: '/ctx', scratchDir: '/s' });
    expect(copy.setup.slice(-2)).toEqual([
      { argv: ['podman', 'volume', 'create', '--label', 'taskrun.run=r1', '--label', 'taskrun.home=c0ffee0000000000', 'taskrun-c0ffee-r1-vol-creds'] },
      { inputFrom: ['tar', '-c', '-C', '/s/volumes/creds', '.'], argv: ['podman', 'volume', 'import', 'taskrun-c0ffee-r1-vol-creds', '-'] },
    ]);
    expect(copy.steps[0]?.commands[0]?.argv.join(' ')).toContain('--volume taskrun-c0ffee-r1-vol-creds:/run/creds');
    expect(copy.cleanup.at(-1)?.argv).toContain('taskrun-c0ffee-r1-vol-creds');
    const bind = describeRunCommands({ task, plan: planTask(task), runId: 'r1', homeKey: HOME_KEY, engine: podman, contextDir: '/ctx', scratchDir: '/s', workspaceMode: 'bind' });
    expect(bind.steps[0]?.commands[0]?.argv.join(' ')).toContain('type=bind,source=/s/volumes/creds,target=/run/creds');
  });
});
