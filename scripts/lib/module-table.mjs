// The runtime both build bundlers emit: every module as a function in one
// table, loaded once each, in import order, on first __load(id) — the
// CommonJS module semantics the modules were compiled for.

/** `modules`: [id, body] pairs; returns the table and its loader (no exports line). */
export function moduleTable(modules) {
  let out = 'const __modules = {\n';
  for (const [id, body] of modules) out += `${JSON.stringify(id)}: function (exports, module, require, __load) {\n${body}\n},\n`;
  return `${out}};
const __cache = {};
function __load(id) {
  const cached = __cache[id];
  if (cached) return cached.exports;
  const module = { exports: {} };
  __cache[id] = module;
  __modules[id].call(module.exports, module.exports, module, require, __load);
  return module.exports;
}
`;
}
