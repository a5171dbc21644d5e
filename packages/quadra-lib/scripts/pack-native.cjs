#!/usr/bin/env node
// prepack / postpack of @quadranet/lib: the tarball carries the C++ sources (native/, without the
// dev/ scratch) so that a platform with no prebuild can build from source at install time.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const pkgRoot = path.resolve(__dirname, '..');
const src = path.resolve(pkgRoot, '..', '..', 'native');
const dst = path.join(pkgRoot, 'native');
const mode = process.argv[2];

if (mode === 'copy') {
  if (!fs.existsSync(path.join(src, 'CMakeLists.txt'))) {
    console.error(`pack-native: ${src}/CMakeLists.txt not found`);
    process.exit(1);
  }
  fs.rmSync(dst, { recursive: true, force: true });
  fs.cpSync(src, dst, {
    recursive: true,
    filter: (p) => !/[\\/](dev|node_modules|build)([\\/]|$)/.test(path.relative(src, p) ? '/' + path.relative(src, p) : ''),
  });
} else if (mode === 'clean') {
  fs.rmSync(dst, { recursive: true, force: true });
} else {
  console.error('pack-native: expected copy or clean');
  process.exit(2);
}
