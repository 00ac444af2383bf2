/**
 * docker-compose.yml, .env.example, the app's Dockerfile and .dockerignore. `docker compose
 * config` checks the file when the Docker Compose v2 CLI is installed; the rest reads the YAML
 * as Compose does (tests/deploy/compose-file.ts) and checks what Compose cannot: every variable
 * documented, FreeSWITCH never handed an empty value, ports published as FreeSWITCH announces
 * them, the app's resolved environment accepted by the app's own loadConfig.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { COMPOSE_FILE, documentedVariables, environmentOf, interpolate, readCompose, references, strings } from './compose-file.js'
import { assemble, REPO } from './freeswitch-xml.js'

const compose = readCompose()
const services = compose.services
const SECRETS = {
  POSTGRES_PASSWORD: 'pg-test-secret',
  REDIS_PASSWORD: 'redis-test-secret',
  FREESWITCH_PASSWORD: 'esl-test-secret',
  AGENT_PASSWORD_DEFAULT: 'agent-test-secret',
  CARRIER_PASSWORD: 'carrier-test-secret',
}

const composeV2 = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0

describe('docker-compose.yml', () => {
  it.runIf(composeV2)('is accepted by `docker compose config`, with and without the "scale" profile', () => {
    const envFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'opencc-compose-')), '.env')
    fs.writeFileSync(envFile, Object.entries(SECRETS).map(([k, v]) => `${k}=${v}\n`).join(''))
    for (const profile of [[], ['--profile', 'scale']]) {
      execFileSync('docker', ['compose', '--env-file', envFile, '-f', COMPOSE_FILE, ...profile, 'config', '--quiet'], { cwd: REPO, stdio: 'pipe' })
    }
  })

  it('runs FreeSWITCH, the app, PostgreSQL and Redis by default; a second app and node in profile "scale"', () => {
    const always = Object.entries(services).filter(([, s]) => !s.profiles).map(([n]) => n).sort()
    const scale = Object.entries(services).filter(([, s]) => s.profiles?.includes('scale')).map(([n]) => n).sort()
    expect(always).toEqual(['app', 'freeswitch', 'postgres', 'redis'])
    expect(scale).toEqual(['app-2', 'freeswitch-2'])
  })

  it('gives every service an image or a build; the app is built from the Dockerfile, FreeSWITCH from freeswitch/', () => {
    for (const [name, s] of Object.entries(services)) expect(s.image ?? s.build, name).toBeTruthy()
    for (const name of ['app', 'app-2']) expect(services[name]!.build).toBe('.')
    for (const name of ['freeswitch', 'freeswitch-2']) {
      const build = services[name]!.build as { context: string; args: Record<string, string> }
      expect(build.context).toBe('./freeswitch')
      expect(fs.existsSync(path.join(REPO, 'freeswitch/Dockerfile'))).toBe(true)
    }
    expect(services.postgres!.image).toMatch(/^postgres:\d+/)
    expect(services.redis!.image).toMatch(/^redis:\d+/)
  })

  it('declares every named volume and network it uses', () => {
    const declaredVolumes = Object.keys(compose.volumes ?? {})
    const declaredNetworks = Object.keys(compose.networks ?? {})
    for (const [name, s] of Object.entries(services)) {
      for (const v of s.volumes ?? []) {
        const source = v.split(':')[0]!
        if (!source.startsWith('.') && !source.startsWith('/')) expect(declaredVolumes, `${name}: volume ${source}`).toContain(source)
        else expect(fs.existsSync(path.join(REPO, source)), `${name}: ${source}`).toBe(true)
      }
      const nets = Array.isArray(s.networks) ? s.networks : Object.keys(s.networks ?? {})
      for (const n of nets) expect(declaredNetworks, `${name}: network ${n}`).toContain(n)
    }
    expect(declaredVolumes.sort()).toEqual(['pgdata', 'recordings', 'redisdata'])
    expect(services.postgres!.volumes).toContain('pgdata:/var/lib/postgresql/data')
  })

  it('checks the app with GET /health on port 3000, and the databases and FreeSWITCH too', () => {
    for (const name of ['app', 'app-2']) {
      const test = strings(services[name]!.healthcheck?.test).join(' ')
      expect(test).toContain('http://127.0.0.1:3000/health')
      expect(services[name]!.environment!.HTTP_PORT).toBe('3000')
    }
    for (const name of ['postgres', 'redis', 'freeswitch', 'freeswitch-2']) expect(services[name]!.healthcheck, name).toBeDefined()
    expect(services.app!.depends_on).toMatchObject({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } })
  })

  it('documents every variable it uses in .env.example, and lists every required one', () => {
    const documented = documentedVariables()
    const used = references(fs.readFileSync(COMPOSE_FILE, 'utf8'))
    const missing = [...new Set(used.map((r) => r.name))].filter((n) => !documented.has(n))
    expect(missing).toEqual([])
    // Required ones are listed with no value: the operator must fill them in.
    for (const r of used.filter((u) => u.op === ':?')) expect(documented.get(r.name), r.name).toBe('')
    expect(new Set(used.filter((u) => u.op === ':?').map((u) => u.name))).toEqual(new Set(Object.keys(SECRETS)))
    // .env is never committed.
    expect(fs.readFileSync(path.join(REPO, '.gitignore'), 'utf8').split('\n')).toContain('.env')
  })

  it('refuses to start without the secrets', () => {
    expect(() => environmentOf(services.app!, {})).toThrow(/POSTGRES_PASSWORD|FREESWITCH_PASSWORD/)
    expect(() => environmentOf(services.freeswitch!, {})).toThrow(/FREESWITCH_PASSWORD|AGENT_PASSWORD_DEFAULT|CARRIER_PASSWORD/)
  })

  it('never hands FreeSWITCH an empty value (env-set would take it as it is, an empty password)', () => {
    for (const name of ['freeswitch', 'freeswitch-2']) {
      for (const [key, value] of Object.entries(services[name]!.environment!)) {
        for (const r of references(String(value))) {
          const safe = r.op === ':?' || (r.op === ':-' && r.arg !== '')
          expect(safe, `${name}: ${key} uses \${${r.name}${r.op}${r.arg}}`).toBe(true)
        }
        // Even with every optional variable set to "", nothing comes out empty.
        const allEmpty = Object.fromEntries(references(String(value)).map((r) => [r.name, '']))
        expect(interpolate(String(value), { ...allEmpty, ...SECRETS }), `${name}: ${key}`).not.toBe('')
      }
    }
  })

  it("gives a caller whose app host drops packets the fallback within seconds: FreeSWITCH's containers retry a SYN twice (7 s), not 6 times (134 s)", () => {
    for (const name of ['freeswitch', 'freeswitch-2']) expect(services[name]!.sysctls, name).toMatchObject({ 'net.ipv4.tcp_syn_retries': 2 })
  })

  it('passes FreeSWITCH only variables its vars.xml reads', () => {
    const read = new Set(assemble().directives.filter((d) => d.cmd === 'env-set').map((d) => d.data.slice(d.data.indexOf('$') + 1)))
    for (const name of ['freeswitch', 'freeswitch-2']) {
      const unread = Object.keys(services[name]!.environment!).filter((k) => !read.has(k))
      expect(unread, name).toEqual([])
    }
  })

  it('publishes SIP and RTP under the ports FreeSWITCH announces, and never the event socket or 8084', () => {
    for (const name of ['freeswitch', 'freeswitch-2']) {
      const env = environmentOf(services[name]!, SECRETS)
      const ports = (services[name]!.ports ?? []).map((p) => interpolate(p, SECRETS))
      for (const spec of ports) {
        const m = /^(\d+(?:-\d+)?):(\d+(?:-\d+)?)\/(udp|tcp)$/.exec(spec)
        expect(m, spec).not.toBeNull()
        expect(m![1], `${name}: ${spec} publishes under another number`).toBe(m![2])
      }
      for (const proto of ['udp', 'tcp']) {
        expect(ports).toContain(`${env.FS_INTERNAL_SIP_PORT}:${env.FS_INTERNAL_SIP_PORT}/${proto}`)
        expect(ports).toContain(`${env.FS_EXTERNAL_SIP_PORT}:${env.FS_EXTERNAL_SIP_PORT}/${proto}`)
      }
      const rtp = `${env.FS_RTP_START_PORT}-${env.FS_RTP_END_PORT}`
      expect(ports).toContain(`${rtp}:${rtp}/udp`)
      expect(ports.some((p) => /(^|:)8021\//.test(p))).toBe(false)
    }
    for (const name of ['app', 'app-2']) {
      const ports = (services[name]!.ports ?? []).map((p) => interpolate(p, SECRETS))
      expect(ports.some((p) => p.includes('8084'))).toBe(false)
      // The HTTP API on loopback unless HTTP_BIND says otherwise.
      expect(ports.every((p) => p.startsWith('127.0.0.1:'))).toBe(true)
    }
    // The two nodes of profile "scale" share the machine: no port twice.
    const all = ['freeswitch', 'freeswitch-2'].flatMap((n) => (services[n]!.ports ?? []).map((p) => interpolate(p, SECRETS).split(':')[0]! + '/' + p.split('/')[1]))
    expect(new Set(all).size).toBe(all.length)
  })

  it("gives the app an environment its own loadConfig accepts in production, with the nodes and addresses FreeSWITCH uses", () => {
    const appEnv = (name: string): Record<string, string> => environmentOf(services[name]!, SECRETS)
    for (const name of ['app', 'app-2']) {
      const env = appEnv(name)
      expect(env.NODE_ENV).toBe('production')
      const config = loadConfig(env, '/app')
      // FreeSWITCH dials back the name of the service: each instance its own.
      expect(config.eslAdvertiseHost).toBe(name)
      expect(config.eslListen).toEqual({ host: '0.0.0.0', port: 8084 })
      expect(config.freeswitch.every((n) => n.password === SECRETS.FREESWITCH_PASSWORD && n.port === 8021)).toBe(true)
      // Paths FreeSWITCH must see at the same place: prompts and recordings.
      expect(config.promptsDir).toBe('/app/prompts')
      expect(config.recordingsDir).toBe('/var/lib/opencc/recordings')
      expect(config.databaseUrl).toBe(`postgres://opencc:${SECRETS.POSTGRES_PASSWORD}@postgres:5432/opencc`)
      expect(config.redisUrl).toBe(`redis://:${SECRETS.REDIS_PASSWORD}@redis:6379`)
    }
    expect(loadConfig(appEnv('app'), '/app').freeswitch.map((n) => n.host)).toEqual(['freeswitch'])
    expect(loadConfig(appEnv('app-2'), '/app').freeswitch.map((n) => n.host)).toEqual(['freeswitch', 'freeswitch-2'])
    // With FREESWITCH_NODES set as .env.example shows for "scale", the first instance drives both.
    expect(loadConfig(environmentOf(services.app!, { ...SECRETS, FREESWITCH_NODES: 'freeswitch:8021,freeswitch-2:8021' }), '/app').freeswitch).toHaveLength(2)
    // Each FreeSWITCH node hands its calls to an app instance's ESL_LISTEN_PORT, and mounts the
    // prompts and recordings where the app names them.
    for (const [fs_, app] of [['freeswitch', 'app'], ['freeswitch-2', 'app-2']] as const) {
      const env = environmentOf(services[fs_]!, SECRETS)
      expect(env.APP_SOCKET).toBe(`${app}:${appEnv(app).ESL_LISTEN_PORT}`)
      expect(env.PROMPTS_DIR).toBe(appEnv(app).PROMPTS_DIR)
      expect(env.RECORDINGS_DIR).toBe(appEnv(app).RECORDINGS_DIR)
      expect(services[fs_]!.volumes).toEqual(expect.arrayContaining(['./prompts:/app/prompts:ro', `recordings:${env.RECORDINGS_DIR}`, './freeswitch/conf:/etc/freeswitch:ro']))
      expect(services[app]!.volumes).toContain(`recordings:${env.RECORDINGS_DIR}`)
    }
    // The event socket admits the network the app is on.
    const subnet = interpolate(compose.networks!.telephony!.ipam!.config![0]!.subnet!, SECRETS)
    expect(environmentOf(services.freeswitch!, SECRETS).APP_NETWORK_CIDR).toBe(subnet)
    for (const name of ['app', 'app-2', 'freeswitch', 'freeswitch-2']) expect(services[name]!.networks).toContain('telephony')
    for (const name of ['postgres', 'redis']) expect(services[name]!.networks).toEqual(['backend'])
  })
})

describe('the app image', () => {
  const dockerfile = fs.readFileSync(path.join(REPO, 'Dockerfile'), 'utf8')
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))

  it('builds on an official Node.js LTS image, with npm install and npm run build, and runs dist/main.js as a non-root user', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:(20|22)[-.\w]*$/m)
    expect(instructions.filter((l) => l.startsWith('FROM '))).toEqual(['FROM ${NODE_IMAGE} AS build', 'FROM ${NODE_IMAGE}'])
    expect(instructions).toContain('RUN npm install --no-audit --no-fund')
    expect(instructions.some((l) => l.startsWith('RUN npm run build'))).toBe(true)
    expect(instructions.at(-1)).toBe('CMD ["node", "dist/main.js"]')
    const user = instructions.filter((l) => l.startsWith('USER ')).at(-1)
    expect(user).toBe('USER node')
    expect(instructions.some((l) => l.startsWith('HEALTHCHECK') && l.includes('/health'))).toBe(true)
    // npm run build writes dist/main.js (tsconfig.build.json: src -> dist), with the files the
    // compiled code reads beside it: the Redis Lua scripts and the pages' assets.
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    expect(pkg.scripts.build).toMatch(/^tsc -p tsconfig\.build\.json && /)
    expect(pkg.scripts.build).toContain('cp -r src/web/static dist/web/ && cp -r src/web/i18n dist/web/')
    // Every folder of Lua scripts there is, in the build and in the image.
    const luaDirs = fs.readdirSync(path.join(REPO, 'src')).filter((d) => fs.existsSync(path.join(REPO, 'src', d, 'lua')))
    expect(luaDirs).toEqual(expect.arrayContaining(['calls', 'queue', 'auth', 'lines']))
    for (const dir of luaDirs) {
      expect(pkg.scripts.build).toContain(`cp -r src/${dir}/lua dist/${dir}/`)
      expect(instructions).toContain(`COPY src/${dir}/lua ./dist/${dir}/lua`)
    }
    // The pages' dictionaries, read by dist/web/i18n.js from beside it.
    expect(instructions).toContain('COPY src/web/i18n ./dist/web/i18n')
    expect(pkg.scripts.start).toBe('node dist/main.js')
    const tsconfig = JSON.parse(fs.readFileSync(path.join(REPO, 'tsconfig.build.json'), 'utf8')) as { compilerOptions: { rootDir: string; outDir: string } }
    expect(tsconfig.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' })
    expect(fs.existsSync(path.join(REPO, 'src/main.ts'))).toBe(true)
  })

  it('carries the prompts, flows, queues and migrations the app loads at start, and .dockerignore lets them through', () => {
    const ignore = fs.readFileSync(path.join(REPO, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim())
    expect(ignore[ignore.findIndex((l) => l && !l.startsWith('#'))]).toBe('*')
    for (const dir of ['prompts', 'flows', 'queues', 'drizzle']) {
      expect(instructions).toContain(`COPY ${dir} ./${dir}`)
      expect(ignore).toContain(`!${dir}/`)
      expect(fs.existsSync(path.join(REPO, dir))).toBe(true)
    }
    for (const f of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']) expect(ignore).toContain(`!${f}`)
    for (const dir of ['src', 'patches']) expect(ignore).toContain(`!${dir}/`)
  })
})
