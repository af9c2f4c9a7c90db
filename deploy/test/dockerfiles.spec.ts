import { join } from 'node:path';
import { exposedPorts, healthcheckCommand, lintDockerfile, parseDockerfile, parseImage, stages } from './dockerfile-rules';
import { DEPLOY, read, ROOT } from './files';

const DOCKERFILES = ['Dockerfile.api', 'Dockerfile.web', 'Dockerfile.openstack-sim'];

function rulesBroken(text: string): string[] {
  return [...new Set(lintDockerfile(text).map((violation) => violation.rule))].sort();
}

describe('our Dockerfiles', () => {
  it.each(DOCKERFILES)('%s keeps every rule', (name) => {
    expect(lintDockerfile(read(join(DEPLOY, name)))).toEqual([]);
  });

  it.each([
    ['Dockerfile.api', '/livez', [8080]],
    ['Dockerfile.web', '/healthz', [5000]],
    ['Dockerfile.openstack-sim', '/identity/v3', [8700]],
  ])('%s checks its health on %s and exposes %j', (name, path, ports) => {
    const text = read(join(DEPLOY, name));
    expect(healthcheckCommand(text)).toContain(path);
    expect(exposedPorts(text)).toEqual(ports);
  });

  it.each(['Dockerfile.api', 'Dockerfile.openstack-sim'])('%s installs the runtime stage from the lock file the build wrote', (name) => {
    const all = stages(parseDockerfile(read(join(DEPLOY, name))));
    const final = all[all.length - 1]?.instructions ?? [];
    const ci = final.findIndex((instruction) => instruction.keyword === 'RUN' && /\bnpm ci\b/.test(instruction.args));
    const lock = final.findIndex(
      (instruction) => instruction.keyword === 'COPY' && /dist\/apps\/[\w-]+\/package-lock\.json/.test(instruction.args),
    );
    expect(ci).toBeGreaterThan(-1);
    expect(lock).toBeGreaterThan(-1);
    expect(lock).toBeLessThan(ci);
  });

  it("Dockerfile.api's image starts the API with the environment the quick start and the benchmark give it", () => {
    const all = stages(parseDockerfile(read(join(DEPLOY, 'Dockerfile.api'))));
    const runtimeEnv = Object.fromEntries(
      (all[all.length - 1]?.instructions ?? [])
        .filter((instruction) => instruction.keyword === 'ENV')
        .flatMap((instruction) => instruction.args.split(/\s+/).map((pair) => pair.split('=', 2))),
    );
    const expected = JSON.parse(read(join(ROOT, 'tools/api-env.json'))) as Record<string, string>;
    expect(Object.keys(expected)).not.toHaveLength(0);
    expect(runtimeEnv).toMatchObject(expected);
  });
});

