import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '../..');

function sourceFiles(folder: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(folder, f));
}

test('no code outside lib/assembly reads the stack artifacts of a cloud assembly itself', () => {
  // Reading stacks means knowing the artifact type or going through the ros-cdk-cxapi reader: both belong to
  // lib/assembly/read.ts, which replay, rules:report, rules:verify, diff, policy, deploy-plan and the code publisher use.
  const readers = ['lib', 'ops', 'tools', 'bin']
    .flatMap(sourceFiles)
    .filter((file) => !file.startsWith(`lib${path.sep}assembly${path.sep}`))
    .filter((file) =>
      /aliyun:ros:stack|ros-cdk-cxapi|\bCloudAssembly\b/.test(fs.readFileSync(path.join(ROOT, file), 'utf8')),
    );

  assert.deepEqual(readers, []);
});
