// An ES module: its default export is the function; module state is fresh for every call.
let calls = 0;
const prefix = await Promise.resolve('module');
export default function (subject, payload) {
  calls += 1;
  return `${prefix}:${subject}:${new TextDecoder().decode(payload)}:${calls}`;
}