describe('the Dockerfile rules', () => {
  const good = [
    'FROM node:24.21-bookworm-slim AS build',
    'RUN npm ci',
    'FROM node:24.21-bookworm-slim',
    'COPY --from=build /src/dist ./',
    'RUN npm ci --omit=dev',
    'USER 1000:1000',
    'HEALTHCHECK CMD ["node", "-e", "0"]',
  ];
  const replace = (from: string, to: string) => good.map((line) => (line === from ? to : line)).join('\n');

  it('accept a Dockerfile that keeps them', () => {
    expect(lintDockerfile(good.join('\n'))).toEqual([]);
  });

  it('reject a Dockerfile as ours were before: Node 20 and npm install in the runtime stage', () => {
    const before = [
      '# syntax=docker/dockerfile:1',
      'FROM node:20.20-bookworm-slim AS build',
      'RUN npm ci --no-audit --no-fund',
      'FROM node:20.20-bookworm-slim AS runtime',
      'RUN npm install --omit=dev --no-audit --no-fund && npm install --no-save pg@8.23.1',
      'USER node',
      'HEALTHCHECK --interval=10s CMD node -e "fetch(\'http://127.0.0.1:8080/v1/health\')"',
    ].join('\n');
    expect(rulesBroken(before)).toEqual(['node-24', 'npm-ci']);
  });

  it('reject an nginx image that runs as root without a health check, as the console did', () => {
    expect(
      rulesBroken(['FROM node:24.21-bookworm-slim AS build', 'RUN npm ci', 'FROM nginx:1.27-alpine', 'EXPOSE 5000'].join('\n')),
    ).toEqual(['healthcheck', 'non-root-user']);
  });

  it.each([
    ['FROM node', 'FROM node'],
    ['FROM node:latest', 'FROM node:latest'],
    ['FROM docker.io/library/node:latest', 'FROM docker.io/library/node:latest'],
    ['a build argument', 'FROM ${NODE_IMAGE}'],
  ])('reject an unpinned base image: %s', (_, from) => {
    expect(rulesBroken(replace('FROM node:24.21-bookworm-slim AS build', `${from} AS build`))).toContain('from-pinned');
  });

  it('accept a base image pinned by digest, and a stage built on an earlier stage', () => {
    const text = [...good, `FROM nginx@sha256:${'a'.repeat(64)} AS other`, 'FROM build', 'USER 1000', 'HEALTHCHECK CMD true'].join('\n');
    expect(rulesBroken(text)).toEqual([]);
  });

  it.each(['node:20.20-bookworm-slim', 'node:22-alpine', 'node:lts', 'registry.example.invalid:5000/node:18'])(
    'reject %s as not Node 24',
    (image) => {
      expect(rulesBroken(replace('FROM node:24.21-bookworm-slim AS build', `FROM ${image} AS build`))).toContain('node-24');
    },
  );

  it.each(['node:24', 'node:24-alpine', 'node:24.21.0-bookworm-slim', 'docker.io/library/node:24.21-bookworm-slim'])(
    'accept %s',
    (image) => {
      expect(rulesBroken(replace('FROM node:24.21-bookworm-slim AS build', `FROM ${image} AS build`))).toEqual([]);
    },
  );

  it.each(['USER root', 'USER 0', 'USER 0:0', 'USER root:node'])('reject a final stage that runs as root: %s', (user) => {
    expect(rulesBroken(replace('USER 1000:1000', user))).toEqual(['non-root-user']);
  });

  it('reject a USER set only in an earlier stage', () => {
    const text = ['FROM node:24.21-bookworm-slim AS build', 'USER node', 'FROM node:24.21-bookworm-slim', 'HEALTHCHECK CMD true'].join(
      '\n',
    );
    expect(rulesBroken(text)).toEqual(['non-root-user']);
  });

  it.each([
    ['no HEALTHCHECK', good.filter((line) => !line.startsWith('HEALTHCHECK')).join('\n')],
    ['HEALTHCHECK NONE', replace('HEALTHCHECK CMD ["node", "-e", "0"]', 'HEALTHCHECK NONE')],
  ])('reject %s', (_, text) => {
    expect(rulesBroken(text)).toEqual(['healthcheck']);
  });

  it.each(['RUN npm install', 'RUN npm i --omit=dev', 'RUN npm --no-audit install', 'RUN npm ci && npm add pg', 'RUN ["npm", "install"]'])(
    'reject %s',
    (run) => {
      expect(rulesBroken(replace('RUN npm ci --omit=dev', run))).toContain('npm-ci');
    },
  );

  it('reject a runtime stage that installs dev dependencies', () => {
    expect(rulesBroken(replace('RUN npm ci --omit=dev', 'RUN npm ci'))).toEqual(['npm-ci']);
  });

  it('read an npm install on a continuation line', () => {
    expect(rulesBroken(replace('RUN npm ci --omit=dev', 'RUN apt-get update && \\\n    npm install'))).toContain('npm-ci');
  });

  it('allow npm init and npm ci in build stages', () => {
    expect(rulesBroken(replace('RUN npm ci', 'RUN npm init -y && npm ci'))).toEqual([]);
  });

  it.each([
    'ADD https://example.invalid/tool.tar.gz /opt/',
    'ADD --chmod=755 http://example.invalid/x /x',
    'ADD git@example.invalid:a/b.git /src',
  ])('reject %s', (add) => {
    expect(rulesBroken([...good, add].join('\n'))).toEqual(['no-add-url']);
  });

  it('allow ADD of a local file', () => {
    expect(rulesBroken([...good, 'ADD vendor.tar.gz /opt/'].join('\n'))).toEqual([]);
  });

  it('read image references', () => {
    expect(parseImage('nginxinc/nginx-unprivileged:1.30-alpine')).toEqual({
      repository: 'nginxinc/nginx-unprivileged',
      tag: '1.30-alpine',
    });
    expect(parseImage('localhost:5000/library/node:24')).toEqual({ repository: 'node', tag: '24' });
    expect(parseImage('node@sha256:ab')).toEqual({ repository: 'node', tag: undefined, digest: 'sha256:ab' });
  });
});
