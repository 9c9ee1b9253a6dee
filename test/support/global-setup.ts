import { execFileSync } from 'node:child_process';

/** CLI tests run the compiled `kgqa` exactly as a user would, so build it once first. */
export default function setup(): void {
  execFileSync('npx', ['tsc', '-b', 'tsconfig.json'], { stdio: 'inherit' });
}
